"""Migration 0016 creates the incident and sharing tables matching the models, and downgrades
cleanly (on SQLite here; the PostgreSQL run migrates the same chain)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from medsec.db import migrate
from medsec.db.engine import make_engine
from medsec.models import Base

TABLES = {
    "incident_plan",
    "incident_team_member",
    "incident_contact",
    "incident_exercise",
    "incident",
    "incident_event",
    "incident_evidence",
    "incident_custody",
    "incident_link",
    "incident_indicator",
    "incident_notification",
    "incident_action",
    "sharing_agreement",
    "shared_import",
    "shared_object",
}


def test_0016_up_and_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine, "0010")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine, "0016")
    insp = inspect(engine)
    assert set(insp.get_table_names()) >= TABLES
    for name in TABLES:
        stored = {c["name"] for c in insp.get_columns(name)}
        assert stored == set(Base.metadata.tables[name].columns.keys()), name
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("incident_custody")}
    assert ("evidence_id", "seq") in uniques
    assert ("ref",) in {tuple(u["column_names"]) for u in insp.get_unique_constraints("incident")}
    command.downgrade(migrate.alembic_config(engine), "0010")
    assert migrate.current_revision(engine) == "0010"
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
