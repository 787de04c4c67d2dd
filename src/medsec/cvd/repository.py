"""Every query of the CVD domain, and the mapping of a stored case to the pure deadline facts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.cvd.deadlines import CaseFacts, RiskLevel
from medsec.cvd.rules import CaseState, CaseStatus, TriageOutcome
from medsec.models import Component as ComponentRow
from medsec.models import (
    CvdAttachment,
    CvdCase,
    CvdCoordination,
    CvdEvent,
    CvdLink,
    Finding,
    Product,
    Release,
    Sbom,
)


def aware(value: datetime | None) -> datetime | None:
    """``value`` in UTC; UTC is attached when the database returned it naive (SQLite)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def case_by_receipt(session: Session, receipt_id: str) -> CvdCase | None:
    """The case with that public receipt id, if any."""
    return session.execute(select(CvdCase).where(CvdCase.receipt_id == receipt_id)).scalar()


def case_by_id(session: Session, case_id: int) -> CvdCase | None:
    """The case with that row id, if any."""
    return session.get(CvdCase, case_id)


def case_by_cve(session: Session, cve_id: str) -> CvdCase | None:
    """The case that recorded this CVE id, if any."""
    return session.execute(select(CvdCase).where(CvdCase.cve_id == cve_id)).scalar()


def cases(session: Session, *, state: str | None = None) -> list[tuple[CvdCase, str | None]]:
    """Every case (optionally in one state) with its product's name, oldest first."""
    stmt = (
        select(CvdCase, Product.name)
        .outerjoin(Product, Product.id == CvdCase.product_id)
        .order_by(CvdCase.id)
    )
    if state is not None:
        stmt = stmt.where(CvdCase.state == state)
    return [(row[0], row[1]) for row in session.execute(stmt).all()]


def product_name(session: Session, product_id: int | None) -> str | None:
    """The name of a product by id (None for None)."""
    if product_id is None:
        return None
    return session.execute(select(Product.name).where(Product.id == product_id)).scalar()


def events_of(session: Session, case_id: int) -> list[CvdEvent]:
    """The events of one case in the order they happened."""
    stmt = select(CvdEvent).where(CvdEvent.case_id == case_id).order_by(CvdEvent.id)
    return list(session.execute(stmt).scalars())


def finder_messages(session: Session, case_id: int) -> list[CvdEvent]:
    """The messages of one case the finder may see, in order."""
    stmt = (
        select(CvdEvent)
        .where(
            CvdEvent.case_id == case_id,
            CvdEvent.kind == "message",
            CvdEvent.visible_to_finder.is_(True),
        )
        .order_by(CvdEvent.id)
    )
    return list(session.execute(stmt).scalars())


def attachments_of(session: Session, case_id: int) -> list[CvdAttachment]:
    """The attachments of one case in the order received."""
    stmt = select(CvdAttachment).where(CvdAttachment.case_id == case_id).order_by(CvdAttachment.id)
    return list(session.execute(stmt).scalars())


def links_of(session: Session, case_id: int) -> list[CvdLink]:
    """The links of one case in the order made."""
    stmt = select(CvdLink).where(CvdLink.case_id == case_id).order_by(CvdLink.id)
    return list(session.execute(stmt).scalars())


def cases_linking_findings(session: Session, finding_ids: Sequence[int]) -> list[CvdCase]:
    """The cases with a link to any of these findings, by id."""
    if not finding_ids:
        return []
    linked = select(CvdLink.case_id).where(CvdLink.finding_id.in_(list(finding_ids)))
    stmt = select(CvdCase).where(CvdCase.id.in_(linked)).order_by(CvdCase.id)
    return list(session.execute(stmt).scalars())


def link(session: Session, case_id: int, target: str) -> CvdLink | None:
    """One link of a case by its target key (``kind:id``)."""
    stmt = select(CvdLink).where(CvdLink.case_id == case_id, CvdLink.target == target)
    return session.execute(stmt).scalar()


def coordination_of(session: Session, case_id: int) -> list[CvdCoordination]:
    """The coordination records of one case, by date informed."""
    stmt = (
        select(CvdCoordination)
        .where(CvdCoordination.case_id == case_id)
        .order_by(CvdCoordination.informed_on, CvdCoordination.id)
    )
    return list(session.execute(stmt).scalars())


def status(case: CvdCase) -> CaseStatus:
    """The pure state-machine status of a stored case."""
    outcome = TriageOutcome(case.outcome) if case.outcome else None
    return CaseStatus(CaseState(case.state), outcome, bool(case.remediated))


def facts(case: CvdCase) -> CaseFacts:
    """The timeline facts of a stored case, for ``medsec.cvd.deadlines``."""
    embargo = case.embargo_date
    return CaseFacts(
        received_at=aware(case.received_at) or case.received_at,
        acknowledged_at=aware(case.acknowledged_at),
        triaged_at=aware(case.triaged_at),
        outcome=TriageOutcome(case.outcome) if case.outcome else None,
        risk=None if case.risk == "unassessed" else RiskLevel(case.risk),
        customers_notified_at=aware(case.disclosed_at),
        remediated_at=aware(case.remediated_at),
        embargo_until=None if embargo is None else datetime.combine(embargo, time(0), UTC),
        disclosed_at=aware(case.disclosed_at),
    )


def component_with_release(
    session: Session, component_id: int
) -> tuple[ComponentRow, Release] | None:
    """A component row with the release whose SBOM lists it."""
    stmt = (
        select(ComponentRow, Release)
        .join(Sbom, Sbom.id == ComponentRow.sbom_id)
        .join(Release, Release.id == Sbom.release_id)
        .where(ComponentRow.id == component_id)
    )
    row = session.execute(stmt).first()
    return None if row is None else (row[0], row[1])


def components_named(
    session: Session, release_id: int, name: str, version: str | None
) -> list[ComponentRow]:
    """Components of a release's current SBOM with that name (and version, when given)."""
    stmt = (
        select(ComponentRow)
        .join(Sbom, Sbom.id == ComponentRow.sbom_id)
        .where(Sbom.release_id == release_id, Sbom.is_current.is_(True), ComponentRow.name == name)
        .order_by(ComponentRow.id)
    )
    if version is not None:
        stmt = stmt.where(ComponentRow.version == version)
    return list(session.execute(stmt).scalars())


def cases_on_vulnerabilities(
    session: Session, product_id: int, vulnerability_ids: Sequence[int] | None
) -> list[CvdCase]:
    """The product's cases linked to any of these vulnerabilities (directly or by a finding);
    None: linked to any vulnerability or finding."""
    direct = select(CvdLink.case_id).where(CvdLink.vulnerability_id.is_not(None))
    via = select(CvdLink.case_id).join(Finding, Finding.id == CvdLink.finding_id)
    if vulnerability_ids is not None:
        ids = list(vulnerability_ids)
        direct = direct.where(CvdLink.vulnerability_id.in_(ids))
        via = via.where(Finding.vulnerability_id.in_(ids))
    stmt = (
        select(CvdCase)
        .where(CvdCase.product_id == product_id)
        .where(CvdCase.id.in_(direct.union(via).scalar_subquery()))
        .order_by(CvdCase.id)
    )
    return list(session.execute(stmt).scalars())
