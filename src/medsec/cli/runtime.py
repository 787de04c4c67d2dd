"""What every CLI command shares: settings, the database, one unit of work, output helpers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from medsec.config import Settings, get_settings
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError, DocumentTooLarge, MedsecError, NotFound


class _LazyConsole:
    """A rich console made on first use, wide when output is not a terminal (pipes, files)."""

    def __init__(self, *, stderr: bool) -> None:
        self.stderr = stderr

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print through a console bound to the current stdout/stderr."""
        stream = sys.stderr if self.stderr else sys.stdout
        width = None if stream.isatty() else 200
        Console(file=stream, width=width, stderr=self.stderr).print(*objects, **kwargs)


console = _LazyConsole(stderr=False)
err_console = _LazyConsole(stderr=True)


class SchemaBehind(MedsecError):
    """The server database needs `medsec db upgrade` first."""

    status = 503
    code = "schema-behind"


@cache
def settings() -> Settings:
    """Settings for this process."""
    return get_settings()


@cache
def engine() -> Engine:
    """The engine for this process, migrated on first use when embedded."""
    cfg = settings()
    eng = make_engine(cfg.database_url)
    if cfg.is_embedded:
        migrate.ensure_current(eng)
    elif migrate.current_revision(eng) != migrate.head_revision(eng):
        raise SchemaBehind("the database schema is not current: run `medsec db upgrade`")
    return eng


@cache
def session_factory() -> sessionmaker[Session]:
    """The session factory for this process."""
    return make_session_factory(engine(), audit_key=audit_key())


@cache
def audit_key() -> bytes:
    """The instance secret that keys the audit log's anchors."""
    from medsec.config import secret_key

    return secret_key(settings())


@contextmanager
def uow() -> Iterator[Session]:
    """One transaction for one command."""
    with unit_of_work(session_factory()) as session:
        yield session


def actor() -> str:
    """Who is acting, for the audit log."""
    return f"cli:{settings().actor}"


def print_json(data: Any) -> None:
    """Write data as indented JSON to stdout (read models in their JSON form)."""
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2, default=_plain).decode() + "\n")


def _plain(value: Any) -> Any:
    """JSON form of what orjson does not know: a read model's JSON dump, else the text."""
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else str(value)


def reset() -> None:
    """Forget cached settings and engines (tests run several workspaces in one process)."""
    for fn in (settings, engine, session_factory, audit_key):
        fn.cache_clear()


def read_input(path: Path) -> bytes:
    """Read an input file, refusing one over MEDSEC_MAX_DOCUMENT_BYTES before reading it."""
    limit = settings().max_document_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            raise DocumentTooLarge(
                f"file is {size} bytes; the limit is {limit} (MEDSEC_MAX_DOCUMENT_BYTES)",
                source=str(path),
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise DocumentError("is a directory, not a file", source=str(path)) from exc
