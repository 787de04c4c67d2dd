"""Every query of the advisories domain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.advisories.schemas import PrimaryIds
from medsec.core.batching import chunks
from medsec.models import (
    Component,
    CvdCase,
    CvdLink,
    Finding,
    Release,
    RolloutFeedback,
    Sbom,
    SecurityAdvisory,
    SecurityAdvisoryRevision,
    Update,
    VexDecision,
    Vulnerability,
)


def releases(session: Session, release_ids: Sequence[int]) -> list[Release]:
    """The given releases, oldest first."""
    stmt = select(Release).where(Release.id.in_(list(release_ids))).order_by(Release.id)
    return list(session.execute(stmt).scalars())


def primaries(session: Session, release_ids: Sequence[int]) -> dict[int, PrimaryIds]:
    """Release id -> the purl and CPE of its current SBOM's primary component (when named)."""
    stmt = select(Sbom.release_id, Sbom.primary).where(
        Sbom.release_id.in_(list(release_ids)), Sbom.is_current.is_(True)
    )
    return {rid: _ids(primary) for rid, primary in session.execute(stmt) if primary}


def _ids(primary: dict[str, Any]) -> PrimaryIds:
    purl, cpe = primary.get("purl"), primary.get("cpe")
    return PrimaryIds(
        purl if isinstance(purl, str) else None, cpe if isinstance(cpe, str) else None
    )


def active_findings(
    session: Session, release_ids: Sequence[int], vulnerability_ids: Sequence[int]
) -> list[Finding]:
    """Active findings of the releases (of the given vulnerabilities, or all), in id order."""
    stmt = select(Finding).where(
        Finding.release_id.in_(list(release_ids)), Finding.status == "active"
    )
    if vulnerability_ids:
        stmt = stmt.where(Finding.vulnerability_id.in_(list(vulnerability_ids)))
    return list(session.execute(stmt.order_by(Finding.id)).scalars())


def components(session: Session, ids: Sequence[int]) -> dict[int, Component]:
    """Components by id."""
    out: dict[int, Component] = {}
    for part in chunks(sorted(set(ids))):
        stmt = select(Component).where(Component.id.in_(part))
        out.update((c.id, c) for c in session.execute(stmt).scalars())
    return out


def updates(session: Session, product_id: int) -> list[Update]:
    """The updates of a product, oldest first."""
    stmt = select(Update).where(Update.product_id == product_id).order_by(Update.id)
    return list(session.execute(stmt).scalars())


def advisory_by_tracking_id(session: Session, tracking_id: str) -> SecurityAdvisory | None:
    """The advisory with that tracking id."""
    stmt = select(SecurityAdvisory).where(SecurityAdvisory.tracking_id == tracking_id)
    return session.execute(stmt).scalar()


def advisories(
    session: Session, product_ids: Sequence[int] | None = None
) -> list[SecurityAdvisory]:
    """Advisories (of the given products, or all), oldest first."""
    stmt = select(SecurityAdvisory).order_by(SecurityAdvisory.id)
    if product_ids is not None:
        stmt = stmt.where(SecurityAdvisory.product_id.in_(list(product_ids)))
    return list(session.execute(stmt).scalars())


def count_for_year_prefix(session: Session, prefix: str) -> int:
    """How many advisories have a tracking id starting with prefix."""
    stmt = select(SecurityAdvisory.tracking_id).where(
        SecurityAdvisory.tracking_id.startswith(prefix)
    )
    return len(list(session.execute(stmt).scalars()))


def revisions(session: Session, advisory_ids: Sequence[int]) -> list[SecurityAdvisoryRevision]:
    """Published revisions of the advisories, by advisory then publication order."""
    stmt = (
        select(SecurityAdvisoryRevision)
        .where(SecurityAdvisoryRevision.advisory_id.in_(list(advisory_ids)))
        .order_by(SecurityAdvisoryRevision.advisory_id, SecurityAdvisoryRevision.id)
    )
    return list(session.execute(stmt).scalars())


def decided_vulnerabilities(session: Session, product_id: int) -> list[str]:
    """The keys of the vulnerabilities with a VEX decision for the product."""
    stmt = (
        select(Vulnerability.key)
        .join(VexDecision, VexDecision.vulnerability_id == Vulnerability.id)
        .where(VexDecision.product_id == product_id)
        .distinct()
    )
    return sorted(session.execute(stmt).scalars())


def cvd_reports(
    session: Session, product_id: int, vids: Sequence[int]
) -> list[tuple[int, str | None, datetime]]:
    """(vulnerability id, credit, received) of the product's valid CVD cases on these vulns."""
    base = (
        select(CvdCase.id, CvdCase.credit, CvdCase.received_at)
        .join(CvdLink, CvdLink.case_id == CvdCase.id)
        .where(CvdCase.product_id == product_id, CvdCase.outcome == "valid")
    )
    out: set[tuple[int, int, str | None, datetime]] = set()
    for part in chunks(list(vids)):
        direct = base.add_columns(CvdLink.vulnerability_id).where(
            CvdLink.vulnerability_id.in_(part)
        )
        via = (
            base.add_columns(Finding.vulnerability_id)
            .join(Finding, Finding.id == CvdLink.finding_id)
            .where(Finding.vulnerability_id.in_(part))
        )
        for query in (direct, via):
            out.update((vid, cid, credit, at) for cid, credit, at, vid in session.execute(query))
    return sorted(((vid, credit, at) for vid, _cid, credit, at in out), key=lambda r: (r[0], r[2]))


def feedback_of(session: Session, advisory_id: int) -> list[RolloutFeedback]:
    """The rollout feedback imported onto an advisory, newest first."""
    stmt = (
        select(RolloutFeedback)
        .where(RolloutFeedback.advisory_id == advisory_id)
        .order_by(RolloutFeedback.imported_at.desc(), RolloutFeedback.id.desc())
    )
    return list(session.execute(stmt).scalars())


def feedback_by_sha256(session: Session, advisory_id: int, sha256: str) -> RolloutFeedback | None:
    """The feedback with these exact bytes on an advisory, if imported before."""
    stmt = select(RolloutFeedback).where(
        RolloutFeedback.advisory_id == advisory_id, RolloutFeedback.sha256 == sha256
    )
    return session.execute(stmt).scalars().first()
