"""What every CLI command shares: settings, the database, one unit of work, output helpers."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import orjson
from rich.console import Console
from rich.errors import MarkupError
from rich.markup import render as render_markup
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from medsec.config import ANCHOR_FILE, Settings, get_settings
from medsec.core.text import has_hidden, visible
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.errors import MedsecError


class _LazyConsole:
    """A rich console made on first use; when output is not a terminal (pipes, files) tables
    are laid out 200 wide and text lines are never broken."""

    def __init__(self, *, stderr: bool) -> None:
        self.stderr = stderr

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print through a console bound to the current stdout/stderr (bidi and control
        characters of the text shown as markers: ``medsec.core.text.visible``)."""
        stream = sys.stderr if self.stderr else sys.stdout
        width = None if stream.isatty() else 200
        shown = [_shown(o) for o in objects]
        console = Console(file=stream, width=width, stderr=self.stderr)
        if kwargs.get("markup") is not False and not _markup_ok(shown):
            kwargs["markup"] = False  # a stored name broke the markup: print the text as it is
        if width is not None and all(isinstance(o, str | Text) for o in shown):
            kwargs.setdefault("soft_wrap", True)  # piped lines are never broken (grep, CI logs)
        console.print(*shown, **kwargs)


def _markup_ok(objects: list[Any]) -> bool:
    """False when a string's rich markup does not parse (e.g. a product named ``P[/x]``
    interpolated into a message would otherwise end the command with a traceback)."""
    for obj in objects:
        if isinstance(obj, str) and "[" in obj:
            try:
                render_markup(obj)
            except MarkupError:
                return False
    return True


# Rich markup tags medsec's own messages use; any other tag in a string (from a stored name:
# ``[conceal]``, ``[link=...]``, ``[blink]``) is escaped so that it is shown as text.
OWN_TAGS = frozenset(
    f"{close}{tag}"
    for tag in ("bold", "red", "green", "yellow", "dim", "bold red", "bold green")
    for close in ("", "/")
) | {"/"}
_TAG = re.compile(r"(?<!\\)\[([a-z#/@][^\[\]]*?)\]")


def _own_markup_only(text: str) -> str:
    """Escape every rich markup tag in ``text`` that is not one of medsec's own."""
    return _TAG.sub(lambda m: m[0] if m[1] in OWN_TAGS else "\\" + m[0], text)


def _shown(renderable: Any) -> Any:
    """A string, Text or Table with its hidden characters made visible and foreign markup
    escaped (other objects as they are)."""
    if isinstance(renderable, str):
        return _own_markup_only(visible(renderable))
    if isinstance(renderable, Text):
        if not has_hidden(renderable.plain):
            return renderable
        return Text(visible(renderable.plain), style=renderable.style)
    if isinstance(renderable, Table):
        if renderable.title is not None:
            renderable.title = _shown(renderable.title)
        for column in renderable.columns:
            column._cells = [_shown(cell) for cell in column._cells]  # rich keeps them there
    return renderable


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
    anchor_file = settings().home / ANCHOR_FILE  # the audit head anchor outside the database
    return make_session_factory(engine(), audit_key=audit_key(), audit_anchor_file=anchor_file)


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
    return dump(mode="json", by_alias=True) if callable(dump) else str(value)


def reset() -> None:
    """Forget cached settings and engines (tests run several workspaces in one process)."""
    for fn in (settings, engine, session_factory, audit_key):
        fn.cache_clear()


def read_input(path: Path, *, limit: int | None = None, option: str | None = None) -> bytes:
    """Read an input file through `core.inbound`, refusing one over the document limit
    (MEDSEC_MAX_DOCUMENT_BYTES, or the stricter `limit` of a kind of document) before reading
    it; `option` names the command-line option the path came from."""
    from medsec.core.inbound import read_file

    cap = settings().max_document_bytes
    return read_file(path, limit=cap if limit is None else min(limit, cap), option=option)
