"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from medsec.models import AuditEvent
from medsec.models.base import utcnow

GENESIS = "0" * 64
CHAIN_LOCK = 0x6D65647365630001  # PostgreSQL advisory lock key serializing appends ("medsec"+1)


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "product_id": event.product_id,
        "details": event.details,
    }
    payload = prev_hash.encode() + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None = None,
    product_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log, chained to the previous one.

    Appends are serialized: on PostgreSQL a transaction-scoped advisory lock is held from the
    read of the last hash to the commit; on SQLite every transaction starts ``BEGIN IMMEDIATE``
    (see ``medsec.db.engine``), which holds the single write lock the same way.
    """
    _lock_chain(session)
    last = session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()
    prev = last or GENESIS
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        product_id=product_id,
        details=details or {},
        prev_hash=prev,
    )
    event.hash = _digest(prev, event)
    session.add(event)
    session.flush()
    return event


def _lock_chain(session: Session) -> None:
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def list_events(
    session: Session, *, product_id: int | None = None, limit: int = 100
) -> list[AuditEvent]:
    """The newest audit events, optionally for one product."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if product_id is not None:
        stmt = stmt.where(AuditEvent.product_id == product_id)
    return list(session.execute(stmt).scalars())


def verify_chain(session: Session) -> int | None:
    """Return the id of the first event whose hash does not verify, or None if the chain holds."""
    prev = GENESIS
    for event in session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars():
        if event.at.tzinfo is None:  # SQLite returns naive datetimes
            event.at = event.at.replace(tzinfo=utcnow().tzinfo)
        if event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event.id
        prev = event.hash
    return None
