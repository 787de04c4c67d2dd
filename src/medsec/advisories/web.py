"""The advisory pages (login required): the list, one advisory with its revisions, statuses,
downloads and publish form, and the customer notice rendered as the customers get it."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.advisories import distribution, editing, feedback, publish, service
from medsec.advisories.api import MEDIA, attachment, listing
from medsec.advisories.rules import SECTIONS, Change
from medsec.api.deps import SessionDep, require_read
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.export.csaf import csaf_filename
from medsec.export.notice_pdf import html_to_pdf
from medsec.export.provider_directory import PUBLIC_TLP
from medsec.models import SecurityAdvisory
from medsec.products import service as products
from medsec.web.render import label, page, seg
from medsec.web.security import notice_csp
from medsec.web.session import UserDep, WebUser

router = APIRouter(include_in_schema=False)
DOWNLOADS = ("csaf", "cyclonedx-vex", "openvex", "notice.html", "notice.pdf")
Short = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=20_000)]
Many = Annotated[list[str] | None, Form(max_length=2000)]
PROFILE_WORDS = {
    "security-advisory": "Security advisory (statuses, remediations, scores, threats)",
    "vex": "VEX (statuses only)",
}
TLP_WORDS = {
    "WHITE": "TLP:WHITE — public, served in the provider directory",
    "GREEN": "TLP:GREEN — the community, not public",
    "AMBER": "TLP:AMBER — the recipients' organisations only",
    "RED": "TLP:RED — named recipients only",
}
DONE = {
    "created": "Draft advisory created from the decisions in force.",
    "edited": "Changes saved; the draft was rebuilt from the decisions in force.",
}
Refusal = (InvalidInput, Conflict, NotFound, PermissionDenied)


def _readable(session: SessionDep, user: WebUser, tracking_id: str) -> SecurityAdvisory:
    adv = service.get(session, tracking_id)
    prod, _ = service.product_of(session, adv)
    require_read(session, user.principal, prod.name, hide_as=service.missing(tracking_id))
    return adv


@router.get("/advisories", response_class=HTMLResponse)
def advisory_list(
    request: Request, session: SessionDep, user: UserDep, product: str | None = None
) -> HTMLResponse:
    """The advisories of the products the account may see."""
    require_read(session, user.principal, product or None)
    rows = listing(session, user.principal, product or None)
    return page(request, "advisories/list.html", {"advisories": rows})


@router.get("/advisories/new", response_class=HTMLResponse)
def new_advisory(
    request: Request,
    session: SessionDep,
    user: UserDep,
    product: str | None = None,
    case: str | None = None,
) -> HTMLResponse:
    """The form that creates a draft: choose the product (or start from a CVD case), then
    title, releases, vulnerabilities, profile, TLP and the note for clinicians (analyst)."""
    _require_analyst(session, user, product or None)
    form: dict[str, Any] = {"product": product or "", "case": "", "tlp": "WHITE"}
    if case:
        filled = editing.case_prefill(session, case=case[:40], actor=user.principal.actor)
        chosen = filled.product or form["product"]
        decided = set(service.decided_vulnerabilities(session, product=chosen)) if chosen else set()
        form |= {
            "case": filled.case,
            "product": chosen,
            "title": filled.title,
            "picked": [v for v in filled.vulnerabilities if v in decided],
            "vulnerabilities": " ".join(v for v in filled.vulnerabilities if v not in decided),
        }
    return _new_page(request, session, user, form)


def _require_analyst(session: SessionDep, user: WebUser, product: str | None) -> None:
    accounts.require(
        session, user.principal.actor, "analyst", rule="drafting advisories", product=product
    )


def _new_page(
    request: Request,
    session: SessionDep,
    user: WebUser,
    form: dict[str, Any],
    *,
    error: str | None = None,
) -> HTMLResponse:
    chosen = form.get("product") or ""
    names = [p.name for p in products.list_products(session) if user.principal.sees(p.name)]
    releases: list[str] = []
    decided: list[str] = []
    if chosen in names:
        releases = [r.version for r in products.list_releases(session, product=chosen)]
        decided = service.decided_vulnerabilities(session, product=chosen)
    ctx = {
        "form": {"releases": [], "picked": [], "profile": "security-advisory"} | form,
        "products": names,
        "releases": releases,
        "decided": decided,
        "profiles": PROFILE_WORDS,
        "tlps": TLP_WORDS,
        "error": error,
        "chosen": chosen if chosen in names else "",
    }
    return page(request, "advisories/new.html", ctx, status=422 if error else 200)


@router.post("/advisories", response_model=None)
def create_advisory(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    product: Short = "",
    case: Annotated[str, Form(max_length=40)] = "",
    title: Annotated[str, Form(max_length=2000)] = "",
    releases: Many = None,
    picked: Many = None,
    vulnerabilities: Text = "",
    profile: Annotated[str, Form(max_length=40)] = "security-advisory",
    tlp: Annotated[str, Form(max_length=10)] = "WHITE",
    clinician_note: Text = "",
) -> Response:
    """Create the draft from the decisions in force (analyst), then show it."""
    credentials.check_csrf(user.csrf, csrf)
    _require_analyst(session, user, product or None)
    form = {
        "product": product,
        "case": case,
        "title": title,
        "releases": releases or [],
        "picked": picked or [],
        "vulnerabilities": vulnerabilities,
        "profile": profile,
        "tlp": tlp,
        "clinician_note": clinician_note,
    }
    try:
        adv = editing.create(
            session,
            actor=user.principal.actor,
            product=product or None,
            title=title,
            releases=releases or None,
            vulnerabilities=[*(picked or []), vulnerabilities],
            profile=profile,
            tlp=tlp,
            clinician_note=clinician_note or None,
        )
    except Refusal as refused:
        return _new_page(request, session, user, form, error=str(refused))
    return RedirectResponse(f"/advisories/{seg(adv.tracking_id)}?done=created", status_code=303)


@router.get("/advisories/{tracking_id}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request, tracking_id: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The edit form of a draft, showing its current values (analyst)."""
    adv = _readable(session, user, tracking_id)
    prod, _ = service.product_of(session, adv)
    _require_analyst_on(session, user, prod.name, tracking_id)
    view = editing.draft_view(session, adv)
    decided = set(service.decided_vulnerabilities(session, product=prod.name))
    listed = view.listed_vulnerabilities
    form = {
        "title": view.title,
        "tlp": view.tlp,
        "profile": "vex" if view.profile == "csaf_vex" else "security-advisory",
        "clinician_note": view.clinician_note or "",
        "namespace": view.namespace,
        "releases": view.releases,
        "picked": [v for v in listed if v in decided],
        "vulnerabilities": " ".join(v for v in listed if v not in decided),
    }
    return _edit_page(request, session, user, adv, form)


