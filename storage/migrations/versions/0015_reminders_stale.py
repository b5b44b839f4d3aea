"""applications marked for re-planning their reminders (batched by the reminder worker)

Revision ID: 0015_reminders_stale
Revises: 0014_member_invitations
Create Date: 2026-12-04 22:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_reminders_stale"
down_revision: str | None = "0014_member_invitations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reminders_stale", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    stale = sa.column("reminders_stale")
    op.create_index(
        "ix_submissions_reminders_stale",
        "submissions",
        ["reminders_stale"],
        postgresql_where=stale,
        sqlite_where=stale,
    )


def downgrade() -> None:
    op.drop_index("ix_submissions_reminders_stale", table_name="submissions")
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_column("reminders_stale")
