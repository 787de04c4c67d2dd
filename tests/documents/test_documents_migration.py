"""Migration 0019 (plan versions, document revisions) runs up and down, on SQLite and, with
MEDSEC_TEST_DATABASE_URL, on a PostgreSQL schema of its own; its tables match the models."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from medsec.db import migrate
from medsec.db.engine import make_engine
from medsec.models import Base

TABLES = {"tplc_plan_version", "document_revision"}


def _round_trip(engine) -> None:
    migrate.upgrade(engine, "0019")
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = [d for d in diffs if any(t in repr(d) for t in TABLES)]
    assert mine == []
    command.downgrade(migrate.alembic_config(engine), "0018")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate.upgrade(engine, "0019")
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_0019_up_and_down(db_url, tmp_path):
    """On SQLite a fresh file; on PostgreSQL a schema of its own (the shared one stays)."""
    if not db_url.startswith("postgresql"):
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        _round_trip(engine)
        engine.dispose()
        return
    admin = make_engine(db_url)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS documents_migration CASCADE"))
        conn.execute(text("CREATE SCHEMA documents_migration"))
    engine = make_engine(f"{db_url}?options=-csearch_path%3Ddocuments_migration")
    try:
        _round_trip(engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS documents_migration CASCADE"))
        admin.dispose()
