"""functions

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 08:15:46.453802
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema: the functions (Lambda) table only."""
    op.create_table(
        "lambda_functions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("arn", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("runtime", sa.String(length=32), nullable=True),
        sa.Column("handler", sa.String(length=128), nullable=True),
        sa.Column("code_path", sa.String(length=1024), nullable=True),
        sa.Column("code_sha256", sa.String(length=64), nullable=True),
        sa.Column("code_size", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=True),
        sa.Column("timeout", sa.Integer(), nullable=False),
        sa.Column("memory_size", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=2048), nullable=True),
        sa.Column("description", sa.String(length=256), nullable=False),
        sa.Column("environment", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("policy", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("revision_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.account_id"], name=op.f("fk_lambda_functions_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lambda_functions")),
        sa.UniqueConstraint("account_id", "name", name=op.f("uq_lambda_functions_account_id_name")),
        sa.UniqueConstraint("arn", name=op.f("uq_lambda_functions_arn")),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("lambda_functions")
