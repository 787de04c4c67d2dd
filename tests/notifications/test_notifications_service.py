"""Notifications end to end on both databases: events from a real re-match (the real keycloak
SBOM against GHSA records and the real KEV catalog) and from CVD deadlines, delivered to a real
SMTP sink (aiosmtpd) and a real HTTP receiver, signed, retried with backoff, told once, and
never carrying a secret or a finder's data."""

from __future__ import annotations

from datetime import timedelta

import orjson
import pytest
from _sinks import SmtpSink, WebhookReceiver
from notify_world import ADMIN, KEV_CVE, PRODUCT, RECEIVED, REPORT
from sqlalchemy import select, update

from medsec.config import Settings
from medsec.cvd import intake_service
from medsec.cvd import tasks as cvd_tasks
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.findings import service as findings
from medsec.models import NotificationDelivery, NotificationEvent
from medsec.models.base import utcnow
from medsec.notifications import rules, service
from medsec.notifications.schemas import Event

pytestmark = pytest.mark.shared_data


def _settings(tmp_path, db_url, smtp_port=None):
    return Settings(
        home=tmp_path / "home",
        database_url=db_url,
        smtp_host="127.0.0.1" if smtp_port else None,
        smtp_port=smtp_port or 25,
        mail_from="psirt@maker.example",
    )


def _uow(factory):
    return lambda: unit_of_work(factory)


def _add(factory, actor, **kw):
    with unit_of_work(factory) as s:
        return service.add_preference(s, actor=actor, **kw)


def _deliveries(factory):
    with unit_of_work(factory) as s:
        rows = s.execute(
            select(NotificationDelivery, NotificationEvent)
            .join(NotificationEvent)
            .order_by(NotificationDelivery.id)
        ).all()
        return [(d, e) for d, e in rows]


def test_a_rematch_tells_kev_hits_and_new_findings_to_those_entitled_once(nworld, tmp_path, db_url):
    factory = nworld
    with SmtpSink() as smtp, WebhookReceiver() as hook:
        admin_hook = _add(
            factory,
            ADMIN,
            channel="webhook",
            target=hook.url("/ana"),
            events=["kev.hit", "finding.new"],
            min_severity="critical",
        )
        for who in ("pam", "vic", "otto"):
            _add(
                factory,
                f"cli:{who}",
                channel="email",
                target=f"{who}@maker.example",
                events=["kev.hit"],
            )
        with unit_of_work(factory) as s:
            report = findings.match(s, actor=ADMIN)
        assert report.new > 0

        rows = _deliveries(factory)
        kev_events = {e.id for _, e in rows if e.kind == "kev.hit"}
        assert kev_events, "Spring4Shell in the keycloak SBOM is a KEV hit"
        assert all(KEV_CVE in e.title for _, e in rows if e.kind == "kev.hit")
        by_target = {}
        for d, e in rows:
            by_target.setdefault(d.target, []).append(e.kind)
        assert "otto@maker.example" not in by_target  # no access to Keycloak
        assert by_target["pam@maker.example"] == ["kev.hit"] * len(kev_events)
        assert by_target["vic@maker.example"] == ["kev.hit"] * len(kev_events)
        ana = by_target[hook.url("/ana")]
        assert ana.count("kev.hit") == len(kev_events)
        new_critical = [e for _, e in rows if e.kind == "finding.new"]
        assert new_critical and all(e.severity == "critical" for e in new_critical)

        run = service.deliver_due(_uow(factory), _settings(tmp_path, db_url, smtp.port))
        assert (run.sent, run.retrying, run.failed) == (len(rows), 0, 0)

        # the webhooks: signed with the preference's secret over "timestamp.body"
        assert len(hook.received) == len(ana)
        for got in hook.received:
            ts, sig = got.headers["x-medsec-timestamp"], got.headers["x-medsec-signature"]
            assert rules.verify(admin_hook.secret, ts, got.body, sig)
            body = orjson.loads(got.body)
            assert body["product"] == PRODUCT
            assert got.headers["x-medsec-event"] == body["event"]
            assert set(body) <= {
                "id",
                "event",
                "title",
                "product",
                *rules.PUBLIC_FIELDS[body["event"]],
            }
        kev_bodies = [orjson.loads(g.body) for g in hook.received if b'"kev.hit"' in g.body]
        assert {b["vulnerability"] for b in kev_bodies} == {KEV_CVE}

        # the e-mails: one per KEV hit to pam and vic, action first
        rcpts = sorted(r for _, tos, _ in smtp.mailbox.messages for r in tos)
        assert rcpts == sorted(["pam@maker.example", "vic@maker.example"] * len(kev_events))
        _, _, first = smtp.mailbox.messages[0]
        assert first["From"] == "psirt@maker.example"
        text = first.get_payload(decode=True).decode()
        assert text.startswith("Act now: this vulnerability is known to be exploited.")
        assert KEV_CVE in first["Subject"]

        # every send recorded; nothing twice: a second match and delivery tell nothing new
        assert all(d.status == "sent" and d.sent_at for d, _ in _deliveries(factory))
        with unit_of_work(factory) as s:
            findings.match(s, actor=ADMIN, full=True)
        assert len(_deliveries(factory)) == len(rows)
        again = service.deliver_due(_uow(factory), _settings(tmp_path, db_url, smtp.port))
        assert again.sent == 0


