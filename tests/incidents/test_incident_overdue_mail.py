"""Overdue incident notifications e-mailed: the scheduled job of `medsec.jobs` emits one
event per overdue notification through `medsec.notifications`, told once, delivered to the
security roles only by a real SMTP sink (aiosmtpd), without the incident's title."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

from incident_world import ANALYST, DETECTED

from medsec.config import Settings
from medsec.db.uow import unit_of_work
from medsec.incidents import service as incidents
from medsec.incidents import tasks
from medsec.jobs import catalog
from medsec.notifications import service as notifications

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))

from _sinks import SmtpSink

NOW = DETECTED + timedelta(hours=1)
TITLE = "Firmware pulled from look-alike host at St. Example <b>ward 4</b>"


def test_overdue_notifications_are_emailed_once_to_the_security_roles(world, tmp_path, db_url):
    factory, _ = world
    assert "incident-overdue-notifications" in {s.name for s in catalog.specs()}
    with unit_of_work(factory) as s:
        ref = incidents.open_incident(
            s,
            title=TITLE,
            actor=ANALYST,
            product="Pump",
            releases=["2.0"],
            jurisdictions=["EU", "CA"],
            detected_at=DETECTED,
            now=NOW,
        ).ref
        incidents.transition(s, ref=ref, action="assess", actor=ANALYST, now=NOW)
        incidents.assess(
            s, ref=ref, actor=ANALYST, safety="serious", privacy="breach", reason="r", now=NOW
        )
    for who in ("ana", "vic"):
        with unit_of_work(factory) as s:
            notifications.add_preference(
                s,
                actor=f"cli:{who}",
                channel="email",
                target=f"{who}@maker.example",
                events=["incident.notification_overdue"],
            )
    with unit_of_work(factory) as s:
        assert tasks.tell_overdue(s, now=NOW) == 0  # nothing overdue an hour in
    day16 = DETECTED + timedelta(days=16)
    with unit_of_work(factory) as s:
        overdue = tasks.overdue_notifications(s, now=day16)
        queued = tasks.tell_overdue(s, now=day16)
    assert overdue and queued == len(overdue)  # ana only: vic is a viewer
    with unit_of_work(factory) as s:
        assert tasks.tell_overdue(s, now=day16) == 0  # told once
    with SmtpSink() as smtp:
        settings = Settings(
            home=tmp_path / "home",
            database_url=db_url,
            smtp_host="127.0.0.1",
            smtp_port=smtp.port,
            mail_from="psirt@maker.example",
        )
        run = notifications.deliver_due(lambda: unit_of_work(factory), settings)
        assert run.sent == queued
        msgs = smtp.mailbox.messages
    assert {r for _, tos, _ in msgs for r in tos} == {"ana@maker.example"}
    texts = [m.get_payload(decode=True).decode() for _, _, m in msgs]
    assert {o.obligation for o in overdue} == {
        line.split(": ", 1)[1] for t in texts for line in t.splitlines() if line.startswith("Obl")
    }
    for _, _, m in msgs:
        raw = m.as_string()
        assert ref in raw and "Send this notification now" in raw
        assert "Example" not in raw and "ward" not in raw


def test_the_job_body_queues_through_the_catalog(world, tmp_path, db_url):
    factory, _ = world
    spec = next(s for s in catalog.specs() if s.name == "incident-overdue-notifications")
    assert spec.every_seconds == 3600

    class Ctx:
        def uow(self):
            return unit_of_work(factory)

    assert spec.body(Ctx()) == {"deliveries_queued": 0}  # type: ignore[arg-type]
