"""The public report form, the receipt page, the private status page and security.txt, through
the TestClient: signed render time, refusals that keep the input, hostile text as text."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from sqlalchemy import select

from medsec.cvd import spam
from medsec.cvd.deadlines import DEFAULT_POLICY
from medsec.cvd.intake import ALLOWED_TYPES, DEFAULT_LIMITS
from medsec.models import CvdCase
from medsec.web.ratelimit import RateLimiter

HOSTILE = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
DESCRIPTION = "The pump's web console reflects the patient name unescaped: " + HOSTILE


class Clock:
    """A settable clock for app.state.clock."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time on."""
        self.now += timedelta(seconds=seconds)


def _rendered(html: str) -> str:
    found = re.search(r'name="rendered" value="([^"]+)"', html)
    assert found, "no signed render time on the form"
    return found.group(1)


def _fields(**extra: str) -> dict[str, str]:
    return {
        "product": "Infusion pump IP-200",
        "version": "4.1.2",
        "description": DESCRIPTION,
        "website": "",
    } | extra


def _clocked(app) -> Clock:
    clock = Clock()
    app.state.clock = clock
    return clock


def test_the_form_shows_fields_limits_types_and_hides_the_honeypot_by_css(intake_client):
    r = intake_client.get("/report")
    assert r.status_code == 200
    html = r.text
    for name, limit in DEFAULT_LIMITS.field_chars.items():
        assert f'name="{name}"' in html and f'maxlength="{limit}"' in html
    assert f"at most {DEFAULT_LIMITS.field_chars['description']:,} characters" in html
    for kind in ALLOWED_TYPES.values():
        assert ", ".join(kind.extensions) in html
    assert re.search(
        rf'<div class="hp"[^>]*>\s*<label[^>]*>[^<]*</label>\s*'
        rf'<input[^>]*name="{spam.HONEYPOT_FIELD}"',
        html,
    )
    assert ".hp {" in intake_client.get("/static/app.css").text
    assert "style=" not in html and "<style" not in html  # the CSP forbids inline styles
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # and inline scripts
    assert "script-src 'self'" in r.headers["content-security-policy"]
    words = " ".join(html.split())
    ack = DEFAULT_POLICY.acknowledge_business_days
    assert f"within {ack} business days" in words and 'id="what-happens"' in html
    assert f"no later than {DEFAULT_POLICY.disclosure_days} days" in words and "PGP" in words
    assert 'enctype="multipart/form-data"' in html


def test_a_person_submits_the_form_and_gets_a_receipt(intake_app, intake_client, session_factory):
    clock = _clocked(intake_app)
    signed = _rendered(intake_client.get("/report").text)
    clock.advance(30)
    r = intake_client.post(
        "/report",
        data=_fields(rendered=signed),
        files=[("attachments", ("poc.txt", b"GET /console?name=<script>", "text/plain"))],
    )
    assert r.status_code == 201, r.text
    receipt = re.search(r'id="receipt-id">([^<]+)<', r.text).group(1)
    token = re.search(r'id="status-token">([^<]+)<', r.text).group(1)
    link = unescape(re.search(r'id="status-link" href="([^"]+)"', r.text).group(1))
    assert link == f"http://testserver/report/status/{receipt}#token={token}"
    assert "shown only this once" in r.text
    with session_factory() as s:
        case = s.scalar(select(CvdCase))
        assert case.receipt_id == receipt and case.source == "web"
        assert case.description == DESCRIPTION and not case.held_for_review
        assert case.received_at.replace(tzinfo=UTC) == clock.now


def test_too_fast_and_honeypot_submissions_are_stored_but_held(
    intake_app, intake_client, session_factory
):
    clock = _clocked(intake_app)
    signed = _rendered(intake_client.get("/report").text)
    clock.advance(1)  # faster than a person types
    assert intake_client.post("/report", data=_fields(rendered=signed)).status_code == 201
    clock.advance(60)
    r = intake_client.post("/report", data=_fields(rendered=signed, website="http://x.example"))
    assert r.status_code == 201
    with session_factory() as s:
        cases = s.scalars(select(CvdCase).order_by(CvdCase.id)).all()
    assert [c.held_for_review for c in cases] == [True, True]
    assert "fill time" in cases[0].spam_reasons[0] and "honeypot" in cases[1].spam_reasons[0]


def test_a_forged_or_expired_render_time_is_refused_keeping_the_input(
    intake_app, intake_client, session_factory
):
    clock = _clocked(intake_app)
    signed = _rendered(intake_client.get("/report").text)
    payload, issued, mac = signed.split(".")
    forged = f"{payload}.{int(issued) - 600}.{mac}"
    r = intake_client.post("/report", data=_fields(rendered=forged))
    assert r.status_code == 400
    assert "does not verify" in r.text and "your text is kept" in r.text
    clock.advance(spam.MAX_FORM_AGE.total_seconds() + 10)
    r = intake_client.post("/report", data=_fields(rendered=signed))
    assert r.status_code == 400 and "expired" in r.text
    r = intake_client.post("/report", data=_fields())
    assert r.status_code == 400 and "malformed" in r.text
    assert "Infusion pump IP-200" in r.text and _rendered(r.text) != signed  # a fresh form
    with session_factory() as s:
        assert s.scalars(select(CvdCase)).all() == []


