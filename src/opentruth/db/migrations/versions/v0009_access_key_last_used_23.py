"""access keys: last use (GetAccessKeyLastUsed), issue 23

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: three nullable columns (a key never used has none)."""
    with op.batch_alter_table("iam_access_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_used_service", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("last_used_region", sa.String(length=32), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("iam_access_keys", schema=None) as batch_op:
        batch_op.drop_column("last_used_region")
        batch_op.drop_column("last_used_service")
        batch_op.drop_column("last_used_at")
