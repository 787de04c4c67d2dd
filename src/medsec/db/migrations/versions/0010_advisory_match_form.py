"""advisory match form: the compact JSON text the stored re-match reads

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 2000

_advisory = sa.table(
    "advisory",
    sa.column("id", sa.Integer()),
    sa.column("withdrawn", sa.DateTime(timezone=True)),
    sa.column("affected", sa.JSON()),
    sa.column("configurations", sa.JSON()),
    sa.column("match_form", sa.Text()),
)


def _form(row: Any) -> str:
    """The form of medsec.vulns.codec.match_form at this revision (frozen here on purpose)."""
    affected = [
        [
            a["ecosystem"],
            a["name"],
            [
                [r["type"], [[e["kind"], e["value"]] for e in r["events"]]]
                for r in a.get("ranges") or ()
            ],
            list(a.get("versions") or ()),
        ]
        for a in row.affected or ()
    ]
    form = [row.withdrawn is not None, affected, list(row.configurations or ())]
    return orjson.dumps(form).decode()


def upgrade() -> None:
    op.add_column("advisory", sa.Column("match_form", sa.Text(), nullable=True))
    conn = op.get_bind()
    cols = (_advisory.c.id, _advisory.c.withdrawn, _advisory.c.affected, _advisory.c.configurations)
    last = 0
    while True:  # keyset batches: bounded memory on any number of advisories
        stmt = sa.select(*cols).where(_advisory.c.id > last).order_by(_advisory.c.id).limit(BATCH)
        rows = list(conn.execute(stmt))
        if not rows:
            break
        change = (
            sa.update(_advisory)
            .where(_advisory.c.id == sa.bindparam("v_id"))
            .values(match_form=sa.bindparam("v_form"))
        )
        conn.execute(change, [{"v_id": r.id, "v_form": _form(r)} for r in rows])
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("advisory") as batch:
        batch.drop_column("match_form")
