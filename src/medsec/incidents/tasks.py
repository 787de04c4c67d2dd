"""Background work of the incidents domain: tell the security roles, by e-mail or webhook
through ``medsec.notifications``, of every incident notification past its deadline and not
sent (the scheduled job ``incident-overdue-notifications``, hourly)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from medsec.core.clock import utcnow
from medsec.incidents import notices
from medsec.incidents.schemas import OverdueNotification
from medsec.jobs.schemas import JobContext, JobSpec
from medsec.notifications import service as notifications
from medsec.notifications.schemas import Event

KIND = "incident.notification_overdue"


def overdue_notifications(
    session: Session, *, now: datetime | None = None
) -> list[OverdueNotification]:
    """Every notification past its deadline and not sent, soonest first (for reminders)."""
    return notices.overdue_all(session, now=now)


def overdue_events(session: Session, *, now: datetime | None = None) -> list[Event]:
    """One event per overdue notification: the incident's reference, the obligation, the
    authority and the deadline; never the incident's title, people, hospitals or assets."""
    out = []
    for item in overdue_notifications(session, now=now):
        due = item.due_at.isoformat()
        out.append(
            Event(
                kind=KIND,
                key=f"{KIND}:{item.ref}:{item.obligation}",
                title=f"Incident {item.ref}: notification to {item.authority} overdue since {due}",
                product=item.product,
                severity="high",
                data={
                    "incident": item.ref,
                    "obligation": item.obligation,
                    "authority": item.authority,
                    "due": due,
                },
            )
        )
    return out


def tell_overdue(session: Session, *, now: datetime | None = None) -> int:
    """Emit the overdue events not told yet (each once); the deliveries queued."""
    return notifications.emit_all(session, overdue_events(session, now=now))


def _overdue_job(ctx: JobContext) -> dict[str, Any]:
    with ctx.uow() as session:
        return {"deliveries_queued": tell_overdue(session, now=utcnow())}


JOBS = [
    JobSpec(
        "incident-overdue-notifications",
        "Tell the security roles of incident notifications past their deadline",
        3600,
        _overdue_job,
    )
]
