"""Backup and restore on SQLite and PostgreSQL: the demo's database is snapshotted, restored
into an empty database, every table compares equal row by row, and the audit log verifies
(chain and keyed anchors). A non-empty target and a foreign file are refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from medsec.backup import service as backup
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.demo import service as demo
from medsec.errors import Conflict, InvalidInput
from medsec.models import Base

KEY = b"b" * 48


def _tables(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order."""
    out = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            stmt = select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(r) for r in conn.execute(stmt)]
    return out


@pytest.fixture
def world(engine, tmp_path) -> dict[str, list[tuple]]:
    """The demo built through a keyed session factory; returns every table's rows."""
    folder = tmp_path / "demo"
    folder.mkdir()
    with unit_of_work(make_session_factory(engine, audit_key=KEY)) as s:
        demo.build(s, folder)
    return _tables(engine)


def _empty_target(engine: Engine, tmp_path: Path) -> Engine:
    if engine.dialect.name == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'restored' / 'medsec.db'}")
    with engine.begin() as conn:  # the one test database: emptied, then restored into
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


def test_backup_then_restore_into_an_empty_database_gives_every_row_back(engine, world, tmp_path):
    assert sum(len(rows) for rows in world.values()) > 150
    assert len([t for t, rows in world.items() if rows]) >= 15
    out = tmp_path / "backup" / "medsec.backup"
    made = backup.backup(engine, out)
    assert made.bytes > 0 and out.stat().st_mode & 0o777 == 0o600
    with pytest.raises(Conflict, match="exists"):
        backup.backup(engine, out)
    with pytest.raises(Conflict, match="not empty"):
        backup.restore(engine, out, audit_key=KEY)
    target = _empty_target(engine, tmp_path)
    done = backup.restore(target, out, audit_key=KEY)
    assert done.check is not None and done.check.ok, done.check
    assert done.check.events == len(world["audit_event"]) and done.check.checkpoints >= 1
    assert _tables(target) == world


def test_a_restore_checks_the_anchors_with_the_instance_secret(engine, world, tmp_path):
    out = backup.backup(engine, tmp_path / "b.backup").path
    target = _empty_target(engine, tmp_path)
    done = backup.restore(target, out, audit_key=b"another instance's secret........")
    assert done.check is not None and done.check.failed == "anchor-key"


def test_a_file_that_is_not_a_backup_is_refused(engine, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    sqlite = engine.dialect.name == "sqlite"
    target = _empty_target(engine, tmp_path) if sqlite else engine  # refused before emptiness
    with pytest.raises(InvalidInput, match=r"notes\.txt"):
        backup.restore(target, bogus, audit_key=KEY)
