"""design phase: system models, threats, security controls and links, verification evidence;
risk records may hang off a threat (finding optional)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "system_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("source_format", sa.String(length=30), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=True),
        sa.Column("unmapped", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_system_model_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_system_model")),
        sa.UniqueConstraint("release_id", "version", name="uq_system_model_version"),
    )
    op.create_index(op.f("ix_system_model_release_id"), "system_model", ["release_id"])
    op.create_table(
        "threat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("library_id", sa.String(length=40), nullable=True),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("target_kind", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=20), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_threat_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat")),
        sa.UniqueConstraint("release_id", "key", name="uq_threat_key"),
    )
    op.create_index(op.f("ix_threat_release_id"), "threat", ["release_id"])
    op.create_table(
        "security_control",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("principles", sa.JSON(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("side_effects", sa.Text(), nullable=True),
        sa.Column("selectors", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_security_control_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_control")),
        sa.UniqueConstraint("product_id", "key", name="uq_security_control_key"),
    )
    op.create_index(op.f("ix_security_control_product_id"), "security_control", ["product_id"])
    op.create_table(
        "control_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("control_id", sa.Integer(), nullable=False),
        sa.Column("threat_id", sa.Integer(), nullable=True),
        sa.Column("finding_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["control_id"],
            ["security_control.id"],
            name=op.f("fk_control_link_control_id_security_control"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["threat_id"],
            ["threat.id"],
            name=op.f("fk_control_link_threat_id_threat"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["finding_id"],
            ["finding.id"],
            name=op.f("fk_control_link_finding_id_finding"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_control_link")),
    )
    for col in ("control_id", "threat_id", "finding_id"):
        op.create_index(op.f(f"ix_control_link_{col}"), "control_link", [col])
    op.create_table(
        "evidence_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("test_kind", sa.String(length=40), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("imported_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_evidence_import_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_import")),
    )
    op.create_index(op.f("ix_evidence_import_release_id"), "evidence_import", ["release_id"])
    op.create_table(
        "evidence_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("tool", sa.Text(), nullable=True),
        sa.Column("suite", sa.Text(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("triage", sa.String(length=20), nullable=True),
        sa.Column("triage_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["evidence_import.id"],
            name=op.f("fk_evidence_result_import_id_evidence_import"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["release.id"],
            name=op.f("fk_evidence_result_release_id_release"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_result")),
    )
    op.create_index(op.f("ix_evidence_result_import_id"), "evidence_result", ["import_id"])
    op.create_index("ix_evidence_result_release_kind", "evidence_result", ["release_id", "kind"])
    with op.batch_alter_table("risk_record") as batch:
        batch.alter_column("finding_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("threat_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_risk_record_threat_id_threat"),
            "threat",
            ["threat_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch.create_index(op.f("ix_risk_record_threat_id"), ["threat_id"])


def downgrade() -> None:
    op.execute("DELETE FROM risk_record WHERE finding_id IS NULL")
    with op.batch_alter_table("risk_record") as batch:
        batch.drop_index(op.f("ix_risk_record_threat_id"))
        batch.drop_constraint(op.f("fk_risk_record_threat_id_threat"), type_="foreignkey")
        batch.drop_column("threat_id")
        batch.alter_column("finding_id", existing_type=sa.Integer(), nullable=False)
    for table in (
        "evidence_result",
        "evidence_import",
        "control_link",
        "security_control",
        "threat",
        "system_model",
    ):
        op.drop_table(table)
