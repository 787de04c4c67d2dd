"""Background work of the incidents domain.

``overdue_notifications`` is what the reminder job (the jobs engineer's scheduler, branch
``jobs``) calls, e.g. hourly, to e-mail the incident team about notifications past their
deadline; it only reads. The e-mail itself waits for the jobs engine.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from medsec.incidents import notices
from medsec.incidents.schemas import OverdueNotification


def overdue_notifications(
    session: Session, *, now: datetime | None = None
) -> list[OverdueNotification]:
    """Every notification past its deadline and not sent, soonest first (for reminders)."""
    return notices.overdue_all(session, now=now)
