"""Jinja2 templates (autoescaped) and the page/error responses built from them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from medsec.core.text import has_hidden, visible, visible_html

HERE = Path(__file__).resolve().parent


def seg(value: object) -> str:
    """One URL path segment, percent-encoded."""
    return quote(str(value), safe="")


def when(value: object) -> str:
    """An ISO timestamp as "YYYY-MM-DD HH:MM" (UTC as stored); other values unchanged."""
    text = str(value or "")
    try:
        return datetime.fromisoformat(text).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return text


LABELS = {
    "under_investigation": "Under investigation",
    "not_affected": "Not affected",
    "affected": "Affected",
    "fixed": "Fixed",
    "component_not_present": "Component not present",
    "vulnerable_code_not_present": "Vulnerable code not present",
    "vulnerable_code_not_in_execute_path": "Vulnerable code not in execute path",
    "vulnerable_code_cannot_be_controlled_by_adversary": "Vulnerable code cannot be controlled "
    "by an adversary",
    "inline_mitigations_already_exist": "Inline mitigations already exist",
    "release": "This release",
    "component": "This component version in every release",
    "hospital": "Hospital",
    "home": "Home use",
    "both": "Hospital and home use",
    "active": "Open",
    "resolved": "No longer matching",
    "upstream_only": "Upstream only: backports not considered",
    "inbound": "Inbound",
    "outbound": "Outbound",
}


def label(value: object) -> str:
    """The human label of an enumerated value (``not_affected`` -> "Not affected")."""
    text = str(value or "")
    if text in LABELS:
        return LABELS[text]
    spaced = text.replace("_", " ")
    return spaced[:1].upper() + spaced[1:]


def shown(value: object) -> object:
    """Every ``{{ value }}`` of a page: bidi and control characters shown as markers (Jinja's
    ``finalize``; escaping follows, so the marker of plain text is escaped as text)."""
    if isinstance(value, Markup):
        safe = str(value)  # already markup: only its hidden characters change, into escaped text
        return Markup(visible_html(safe)) if has_hidden(safe) else value  # noqa: S704
    if isinstance(value, str):
        return visible(value)
    return value


def make_templates() -> Jinja2Templates:
    """The template set: autoescape on for every template, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown,
    )
    env.filters["visible"] = visible
    env.filters["seg"] = seg
    env.filters["when"] = when
    env.filters["label"] = label
    return Jinja2Templates(env=env)


def page(
    request: Request, name: str, context: dict[str, Any], *, status: int = 200
) -> HTMLResponse:
    """Render a page template with the request's user and CSRF token in the context."""
    templates: Jinja2Templates = request.app.state.templates
    ctx = {"user": getattr(request.state, "user", None)} | context
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error shown as a page with its message."""
    return page(request, "error.html", {"status": status, "message": message}, status=status)
