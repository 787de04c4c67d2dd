"""Pure notification rules: who wants what, who may see it, what leaves medsec, signatures."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from medsec.notifications import rules


def _pref(**over):
    base = {
        "enabled": True,
        "events": ["finding.new", "cvd.deadline", "kev.hit"],
        "product": None,
        "min_severity": "high",
        "deadline_days": 7,
    }
    return base | over


def test_new_findings_are_told_at_or_above_the_threshold_only():
    assert rules.wants(_pref(), "finding.new", "Pump", "critical", {})
    assert rules.wants(_pref(), "finding.new", "Pump", "HIGH", {})
    assert not rules.wants(_pref(), "finding.new", "Pump", "medium", {})
    assert not rules.wants(_pref(), "finding.new", "Pump", None, {})
    assert rules.wants(_pref(min_severity="low"), "finding.new", "Pump", "medium", {})


def test_a_preference_for_one_product_ignores_the_others_and_disabled_ones_nothing():
    assert rules.wants(_pref(product="Pump"), "kev.hit", "Pump", None, {})
    assert not rules.wants(_pref(product="Pump"), "kev.hit", "Monitor", None, {})
    assert not rules.wants(_pref(enabled=False), "kev.hit", "Pump", None, {})
    assert not rules.wants(_pref(events=["kev.hit"]), "advisory.published", "Pump", None, {})


def test_cvd_deadlines_are_told_within_the_days_asked_or_when_passed():
    pref = _pref(deadline_days=3)
    assert rules.wants(pref, "cvd.deadline", "Pump", None, {"days_left": 3, "overdue": False})
    assert not rules.wants(pref, "cvd.deadline", "Pump", None, {"days_left": 7, "overdue": False})
    assert rules.wants(pref, "cvd.deadline", "Pump", None, {"days_left": 0, "overdue": True})


def test_entitlement_follows_product_access_and_keeps_cvd_to_the_security_roles():
    assert rules.entitled(["viewer"], [], "kev.hit", "Pump")
    assert not rules.entitled(["viewer"], [], "cvd.deadline", "Pump")
    assert rules.entitled(["analyst"], ["Pump"], "cvd.deadline", "Pump")
    assert not rules.entitled(["analyst"], ["Other"], "cvd.deadline", "Pump")
    assert not rules.entitled(["analyst"], ["Other"], "kev.hit", None)
    assert not rules.entitled([], [], "kev.hit", "Pump")


def test_the_payload_carries_the_public_fields_of_its_kind_only():
    data = {
        "case": "VR-2026-0001",
        "deadline": "triage",
        "due": "2026-12-10T00:00:00+00:00",
        "overdue": False,
        "days_left": 3,
        "finder_email": "finder@example.org",
        "status_token": "st-secret",
        "report": "embargoed exploit details",
        "password": "hunter2",
    }
    body = rules.payload(
        delivery_id=9, kind="cvd.deadline", title="CVD case VR-2026-0001", product="Pump", data=data
    )
    assert body == {
        "id": 9,
        "event": "cvd.deadline",
        "title": "CVD case VR-2026-0001",
        "product": "Pump",
        "case": "VR-2026-0001",
        "deadline": "triage",
        "due": "2026-12-10T00:00:00+00:00",
        "overdue": False,
        "days_left": 3,
    }


def test_signature_is_hmac_sha256_of_timestamp_dot_body_and_verifies():
    body = b'{"event":"kev.hit"}'
    sig = rules.signature("s3cret", "1700000000", body)
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sig == f"sha256={expected}"
    assert rules.verify("s3cret", "1700000000", body, sig)
    assert not rules.verify("s3cret", "1700000001", body, sig)
    assert not rules.verify("other", "1700000000", body, sig)


def test_backoff_doubles_from_30_seconds_up_to_an_hour():
    assert [rules.backoff_seconds(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert rules.backoff_seconds(20) == 3600


@pytest.mark.parametrize(
    ("channel", "target"),
    [
        ("email", "not-an-address"),
        ("email", "a@b"),
        ("webhook", "ftp://example.org/x"),
        ("webhook", "https://user:pw@example.org/x"),
        ("sms", "+1555"),
    ],
)
def test_bad_targets_are_refused(channel, target):
    with pytest.raises(ValueError):
        rules.check_target(channel, target)


def test_the_email_text_says_what_to_do_first():
    subject, text = rules.email_text(
        {"id": 1, "event": "kev.hit", "title": "CVE-1 is known to be exploited", "product": "P"}
    )
    assert subject == "[medsec] CVE-1 is known to be exploited"
    assert text.splitlines()[0] == "Act now: this vulnerability is known to be exploited."