def test_failed_webhooks_are_retried_with_backoff_then_given_up(nworld, tmp_path, db_url):
    factory = nworld
    with WebhookReceiver(statuses=[500]) as hook:
        _add(factory, ADMIN, channel="webhook", target=hook.url(), events=["advisory.published"])
        with unit_of_work(factory) as s:
            assert service.emit(s, Event("advisory.published", "adv:1", "Advisory A", PRODUCT)) == 1
        settings = _settings(tmp_path, db_url)
        first = service.deliver_due(_uow(factory), settings)
        assert (first.sent, first.retrying) == (0, 1)
        ((d, _),) = _deliveries(factory)
        assert (d.status, d.attempts, d.last_error) == ("pending", 1, f"{hook.url()}: HTTP 500")
        wait = d.next_attempt_at.replace(tzinfo=None) - utcnow().replace(tzinfo=None)
        assert timedelta(seconds=20) < wait <= timedelta(seconds=30)
        assert service.deliver_due(_uow(factory), settings).sent == 0  # not due yet
        with unit_of_work(factory) as s:
            s.execute(update(NotificationDelivery).values(next_attempt_at=utcnow()))
        assert service.deliver_due(_uow(factory), settings).sent == 1
        assert len(hook.received) == 2
        ((d, _),) = _deliveries(factory)
        assert (d.status, d.attempts, d.last_error) == ("sent", 2, None)

    # a receiver that is gone: tried MAX_ATTEMPTS times, then failed, each try recorded
    with WebhookReceiver() as gone:
        url = gone.url()
    _add(factory, ADMIN, channel="webhook", target=url, events=["kev.hit"])
    with unit_of_work(factory) as s:
        service.emit(s, Event("kev.hit", "kev:x", "CVE-X is known to be exploited", PRODUCT))
    for _ in range(rules.MAX_ATTEMPTS):
        with unit_of_work(factory) as s:
            s.execute(update(NotificationDelivery).values(next_attempt_at=utcnow()))
        service.deliver_due(_uow(factory), settings)
    d = next(d for d, _ in _deliveries(factory) if d.target == url)
    assert (d.status, d.attempts) == ("failed", rules.MAX_ATTEMPTS)
    assert url in d.last_error


