"""Background work of CVD: tell the security roles when a case deadline nears or passes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from medsec.core.clock import utcnow
from medsec.cvd import repository, service
from medsec.jobs.schemas import JobContext, JobSpec
from medsec.notifications import service as notifications
from medsec.notifications.schemas import Event

BUCKETS = (30, 14, 7, 3, 1, 0)  # days before a deadline at which it is told (and when passed)
OPEN_STATES = {"disclosed", "closed"}


def deadline_events(session: Session, *, now: datetime) -> list[Event]:
    """Events for unmet deadlines due within 30 days or passed (no finder data, no report)."""
    rows = repository.cases(session)
    pols = service.market_policies(session, sorted({c.product_id or 0 for c, _ in rows}))
    out = []
    for case, product in rows:
        if case.state == "closed":
            continue
        for d in service.case_deadlines(case, now, pols[case.product_id or 0]):
            if d.met_at is not None:
                continue
            days_left = (d.due - now).days
            if d.overdue:
                bucket = "overdue"
            else:
                near = [b for b in BUCKETS if days_left <= b]
                if not near:
                    continue
                bucket = f"within-{near[-1]}"
            due = d.due.date().isoformat()
            title = (
                f"CVD case {case.receipt_id}: {d.name} was due {due}"
                if d.overdue
                else f"CVD case {case.receipt_id}: {d.name} due {due}"
            )
            out.append(
                Event(
                    kind="cvd.deadline",
                    key=f"cvd.deadline:{case.id}:{d.name}:{bucket}",
                    title=title,
                    product=product,
                    data={
                        "case": case.receipt_id,
                        "deadline": d.name,
                        "due": d.due.isoformat(),
                        "overdue": d.overdue,
                        "days_left": max(days_left, 0),
                    },
                )
            )
    return out


def check_deadlines(session: Session, *, now: datetime) -> int:
    """Emit the deadline events not told yet; returns the deliveries queued."""
    return notifications.emit_all(session, deadline_events(session, now=now))


def _deadline_job(ctx: JobContext) -> dict[str, Any]:
    with ctx.uow() as session:
        return {"deliveries_queued": check_deadlines(session, now=utcnow())}


JOBS = [
    JobSpec(
        "cvd-deadlines",
        "Tell the security roles of CVD deadlines near or passed",
        3600,
        _deadline_job,
    )
]
