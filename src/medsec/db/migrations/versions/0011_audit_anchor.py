"""audit anchor: keyed checkpoints of the audit chain; a CVD case's early embargo release

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
    with op.batch_alter_table("cvd_case") as batch:
        batch.add_column(sa.Column("embargo_released_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("embargo_released_by", sa.String(200)))
        batch.add_column(sa.Column("embargo_release_reason", sa.Text()))


def downgrade() -> None:
    """Drop the audit checkpoint table and the embargo release columns."""
    with op.batch_alter_table("cvd_case") as batch:
        batch.drop_column("embargo_release_reason")
        batch.drop_column("embargo_released_by")
        batch.drop_column("embargo_released_at")
    op.drop_index("ix_audit_checkpoint_kind", table_name="audit_checkpoint")
    op.drop_table("audit_checkpoint")
