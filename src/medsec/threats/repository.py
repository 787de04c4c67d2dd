"""Queries of threats."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import ThreatRow


def of_release(session: Session, release_id: int, status: str | None = None) -> list[ThreatRow]:
    """A release's threats by key."""
    stmt = select(ThreatRow).where(ThreatRow.release_id == release_id)
    if status is not None:
        stmt = stmt.where(ThreatRow.status == status)
    return list(session.execute(stmt.order_by(ThreatRow.key)).scalars())


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