def _require_analyst_on(session: SessionDep, user: WebUser, product: str, tracking_id: str) -> None:
    accounts.require(
        session,
        user.principal.actor,
        "analyst",
        rule="editing advisories",
        product=product,
        hide_as=service.missing(tracking_id),
    )


def _edit_page(
    request: Request,
    session: SessionDep,
    user: WebUser,
    adv: SecurityAdvisory,
    form: dict[str, Any],
    *,
    error: str | None = None,
) -> HTMLResponse:
    prod, _ = service.product_of(session, adv)
    view = editing.draft_view(session, adv)
    ctx = {
        "a": view,
        "form": form,
        "releases": [r.version for r in products.list_releases(session, product=prod.name)],
        "decided": service.decided_vulnerabilities(session, product=prod.name),
        "profiles": PROFILE_WORDS,
        "tlps": TLP_WORDS,
        "published": bool(view.revisions),
        "error": error,
    }
    return page(request, "advisories/edit.html", ctx, status=422 if error else 200)


@router.post("/advisories/{tracking_id}/edit", response_model=None)
def edit_form(
    request: Request,
    tracking_id: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    title: Annotated[str, Form(max_length=2000)] = "",
    releases: Many = None,
    picked: Many = None,
    vulnerabilities: Text = "",
    profile: Annotated[str, Form(max_length=40)] = "",
    tlp: Annotated[str, Form(max_length=10)] = "",
    clinician_note: Text = "",
    namespace: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Save the edit (analyst); the draft is rebuilt from the decisions in force."""
    credentials.check_csrf(user.csrf, csrf)
    adv = _readable(session, user, tracking_id)
    prod, _ = service.product_of(session, adv)
    _require_analyst_on(session, user, prod.name, tracking_id)
    form = {
        "title": title,
        "tlp": tlp,
        "profile": profile,
        "clinician_note": clinician_note,
        "namespace": namespace,
        "releases": releases or [],
        "picked": picked or [],
        "vulnerabilities": vulnerabilities,
    }
    try:
        editing.edit(
            session,
            tracking_id=tracking_id,
            actor=user.principal.actor,
            title=title,
            tlp=tlp or None,
            profile=profile or None,
            clinician_note=clinician_note,
            namespace=namespace or None,
            releases=releases or [],
            vulnerabilities=[*(picked or []), vulnerabilities],
        )
    except Refusal as refused:
        return _edit_page(request, session, user, adv, form, error=str(refused))
    return RedirectResponse(f"/advisories/{seg(tracking_id)}?done=edited", status_code=303)


@router.get("/advisories/{tracking_id}/preview", response_class=HTMLResponse)
def preview_page(
    request: Request, tracking_id: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The CSAF document of the next revision, as it would be published now."""
    adv = _readable(session, user, tracking_id)
    finder = user.has("reviewer", "analyst")  # viewers never see a draft's finder data
    doc = editing.next_document(session, adv, finder_data=finder)
    text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode()
    ctx = {"a": service.summary(session, adv), "csaf": text}
    return page(request, "advisories/preview.html", ctx)


@router.get("/advisories/{tracking_id}/preview/notice", response_class=HTMLResponse)
def preview_notice(
    tracking_id: str, session: SessionDep, user: UserDep, contact: str | None = None
) -> HTMLResponse:
    """The customer notice of the next revision (its own page and strict CSP)."""
    adv = _readable(session, user, tracking_id)
    finder = user.has("reviewer", "analyst")
    html = editing.next_notice(session, adv, contact=(contact or "")[:500], finder_data=finder)
    return HTMLResponse(html, headers={"content-security-policy": notice_csp(html)})


@router.get("/advisories/{tracking_id}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request, tracking_id: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """What the next revision changes against the last published one, field by field."""
    adv = _readable(session, user, tracking_id)
    finder = user.has("reviewer", "analyst")
    last, found = editing.changes(session, adv, finder_data=finder)
    rows = [_change_row(c) for c in found]
    groups: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["tracking"] != "yes":
            groups.setdefault(row["section"], []).append(row)
    ctx = {
        "a": service.summary(session, adv),
        "against": last.number if last else None,
        "groups": groups,
        "tracking": [r for r in rows if r["tracking"] == "yes"],
    }
    return page(request, "advisories/diff.html", ctx)


def _where(path: str) -> str:
    parts = []
    for raw in path.strip("/").split("/"):
        name, _, key = raw.partition("[")
        key = key.rstrip("]")
        if name and not name.isdigit():
            parts.append(label(name))
        elif name.isdigit():
            parts.append(f"item {int(name) + 1}")
        if key and key not in "+-":
            parts.append(key)
    return " › ".join(parts) or "the document"


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    return text if len(text) <= 4000 else text[:4000] + "\n…"


def _change_row(change: Change) -> dict[str, str]:
    return {
        "section": SECTIONS.get(change.section, label(change.section)),
        "where": _where(change.path),
        "path": change.path,
        "kind": change.kind,
        "old": _shown(change.old),
        "new": _shown(change.new),
        "tracking": "yes" if change.tracking else "no",
    }


@router.get("/advisories/{tracking_id}", response_class=HTMLResponse)
def advisory_page(
    request: Request,
    tracking_id: str,
    session: SessionDep,
    user: UserDep,
    done: str | None = None,
) -> HTMLResponse:
    """One advisory: tracking, revisions, the statuses it states, downloads, publishing."""
    adv = _readable(session, user, tracking_id)
    data = service.summary(session, adv)
    public = None
    if data.tlp == PUBLIC_TLP and data.revisions and data.status != "draft":
        first = adv.draft.get("document", {}).get("tracking", {}).get("initial_release_date", "")
        public = f"/.well-known/csaf/white/{first[:4]}/{csaf_filename(adv.tracking_id)}"
    ctx = {
        "a": data,
        "downloads": DOWNLOADS,
        "public_url": public,
        "can_publish": user.has("reviewer"),
        "can_edit": user.has("analyst"),
        "statuses": publish.STATUSES,
        "feedback": feedback.list_feedback(
            session, tracking_id=tracking_id, actor=user.principal.actor
        ),
        "done": DONE.get(done or ""),
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
        data = service.summary(session, adv)
        ctx = {
            "a": data,
            "summary": summary,
            "status": status,
            "served_publicly": data.tlp == PUBLIC_TLP and status != "draft",
        }
        return page(request, "advisories/confirm_publish.html", ctx)
    publish.publish(
        session, tracking_id=tracking_id, summary=summary, status=status, actor=user.principal.actor
    )
    return RedirectResponse(f"/advisories/{seg(tracking_id)}#revisions", status_code=303)
