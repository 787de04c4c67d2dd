"""Migration 0006 creates the CVD tables matching the models, and downgrades cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from medsec.db import migrate
from medsec.db.engine import make_engine
from medsec.models import Base

LATER = {"cvd_case": {"embargo_released_at", "embargo_released_by", "embargo_release_reason"}}
TABLES = {"cvd_case", "cvd_event", "cvd_attachment", "cvd_link", "cvd_coordination"}


def test_0006_up_and_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine, "0005")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine, "0006")
    insp = inspect(engine)
    assert set(insp.get_table_names()) >= TABLES
    for name in TABLES:
        stored = {c["name"] for c in insp.get_columns(name)}
        later = LATER.get(name, set())  # columns added by later migrations
        assert stored == set(Base.metadata.tables[name].columns.keys()) - later, name
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("cvd_case")}
    assert {("receipt_id",), ("cve_id",)} <= uniques
    command.downgrade(migrate.alembic_config(engine), "0005")
    assert migrate.current_revision(engine) == "0005"
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
