"""Publishing an advisory revision emits `advisory.published` once per revision, to the accounts
that asked and may see the product; the draft itself tells nobody."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from _seed import READY, Case, add_accounts, seed
from sqlalchemy import select

from medsec.advisories import publish, service
from medsec.db.uow import unit_of_work
from medsec.models import NotificationDelivery, NotificationEvent
from medsec.notifications import service as notifications

CASES = [Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", action="Isolate the pump.")]


def test_each_published_revision_is_told_once(session_factory, monkeypatch):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    ticks = itertools.count()
    monkeypatch.setattr(service, "now", lambda: start + timedelta(minutes=next(ticks)))
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "InfuSafe", CASES)
        notifications.add_preference(
            s,
            actor="cli:view",
            channel="email",
            target="view@hospital.example",
            events=["advisory.published"],
        )
        adv = service.create(s, product="InfuSafe", title="Pump advisory", actor="cli:ana", **READY)
        tid = adv.tracking_id
        assert s.execute(select(NotificationEvent)).first() is None  # a draft tells nobody
    for summary, status in (("Initial.", "interim"), ("Fixed.", "final")):
        with unit_of_work(session_factory) as s:
            publish.publish(s, tracking_id=tid, summary=summary, actor="cli:rev", status=status)
    with unit_of_work(session_factory) as s:
        events = s.execute(select(NotificationEvent).order_by(NotificationEvent.id)).scalars().all()
        assert [(e.kind, e.data["revision"], e.data["status"]) for e in events] == [
            ("advisory.published", "1", "interim"),
            ("advisory.published", "2", "final"),
        ]
        assert all(e.product == "InfuSafe" and tid in e.title for e in events)
        targets = s.execute(select(NotificationDelivery.target)).scalars().all()
        assert targets == ["view@hospital.example"] * 2
