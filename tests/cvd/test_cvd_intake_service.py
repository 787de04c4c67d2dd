"""Public intake on both databases: stored before anything else, secrets only hashed, hostile
input refused or kept as text, nothing half-stored, spam held for review, finder status/reply."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from cvd_world import RECEIVED, REPORT
from sqlalchemy import func, select, text

from medsec.cvd import intake_service as intake
from medsec.cvd import tokens
from medsec.cvd.deadlines import add_business_days
from medsec.cvd.sanitize import ReportRejected, ReportTooLarge
from medsec.cvd.spam import HONEYPOT_FIELD
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput, NotFound
from medsec.models import AuditEvent, CvdAttachment, CvdCase, CvdEvent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _submit(factory, fields=None, **kwargs):
    with unit_of_work(factory) as s:
        return intake.submit_report(s, fields=fields or REPORT, now=RECEIVED, **kwargs)


def _counts(factory) -> tuple[int, int, int, int]:
    with unit_of_work(factory) as s:
        return tuple(  # type: ignore[return-value]
            s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (CvdCase, CvdEvent, CvdAttachment, AuditEvent)
        )


def test_report_is_stored_and_readable_only_with_receipt_and_token(session_factory):
    receipt = _submit(session_factory, attachments=[("poc.png", PNG, "image/png")])
    assert receipt.receipt_id.startswith("VR-") and not receipt.held_for_review
    assert _counts(session_factory) == (1, 2, 1, 1)  # case, received + auto receipt, file, audit
    with unit_of_work(session_factory) as s:
        view = intake.finder_status(s, receipt_id=receipt.receipt_id, token=receipt.status_token)
        case = s.execute(select(CvdCase)).scalar_one()
        assert (case.description, case.finder_email) == (
            REPORT["description"],
            REPORT["finder_email"],
        )
        assert case.source == "api" and case.state == "received"
    assert view.state == "received" and view.acknowledged_at is None
    assert view.received_at == RECEIVED
    # Monday 09:00 + 5 business days = the next Monday 09:00
    assert view.acknowledge_due == datetime(2026, 3, 9, 9, 0, tzinfo=UTC)
    assert [(m.direction, m.at) for m in view.messages] == [("outbound", RECEIVED)]
    assert receipt.receipt_id in view.messages[0].text  # automatic receipt, not "acknowledged"
    assert view.cve_id is None and view.disclosure_date is None


def test_token_is_never_stored_in_clear(session_factory, engine):
    receipt = _submit(session_factory)
    with engine.connect() as conn:
        rows = [repr(tuple(r)) for r in conn.execute(text("SELECT * FROM cvd_case")).all()]
        rows += [repr(tuple(r)) for r in conn.execute(text("SELECT * FROM audit_event")).all()]
        rows += [repr(tuple(r)) for r in conn.execute(text("SELECT * FROM cvd_event")).all()]
    assert rows and all(receipt.status_token not in r for r in rows)
    assert any(tokens.hash_token(receipt.status_token) in r for r in rows)


def test_wrong_token_and_unknown_receipt_give_the_same_not_found(session_factory):
    receipt = _submit(session_factory)
    other = _submit(session_factory)
    messages = set()
    with unit_of_work(session_factory) as s:
        for rid, token in (
            (receipt.receipt_id, "wrong"),
            (receipt.receipt_id, other.status_token),  # another case's real token
            ("VR-0000000000000000", receipt.status_token),
            (receipt.receipt_id, ""),
        ):
            with pytest.raises(NotFound) as err:
                intake.finder_status(s, receipt_id=rid, token=token)
            messages.add(str(err.value))
            with pytest.raises(NotFound):
                intake.finder_reply(s, receipt_id=rid, token=token, text="hello")
    assert len(messages) == 1
    assert _counts(session_factory)[1] == 4  # two cases x (received, auto receipt): no reply


def test_audit_has_sizes_and_hashes_but_no_personal_data_or_secrets(session_factory):
    receipt = _submit(session_factory, attachments=[("poc.png", PNG, "image/png")])
    with unit_of_work(session_factory) as s:
        intake.finder_reply(
            s, receipt_id=receipt.receipt_id, token=receipt.status_token, text="more detail"
        )
        events = list(s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars())
    assert [e.action for e in events] == ["cvd.report.received", "cvd.finder.reply"]
    assert all(e.actor == "public" for e in events)
    first = events[0].details
    assert first["receipt_id"] == receipt.receipt_id
    assert first["attachments"] == [
        {"sha256": hashlib.sha256(PNG).hexdigest(), "size": len(PNG), "content_type": "image/png"}
    ]
    assert first["sizes"]["description"] == len(REPORT["description"])
    dumped = orjson.dumps([e.details for e in events]).decode()
    for secret in (
        receipt.status_token,
        REPORT["finder_email"],
        REPORT["finder_name"],
        REPORT["description"],
        "more detail",
        "poc.png",
    ):
        assert secret not in dumped


def test_attachments_are_stored_compressed_with_their_hash(session_factory):
    log = b"2026-03-01 dose=999 accepted\n" * 200
    _submit(
        session_factory,
        attachments=[("poc.png", PNG, "image/png"), ("pump.log", log, "text/plain; charset=utf-8")],
    )
    with unit_of_work(session_factory) as s:
        rows = list(s.execute(select(CvdAttachment).order_by(CvdAttachment.id)).scalars())
    assert [(r.name, r.content_type, r.size) for r in rows] == [
        ("poc.png", "image/png", len(PNG)),
        ("pump.log", "text/plain", len(log)),
    ]
    assert zlib.decompress(rows[1].data) == log and len(rows[1].data) < len(log)
    assert rows[1].sha256 == hashlib.sha256(log).hexdigest()


def test_hostile_text_is_stored_as_text_exactly(session_factory):
    xss = '<script>alert("x")</script><img src=x onerror=alert(1)> {{7*7}} ${jndi:ldap://e/a}'
    fields = {**REPORT, "description": xss, "reproduction_steps": "a\x00b\x1b[31mc\u202eevil\r\nd"}
    receipt = _submit(session_factory, fields=fields)
    with unit_of_work(session_factory) as s:
        case = s.execute(select(CvdCase)).scalar_one()
        assert case.description == xss  # verbatim: never interpreted, escaped on output
        assert case.reproduction == "ab[31mcevil\nd"  # control and bidi characters removed
        assert len(xss) < 120 and case.title == xss
        view = intake.finder_reply(
            s, receipt_id=receipt.receipt_id, token=receipt.status_token, text=xss
        )
    assert view.messages[-1].text == xss and view.messages[-1].direction == "inbound"


@pytest.mark.parametrize(
    ("fields", "attachments", "error", "field"),
    [
        ({**REPORT, "description": b"caf\xe9 bytes"}, [], ReportRejected, "description"),
        ({**REPORT, "product": "\ud800"}, [], ReportRejected, "product"),
        ({**REPORT, "description": "x" * 100_000}, [], ReportTooLarge, "description"),
        ({**REPORT, "finder_email": "not an address"}, [], ReportRejected, "finder_email"),
        ({**REPORT, "cvss_vector": "CVSS:3.1/AV:Q"}, [], ReportRejected, "cvss_vector"),
        ({**REPORT, "admin": "1"}, [], ReportRejected, "admin"),
        ({k: v for k, v in REPORT.items() if k != "version"}, [], ReportRejected, "version"),
        (REPORT, [("evil.png", b"MZ\x90\x00", "image/png")], ReportRejected, "attachments[0]"),
        (REPORT, [("a.zip", b"PK\x03\x04", "application/zip")], ReportRejected, "attachments[0]"),
        (REPORT, [("../../etc/x.txt", b"hi", "text/plain")], ReportRejected, "attachments[0]"),
        (REPORT, [("big.png", PNG + b"\0" * (6 << 20), "image/png")], ReportTooLarge, None),
    ],
)
def test_refused_submission_leaves_nothing_stored(
    session_factory, fields, attachments, error, field
):
    with pytest.raises(error) as err:
        _submit(session_factory, fields=fields, attachments=attachments)
    if field is not None:
        assert err.value.field == field
    assert isinstance(err.value, InvalidInput)
    assert _counts(session_factory) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("extra", "rendered", "held"),
    [
        ({}, None, False),
        ({}, timedelta(minutes=3), False),
        ({HONEYPOT_FIELD: "http://spam.example"}, None, True),
        ({}, timedelta(seconds=1), True),  # filled faster than a person can
        ({}, timedelta(days=2), True),  # stale form
        (
            {"description": " ".join(f"http://s{i}.example casino" for i in range(8))},
            None,
            True,
        ),
    ],
)
def test_spam_suspects_are_stored_but_held_for_review(session_factory, extra, rendered, held):
    at = None if rendered is None else RECEIVED - rendered
    receipt = _submit(session_factory, fields={**REPORT, **extra}, rendered_at=at)
    assert receipt.held_for_review is held
    with unit_of_work(session_factory) as s:
        case = s.execute(select(CvdCase)).scalar_one()
    assert case.held_for_review is held and (case.spam_score >= 5) is held
    assert bool(case.spam_reasons) or not held  # every hold says why
    with unit_of_work(session_factory) as s:
        view = intake.finder_status(s, receipt_id=receipt.receipt_id, token=receipt.status_token)
    assert len(view.messages) == (0 if held else 1)  # no automatic receipt while held


def test_form_rendered_in_the_future_is_refused(session_factory):
    with pytest.raises(ReportRejected) as err:
        _submit(session_factory, rendered_at=RECEIVED + timedelta(minutes=1))
    assert err.value.field == "form"
    assert _counts(session_factory) == (0, 0, 0, 0)


def test_unknown_source_is_refused(session_factory):
    with pytest.raises(InvalidInput, match="source"):
        _submit(session_factory, source="pigeon")
    assert _counts(session_factory)[0] == 0


def test_finder_reply_rules(session_factory):
    receipt = _submit(session_factory)
    with unit_of_work(session_factory) as s:
        for bad, error in (("   ", ReportRejected), ("x" * 20_001, ReportTooLarge)):
            with pytest.raises(error):
                intake.finder_reply(
                    s, receipt_id=receipt.receipt_id, token=receipt.status_token, text=bad
                )
        view = intake.finder_reply(
            s,
            receipt_id=receipt.receipt_id,
            token=receipt.status_token,
            text="PoC video at request",
            now=RECEIVED + timedelta(hours=2),
        )
    assert [(m.direction, m.text, m.at) for m in view.messages][1:] == [
        ("inbound", "PoC video at request", RECEIVED + timedelta(hours=2))
    ]


def test_acknowledge_due_follows_the_policy_file(session_factory, tmp_path, monkeypatch):
    policy = tmp_path / "policy.json"
    policy.write_text('{"acknowledge_business_days": 2, "holidays": ["2026-03-03"]}')
    monkeypatch.setenv("MEDSEC_CVD_POLICY", str(policy))
    receipt = _submit(session_factory)
    with unit_of_work(session_factory) as s:
        view = intake.finder_status(s, receipt_id=receipt.receipt_id, token=receipt.status_token)
    # Monday + 2 business days, skipping the Tuesday holiday → Thursday
    assert view.acknowledge_due == add_business_days(RECEIVED, 3)
    assert view.acknowledge_due.weekday() == 3