def test_a_refusal_re_renders_the_form_with_the_message_and_hostile_input_as_text(
    intake_app, intake_client, session_factory
):
    clock = _clocked(intake_app)
    signed = _rendered(intake_client.get("/report").text)
    clock.advance(30)
    r = intake_client.post(
        "/report",
        data=_fields(rendered=signed, product=HOSTILE, cvss_vector="CVSS:3.1/AV:Q"),
        files=[("attachments", ("poc.txt", b"x", "text/plain"))],
    )
    assert r.status_code == 422
    assert "cvss_vector:" in r.text and "choose the files again" in r.text
    assert '<div class="field invalid">\n      <label for="f-cvss_vector">' in r.text
    assert "<img src=x" not in r.text and "<script>alert" not in r.text
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in r.text  # kept, escaped
    r = intake_client.post(
        "/report",
        data=_fields(rendered=signed),
        files=[("attachments", ("tool.exe", b"MZ\x90", "application/octet-stream"))],
    )
    assert r.status_code == 422 and "attachments[0]:" in r.text
    assert '<div class="field invalid">\n      <label for="f-attachments">' in r.text
    with session_factory() as s:
        assert s.scalars(select(CvdCase)).all() == []


def test_status_page_shows_the_view_and_takes_a_hostile_reply_as_text(
    intake_app, intake_client, session_factory
):
    body = intake_client.post(
        "/api/v1/cvd/reports",
        json={"product": "IP-200", "version": "4", "description": DESCRIPTION},
    ).json()
    receipt, token = body["receipt_id"], body["status_token"]
    landing = intake_client.get(f"/report/status/{receipt}")
    assert landing.status_code == 200 and f'value="{receipt}"' in landing.text
    assert '<script src="/static/report.js" defer>' in landing.text and token not in landing.text
    wrong = intake_client.post("/report/status", data={"receipt_id": receipt, "token": "nope"})
    unknown = intake_client.post(
        "/report/status", data={"receipt_id": "VR-AAAAAAAAAAAAAAAA", "token": token}
    )
    assert wrong.status_code == unknown.status_code == 404
    assert "no report with that receipt id and status token" in wrong.text
    assert "no report with that receipt id and status token" in unknown.text
    shown = intake_client.post("/report/status", data={"receipt_id": receipt, "token": token})
    assert shown.status_code == 200
    assert f"Report {receipt}" in shown.text and 'id="state">received<' in shown.text
    assert "was received and stored" in shown.text  # the automatic receipt message
    replied = intake_client.post(
        "/report/status/reply", data={"receipt_id": receipt, "token": token, "text": HOSTILE}
    )
    assert replied.status_code == 200 and "Your message was added." in replied.text
    assert (
        "<img src=x" not in replied.text and "&lt;script&gt;alert(2)&lt;/script&gt;" in replied.text
    )
    empty = intake_client.post(
        "/report/status/reply", data={"receipt_id": receipt, "token": token, "text": "  "}
    )
    assert empty.status_code == 422 and "text: is required" in empty.text


def test_web_form_rate_limit_says_when_to_come_back(intake_app, intake_client):
    now = [0.0]
    intake_app.state.report_limiter = RateLimiter(capacity=1, rate=1 / 600, clock=lambda: now[0])
    signed = _rendered(intake_client.get("/report").text)
    assert intake_client.post("/report", data=_fields(rendered=signed)).status_code == 201
    r = intake_client.post("/report", data=_fields(rendered=signed))
    assert r.status_code == 429 and r.headers["retry-after"] == "600"
    assert "try again in 600 s" in r.text


def test_security_txt_follows_rfc_9116(intake_app, intake_client):
    clock = _clocked(intake_app)
    r = intake_client.get("/.well-known/security.txt")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    lines = dict(line.split(": ", 1) for line in r.text.strip().splitlines())
    assert lines["Contact"] == "http://testserver/report"
    assert lines["Canonical"] == "http://testserver/.well-known/security.txt"
    assert lines["Policy"].startswith("http://testserver/report#")
    assert lines["Preferred-Languages"] == "en"
    expires = datetime.strptime(lines["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert expires - clock.now == timedelta(days=365)


def test_login_page_and_header_link_to_the_report_form(intake_client):
    login = intake_client.get("/login").text
    assert login.count('href="/report"') == 2  # the header and the login box
    assert 'href="/report"' in intake_client.get("/report/status").text


def test_an_oversize_form_is_refused_with_the_form_shown_again(intake_client, session_factory):
    big = b"a" * (DEFAULT_LIMITS.total_attachment_bytes * 2)
    r = intake_client.post(
        "/report", data=_fields(), files=[("attachments", ("big.txt", big, "text/plain"))]
    )
    assert r.status_code == 413 and "request: body is over" in r.text
    assert 'action="/report"' in r.text and 'name="rendered"' in r.text
    with session_factory() as s:
        assert s.scalars(select(CvdCase)).all() == []
