"""Queries of the audit log and its anchors; `holds_audited_rows` also asks whether any account
or product exists (audit sits below both, so it cannot ask their services)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, literal, select, text
from sqlalchemy.orm import Session

from medsec.models import Account, AuditCheckpoint, AuditEvent, Product

CHAIN_LOCK = 0x6D65647365630001  # PostgreSQL advisory lock key serializing appends ("medsec"+1)


def lock_chain(session: Session) -> None:
    """Hold the transaction-scoped advisory lock that serializes appends (PostgreSQL only)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


def last_hash(session: Session) -> str | None:
    """The hash of the newest event, None when the log is empty."""
    return session.execute(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).scalar()


def head_anchor(session: Session) -> AuditCheckpoint | None:
    """The head anchor (the newest event, count and hash), if the log has one."""
    stmt = select(AuditCheckpoint).where(AuditCheckpoint.kind == "head")
    return session.execute(stmt).scalar_one_or_none()


def anchors(session: Session) -> list[AuditCheckpoint]:
    """Every anchor (head and periodic checkpoints), in id order."""
    return list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))


def event_count(session: Session, *, upto: int | None = None) -> int:
    """How many events the log holds (up to and including event ``upto``)."""
    stmt = select(func.count()).select_from(AuditEvent)
    if upto is not None:
        stmt = stmt.where(AuditEvent.id <= upto)
    return session.scalar(stmt) or 0


def event(session: Session, event_id: int) -> AuditEvent | None:
    """One event by id."""
    return session.get(AuditEvent, event_id)


def holds_audited_rows(session: Session) -> bool:
    """True when rows exist whose creation is always audited (accounts, products)."""
    return any(
        session.execute(select(literal(1)).select_from(model).limit(1)).first() is not None
        for model in (Account, Product)
    )


def newest_events(session: Session, *, product_id: int | None, limit: int) -> list[AuditEvent]:
    """The newest events, optionally of one product."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if product_id is not None:
        stmt = stmt.where(AuditEvent.product_id == product_id)
    return list(session.scalars(stmt))


def events_in_order(session: Session) -> Iterator[AuditEvent]:
    """Every event, oldest first, read as it is iterated."""
    return iter(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
