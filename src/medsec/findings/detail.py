"""One finding with every input that produced its priority and risk, each with its source."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.findings import decisions, listing
from medsec.findings.schemas import (
    CvssRescoreRead,
    FindingDetailRead,
    FindingEventRead,
    SignalsRead,
    SsvcDecisionRead,
)
from medsec.findings.signals import signals_for
from medsec.models import (
    Component,
    CvssRescore,
    Finding,
    FindingEvent,
    Product,
    Release,
    SsvcDecisionRow,
)
from medsec.risk import service as risk_service


def finding_detail(session: Session, finding_id: int) -> FindingDetailRead:
    """The listing entry of a finding plus histories: VEX, rescoring, SSVC, risk, match events."""
    decisions.get_finding(session, finding_id)  # NotFound with a helpful message
    row = session.execute(
        select(Finding, Component, Release.version, Product.name.label("product"))
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .outerjoin(Component, Component.id == Finding.component_id)
        .where(Finding.id == finding_id)
    ).one()
    (base,) = listing.describe(session, [row])
    finding = row.Finding
    vex_history = [listing.vex_view(d) for d in decisions.history(session, finding)]
    risk_history = [listing.risk_view(r) for r in risk_service.history(session, finding_id)]
    return FindingDetailRead(
        **dict(base),
        signals=SignalsRead(**signals_for(session, [finding])[finding.id].as_dict()),
        vex_history=[v for v in vex_history if v is not None],
        cvss_rescores=[
            CvssRescoreRead(
                source_vector=r.source_vector,
                source=r.source,
                vector=r.vector,
                score=r.score,
                severity=r.severity,
                rubric=r.rubric,
                reason=r.reason,
                by=r.decided_by,
                at=r.decided_at.isoformat(),
            )
            for r in _rows(session, CvssRescore, finding_id)
        ],
        ssvc_decisions=[
            SsvcDecisionRead(
                role=s.table,
                outcome=s.outcome,
                vector=s.vector,
                inputs=s.inputs,
                by=s.decided_by,
                at=s.decided_at.isoformat(),
            )
            for s in _rows(session, SsvcDecisionRow, finding_id)
        ],
        risk_history=[r for r in risk_history if r is not None],
        events=[
            FindingEventRead(event=e.event, at=e.at.isoformat(), details=e.details)
            for e in _rows(session, FindingEvent, finding_id)
        ],
    )


def _rows(session: Session, model: Any, finding_id: int) -> list[Any]:
    stmt = select(model).where(model.finding_id == finding_id).order_by(model.id)
    return list(session.execute(stmt).scalars())
