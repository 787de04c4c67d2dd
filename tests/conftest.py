"""Shared fixtures: where the real third-party data lives, and a database per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _find_shared_data() -> Path | None:
    env = os.environ.get("MEDSEC_SHARED_DATA")
    candidates = [Path(env)] if env else []
    candidates.append(ROOT.parent / "shared" / "data")
    for c in candidates:
        if c.is_dir() and (c / "README.md").exists():
            return c
    return None


SHARED_DATA = _find_shared_data()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The ../shared/data folder (or MEDSEC_SHARED_DATA); skips with a reason where absent."""
    if SHARED_DATA is None:
        pytest.skip("../shared/data is absent (set MEDSEC_SHARED_DATA); CI requires it")
    return SHARED_DATA


# --- databases -------------------------------------------------------------------------------
# SQLite (the embedded default): a fresh migrated file per test.
# PostgreSQL: set MEDSEC_TEST_DATABASE_URL; the schema is rebuilt once per run with the same
# migrations, and every table is emptied after each test. Under pytest-xdist each worker has a
# database of its own beside the named one (`test` -> `test_gw0`, `test_gw1`, ...), created when
# missing, so `pytest -m db -n 2` runs the PostgreSQL suite in parallel.


def _pg_url() -> str | None:
    url = os.environ.get("MEDSEC_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    from sqlalchemy import create_engine, make_url, text

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if found.first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


PG_URL = _pg_url()


@pytest.fixture(scope="session")
def _pg_engine():
    from medsec.db import migrate
    from medsec.db.engine import make_engine

    if not PG_URL:
        yield None
        return
    from sqlalchemy import text

    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        # the web tests' world snapshot (tests/web/conftest.py) from an earlier run: a backup
        # test dumps every schema, so nothing but medsec's own may be left in the database
        conn.execute(text("DROP SCHEMA IF EXISTS web_world_snap CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS web_world_snap CASCADE"))
    engine.dispose()


@pytest.fixture
def db_url(tmp_path, _pg_engine) -> str:
    """URL of a migrated, empty database for one test."""
    if _pg_engine is None:
        return f"sqlite:///{tmp_path / 'medsec.db'}"
    return PG_URL  # type: ignore[return-value]


@pytest.fixture
def engine(db_url, _pg_engine):
    """A migrated engine on an empty database (SQLite file or the PostgreSQL test database)."""
    from medsec.db import migrate
    from medsec.db.engine import make_engine
    from medsec.models import Base

    if _pg_engine is None:
        eng = make_engine(db_url)
        migrate.upgrade(eng)
        yield eng
        eng.dispose()
        return
    yield _pg_engine
    from sqlalchemy import text

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with _pg_engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def session_factory(engine):
    """Session factory on the test database."""
    from medsec.db.engine import make_session_factory

    return make_session_factory(engine)


@pytest.fixture
def cli(tmp_path, db_url, engine, monkeypatch, capsys):
    """Run the medsec CLI in-process on the test database; returns (exit code, stdout, stderr)."""
    from medsec.app.cli import main
    from medsec.cli import runtime

    monkeypatch.setenv("MEDSEC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("MEDSEC_DATABASE_URL", db_url)
    monkeypatch.setenv("MEDSEC_ACTOR", "tester")
    monkeypatch.setenv("COLUMNS", "250")

    def invoke(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        runtime.reset()
        code = 0
        try:
            main(list(args))
        except SystemExit as done:
            code = int(done.code or 0)
        finally:
            runtime.reset()
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


# --- CI: a skipped test is a failed promise ---------------------------------------------------


def pytest_sessionfinish(session, exitstatus):
    """With MEDSEC_CI_NO_SKIPS=1, fail the run when any test was skipped."""
    if os.environ.get("MEDSEC_CI_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; every suite must run", red=True)
        session.exitstatus = 1


_DB_FIXTURES = {"engine", "session_factory", "cli", "db_url"}


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses a database fixture with `db` (CI reruns those on PostgreSQL),
    and every test on the real third-party data with `slow` (`-m "not slow"` skips them)."""
    for item in items:
        if _DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if item.get_closest_marker("shared_data") or "shared_data" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.slow)
