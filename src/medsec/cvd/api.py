"""`/api/v1/cvd/reports`: the unauthenticated intake for finders (ISO/IEC 29147 clause 6).

``POST /api/v1/cvd/reports`` takes JSON (fields as strings; ``attachments`` a list of
``{name, content_type, data}`` with base64 data) or ``multipart/form-data`` (fields and files)
and answers 201 with the receipt id, the status token (shown once), the private status link
(token after ``#``, so it never reaches a server) and whether the report is held for review.
The report is stored (committed) before the answer goes out. The finder reads the status with
``GET .../{receipt_id}`` and replies with ``POST .../{receipt_id}/messages``, the token in
``Authorization: Bearer`` or ``X-Status-Token``; an unknown receipt and a wrong token get the
same 404. Refusals are problem details naming the field (413 size, 422 content, 429 with
Retry-After from the per-address limiter, see ``cvd.http``).
"""

from __future__ import annotations

import base64
import binascii
from datetime import date, datetime
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from medsec.api import problems
from medsec.api.deps import SessionDep
from medsec.cvd import http, intake_service
from medsec.cvd.intake import ALLOWED_TYPES, DEFAULT_LIMITS, REQUIRED
from medsec.cvd.intake_service import FinderView
from medsec.cvd.sanitize import ReportRejected

router = APIRouter(prefix="/api/v1/cvd", tags=["cvd intake"])
_FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class ReceiptOut(BaseModel):
    """The answer to a new report."""

    receipt_id: str
    status_token: str
    status_url: str
    held_for_review: bool


class MessageOut(BaseModel):
    """One message the finder may see."""

    at: datetime
    direction: str
    text: str


class FinderViewOut(BaseModel):
    """The finder's view of a report."""

    receipt_id: str
    state: str
    received_at: datetime
    acknowledged_at: datetime | None
    acknowledge_due: datetime
    cve_id: str | None
    disclosure_date: date | None
    messages: list[MessageOut]


def view_out(view: FinderView) -> FinderViewOut:
    """The finder view as the API's model."""
    return FinderViewOut(
        receipt_id=view.receipt_id,
        state=view.state,
        received_at=view.received_at,
        acknowledged_at=view.acknowledged_at,
        acknowledge_due=view.acknowledge_due,
        cve_id=view.cve_id,
        disclosure_date=view.disclosure_date,
        messages=[MessageOut(at=m.at, direction=m.direction, text=m.text) for m in view.messages],
    )


def _attachments(raw: Any) -> list[tuple[str, bytes, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ReportRejected("attachments", "must be a list of {name, content_type, data}")
    out = []
    for index, item in enumerate(raw):
        label = f"attachments[{index}]"
        if not isinstance(item, dict) or set(item) - {"name", "content_type", "data"}:
            raise ReportRejected(label, "must be an object with name, content_type and data")
        name, kind, data = item.get("name"), item.get("content_type"), item.get("data")
        if not (isinstance(name, str) and isinstance(kind, str) and isinstance(data, str)):
            raise ReportRejected(label, "name, content_type and data must be strings")
        try:
            content = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise ReportRejected(f"{label}.data", "is not valid base64") from None
        out.append((name, content, kind))
    return out


async def _parse(request: Request) -> http.Submitted:
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind in _FORM_TYPES:
        return await http.read_form(request, http.body_cap())
    if kind != "application/json":
        raise ReportRejected("request", "send application/json or multipart/form-data")
    limited = await http.read_limited(request, http.body_cap())
    try:
        body = orjson.loads(await limited.body())
    except orjson.JSONDecodeError as exc:
        raise ReportRejected("request", f"body is not valid JSON ({exc})") from None
    if not isinstance(body, dict):
        raise ReportRejected("request", "body must be a JSON object")
    files = _attachments(body.pop("attachments", None))
    for name, value in body.items():
        if value is not None and not isinstance(value, str):
            raise ReportRejected(str(name)[:60], "must be a string")
    return http.Submitted(body, files)


def _too_many(wait: int) -> JSONResponse:
    response = problems.problem(
        429, f"too many requests from this address; try again in {wait} s", code="rate-limited"
    )
    response.headers["Retry-After"] = str(wait)
    return response


def _token(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-status-token", "").strip()


def _body_doc() -> dict[str, Any]:
    props: dict[str, Any] = {
        name: {"type": "string", "maxLength": limit}
        for name, limit in DEFAULT_LIMITS.field_chars.items()
    }
    json_schema = {
        "type": "object",
        "required": list(REQUIRED),
        "properties": props
        | {
            "attachments": {
                "type": "array",
                "maxItems": DEFAULT_LIMITS.max_attachments,
                "items": {
                    "type": "object",
                    "required": ["name", "content_type", "data"],
                    "properties": {
                        "name": {"type": "string"},
                        "content_type": {"type": "string", "enum": sorted(ALLOWED_TYPES)},
                        "data": {"type": "string", "format": "byte"},
                    },
                },
            }
        },
    }
    form_schema = {
        "type": "object",
        "required": list(REQUIRED),
        "properties": props
        | {"attachments": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": json_schema},
                "multipart/form-data": {"schema": form_schema},
            },
        }
    }


@router.post("/reports", status_code=201, response_model=ReceiptOut, openapi_extra=_body_doc())
async def submit(request: Request, session: SessionDep) -> Any:
    """Store a finder's report; answer with the receipt id and, once, the status token."""
    wait = http.throttled(request, "report_limiter")
    if wait is not None:
        return _too_many(wait)
    sent = await _parse(request)
    receipt = await run_in_threadpool(
        lambda: intake_service.submit_report(
            session,
            fields=sent.fields,
            attachments=sent.files,
            source="api",
            now=http.now_of(request),
        )
    )
    out = ReceiptOut(
        receipt_id=receipt.receipt_id,
        status_token=receipt.status_token,
        status_url=http.status_url(request, receipt.receipt_id, receipt.status_token),
        held_for_review=receipt.held_for_review,
    )
    location = f"/api/v1/cvd/reports/{receipt.receipt_id}"
    return JSONResponse(out.model_dump(), status_code=201, headers={"Location": location})


@router.get("/reports/{receipt_id}", response_model=FinderViewOut)
def status(receipt_id: str, request: Request, session: SessionDep) -> Any:
    """The finder's view of a report (token in Authorization: Bearer or X-Status-Token)."""
    wait = http.throttled(request, "status_limiter")
    if wait is not None:
        return _too_many(wait)
    view = intake_service.finder_status(session, receipt_id=receipt_id, token=_token(request))
    return view_out(view)


@router.post("/reports/{receipt_id}/messages", status_code=201, response_model=FinderViewOut)
async def reply(receipt_id: str, request: Request, session: SessionDep) -> Any:
    """Add the finder's message (JSON ``{"text": ...}``); answer with the updated view."""
    wait = http.throttled(request, "status_limiter")
    if wait is not None:
        return _too_many(wait)
    limited = await http.read_limited(request, http.REPLY_CAP)
    try:
        body = orjson.loads(await limited.body())
    except orjson.JSONDecodeError as exc:
        raise ReportRejected("request", f"body is not valid JSON ({exc})") from None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str):
        raise ReportRejected("text", "is required (a string)")
    token = _token(request)
    view = await run_in_threadpool(
        lambda: intake_service.finder_reply(
            session, receipt_id=receipt_id, token=token, text=text, now=http.now_of(request)
        )
    )
    return JSONResponse(view_out(view).model_dump(mode="json"), status_code=201)
