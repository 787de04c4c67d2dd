"""Migrations run forward on an empty database and carry existing data across (0002 -> 0003)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import inspect, text

from medsec.db import migrate
from medsec.db.engine import make_engine

WHEN = "2026-01-01"


def _insert(conn: Any, table: str, **values: Any) -> None:
    cols = ", ".join(values)
    marks = ", ".join(f":{k}" for k in values)
    conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({marks})"), values)


def test_upgrade_moves_dependency_rows_into_the_sbom_row(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine, "0002")
    with engine.begin() as conn:
        _insert(conn, "manufacturer", id=1, name="M", created_at=WHEN)
        _insert(conn, "product", id=1, name="P", manufacturer_id=1, created_at=WHEN)
        _insert(
            conn,
            "release",
            id=1,
            product_id=1,
            version="1",
            use_environment="hospital",
            interfaces="[]",
            created_at=WHEN,
        )
        for sid in (1, 2):
            _insert(
                conn,
                "sbom",
                id=sid,
                release_id=1,
                revision=sid,
                is_current=sid == 2,
                format="cyclonedx",
                spec_version="1.6",
                encoding="json",
                authors="[]",
                tools="[]",
                source_name="x",
                sha256="h",
                size=1,
                original=b"\0",
                component_count=0,
                warnings="[]",
                imported_at=WHEN,
                imported_by="t",
            )
        _insert(conn, "dependency", sbom_id=1, ref="b", depends_on="c")
        _insert(conn, "dependency", sbom_id=1, ref="a", depends_on="b")
    assert migrate.current_revision(engine) == "0002"
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision(engine)
    assert "dependency" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        got = dict(conn.execute(text("SELECT id, dependencies FROM sbom ORDER BY id")).all())
    assert {k: json.loads(v) for k, v in got.items()} == {1: [["a", "b"], ["b", "c"]], 2: []}
