"""Migration 0013 creates the design-phase tables matching the models, lets a risk record hang
off a threat, and downgrades cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from medsec.db import migrate
from medsec.db.engine import make_engine
from medsec.models import Base

TABLES = {
    "system_model",
    "threat",
    "security_control",
    "control_link",
    "evidence_import",
    "evidence_result",
}


def test_0013_up_and_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine, "0010")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine, "0013")
    insp = inspect(engine)
    for name in TABLES | {"risk_record"}:
        stored = {c["name"] for c in insp.get_columns(name)}
        assert stored == set(Base.metadata.tables[name].columns.keys()), name
    risk_cols = {c["name"]: c for c in insp.get_columns("risk_record")}
    assert risk_cols["finding_id"]["nullable"] and risk_cols["threat_id"]["nullable"]
    command.downgrade(migrate.alembic_config(engine), "0010")
    insp = inspect(engine)
    assert not TABLES & set(insp.get_table_names())
    risk_cols = {c["name"]: c for c in insp.get_columns("risk_record")}
    assert "threat_id" not in risk_cols and not risk_cols["finding_id"]["nullable"]
    engine.dispose()


def test_0023_up_and_down(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine, "0018")
    assert "evidence_threat_link" not in inspect(engine).get_table_names()
    migrate.upgrade(engine, "0023")
    stored = {c["name"] for c in inspect(engine).get_columns("evidence_threat_link")}
    assert stored == set(Base.metadata.tables["evidence_threat_link"].columns.keys())
    command.downgrade(migrate.alembic_config(engine), "0018")
    assert "evidence_threat_link" not in inspect(engine).get_table_names()
    engine.dispose()
