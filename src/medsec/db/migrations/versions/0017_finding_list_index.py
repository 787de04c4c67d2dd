"""finding list index: a release's findings by status in id order (the list paged in SQL)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_finding_list", "finding", ["release_id", "status", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_finding_list", table_name="finding")
