"""Engine and session factories: SQLite (WAL, foreign keys) by default, PostgreSQL by URL."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(
    url: str, *, echo: bool = False, pool_size: int | None = None, max_overflow: int | None = None
) -> Engine:
    """Create an engine for ``url``; SQLite files get WAL mode and enforced foreign keys.
    ``pool_size``/``max_overflow`` size a server database's connection pool (default 5 + 10)."""
    kwargs: dict[str, Any] = {
        "echo": echo,
        "json_serializer": _json_dumps,
        "json_deserializer": orjson.loads,
    }
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:" and not path.startswith("file:"):
            _private_file(Path(path))
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if pool_size is not None:
        kwargs["pool_size"] = pool_size
    if max_overflow is not None:
        kwargs["max_overflow"] = max_overflow
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _private_file(path: Path) -> None:
    """Create the database's folder (0700) and an empty database file (0600) when new, so the
    data is never world-readable; SQLite gives its -wal and -shm files the same mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


BUSY_TIMEOUT_MS = 30_000  # a SQLite writer waits this long for another's transaction to end


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling runs SELECTs outside any transaction, so a read
    # followed by a write (the audit chain's "last hash, then append") could interleave with
    # another writer. medsec opens each transaction itself (see ``_sqlite_begin``).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE: the transaction takes SQLite's single write lock when it starts (waiting up to
    # the busy timeout), so whatever it reads stays current until it commits. Writers are
    # serialized, which is what an embedded single-file database does anyway; WAL keeps
    # readers outside medsec (backups, the sqlite3 shell) unblocked.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_session_factory(
    engine: Engine, *, audit_key: bytes | None = None, audit_anchor_file: Path | None = None
) -> sessionmaker[Session]:
    """Session factory bound to ``engine``; objects stay readable after commit. With
    ``audit_key`` (the instance secret) the audit log's anchors are keyed with it; with
    ``audit_anchor_file`` the head anchor is also written there after each commit."""
    info: dict[str, object] = {"audit_key": audit_key} if audit_key is not None else {}
    if audit_anchor_file is not None:
        info["audit_anchor_file"] = str(audit_anchor_file)
    return sessionmaker(bind=engine, expire_on_commit=False, info=info)


def installation_session_factory(
    settings: Any, engine: Engine | None = None
) -> sessionmaker[Session]:
    """The session factory of an installation: audit anchors keyed with its instance secret and
    the head anchor also written to its home, as the CLI and the server write them (background
    jobs too, so their events keep the chain verifiable)."""
    from medsec.config import ANCHOR_FILE, secret_key

    return make_session_factory(
        engine if engine is not None else make_engine(settings.database_url),
        audit_key=secret_key(settings),
        audit_anchor_file=settings.home / ANCHOR_FILE,
    )


BUSY_MARKERS = ("database is locked", "database table is locked", "deadlock detected")
BUSY_RETRY_AFTER = 2  # seconds a client is told to wait when the database is busy


def is_busy(error: BaseException) -> bool:
    """True for a database error that means "busy, try again" (SQLite lock timeout, a
    PostgreSQL deadlock or serialization failure, every pooled connection in use for the pool's
    timeout), not a fault of the request."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, OperationalError):
        return False
    code = getattr(error.orig, "sqlstate", None)
    return code in {"40001", "40P01", "55P03"} or any(m in str(error) for m in BUSY_MARKERS)
