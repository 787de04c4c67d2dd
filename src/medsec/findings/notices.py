"""Notification events of the findings domain: new findings and KEV hits (public facts only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from medsec.findings import listing
from medsec.findings import repository as repo
from medsec.notifications import service as notifications
from medsec.notifications.schemas import Event


def new_finding_events(session: Session, *, since: datetime) -> list[Event]:
    """One ``finding.new`` event per active finding first seen at or after ``since``."""
    rows = repo.findings_first_seen_since(session, since)
    out = []
    for d in listing.describe(session, rows) if rows else []:
        vuln = d.vulnerability
        severity = (vuln.severity or "").lower() or None
        out.append(
            Event(
                kind="finding.new",
                key=f"finding.new:{d.id}",
                title=f"{vuln.id} in {d.component.name or d.component.key} "
                f"({d.product} {d.release})",
                product=d.product,
                severity=severity,
                data={
                    "finding_id": d.id,
                    "release": d.release,
                    "component": d.component.purl or d.component.key,
                    "vulnerability": vuln.id,
                    "severity": severity,
                    "kev": bool(vuln.kev),
                },
            )
        )
    return out


def kev_hit_events(session: Session) -> list[Event]:
    """One ``kev.hit`` event per active finding whose vulnerability is in CISA KEV."""
    return [
        Event(
            kind="kev.hit",
            key=f"kev.hit:{r.id}:{r.cve_id}",
            title=f"{r.cve_id} is known to be exploited ({r.product} {r.version})",
            product=r.product,
            severity="critical",
            data={
                "finding_id": r.id,
                "release": r.version,
                "component": r.component_key,
                "vulnerability": r.cve_id,
                "kev_date_added": r.date_added.isoformat(),
            },
        )
        for r in repo.kev_hits(session)
    ]


def emit_after_match(session: Session, *, since: datetime) -> int:
    """Emit the events of a matching run (new findings, KEV hits); returns deliveries queued."""
    if not notifications.listening(session):
        return 0
    events = new_finding_events(session, since=since) + kev_hit_events(session)
    return notifications.emit_all(session, events)
