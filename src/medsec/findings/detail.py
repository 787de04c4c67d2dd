"""One finding with every input that produced its priority and risk, each with its source."""

from __future__ import annotations

from sqlalchemy.orm import Session

from medsec.findings import decisions, listing
from medsec.findings import repository as repo
from medsec.findings.schemas import (
    CvssRescoreRead,
    FindingDetailRead,
    FindingEventRead,
    SignalsRead,
    SsvcDecisionRead,
)
from medsec.findings.signals import signals_for
from medsec.risk import service as risk_service


def finding_detail(session: Session, finding_id: int) -> FindingDetailRead:
    """The listing entry of a finding plus histories: VEX, rescoring, SSVC, risk, match events."""
    decisions.get_finding(session, finding_id)  # NotFound with a helpful message
    (row,) = repo.rows_by_ids(session, [finding_id])
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
            for r in repo.rescores(session, finding_id)
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
            for s in repo.ssvc_decisions(session, finding_id)
        ],
        risk_history=[r for r in risk_history if r is not None],
        events=[
            FindingEventRead(event=e.event, at=e.at.isoformat(), details=e.details)
            for e in repo.events(session, finding_id)
        ],
    )
