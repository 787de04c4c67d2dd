"""The public report intake over the JSON API: stored first, receipt and token round trip, the
same 404 for a wrong token, size caps before parsing, named refusals, hostile text kept as
text, attachments, rate limits, the honeypot, and no token in any log."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import zlib
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from medsec.cvd import http
from medsec.cvd.intake import DEFAULT_LIMITS
from medsec.models import AuditEvent, CvdAttachment, CvdCase, CvdEvent
from medsec.web.ratelimit import RateLimiter

URL = "/api/v1/cvd/reports"
PROBLEM = "application/problem+json"
HOSTILE = "<script>alert(1)</script>\"><img src=x onerror=alert(2)> & 'quotes' </textarea>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def report(**extra: object) -> dict:
    """A plausible report body."""
    return {
        "product": "Infusion pump IP-200",
        "version": "4.1.2",
        "description": "The telemetry service accepts unauthenticated firmware uploads on 8443.",
        "reproduction_steps": "1. connect to port 8443\n2. POST any image to /fw",
    } | extra


def b64(data: bytes) -> str:
    """Base64 text of bytes."""
    return base64.b64encode(data).decode()


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"]
    return body


def _cases(session_factory) -> list[CvdCase]:
    with session_factory() as s:
        return list(s.scalars(select(CvdCase).order_by(CvdCase.id)))


def test_report_is_stored_before_the_answer_and_the_token_round_trips(
    intake_client, session_factory
):
    r = intake_client.post(URL, json=report())
    assert r.status_code == 201, r.text
    body = r.json()
    receipt, token = body["receipt_id"], body["status_token"]
    assert r.headers["location"] == f"{URL}/{receipt}"
    assert body["held_for_review"] is False
    [case] = _cases(session_factory)  # committed before the 201 went out
    assert case.receipt_id == receipt and case.source == "api" and case.state == "received"
    assert case.description == report()["description"]
    assert token not in (case.token_hash or "") and len(token) >= 32
    for headers in ({"Authorization": f"Bearer {token}"}, {"X-Status-Token": token}):
        view = intake_client.get(f"{URL}/{receipt}", headers=headers)
        assert view.status_code == 200, view.text
        assert view.json()["receipt_id"] == receipt and view.json()["state"] == "received"
    r = intake_client.post(
        f"{URL}/{receipt}/messages", json={"text": "Any news?"}, headers={"X-Status-Token": token}
    )
    assert r.status_code == 201, r.text
    last = r.json()["messages"][-1]
    assert last["text"] == "Any news?" and last["direction"] == "inbound"
    with session_factory() as s:
        inbound = s.scalars(select(CvdEvent.text).where(CvdEvent.direction == "inbound")).all()
    assert "Any news?" in inbound


def test_a_wrong_token_and_an_unknown_receipt_get_the_same_404(intake_client):
    body = intake_client.post(URL, json=report()).json()
    receipt, token = body["receipt_id"], body["status_token"]
    wrong = intake_client.get(f"{URL}/{receipt}", headers={"X-Status-Token": token[:-2] + "xx"})
    unknown = intake_client.get(f"{URL}/VR-AAAAAAAAAAAAAAAA", headers={"X-Status-Token": token})
    missing = intake_client.get(f"{URL}/{receipt}")
    in_query = intake_client.get(f"{URL}/{receipt}?token={token}")  # never read from a URL
    _problem(wrong, 404)
    assert wrong.content == unknown.content == missing.content == in_query.content
    reply = intake_client.post(
        f"{URL}/{receipt}/messages", json={"text": "hi"}, headers={"X-Status-Token": "nope"}
    )
    assert _problem(reply, 404) == wrong.json()


def test_status_url_has_the_token_only_after_the_hash(intake_client):
    r = intake_client.post(URL, json=report())
    body = r.json()
    parts = urlsplit(body["status_url"])
    assert parts.fragment == f"token={body['status_token']}"
    assert body["status_token"] not in parts.path + parts.query
    assert parts.path == f"/report/status/{body['receipt_id']}"
    assert body["status_token"] not in r.headers["location"]


def _asgi_post(
    app, headers: list[tuple[bytes, bytes]], chunks: int, first: bytes = b"", path: str = URL
) -> tuple[int, int]:
    """POST ``chunks`` MiB straight to the ASGI app; (status, bytes the app pulled)."""
    pulled = 0
    sent: list[dict] = []

    async def receive() -> dict:
        nonlocal pulled
        body = (first if not pulled else b"") + b"x" * (1024 * 1024)
        pulled += 1024 * 1024
        return {
            "type": "http.request",
            "body": body,
            "more_body": pulled < chunks * 1024 * 1024,
        }

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.9", 5000),
        "server": ("testserver", 80),
        "state": {},
    }
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], pulled - 1024 * 1024 if pulled else 0


def test_an_oversize_body_is_refused_before_parsing_and_nothing_is_stored(
    intake_app, intake_client, session_factory
):
    cap = http.body_cap()
    assert cap < 20 * 1024 * 1024  # the intake's limits plus overhead, not the document limit
    big = b'{"description": "' + b"a" * cap + b'"}'
    body = _problem(
        intake_client.post(URL, content=big, headers={"content-type": "application/json"}), 413
    )
    assert body["field"] == "request"
    json_type = (b"content-type", b"application/json")
    declared = _asgi_post(intake_app, [json_type, (b"content-length", b"1073741824")], 1024)
    assert declared == (413, 0)  # refused on the header alone, no byte read
    status, pulled = _asgi_post(intake_app, [json_type], 1024)  # 1 GiB, no Content-Length
    assert status == 413 and pulled <= cap  # reading stopped at the cap
    form = (b"content-type", b"multipart/form-data; boundary=xyz")
    part = (
        b'--xyz\r\nContent-Disposition: form-data; name="attachments"; filename="a.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    status, pulled = _asgi_post(intake_app, [form], 1024, part)
    assert status == 413 and pulled <= cap
    status, pulled = _asgi_post(intake_app, [form], 1024, part, path="/report")  # the web form
    assert status == 413 and pulled <= cap
    assert _cases(session_factory) == []


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"description": None}, "description", 422),
        ({"version": "   "}, "version", 422),
        ({"cvss_vector": "CVSS:3.1/AV:Q"}, "cvss_vector", 422),
        ({"product": 42}, "product", 422),
        ({"colour": "red"}, "colour", 422),
        ({"product": "p" * 201}, "product", 413),
        ({"finder_email": "not an address"}, "finder_email", 422),
        ({"pgp_key": "hello"}, "pgp_key", 422),
    ],
)
def test_a_bad_field_is_refused_naming_it(intake_client, session_factory, change, field, status):
    body = _problem(intake_client.post(URL, json=report(**change)), status)
    assert body["field"] == field and body["detail"].startswith(f"{field}:")
    assert _cases(session_factory) == []


def test_malformed_json_and_wrong_types_are_named(intake_client, session_factory):
    for content, ctype, field in [
        (b'{"product": "x",', "application/json", "request"),
        (b'{"product": "\xff\xfe"}', "application/json", "request"),
        (b"[1, 2]", "application/json", "request"),
        (b"product=x", "text/plain", "request"),
    ]:
        body = _problem(
            intake_client.post(URL, content=content, headers={"content-type": ctype}), 422
        )
        assert body["field"] == field, body
    assert _cases(session_factory) == []


def test_hostile_text_is_stored_exactly_and_returned_json_escaped(intake_client, session_factory):
    description = f"XSS in the patient name field: {HOSTILE}\nline two\x00\x07 end"
    r = intake_client.post(URL, json=report(description=description, product=HOSTILE))
    assert r.status_code == 201, r.text
    receipt, token = r.json()["receipt_id"], r.json()["status_token"]
    [case] = _cases(session_factory)
    assert case.product_id is None and case.reported_product == HOSTILE
    assert case.description == f"XSS in the patient name field: {HOSTILE}\nline two end"
    reply = intake_client.post(
        f"{URL}/{receipt}/messages", json={"text": HOSTILE}, headers={"X-Status-Token": token}
    )
    assert reply.headers["content-type"] == "application/json"
    assert reply.headers["x-content-type-options"] == "nosniff"
    assert reply.json()["messages"][-1]["text"] == HOSTILE
    assert json.dumps(HOSTILE)[1:-1].replace(" ", "") in reply.text.replace(" ", "")


def test_attachments_are_checked_and_stored(intake_client, session_factory, shared_data):
    sbom = shared_data / "sboms/medical-device/sboms/case-study/narrow.sbom.json"
    real = sbom.read_bytes()
    files = [
        {"name": "narrow.sbom.json", "content_type": "application/json", "data": b64(real)},
        {"name": "screen.png", "content_type": "image/png", "data": b64(PNG)},
    ]
    r = intake_client.post(URL, json=report(attachments=files))
    assert r.status_code == 201, r.text
    with session_factory() as s:
        stored = s.scalars(select(CvdAttachment).order_by(CvdAttachment.name)).all()
        assert [a.name for a in stored] == ["narrow.sbom.json", "screen.png"]
        assert stored[0].sha256 == hashlib.sha256(real).hexdigest()
        assert zlib.decompress(stored[0].data) == real and stored[1].size == len(PNG)
    refusals = [
        ({"name": "run.exe", "content_type": "application/x-msdownload", "data": b64(b"MZ")}, 422),
        ({"name": "fake.png", "content_type": "image/png", "data": b64(b"GIF89a....")}, 422),
        ({"name": "shot.png", "content_type": "text/plain", "data": b64(b"text")}, 422),
        ({"name": "../etc.txt", "content_type": "text/plain", "data": b64(b"text")}, 422),
        ({"name": "bin.txt", "content_type": "text/plain", "data": b64(b"\xff\xfe\xfa")}, 422),
        ({"name": "a.txt", "content_type": "text/plain", "data": "***not base64***"}, 422),
        (
            {
                "name": "big.txt",
                "content_type": "text/plain",
                "data": b64(b"a" * (DEFAULT_LIMITS.attachment_bytes + 1)),
            },
            413,
        ),
    ]
    for item, status in refusals:
        body = _problem(intake_client.post(URL, json=report(attachments=[item])), status)
        assert body["field"].startswith("attachments[0]"), body
    assert len(_cases(session_factory)) == 1


def test_multipart_fields_and_files_are_accepted(intake_client, session_factory):
    r = intake_client.post(
        URL,
        data=report(),
        files=[("attachments", ("poc.txt", b"curl -k https://pump/fw", "text/plain"))],
    )
    assert r.status_code == 201, r.text
    with session_factory() as s:
        assert s.scalar(select(CvdAttachment.name)) == "poc.txt"
    r = intake_client.post(
        URL, data=report(), files=[("attachments", ("x.zip", b"PK\x03\x04", "application/zip"))]
    )
    assert _problem(r, 422)["field"] == "attachments[0]"


def test_rate_limit_answers_429_with_retry_after_then_recovers(intake_app, intake_client):
    now = [0.0]
    intake_app.state.report_limiter = RateLimiter(capacity=2, rate=1 / 1800, clock=lambda: now[0])
    assert [intake_client.post(URL, json=report()).status_code for _ in range(2)] == [201, 201]
    r = intake_client.post(URL, json=report())
    _problem(r, 429)
    assert r.headers["retry-after"] == "1800"
    now[0] += 1800
    body = intake_client.post(URL, json=report()).json()
    intake_app.state.status_limiter = RateLimiter(capacity=1, rate=1 / 60, clock=lambda: now[0])
    headers = {"X-Status-Token": body["status_token"]}
    assert intake_client.get(f"{URL}/{body['receipt_id']}", headers=headers).status_code == 200
    limited = intake_client.get(f"{URL}/{body['receipt_id']}", headers=headers)
    assert _problem(limited, 429) and limited.headers["retry-after"] == "60"


def test_rate_limit_defaults_are_configurable():
    from medsec.config import get_settings

    cfg = get_settings({"MEDSEC_REPORT_BURST": "2", "MEDSEC_REPORT_PER_HOUR": "0.5"})
    assert (cfg.report_burst, cfg.report_per_hour) == (2, 0.5)
    assert (get_settings({}).report_burst, get_settings({}).report_per_hour) == (5, 6.0)


def test_a_filled_honeypot_is_stored_and_held_for_review(intake_client, session_factory):
    r = intake_client.post(URL, json=report(website="http://cheap-backlinks.example"))
    assert r.status_code == 201 and r.json()["held_for_review"] is True
    [case] = _cases(session_factory)
    assert case.held_for_review and "honeypot field filled" in case.spam_reasons


def test_no_token_in_the_audit_log_or_the_server_log(intake_client, session_factory, caplog):
    caplog.set_level(logging.DEBUG)
    body = intake_client.post(URL, json=report()).json()
    receipt, token = body["receipt_id"], body["status_token"]
    intake_client.get(f"{URL}/{receipt}", headers={"Authorization": f"Bearer {token}"})
    intake_client.post(
        f"{URL}/{receipt}/messages", json={"text": "ping"}, headers={"X-Status-Token": token}
    )
    intake_client.get(f"{URL}/{receipt}", headers={"X-Status-Token": "wrong"})
    assert caplog.records  # the request log was captured
    assert token not in caplog.text
    with session_factory() as s:
        events = s.scalars(select(AuditEvent)).all()
        assert {e.action for e in events} >= {"cvd.report.received", "cvd.finder.reply"}
        assert not any(token in json.dumps(e.details) for e in events)
        assert s.scalar(select(func.count()).select_from(CvdCase)) == 1


def test_malformed_encodings_in_a_form_are_stored_safely_as_text(intake_client, session_factory):
    boundary = "b0undary"
    parts = [
        ("product", b"Pump \xff\xfe\xc3("),
        ("version", b"1"),
        ("description", b"Overflow in the parser \xed\xa0\x80 <script>x</script> ok"),
    ]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n'.encode()
            + v
            + b"\r\n"
            for n, v in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    r = intake_client.post(
        URL, content=body, headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert r.status_code == 201, r.text
    [case] = _cases(session_factory)  # the form parser reads a non-UTF-8 part as Latin-1
    assert case.reported_product == b"Pump \xff\xfe\xc3(".decode("latin-1")
    assert case.description == "Overflow in the parser \xed\xa0 <script>x</script> ok"  # C1 cut
    r = intake_client.post(
        URL, content=b"x", headers={"content-type": "application/json", "content-length": "1"}
    )
    assert _problem(r, 422)["field"] == "request"


def test_openapi_documents_the_report_body_and_its_limits(intake_client):
    doc = intake_client.get("/api/openapi.json").json()
    post = doc["paths"]["/api/v1/cvd/reports"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"product", "version", "description"}
    assert (
        schema["properties"]["description"]["maxLength"]
        == DEFAULT_LIMITS.field_chars["description"]
    )
    assert "multipart/form-data" in post["requestBody"]["content"]
    assert "/api/v1/cvd/reports/{receipt_id}/messages" in doc["paths"]
    assert not any(p.startswith("/report") for p in doc["paths"])  # pages stay out
