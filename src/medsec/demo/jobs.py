"""The demo's notifications: the PSIRT asks to be told by e-mail, and what it would be told is
queued (KEV hits, new high and critical findings, CVD deadlines) until an SMTP server is set."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from medsec.core.clock import utcnow
from medsec.cvd import tasks as cvd_tasks
from medsec.demo.assessment import PSIRT
from medsec.findings import notices
from medsec.notifications import service as notifications

ADDRESS = "psirt@infuguard.example"
EVENTS = ["kev.hit", "finding.new", "cvd.deadline", "advisory.published"]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def notifications_queued(session: Session) -> list[str]:
    """Add the PSIRT's e-mail preference, queue what it is told now; the lines to print."""
    pref = notifications.add_preference(
        session, actor=PSIRT, channel="email", target=ADDRESS, events=EVENTS, deadline_days=14
    )
    queued = notices.emit_after_match(session, since=EPOCH)
    queued += cvd_tasks.check_deadlines(session, now=utcnow())
    return [
        f"notifications: {queued} e-mail(s) to {pref.target} queued (new high and critical "
        "findings, KEV hits, CVD deadlines); to send them set MEDSEC_SMTP_HOST, then run "
        "`medsec jobs run notifications-deliver` (or leave `medsec serve` running)"
    ]
