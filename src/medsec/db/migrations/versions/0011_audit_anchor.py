"""audit anchor: keyed checkpoints of the audit chain (head and periodic)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the audit checkpoint table."""
    op.create_table(
        "audit_checkpoint",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("mac", sa.String(64), nullable=True),
    )
    op.create_index("ix_audit_checkpoint_kind", "audit_checkpoint", ["kind"])


def downgrade() -> None:
    """Drop the audit checkpoint table."""
    op.drop_index("ix_audit_checkpoint_kind", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
