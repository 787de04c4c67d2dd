"""product markets (jurisdiction profiles) and the language of an advisory's notes

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 05:20:00

Plain ``ADD COLUMN`` (no batch table copy): on SQLite a batch rebuild of ``product`` drops the
table, and with foreign keys on that would cascade to every release and SBOM.
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "product",
        sa.Column("markets", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.add_column(
        "security_advisory",
        sa.Column("lang", sa.String(length=5), nullable=False, server_default="en"),
    )


def downgrade() -> None:
    with op.batch_alter_table("security_advisory", schema=None) as batch_op:
        batch_op.drop_column("lang")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_column("markets")