def test_cvd_deadlines_reach_the_security_roles_without_the_finder_or_the_report(
    nworld, tmp_path, db_url
):
    factory = nworld
    with unit_of_work(factory) as s:
        receipt = intake_service.submit_report(s, fields=REPORT, now=RECEIVED)
    for who in ("ana", "vic"):
        _add(
            factory,
            f"cli:{who}",
            channel="email",
            target=f"{who}@maker.example",
            events=["cvd.deadline"],
            deadline_days=3,
        )
    later = RECEIVED + timedelta(days=8)  # acknowledgement (5 business days) overdue
    with unit_of_work(factory) as s:
        events = cvd_tasks.deadline_events(s, now=later)
        queued = cvd_tasks.check_deadlines(s, now=later)
    overdue = [e for e in events if e.data["overdue"]]
    assert overdue and all(e.data["case"] == receipt.receipt_id for e in events)
    assert queued == len([e for e in events if e.data["overdue"] or e.data["days_left"] <= 3])
    with unit_of_work(factory) as s:
        assert cvd_tasks.check_deadlines(s, now=later) == 0  # told once
    with SmtpSink() as smtp:
        run = service.deliver_due(_uow(factory), _settings(tmp_path, db_url, smtp.port))
        assert run.sent == queued
        assert {r for _, tos, _ in smtp.mailbox.messages for r in tos} == {"ana@maker.example"}
        for _, _, msg in smtp.mailbox.messages:
            raw = msg.as_string()
            assert receipt.receipt_id in raw
            for secret in (
                REPORT["finder_email"],
                REPORT["finder_name"],
                "dose",
                receipt.status_token,
            ):
                assert secret not in raw
    for d, _ in _deliveries(factory):
        assert REPORT["finder_email"] not in orjson.dumps(d.payload).decode()


def test_preferences_follow_the_account_rules_and_are_audited(nworld):
    factory = nworld
    with unit_of_work(factory) as s:
        mine = service.add_preference(
            s,
            actor="cli:pam",
            channel="email",
            target="pam@maker.example",
            events=["kev.hit"],
            product=PRODUCT,
        )
        assert mine.account == "pam" and mine.secret is None
        with pytest.raises(PermissionDenied):  # another's preference needs an admin
            service.add_preference(
                s,
                actor="cli:pam",
                account="vic",
                channel="email",
                target="v@maker.example",
                events=["kev.hit"],
            )
        with pytest.raises(PermissionDenied):  # a product the account may not see
            service.add_preference(
                s,
                actor="cli:otto",
                channel="email",
                target="o@maker.example",
                events=["kev.hit"],
                product=PRODUCT,
            )
        with pytest.raises(InvalidInput, match="unknown event"):
            service.add_preference(
                s, actor="cli:pam", channel="email", target="p@maker.example", events=["nope"]
            )
        with pytest.raises(InvalidInput, match="http"):
            service.add_preference(
                s,
                actor="cli:pam",
                channel="webhook",
                target="file:///etc/passwd",
                events=["kev.hit"],
            )
        for_vic = service.add_preference(
            s,
            actor=ADMIN,
            account="vic",
            channel="webhook",
            target="https://hooks.example/v",
            events=["kev.hit"],
        )
        assert for_vic.account == "vic" and len(for_vic.secret or "") >= 40
        assert [p.id for p in service.list_preferences(s, actor="cli:pam")] == [mine.id]
        assert {p.account for p in service.list_preferences(s, actor=ADMIN)} == {"pam", "vic"}
        with pytest.raises(PermissionDenied):
            service.remove_preference(s, pref_id=for_vic.id, actor="cli:pam")
        service.remove_preference(s, pref_id=for_vic.id, actor="cli:vic")
        with pytest.raises(NotFound):
            service.remove_preference(s, pref_id=for_vic.id, actor=ADMIN)
        from medsec.audit import service as audit

        actions = [e.action for e in audit.list_events(s, limit=5)]
        assert actions[:3] == [
            "notification.preference.remove",
            "notification.preference.add",
            "notification.preference.add",
        ]
