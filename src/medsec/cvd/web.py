"""The public report form `/report`, the finder's private status page, and security.txt.

No login: anyone may report. Protection without a session:

- CSRF: there is no session or ambient authority to ride on (a forged cross-site submission
  can only file a report under the forger's own hand), and the form carries a signed hidden
  render time (``Signer`` purpose "report-form"), so a POST must follow a GET of our form within
  ``spam.MAX_FORM_AGE``; our cookies are SameSite=Strict and the CSP allows ``form-action
  'self'`` only. The status forms need the secret token, which a cross-site page cannot know.
- Spam: the verified render time goes to the intake as ``rendered_at`` (too fast is held for
  review), the honeypot field is hidden by the stylesheet (``.hp``), and submissions are rate
  limited per client address (``cvd.http``); bodies over the intake's limits are refused
  before parsing.
- The private status link is ``/report/status/<receipt>#token=<token>``: the fragment never
  reaches a server log or a Referer; ``static/report.js`` moves it into the status form and
  POSTs it (without JS the finder pastes the token). Tokens never appear in a URL we serve.
- Everything the finder typed is shown through autoescaped templates, as text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from medsec.api.deps import SessionDep
from medsec.cvd import http, intake_service, policy, spam
from medsec.cvd.intake import ALLOWED_TYPES, DEFAULT_LIMITS
from medsec.cvd.sanitize import ReportRejected, ReportTooLarge
from medsec.errors import InvalidInput, NotFound
from medsec.web.render import page
from medsec.web.signing import Signer

router = APIRouter(include_in_schema=False)
PURPOSE = "report-form"
RENDERED = "rendered"
LIMITS = DEFAULT_LIMITS.field_chars
FIELDS: tuple[tuple[str, str, str, str], ...] = (  # name, label, kind, hint
    ("product", "Product", "line", "the device or software affected"),
    ("version", "Version", "line", "the version(s) you tested, e.g. 2.1.0"),
    ("description", "Description", "area", "what the vulnerability is and what it allows"),
    ("reproduction_steps", "Steps to reproduce", "area", "optional for a design flaw"),
    ("cvss_vector", "CVSS vector", "line", "optional, e.g. CVSS:3.1/AV:N/AC:L/…"),
    ("finder_name", "Your name", "line", "optional: you may stay anonymous"),
    ("finder_email", "Your e-mail", "line", "optional: for our replies"),
    ("pgp_key", "Your PGP public key", "area", "optional: ASCII-armored, to encrypt our replies"),
)
REQUIRED = frozenset({"product", "version", "description"})


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.secret, PURPOSE)


def _policy_facts() -> dict[str, int]:
    pol = policy.policy_from_env().policy
    return {"ack_days": pol.acknowledge_business_days, "disclose_days": pol.disclosure_days}


def _form(
    request: Request,
    *,
    values: dict[str, Any] | None = None,
    message: str | None = None,
    bad: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    now = http.now_of(request)
    kept = {k: v for k, v in (values or {}).items() if isinstance(v, str)}
    context = {
        "fields": [
            (name, label, kind, hint, LIMITS[name], name in REQUIRED)
            for name, label, kind, hint in FIELDS
        ],
        "values": kept,
        "message": message,
        "bad": bad,
        "rendered": _signer(request).sign(str(int(now.timestamp())), now=now.timestamp()),
        "honeypot": spam.HONEYPOT_FIELD,
        "types": [(t, ", ".join(k.extensions)) for t, k in ALLOWED_TYPES.items()],
        "max_files": DEFAULT_LIMITS.max_attachments,
        "file_mib": DEFAULT_LIMITS.attachment_bytes // (1024 * 1024),
        "total_mib": DEFAULT_LIMITS.total_attachment_bytes // (1024 * 1024),
    } | _policy_facts()
    return page(request, "report/form.html", context, status=status)


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request) -> HTMLResponse:
    """The public vulnerability report form."""
    return _form(request)


def _rendered_at(request: Request, signed: Any) -> datetime:
    now = http.now_of(request).timestamp()
    max_age = spam.MAX_FORM_AGE.total_seconds()
    value = _signer(request).verify(str(signed or ""), max_age=max_age, now=now)
    if not value.isdigit():
        raise InvalidInput("the form's signed field is malformed; reload the page")
    return datetime.fromtimestamp(int(value), UTC)


def _limited(request: Request, wait: int, template: str, context: dict[str, Any]) -> Response:
    context = context | {"message": f"Too many requests from your address; try again in {wait} s."}
    response = page(request, template, context, status=429)
    response.headers["Retry-After"] = str(wait)
    return response


@router.post("/report", response_class=HTMLResponse)
async def report_submit(request: Request, session: SessionDep) -> Response:
    """Store the report and show the receipt, or show the form again with the refusal."""
    wait = http.throttled(request, "report_limiter")
    if wait is not None:
        response = _form(
            request,
            message=f"Too many reports from your address; try again in {wait} s.",
            status=429,
        )
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        sent = await http.read_form(request, http.body_cap())
    except ReportTooLarge as exc:
        total = DEFAULT_LIMITS.total_attachment_bytes // (1024 * 1024)
        message = (
            f"{exc}: the report and its files must stay under the limits ({total} MiB of files)"
        )
        return _form(request, message=message, bad="attachments", status=413)
    fields = dict(sent.fields)
    signed = fields.pop(RENDERED, None)
    try:
        rendered_at = _rendered_at(request, signed)
    except InvalidInput as exc:
        return _form(request, values=fields, message=f"{exc} (your text is kept below)", status=400)
    now = http.now_of(request)
    try:
        receipt = await run_in_threadpool(
            lambda: intake_service.submit_report(
                session,
                fields=fields,
                attachments=sent.files,
                source="web",
                rendered_at=rendered_at,
                now=now,
            )
        )
    except ReportRejected as exc:
        session.rollback()
        bad = exc.field.split("[", 1)[0]
        note = " Please choose the files again." if sent.files else ""
        return _form(request, values=fields, message=str(exc) + note, bad=bad, status=exc.status)
    context = {
        "receipt_id": receipt.receipt_id,
        "token": receipt.status_token,
        "status_link": http.status_url(request, receipt.receipt_id, receipt.status_token),
    } | _policy_facts()
    return page(request, "report/receipt.html", context, status=201)


def _lookup(
    request: Request, receipt_id: str = "", message: str | None = None, status: int = 200
) -> HTMLResponse:
    return page(
        request,
        "report/status.html",
        {
            "receipt_id": receipt_id,
            "view": None,
            "token": "",
            "message": message,
            "text": "",
            "good": False,
        },
        status=status,
    )


@router.get("/report/status", response_class=HTMLResponse)
def status_lookup(request: Request) -> HTMLResponse:
    """The status form: receipt id and token."""
    return _lookup(request)


@router.get("/report/status/{receipt_id}", response_class=HTMLResponse)
def status_link(receipt_id: str, request: Request) -> HTMLResponse:
    """Where the private link lands; our JS moves the token from the fragment into the form."""
    return _lookup(request, receipt_id[:40])


def _shown(
    request: Request,
    view: intake_service.FinderView,
    token: str,
    *,
    message: str | None = None,
    text: str = "",
    status: int = 200,
) -> HTMLResponse:
    context = {
        "receipt_id": view.receipt_id,
        "view": view,
        "token": token,
        "message": message,
        "text": text,
        "good": status < 400,
    }
    return page(request, "report/status.html", context, status=status)


async def _status_form(request: Request) -> tuple[str, str, dict[str, Any]]:
    sent = await http.read_form(request, http.REPLY_CAP)
    fields = sent.fields
    return str(fields.get("receipt_id", "")), str(fields.get("token", "")), fields


@router.post("/report/status", response_class=HTMLResponse)
async def status_show(request: Request, session: SessionDep) -> Response:
    """The finder's view of a report, after the token is checked."""
    wait = http.throttled(request, "status_limiter")
    if wait is not None:
        ctx = {"receipt_id": "", "view": None, "token": "", "text": "", "good": False}
        return _limited(request, wait, "report/status.html", ctx)
    receipt_id, token, _ = await _status_form(request)
    try:
        view = await run_in_threadpool(
            lambda: intake_service.finder_status(session, receipt_id=receipt_id, token=token)
        )
    except NotFound as exc:
        return _lookup(request, receipt_id[:40], str(exc), status=404)
    return _shown(request, view, token)


