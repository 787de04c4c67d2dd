"""The audit log's head anchor kept outside the database as well: a file in the medsec home.

Every committed append that moves the head anchor also writes it (last event id, event count,
head hash, its HMAC) to ``MEDSEC_HOME/audit-anchor.json`` (mode 0600), after the commit and
never backwards. Someone who can write the database can delete every event, every anchor,
every account and every product, and the log then looks like a fresh install; the file still
says how many events there were, and ``medsec db verify-audit`` compares the two.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.orm import Session

FILE_INFO = "audit_anchor_file"  # Session.info entry: where the file is (str)
_PENDING = "audit_anchor_pending"  # Session.info entry: the anchor to write after the commit


@dataclass(frozen=True, slots=True)
class OutsideAnchor:
    """The head anchor as the file holds it."""

    last_event_id: int
    events: int
    head_hash: str
    mac: str | None


def stage(session: Session, anchor: OutsideAnchor) -> None:
    """Remember the new head anchor; it is written when the transaction commits."""
    if session.info.get(FILE_INFO):
        session.info[_PENDING] = anchor


@event.listens_for(Session, "after_commit")
def _write_after_commit(session: Session) -> None:
    anchor = session.info.pop(_PENDING, None)
    path = session.info.get(FILE_INFO)
    if anchor is not None and path:
        write(Path(path), anchor)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def write(path: Path, anchor: OutsideAnchor) -> None:
    """Write the anchor unless the file already holds a later one (concurrent writers)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        current = _parse(handle.read())
        if current is not None and current.events >= anchor.events:
            return
        handle.seek(0)
        handle.truncate()
        handle.write(
            orjson.dumps(
                {
                    "last_event_id": anchor.last_event_id,
                    "events": anchor.events,
                    "head_hash": anchor.head_hash,
                    "mac": anchor.mac,
                },
                option=orjson.OPT_INDENT_2,
            )
        )
        handle.flush()
        os.fsync(handle.fileno())


def _parse(data: bytes) -> OutsideAnchor | None:
    if not data.strip():
        return None
    try:
        raw: Any = orjson.loads(data)
        return OutsideAnchor(
            int(raw["last_event_id"]), int(raw["events"]), str(raw["head_hash"]), raw.get("mac")
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None


class Unreadable(Exception):
    """The anchor file exists but is not an anchor."""


def read(path: Path) -> OutsideAnchor | None:
    """The anchor in the file; None when there is no file (Unreadable when it is garbage)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    anchor = _parse(data)
    if anchor is None:
        raise Unreadable(f"{path} is not an audit anchor")
    return anchor
