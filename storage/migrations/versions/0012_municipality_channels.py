"""municipality channels

Revision ID: 0012_municipality_channels
Revises: 0011_reporting
Create Date: 2026-11-23 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012_municipality_channels"
down_revision: str | None = "0011_reporting"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("channel_title", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "channel_username", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column("channel_language", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True)
        )
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_chat_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("polls", schema=None) as batch_op:
        batch_op.drop_column("channel_chat_id")
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("channel_language")
        batch_op.drop_column("channel_username")
        batch_op.drop_column("channel_title")
        batch_op.drop_column("channel_chat_id")
