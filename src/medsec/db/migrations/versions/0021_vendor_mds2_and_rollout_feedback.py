"""vendor MDS2 statements filed by the hospital; rollout feedback imported onto advisories

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vendor_mds2",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("unknown", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("filed_by", sa.String(length=200), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["release_id"], ["release.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_vendor_mds2_release_id"), "vendor_mds2", ["release_id"])
    op.create_table(
        "rollout_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisory_id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("update_name", sa.Text(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("target_version", sa.Text(), nullable=False),
        sa.Column("failures", sa.JSON(), nullable=False),
        sa.Column("validations", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["advisory_id"], ["security_advisory.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["update_id"], ["software_update.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("advisory_id", "sha256"),
    )
    op.create_index(op.f("ix_rollout_feedback_advisory_id"), "rollout_feedback", ["advisory_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_rollout_feedback_advisory_id"), table_name="rollout_feedback")
    op.drop_table("rollout_feedback")
    op.drop_index(op.f("ix_vendor_mds2_release_id"), table_name="vendor_mds2")
    op.drop_table("vendor_mds2")
