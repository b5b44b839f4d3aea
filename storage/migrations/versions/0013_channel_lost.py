"""a municipality's channel can be lost (the bot removed or demoted there)

Revision ID: 0013_channel_lost
Revises: 0012_municipality_channels
Create Date: 2026-11-30 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0013_channel_lost"
down_revision: str | None = "0012_municipality_channels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("channel_lost_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "channel_lost_reason", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("channel_lost_reason")
        batch_op.drop_column("channel_lost_at")
