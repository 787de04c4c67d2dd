"""The advisory pages (login required): the list, one advisory with its revisions, statuses,
downloads and publish form, and the customer notice rendered as the customers get it."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.advisories import distribution, feedback, publish, service
from medsec.advisories.api import MEDIA, attachment, listing
from medsec.api.deps import SessionDep, require_read
from medsec.errors import NotFound, PermissionDenied
from medsec.export.csaf import csaf_filename
from medsec.export.notice_pdf import html_to_pdf
from medsec.export.provider_directory import PUBLIC_TLP
from medsec.models import SecurityAdvisory
from medsec.web.render import page, seg
from medsec.web.session import UserDep, WebUser

router = APIRouter(include_in_schema=False)
DOWNLOADS = ("csaf", "cyclonedx-vex", "openvex", "notice.html", "notice.pdf")
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def _readable(session: SessionDep, user: WebUser, tracking_id: str) -> SecurityAdvisory:
    adv = service.get(session, tracking_id)
    prod, _ = service.product_of(session, adv)
    require_read(session, user.principal, prod.name, hide_as=service.missing(tracking_id))
    return adv


def notice_csp(html: str) -> str:
    """A CSP for the notice page: nothing but its own inline stylesheet (by hash)."""
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
        for m in _STYLE.findall(html)
    )
    styles = hashes or "'none'"
    return (
        f"default-src 'none'; style-src {styles}; img-src data:; "
        "frame-ancestors 'none'; form-action 'none'; base-uri 'none'"
    )


@router.get("/advisories", response_class=HTMLResponse)
def advisory_list(
    request: Request, session: SessionDep, user: UserDep, product: str | None = None
) -> HTMLResponse:
    """The advisories of the products the account may see."""
    require_read(session, user.principal, product or None)
    rows = listing(session, user.principal, product or None)
    return page(request, "advisories/list.html", {"advisories": rows})


@router.get("/advisories/{tracking_id}", response_class=HTMLResponse)
def advisory_page(
    request: Request, tracking_id: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """One advisory: tracking, revisions, the statuses it states, downloads, publishing."""
    adv = _readable(session, user, tracking_id)
    data: dict[str, Any] = service.summary(session, adv)
    public = None
    if data["tlp"] == PUBLIC_TLP and data["revisions"] and data["status"] != "draft":
        first = adv.draft.get("document", {}).get("tracking", {}).get("initial_release_date", "")
        public = f"/.well-known/csaf/white/{first[:4]}/{csaf_filename(adv.tracking_id)}"
    ctx = {
        "a": data,
        "downloads": DOWNLOADS,
        "public_url": public,
        "can_publish": user.has("reviewer"),
        "statuses": publish.STATUSES,
        "feedback": feedback.list_feedback(
            session, tracking_id=tracking_id, actor=user.principal.actor
        ),
    }
    return page(request, "advisories/detail.html", ctx)


@router.get("/advisories/{tracking_id}/notice", response_class=HTMLResponse)
def notice_page(tracking_id: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """The customer notice as customers read it (its own page, its own strict CSP)."""
    _readable(session, user, tracking_id)
    finder = user.has("reviewer", "analyst")  # viewers never see a draft's finder data
    html = distribution.notice_html(session, tracking_id=tracking_id, finder_data=finder)
    return HTMLResponse(html, headers={"content-security-policy": notice_csp(html)})


@router.get("/advisories/{tracking_id}/download/{fmt}")
def download(tracking_id: str, fmt: str, session: SessionDep, user: UserDep) -> Response:
    """One export of the advisory (the bytes the CLI and the API give)."""
    _readable(session, user, tracking_id)
    if fmt not in DOWNLOADS:
        raise NotFound(f"no download {fmt!r} (one of {', '.join(DOWNLOADS)})")
    finder = user.has("reviewer", "analyst")  # viewers never see a draft's finder data
    if fmt.startswith("notice."):
        html = distribution.notice_html(session, tracking_id=tracking_id, finder_data=finder)
        if fmt == "notice.html":
            return attachment(f"{tracking_id}-notice.html", html.encode(), "text/html")
        return attachment(f"{tracking_id}-notice.pdf", html_to_pdf(html), "application/pdf")
    name, data = publish.document(session, tracking_id=tracking_id, fmt=fmt, finder_data=finder)
    return attachment(name, data, MEDIA[fmt])


@router.post("/advisories/{tracking_id}/publish")
def publish_form(
    request: Request,
    tracking_id: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    summary: Annotated[str, Form(max_length=2000)] = "",
    status: Annotated[str, Form(max_length=20)] = "final",
    confirmed: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Publish a new revision (reviewer role) after a confirmation page that says what becomes
    public and links the previews; then show the advisory."""
    credentials.check_csrf(user.csrf, csrf)
    adv = _readable(session, user, tracking_id)
    if not user.has("reviewer"):
        raise PermissionDenied(f"publishing: {user.name!r} does not have the reviewer role")
    if confirmed != "yes":
        data: dict[str, Any] = service.summary(session, adv)
        ctx = {
            "a": data,
            "summary": summary,
            "status": status,
            "served_publicly": data["tlp"] == PUBLIC_TLP and status != "draft",
        }
        return page(request, "advisories/confirm_publish.html", ctx)
    publish.publish(
        session, tracking_id=tracking_id, summary=summary, status=status, actor=user.principal.actor
    )
    return RedirectResponse(f"/advisories/{seg(tracking_id)}#revisions", status_code=303)
