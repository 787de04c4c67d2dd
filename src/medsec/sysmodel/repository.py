"""Queries of system models."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import SystemModelRow


def current(session: Session, release_id: int) -> SystemModelRow | None:
    """The current model version of a release."""
    stmt = select(SystemModelRow).where(
        SystemModelRow.release_id == release_id, SystemModelRow.is_current.is_(True)
    )
    return session.execute(stmt).scalar_one_or_none()


def version(session: Session, release_id: int, number: int) -> SystemModelRow | None:
    """One version of a release's model."""
    stmt = select(SystemModelRow).where(
        SystemModelRow.release_id == release_id, SystemModelRow.version == number
    )
    return session.execute(stmt).scalar_one_or_none()


def versions(session: Session, release_id: int) -> list[SystemModelRow]:
    """Every version of a release's model, oldest first."""
    stmt = (
        select(SystemModelRow)
        .where(SystemModelRow.release_id == release_id)
        .order_by(SystemModelRow.version)
    )
    return list(session.execute(stmt).scalars())
