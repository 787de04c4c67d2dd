"""security advisories and their published revisions

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_advisory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tracking_id", sa.String(length=200), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("namespace", sa.Text(), nullable=False),
        sa.Column("release_ids", sa.JSON(), nullable=False),
        sa.Column("vulnerability_ids", sa.JSON(), nullable=False),
        sa.Column("clinician_note", sa.Text(), nullable=True),
        sa.Column("draft", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_security_advisory_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_advisory")),
        sa.UniqueConstraint("tracking_id", name=op.f("uq_security_advisory_tracking_id")),
    )
    op.create_index(
        op.f("ix_security_advisory_product_id"), "security_advisory", ["product_id"], unique=False
    )
    op.create_table(
        "security_advisory_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisory_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(length=10), nullable=False),
        sa.Column("csaf", sa.LargeBinary(), nullable=False),
        sa.Column("cyclonedx_vex", sa.LargeBinary(), nullable=False),
        sa.Column("openvex", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("sha512", sa.String(length=128), nullable=False),
        sa.Column("published_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["advisory_id"],
            ["security_advisory.id"],
            name=op.f("fk_security_advisory_revision_advisory_id_security_advisory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_advisory_revision")),
        sa.UniqueConstraint(
            "advisory_id", "number", name=op.f("uq_security_advisory_revision_advisory_id")
        ),
    )
    op.create_index(
        op.f("ix_security_advisory_revision_advisory_id"),
        "security_advisory_revision",
        ["advisory_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_security_advisory_revision_advisory_id"), table_name="security_advisory_revision"
    )
    op.drop_table("security_advisory_revision")
    op.drop_index(op.f("ix_security_advisory_product_id"), table_name="security_advisory")
    op.drop_table("security_advisory")