@router.post("/report/status/reply", response_class=HTMLResponse)
async def status_reply(request: Request, session: SessionDep) -> Response:
    """Add the finder's message and show the view again."""
    wait = http.throttled(request, "status_limiter")
    if wait is not None:
        ctx = {"receipt_id": "", "view": None, "token": "", "text": "", "good": False}
        return _limited(request, wait, "report/status.html", ctx)
    receipt_id, token, fields = await _status_form(request)
    text = fields.get("text", "")
    now = http.now_of(request)
    try:
        view = await run_in_threadpool(
            lambda: intake_service.finder_reply(
                session, receipt_id=receipt_id, token=token, text=text, now=now
            )
        )
    except NotFound as exc:
        return _lookup(request, receipt_id[:40], str(exc), status=404)
    except ReportRejected as exc:
        session.rollback()
        view = await run_in_threadpool(
            lambda: intake_service.finder_status(session, receipt_id=receipt_id, token=token)
        )
        kept = text if isinstance(text, str) else ""
        return _shown(request, view, token, message=str(exc), text=kept, status=exc.status)
    return _shown(request, view, token, message="Your message was added.")


@router.get("/.well-known/security.txt", response_class=PlainTextResponse)
def security_txt(request: Request) -> PlainTextResponse:
    """RFC 9116 security.txt: where to report, until when this file is valid."""
    base = http.public_base(request)
    expires = (http.now_of(request) + timedelta(days=365)).astimezone(UTC)
    lines = [
        f"Contact: {base}/report",
        f"Expires: {expires.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        "Preferred-Languages: en",
        f"Policy: {base}/report#what-happens",
        f"Canonical: {base}/.well-known/security.txt",
    ]
    return PlainTextResponse("\n".join(lines) + "\n")
