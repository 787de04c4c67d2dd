"""RFC 9457 problem details (`application/problem+json`) for every error the API returns."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from medsec.errors import DocumentError, MedsecError

MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str, *, code: str | None = None, **extra: Any) -> JSONResponse:
    """A problem-details response; ``code`` names the medsec error type."""
    title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    body: dict[str, Any] = {
        "type": f"urn:medsec:problem:{code}" if code else "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="medsec"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def from_error(error: MedsecError) -> JSONResponse:
    """The problem for a domain error (status and type from the error)."""
    extra: dict[str, Any] = {}
    if isinstance(error, DocumentError):
        extra = {"source": error.source, "location": error.location}
    if isinstance(getattr(error, "field", None), str):  # a refused public report names it
        extra["field"] = error.field  # type: ignore[attr-defined]
    return problem(error.status, str(error), code=error.code, **extra)


def from_validation(error: RequestValidationError) -> JSONResponse:
    """A 422 problem naming each invalid field (never echoing whole bodies back)."""
    errors = [
        {"location": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg"))}
        for e in error.errors()
    ][:20]
    first = errors[0] if errors else {"location": "request", "message": "invalid"}
    return problem(
        422,
        f"{first['location']}: {first['message']}",
        code="invalid-request",
        errors=errors,
    )
