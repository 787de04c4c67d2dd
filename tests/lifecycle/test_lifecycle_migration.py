"""Migration 0015 (lifecycle tables) runs up and down on SQLite and, with
MEDSEC_TEST_DATABASE_URL, on a PostgreSQL schema of its own."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from medsec.db import migrate
from medsec.db.engine import make_engine

TABLES = {"lifecycle_product", "lifecycle_mapping", "release_lifecycle"}


def _round_trip(engine) -> None:
    migrate.upgrade(engine, "0015")
    assert set(inspect(engine).get_table_names()) >= TABLES
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO lifecycle_mapping (purl_type, name, product_slug, created_at, "
                "created_by) VALUES ('deb', 'openssl', 'openssl', '2026-01-01', 't')"
            )
        )
    command.downgrade(migrate.alembic_config(engine), "0010")
    assert not TABLES & set(inspect(engine).get_table_names())
    assert migrate.current_revision(engine) == "0010"
    migrate.upgrade(engine, "0015")
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_0015_up_and_down(db_url, tmp_path):
    """On SQLite a fresh file; on PostgreSQL a schema of its own (the shared one stays)."""
    if not db_url.startswith("postgresql"):
        engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
        _round_trip(engine)
        engine.dispose()
        return
    admin = make_engine(db_url)
    with admin.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS lifecycle_migration CASCADE"))
        conn.execute(text("CREATE SCHEMA lifecycle_migration"))
    engine = make_engine(f"{db_url}?options=-csearch_path%3Dlifecycle_migration")
    try:
        _round_trip(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SHOW search_path")).scalar() == "lifecycle_migration"
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS lifecycle_migration CASCADE"))
        admin.dispose()
