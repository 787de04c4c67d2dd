"""Backup and restore of the whole database: a consistent online snapshot (SQLite's backup API;
``pg_dump`` on PostgreSQL), restored only into an empty database, the audit log verified after.

These are whole-database operations: they take the engine, not a session, and own no
transaction of a command's unit of work.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, inspect

from medsec.audit import service as audit
from medsec.db.engine import make_session_factory
from medsec.errors import Conflict, InvalidInput, Unavailable

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True, slots=True)
class BackupRead:
    """What a backup or restore did: the file, its size, and the audit check after restore."""

    path: Path
    bytes: int
    kind: str  # sqlite | pg_dump
    check: audit.AuditCheck | None = None


def _sqlite_path(engine: Engine) -> Path:
    db = engine.url.database
    if not db or db == ":memory:":
        raise InvalidInput("an in-memory database cannot be backed up or restored")
    return Path(db)


def _pg_args(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and the environment carrying it."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
        url = url.set(password=None)
    return url.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Unavailable(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def backup(engine: Engine, out: Path) -> BackupRead:
    """Write a consistent snapshot of the database to ``out`` (refused when it exists)."""
    if out.exists():
        raise Conflict(f"{out}: exists; choose a new file")
    out.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        target = sqlite3.connect(out)
        try:
            source.backup(target)  # the online backup API: consistent while others write
        finally:
            target.close()
            source.close()
        os.chmod(out, 0o600)
        return BackupRead(out, out.stat().st_size, "sqlite")
    dsn, env = _pg_args(engine)
    cmd = [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "-f", str(out)]
    done = subprocess.run([*cmd, dsn], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        out.unlink(missing_ok=True)
        raise Unavailable(f"pg_dump failed: {done.stderr.strip()[:500]}")
    os.chmod(out, 0o600)
    return BackupRead(out, out.stat().st_size, "pg_dump")


def _is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def restore(engine: Engine, source: Path, *, audit_key: bytes | None) -> BackupRead:
    """Restore ``source`` into the engine's database, which must be empty; then verify the
    audit log (chain and keyed anchors). A restore whose log does not verify is refused and,
    on SQLite, removed again."""
    if not source.is_file():
        raise InvalidInput(f"{source}: no such backup file")
    head = source.open("rb").read(16)
    if engine.dialect.name == "sqlite":
        if not head.startswith(SQLITE_MAGIC):
            raise InvalidInput(f"{source}: not a SQLite backup (made by `medsec backup`)")
        path = _sqlite_path(engine)
        if path.exists() and path.stat().st_size > 0 and not _is_empty(engine):
            raise Conflict(f"{path}: the database is not empty; restore into an empty home")
        engine.dispose()
        for extra in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            extra.unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(path)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        os.chmod(path, 0o600)
        kind = "sqlite"
    else:
        if not head.startswith(PGDUMP_MAGIC):
            raise InvalidInput(f"{source}: not a pg_dump custom-format backup")
        if not _is_empty(engine):
            raise Conflict("the PostgreSQL database is not empty; restore into an empty database")
        dsn, env = _pg_args(engine)
        cmd = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "-d", dsn]
        done = subprocess.run(
            [*cmd, str(source)], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise InvalidInput(f"{source}: pg_restore failed: {done.stderr.strip()[:500]}")
        kind = "pg_dump"
    engine.dispose()
    with make_session_factory(engine)() as session:
        check = audit.verify(session, key=audit_key)
    if not check.ok and kind == "sqlite":
        engine.dispose()
        _sqlite_path(engine).unlink(missing_ok=True)
    return BackupRead(source, source.stat().st_size, kind, check)
