"""Queries of evidence imports and results."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medsec.models import EvidenceImport, EvidenceResultRow, EvidenceThreatLink


def imports(session: Session, release_id: int) -> list[EvidenceImport]:
    """A release's evidence imports, oldest first."""
    stmt = (
        select(EvidenceImport)
        .where(EvidenceImport.release_id == release_id)
        .order_by(EvidenceImport.id)
    )
    return list(session.execute(stmt).scalars())


def results(
    session: Session, release_id: int, outcome: str | None = None, limit: int | None = None
) -> list[tuple[EvidenceResultRow, str]]:
    """A release's results with the name of the file each came from."""
    stmt = (
        select(EvidenceResultRow, EvidenceImport.source_name)
        .join(EvidenceImport, EvidenceImport.id == EvidenceResultRow.import_id)
        .where(EvidenceResultRow.release_id == release_id)
        .order_by(EvidenceResultRow.id)
    )
    if outcome is not None:
        stmt = stmt.where(EvidenceResultRow.outcome == outcome)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [(r, name) for r, name in session.execute(stmt).all()]


def to_triage(session: Session, release_id: int) -> int:
    """How many results of a release wait for triage."""
    stmt = select(func.count()).where(
        EvidenceResultRow.release_id == release_id, EvidenceResultRow.triage == "to-triage"
    )
    return int(session.execute(stmt).scalar() or 0)


def count(session: Session, release_id: int) -> int:
    """How many results a release has."""
    stmt = select(func.count()).where(EvidenceResultRow.release_id == release_id)
    return int(session.execute(stmt).scalar() or 0)


def result(session: Session, result_id: int) -> tuple[EvidenceResultRow, str] | None:
    """One result with its file's name."""
    stmt = (
        select(EvidenceResultRow, EvidenceImport.source_name)
        .join(EvidenceImport, EvidenceImport.id == EvidenceResultRow.import_id)
        .where(EvidenceResultRow.id == result_id)
    )
    row = session.execute(stmt).first()
    return (row[0], row[1]) if row else None


def threat_link(session: Session, result_id: int, threat_id: int) -> EvidenceThreatLink | None:
    """The link of a result to a threat, if made."""
    stmt = select(EvidenceThreatLink).where(
        EvidenceThreatLink.result_id == result_id, EvidenceThreatLink.threat_id == threat_id
    )
    return session.execute(stmt).scalar_one_or_none()


def threat_links(session: Session, release_id: int) -> list[tuple[int, EvidenceResultRow, str]]:
    """(threat id, result, file name) of every result of the release linked to a threat."""
    stmt = (
        select(EvidenceThreatLink.threat_id, EvidenceResultRow, EvidenceImport.source_name)
        .join(EvidenceResultRow, EvidenceResultRow.id == EvidenceThreatLink.result_id)
        .join(EvidenceImport, EvidenceImport.id == EvidenceResultRow.import_id)
        .where(EvidenceResultRow.release_id == release_id)
        .order_by(EvidenceThreatLink.id)
    )
    return [(t, r, name) for t, r, name in session.execute(stmt).all()]
