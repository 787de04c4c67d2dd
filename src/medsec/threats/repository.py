"""Queries of threats."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.models import ThreatRow


def of_release(session: Session, release_id: int, status: str | None = None) -> list[ThreatRow]:
    """A release's threats by key."""
    stmt = select(ThreatRow).where(ThreatRow.release_id == release_id)
    if status is not None:
        stmt = stmt.where(ThreatRow.status == status)
    return list(session.execute(stmt.order_by(ThreatRow.key)).scalars())


def rows_of_release(session: Session, release_id: int, status: str | None = None) -> list[Any]:
    """A release's threats by key as plain rows (the columns of ``ThreatRow``, no ORM
    entities: the matrix of a large model reads ~11,000 of them)."""
    table = ThreatRow.__table__
    stmt = select(*table.c).where(table.c.release_id == release_id)
    if status is not None:
        stmt = stmt.where(table.c.status == status)
    return list(session.execute(stmt.order_by(table.c.key)).all())


def by_key(session: Session, release_id: int, key: str) -> ThreatRow | None:
    """One threat of a release."""
    stmt = select(ThreatRow).where(ThreatRow.release_id == release_id, ThreatRow.key == key)
    return session.execute(stmt).scalar_one_or_none()


def by_ids(session: Session, ids: Sequence[int]) -> list[ThreatRow]:
    """Threats by id."""
    if not ids:
        return []
    stmt = select(ThreatRow).where(ThreatRow.id.in_(list(ids))).order_by(ThreatRow.key)
    return list(session.execute(stmt).scalars())


def keys_by_ids(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """id -> (key, release id) of these threats (columns only, no entities)."""
    out: dict[int, tuple[str, int]] = {}
    for part in chunks(sorted(set(ids))):
        stmt = select(ThreatRow.id, ThreatRow.key, ThreatRow.release_id).where(
            ThreatRow.id.in_(list(part))
        )
        out.update({tid: (key, rid) for tid, key, rid in session.execute(stmt)})
    return out


def keys_of_release(session: Session, release_id: int) -> dict[int, tuple[str, int]]:
    """id -> (key, release id) of a release's threats (one query, columns only)."""
    stmt = select(ThreatRow.id, ThreatRow.key).where(ThreatRow.release_id == release_id)
    return {tid: (key, release_id) for tid, key in session.execute(stmt)}


def generated_keys(session: Session, release_id: int) -> dict[str, tuple[int, bool]]:
    """key -> (id, stale) of a release's generated threats (columns only, no entities)."""
    stmt = select(ThreatRow.key, ThreatRow.id, ThreatRow.stale).where(
        ThreatRow.release_id == release_id, ThreatRow.origin == "generated"
    )
    return {key: (tid, bool(stale)) for key, tid, stale in session.execute(stmt)}


def count(session: Session, release_id: int) -> int:
    """How many threats a release has."""
    stmt = select(func.count()).where(ThreatRow.release_id == release_id)
    return int(session.execute(stmt).scalar() or 0)


def set_stale(session: Session, ids: Sequence[int], stale: bool) -> None:
    """Mark threats stale (their target left the model) or not."""
    for start in range(0, len(ids), 1000):
        part = list(ids[start : start + 1000])
        session.execute(update(ThreatRow).where(ThreatRow.id.in_(part)).values(stale=stale))
