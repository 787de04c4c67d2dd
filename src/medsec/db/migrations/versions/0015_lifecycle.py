"""lifecycle: endoflife.date products, mapping rows, release EOL/EOS

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lifecycle_product",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("purls", sa.JSON(), nullable=False),
        sa.Column("cpes", sa.JSON(), nullable=False),
        sa.Column("repology", sa.JSON(), nullable=False),
        sa.Column("cycles", sa.JSON(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lifecycle_product"),
        sa.UniqueConstraint("slug", name="uq_lifecycle_product_slug"),
    )
    op.create_table(
        "lifecycle_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purl_type", sa.String(50), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("product_slug", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_lifecycle_mapping"),
        sa.UniqueConstraint("purl_type", "name", name="uq_lifecycle_mapping_purl_type"),
    )
    op.create_table(
        "release_lifecycle",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("eol_planned", sa.Date(), nullable=True),
        sa.Column("eol_announced", sa.Date(), nullable=True),
        sa.Column("eol_announced_on", sa.Date(), nullable=True),
        sa.Column("eos_planned", sa.Date(), nullable=True),
        sa.Column("eos_announced", sa.Date(), nullable=True),
        sa.Column("eos_announced_on", sa.Date(), nullable=True),
        sa.Column("patchable", sa.Boolean(), nullable=False),
        sa.Column("controls", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name="fk_release_lifecycle_release_id_release",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_release_lifecycle"),
        sa.UniqueConstraint("release_id", name="uq_release_lifecycle_release_id"),
    )


def downgrade() -> None:
    op.drop_table("release_lifecycle")
    op.drop_table("lifecycle_mapping")
    op.drop_table("lifecycle_product")
