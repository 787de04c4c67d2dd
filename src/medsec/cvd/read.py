"""CVD cases as typed read models: the same for `medsec cvd … --format json`, the API and pages."""

from __future__ import annotations

from datetime import datetime

from medsec.cvd import repository
from medsec.cvd.deadlines import Deadline
from medsec.cvd.schemas import (
    AttachmentRead,
    CaseLinkRead,
    CaseRead,
    CaseSummaryRead,
    CoordinationRead,
    DeadlineRead,
    FinderRead,
    ReportedRead,
    SpamRead,
    TimelineEventRead,
)
from medsec.cvd.service import CaseDetail, CaseSummary


def _iso(value: datetime | None) -> str | None:
    stamp = repository.aware(value)
    return stamp.isoformat() if stamp else None


def deadline_state(d: Deadline) -> str:
    """due, overdue, met, or met late."""
    if d.met_at is not None:
        return "met late" if d.late else "met"
    return "overdue" if d.overdue else "due"


def deadline_json(d: Deadline) -> DeadlineRead:
    """One deadline: name, due, met_at, state and the rule it comes from."""
    return DeadlineRead(
        name=d.name,
        due=d.due.isoformat(),
        met_at=_iso(d.met_at),
        state=deadline_state(d),
        source=d.source,
    )


def summary_json(s: CaseSummary) -> CaseSummaryRead:
    """One case as `cvd list --format json` shows it."""
    c = s.case
    return CaseSummaryRead(
        id=c.id,
        receipt_id=c.receipt_id,
        state=c.state,
        outcome=c.outcome,
        product=s.product,
        title=c.title,
        received_at=_iso(c.received_at),
        cve_id=c.cve_id,
        held_for_review=c.held_for_review,
        overdue=list(s.overdue),
    )


def case_json(d: CaseDetail) -> CaseRead:
    """One case as `cvd show --format json` shows it (finder contact only to security roles)."""
    c = d.case
    milestones = (
        "received_at",
        "acknowledged_at",
        "triaged_at",
        "remediation_started_at",
        "remediated_at",
        "disclosed_at",
        "closed_at",
    )
    finder = (
        FinderRead(name=c.finder_name, email=c.finder_email, pgp_key=c.finder_pgp_key)
        if d.finder_visible
        else None
    )
    return CaseRead(
        id=c.id,
        receipt_id=c.receipt_id,
        state=c.state,
        outcome=c.outcome,
        remediated=c.remediated,
        title=c.title,
        product=d.product,
        risk=c.risk,
        cve_id=c.cve_id,
        credit=c.credit if d.finder_visible else None,
        embargo_date=c.embargo_date.isoformat() if c.embargo_date else None,
        source=c.source,
        held_for_review=c.held_for_review,
        spam=SpamRead(score=c.spam_score, reasons=list(c.spam_reasons)),
        report=ReportedRead(
            product=c.reported_product,
            version=c.reported_version,
            description=c.description,
            reproduction_steps=c.reproduction,
            cvss_vector=c.cvss_vector,
        ),
        finder=finder,
        milestones={m: _iso(getattr(c, m)) for m in milestones},
        deadlines=[deadline_json(x) for x in d.deadlines],
        timeline=[
            TimelineEventRead(
                at=_iso(e.at),
                kind=e.kind,
                actor=e.actor,
                from_state=e.from_state,
                to=e.to_state,
                outcome=e.outcome,
                reason=e.reason,
                direction=e.direction,
                channel=e.channel,
                text=e.text,
                visible_to_finder=e.visible_to_finder,
            )
            for e in d.events
        ],
        attachments=[
            AttachmentRead(name=a.name, content_type=a.content_type, size=a.size, sha256=a.sha256)
            for a in d.attachments
        ],
        links=[CaseLinkRead(kind=x.kind, label=x.label, target=x.target) for x in d.links],
        coordination=[
            CoordinationRead(
                organisation=x.organisation,
                role=x.role,
                country=x.country,
                annex_b=x.annex_b,
                informed_on=x.informed_on.isoformat(),
                reference=x.reference,
                note=x.note,
            )
            for x in d.coordination
        ],
    )
