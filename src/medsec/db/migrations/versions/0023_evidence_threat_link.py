"""evidence results that verify a threat directly

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-07 05:50:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_threat_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=False),
        sa.Column("threat_id", sa.Integer(), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["evidence_result.id"],
            name=op.f("fk_evidence_threat_link_result_id_evidence_result"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["threat_id"],
            ["threat.id"],
            name=op.f("fk_evidence_threat_link_threat_id_threat"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_threat_link")),
        sa.UniqueConstraint(
            "result_id", "threat_id", name=op.f("uq_evidence_threat_link_result_id")
        ),
    )
    with op.batch_alter_table("evidence_threat_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_threat_link_result_id"), ["result_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_threat_link_threat_id"), ["threat_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_threat_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_threat_link_threat_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_threat_link_result_id"))
    op.drop_table("evidence_threat_link")
