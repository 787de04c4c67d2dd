"""HTTP plumbing shared by the public intake's API (``cvd.api``) and web form (``cvd.web``).

- Size cap before parsing: ``read_limited`` refuses a body whose Content-Length, or whose
  streamed bytes, exceed ``body_cap`` (the intake's total limits plus base64 and multipart
  overhead) with ``ReportTooLarge`` (413), so a 1 GB upload costs one header check.
- Rate limits per client address (token buckets, ``web.ratelimit``): submissions get
  ``Settings.report_burst`` at once, then ``Settings.report_per_hour`` more per hour
  (``MEDSEC_REPORT_BURST``, ``MEDSEC_REPORT_PER_HOUR``; defaults 5 and 6); status look-ups and
  replies get ``STATUS_BURST`` at once, then one a minute.
- The clock is ``app.state.clock`` (``utcnow``), so tests can move time without sleeping.

Status tokens travel only in request bodies or headers, never in a URL the server sees.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Request
from starlette.datastructures import UploadFile

from medsec.core.clock import utcnow
from medsec.cvd.intake import DEFAULT_LIMITS, IntakeLimits
from medsec.cvd.intake_service import MAX_REPLY_CHARS
from medsec.cvd.sanitize import ReportRejected, ReportTooLarge
from medsec.web.ratelimit import RateLimiter
from medsec.web.session import client_of

OVERHEAD = 64 * 1024  # headers of parts, boundaries, JSON punctuation
STATUS_BURST = 30
STATUS_PER_SECOND = 1 / 60
REPLY_CAP = 4 * MAX_REPLY_CHARS + 8 * 1024 + OVERHEAD


def body_cap(limits: IntakeLimits = DEFAULT_LIMITS) -> int:
    """The largest request body a report may need: 4 bytes a character, base64 files."""
    text = 4 * limits.total_chars
    files = math.ceil(limits.total_attachment_bytes * 4 / 3) + 4
    return text + files + OVERHEAD


def install(app: FastAPI) -> None:
    """Put the intake's limiters and clock on the app state (from the app's settings)."""
    cfg = app.state.settings
    app.state.report_limiter = RateLimiter(
        capacity=cfg.report_burst, rate=cfg.report_per_hour / 3600
    )
    app.state.status_limiter = RateLimiter(capacity=STATUS_BURST, rate=STATUS_PER_SECOND)
    app.state.clock = utcnow


def now_of(request: Request) -> datetime:
    """The app's current time (timezone-aware)."""
    clock: Callable[[], datetime] = getattr(request.app.state, "clock", utcnow)
    return clock()


def throttled(request: Request, limiter_name: str) -> int | None:
    """None when the client may go on, else the seconds to wait (for Retry-After)."""
    limiter: RateLimiter = getattr(request.app.state, limiter_name)
    client = client_of(request)
    if limiter.allow(client):
        return None
    return max(1, math.ceil(limiter.retry_after(client)))


async def read_limited(request: Request, cap: int) -> Request:
    """A request whose body stream raises ReportTooLarge once more than ``cap`` bytes come."""
    declared = request.headers.get("content-length")
    if declared is not None and not declared.strip().isdigit():
        raise ReportRejected("request", "has an invalid Content-Length")
    if declared is not None and int(declared) > cap:
        raise ReportTooLarge("request", f"body is over {cap} bytes")
    seen = 0
    upstream = request.receive

    async def receive() -> Any:
        nonlocal seen
        message = await upstream()
        if message.get("type") == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise ReportTooLarge("request", f"body is over {cap} bytes")
        return message

    return Request(request.scope, receive)


def status_url(request: Request, receipt_id: str, token: str) -> str:
    """The private status link: the token is in the fragment, which browsers never send."""
    return f"{public_base(request)}/report/status/{receipt_id}#token={token}"


def public_base(request: Request) -> str:
    """The public base URL: ``MEDSEC_PUBLIC_BASE_URL`` when set (never the Host header then),
    else the request's own."""
    configured = getattr(request.app.state.settings, "public_base_url", None)
    return str(configured or request.base_url).rstrip("/")


@dataclass(frozen=True, slots=True)
class Submitted:
    """A parsed form or JSON body: text fields and attachments (name, bytes, content type)."""

    fields: dict[str, Any]
    files: list[tuple[str, bytes, str]]


async def read_form(request: Request, cap: int, limits: IntakeLimits = DEFAULT_LIMITS) -> Submitted:
    """Parse a size-capped urlencoded or multipart body; empty file inputs are skipped."""
    limited = await read_limited(request, cap)
    form = await limited.form(
        max_files=limits.max_attachments + 1,
        max_fields=len(limits.field_chars) + 8,
        max_part_size=4 * max(limits.field_chars.values()) + 1024,
    )
    fields: dict[str, Any] = {}
    files: list[tuple[str, bytes, str]] = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                if value.filename or data:
                    files.append((value.filename or "", data, value.content_type or ""))
            elif name in fields:
                raise ReportRejected(name[:60], "is given more than once")
            else:
                fields[name] = value
    finally:
        await form.close()
    return Submitted(fields, files)
