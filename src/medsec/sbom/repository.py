"""Every query of the SBOM domain."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from medsec.models import Component, Sbom


def current_sbom(session: Session, release_id: int) -> Sbom | None:
    """The current SBOM revision of a release."""
    stmt = select(Sbom).where(Sbom.release_id == release_id, Sbom.is_current.is_(True))
    return session.execute(stmt).scalar()


def sbom_revision(session: Session, release_id: int, revision: int) -> Sbom | None:
    """One given revision of a release's SBOM."""
    stmt = select(Sbom).where(Sbom.release_id == release_id, Sbom.revision == revision)
    return session.execute(stmt).scalar()


def revisions(session: Session, release_id: int) -> list[Sbom]:
    """Every SBOM revision of a release, oldest first."""
    stmt = select(Sbom).where(Sbom.release_id == release_id).order_by(Sbom.revision)
    return list(session.execute(stmt).scalars())


def last_revision_number(session: Session, release_id: int) -> int:
    """The highest revision number of a release's SBOMs (0 when none)."""
    stmt = select(func.max(Sbom.revision)).where(Sbom.release_id == release_id)
    return session.execute(stmt).scalar() or 0


def retire_current(session: Session, release_id: int) -> None:
    """Mark every revision of a release as not current."""
    stmt = update(Sbom).where(Sbom.release_id == release_id).values(is_current=False)
    session.execute(stmt)


def components_of(session: Session, sbom_id: int) -> list[Component]:
    """The components of one SBOM revision in document order."""
    stmt = select(Component).where(Component.sbom_id == sbom_id).order_by(Component.id)
    return list(session.execute(stmt).scalars())


def manual_support_of(session: Session, sbom_id: int) -> list[Component]:
    """Components of a revision whose support information was set by hand."""
    stmt = select(Component).where(
        Component.sbom_id == sbom_id, Component.support_source == "manual"
    )
    return list(session.execute(stmt).scalars())


def components_slice(session: Session, sbom_id: int, offset: int, limit: int) -> list[Component]:
    """A slice of one SBOM revision's components in document order."""
    stmt = (
        select(Component)
        .where(Component.sbom_id == sbom_id)
        .order_by(Component.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.execute(stmt).scalars())
