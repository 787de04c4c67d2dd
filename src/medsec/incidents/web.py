"""The PSIRT's incident pages (login required): the list with phase and overdue notifications,
the incident page (timeline, evidence with custody, notifications with deadlines, links) and a
form for each action (CSRF-checked). Every stored string is escaped by the templates."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, read_upload, require_read
from medsec.errors import InvalidInput
from medsec.incidents import evidence, lessons, notices, obligations, plans, rules, views
from medsec.incidents import service as incidents
from medsec.risk.policy import RiskPolicy
from medsec.threats.library import STRIDE
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)
SHORT = 200


def _back(ref: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/incidents/{seg(ref)}#{anchor}", status_code=303)


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(
    request: Request,
    session: SessionDep,
    user: UserDep,
    phase: str | None = None,
    overdue: str | None = None,
) -> HTMLResponse:
    """The incidents the account may see, overdue notifications highlighted."""
    require_read(session, user.principal)
    rows = views.list_incidents(
        session, actor=user.principal.actor, phase=phase or None, overdue=overdue == "yes"
    )
    ctx = {
        "incidents": rows,
        "phases": [p.value for p in rules.Phase],
        "labels": {p.value: rules.PHASE_LABEL[p] for p in rules.Phase},
        "f": {"phase": phase or "", "overdue": overdue or ""},
        "jurisdictions": obligations.JURISDICTIONS,
    }
    return page(request, "incidents/list.html", ctx)


@router.post("/incidents")
def open_incident(
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    title: Annotated[str, Form(max_length=500)] = "",
    product: Annotated[str, Form(max_length=SHORT)] = "",
    release: Annotated[str, Form(max_length=SHORT)] = "",
    jurisdictions: Annotated[list[str] | None, Form()] = None,
    source: Annotated[str, Form(max_length=20)] = "manual",
    reporter_org: Annotated[str, Form(max_length=500)] = "",
    description: Annotated[str, Form(max_length=20_000)] = "",
    assets: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Open an incident from the form, then show it (affected assets one per line: a tag of
    the hospital workspace links the device, other text stays text)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    row = incidents.open_incident(
        session,
        title=title,
        actor=user.principal.actor,
        product=product or None,
        releases=[release] if release else [],
        jurisdictions=jurisdictions or [],
        source=source,
        reporter_org=reporter_org or None,
        description=description,
        assets=[line.strip() for line in assets.splitlines() if line.strip()],
    )
    return _back(row.ref, "phase")


@router.get("/incidents/plans", response_class=HTMLResponse)
def plans_page(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """The incident response plans (seed 6.5) and the form to create one."""
    require_read(session, user.principal)
    actor = user.principal.actor
    names = plans.list_plans(session, actor=actor)
    ctx = {"plans": [plans.detail(session, plan=n, actor=actor) for n in names]}
    return page(request, "incidents/plans.html", ctx)


@router.post("/incidents/plans")
def create_plan(
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    name: Annotated[str, Form(max_length=SHORT)] = "",
    scope: Annotated[str, Form(max_length=2000)] = "",
    policy: Annotated[str, Form(max_length=20_000)] = "",
    product: Annotated[str, Form(max_length=SHORT)] = "",
    approved_by: Annotated[str, Form(max_length=SHORT)] = "",
) -> Response:
    """Create a plan, then show it."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    row = plans.create(
        session,
        name=name,
        scope=scope,
        policy=policy,
        product=product.strip() or None,
        approved_by=approved_by,
        actor=user.principal.actor,
    )
    return RedirectResponse(f"/incidents/plans/{seg(row.name)}", status_code=303)


@router.get("/incidents/plans/{plan}", response_class=HTMLResponse)
def plan_page(request: Request, plan: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """A plan: team by Annex A group with RACI, contacts, exercises, gaps; a form for each."""
    require_read(session, user.principal)
    ctx = {
        "p": plans.detail(session, plan=plan, actor=user.principal.actor),
        "groups": rules.GROUPS,
        "raci_phases": rules.RACI_PHASES,
        "contact_kinds": plans.CONTACT_KINDS,
        "exercise_kinds": plans.EXERCISE_KINDS,
        "can_handle": user.has("analyst", "reviewer"),
    }
    return page(request, "incidents/plan.html", ctx)


def _to_plan(plan: str, anchor: str) -> RedirectResponse:
    return RedirectResponse(f"/incidents/plans/{seg(plan)}#{anchor}", status_code=303)


@router.post("/incidents/plans/{plan}/members")
def add_member(
    plan: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    person: Annotated[str, Form(max_length=SHORT)] = "",
    group: Annotated[str, Form(max_length=30)] = "",
    raci: Annotated[str, Form(max_length=SHORT)] = "",
    contact: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Add a team member."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    plans.add_member(
        session,
        plan=plan,
        person=person,
        group=group,
        raci=raci,
        contact=contact or None,
        actor=user.principal.actor,
    )
    return _to_plan(plan, "team")


@router.post("/incidents/plans/{plan}/contacts")
def add_contact(
    plan: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    kind: Annotated[str, Form(max_length=30)] = "",
    jurisdiction: Annotated[str, Form(max_length=10)] = "",
    name: Annotated[str, Form(max_length=300)] = "",
    channel: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Add a contact."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    plans.add_contact(
        session,
        plan=plan,
        kind=kind,
        jurisdiction=jurisdiction,
        name=name,
        channel=channel,
        actor=user.principal.actor,
    )
    return _to_plan(plan, "contacts")


@router.post("/incidents/plans/{plan}/exercises")
def add_exercise(
    plan: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    held_on: Annotated[str, Form(max_length=20)] = "",
    scenario: Annotated[str, Form(max_length=20_000)] = "",
    participants: Annotated[str, Form(max_length=5000)] = "",
    findings: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Record an exercise (participants one per line or comma-separated)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    try:
        day = date.fromisoformat(held_on.strip())
    except ValueError:
        raise InvalidInput(f"held on {held_on!r}: expected a date YYYY-MM-DD") from None
    people = [x.strip() for x in participants.replace("\n", ",").split(",") if x.strip()]
    plans.add_exercise(
        session,
        plan=plan,
        kind=kind,
        held_on=day,
        scenario=scenario,
        participants=people,
        findings=findings,
        actor=user.principal.actor,
    )
    return _to_plan(plan, "exercises")


@router.get("/incidents/{ref}", response_class=HTMLResponse)
def incident_page(request: Request, ref: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """One incident with its forms."""
    require_read(session, user.principal)
    detail = views.detail(session, ref=ref, actor=user.principal.actor)
    ctx = {
        "i": detail,
        "safety": [s.value for s in rules.SafetyImpact],
        "privacy": [p.value for p in rules.PrivacyImpact],
        "flags": obligations.FLAGS,
        "custody_actions": evidence.CUSTODY_ACTIONS,
        "iso": rules.ISO_PHASE,
        "can_handle": user.has("analyst", "reviewer"),
        "stride": STRIDE,
        "harm_levels": RiskPolicy.default().severity_levels,
        "exploitability_levels": RiskPolicy.default().exploitability_levels,
    }
    return page(request, "incidents/detail.html", ctx)


@router.post("/incidents/{ref}/actions/{action_id}/threat")
def lesson_threat(
    ref: str,
    action_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    category: Annotated[str, Form(max_length=1)] = "",
    release: Annotated[str, Form(max_length=SHORT)] = "",
    target: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Create the threat a review action names in the release's threat model."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    lessons.to_threat(
        session,
        ref=ref,
        action_id=action_id,
        category=category,
        release=release.strip() or None,
        target=target.strip() or None,
        actor=user.principal.actor,
    )
    return _back(ref, "links")


@router.post("/incidents/{ref}/actions/{action_id}/risk")
def lesson_risk(
    ref: str,
    action_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    release: Annotated[str, Form(max_length=SHORT)] = "",
    threat: Annotated[str, Form(max_length=300)] = "",
    hazardous_situation: Annotated[str, Form(max_length=5000)] = "",
    harm: Annotated[str, Form(max_length=5000)] = "",
    severity: Annotated[str, Form(max_length=20)] = "",
    exploitability: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record the risk a review action asks for on a threat of the release."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    if not hazardous_situation.strip() or not harm.strip():
        raise InvalidInput("the hazardous situation and the harm are written by a person")
    lessons.to_risk(
        session,
        ref=ref,
        action_id=action_id,
        threat=threat.strip(),
        hazardous_situation=hazardous_situation.strip(),
        harm=harm.strip(),
        severity=severity,
        exploitability=exploitability,
        release=release.strip() or None,
        actor=user.principal.actor,
    )
    return _back(ref, "links")


@router.post("/incidents/{ref}/phase")
def phase(
    ref: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    action: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=10_000)] = "",
    review: Annotated[str, Form(max_length=20_000)] = "",
    improvement: Annotated[str, Form(max_length=2000)] = "",
    threat: Annotated[str, Form(max_length=2000)] = "",
    risk: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Move the incident on; closing records the review and its action."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    actor = user.principal.actor
    if action == "close":
        row = incidents.close(
            session,
            ref=ref,
            review=review,
            actor=actor,
            actions=[
                (kind, what)
                for kind, what in (("improvement", improvement), ("threat", threat), ("risk", risk))
                if what.strip()
            ],
        )
    else:
        row = incidents.transition(session, ref=ref, action=action, actor=actor, reason=reason)
    return _back(row.ref, "phase")


@router.post("/incidents/{ref}/severity")
def severity(
    ref: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    safety: Annotated[str, Form(max_length=20)] = "",
    privacy: Annotated[str, Form(max_length=20)] = "",
    flags: Annotated[list[str] | None, Form()] = None,
    reason: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    """Record the patient-safety and privacy impact."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    row = incidents.assess(
        session,
        ref=ref,
        actor=user.principal.actor,
        safety=safety,
        privacy=privacy,
        flags=flags or [],
        reason=reason,
    )
    return _back(row.ref, "notifications")


@router.post("/incidents/{ref}/log")
def log(
    ref: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    kind: Annotated[str, Form(max_length=20)] = "note",
    text: Annotated[str, Form(max_length=20_000)] = "",
    why: Annotated[str, Form(max_length=10_000)] = "",
    direction: Annotated[str, Form(max_length=10)] = "",
    counterpart: Annotated[str, Form(max_length=500)] = "",
    channel: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Add a note, message or decision to the timeline."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    incidents.log(
        session,
        ref=ref,
        actor=user.principal.actor,
        message=text,
        kind=kind,
        why=why,
        direction=direction or None,
        counterpart=counterpart or None,
        channel=channel or None,
    )
    return _back(incidents.resolve(session, ref).ref, "timeline")


@router.post("/incidents/{ref}/link")
def link(
    ref: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    target: Annotated[str, Form(max_length=SHORT)] = "",
) -> Response:
    """Link a finding, CVD case, advisory or update."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    incidents.link(session, ref=ref, target=target, actor=user.principal.actor)
    return _back(incidents.resolve(session, ref).ref, "links")


@router.post("/incidents/{ref}/notify")
def notify(
    ref: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    obligation: Annotated[str, Form(max_length=60)] = "",
    step: Annotated[str, Form(max_length=20)] = "",
    draft: Annotated[str, Form(max_length=20_000)] = "",
    reference: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record a draft, the sending or the acknowledgement of a notification."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    if step not in ("draft", "sent", "acknowledged"):
        raise InvalidInput("step: one of draft, sent, acknowledged")
    notices.record(
        session,
        ref=ref,
        obligation=obligation,
        actor=user.principal.actor,
        draft=draft if step == "draft" else None,
        sent=step == "sent",
        reference=reference or None,
        acknowledged=step == "acknowledged",
    )
    return _back(incidents.resolve(session, ref).ref, "notifications")


@router.post("/incidents/{ref}/evidence")
async def add_evidence(
    request: Request,
    ref: str,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    source: Annotated[str, Form(max_length=2000)] = "",
    holder: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Store an uploaded evidence file (hashed; never served inline)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    data = await read_upload(request, file, evidence.MAX_EVIDENCE_BYTES)
    evidence.add(
        session,
        ref=ref,
        name=file.filename or "evidence",
        data=data,
        source=source,
        actor=user.principal.actor,
        holder=holder or None,
    )
    return _back(incidents.resolve(session, ref).ref, "evidence")


@router.post("/incidents/{ref}/evidence/{evidence_id}/custody")
def custody(
    ref: str,
    evidence_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=SHORT)] = "",
    action: Annotated[str, Form(max_length=20)] = "",
    holder: Annotated[str, Form(max_length=500)] = "",
    note: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Append a chain-of-custody entry."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    evidence.custody(
        session,
        ref=ref,
        evidence_id=evidence_id,
        action=action,
        holder=holder,
        actor=user.principal.actor,
        note=note,
    )
    return _back(incidents.resolve(session, ref).ref, "evidence")


@router.get("/incidents/{ref}/evidence/{evidence_id}")
def download_evidence(ref: str, evidence_id: int, session: SessionDep, user: UserDep) -> Response:
    """The original bytes as an attachment download (never rendered inline)."""
    require_read(session, user.principal)
    item, raw = evidence.data(session, ref=ref, evidence_id=evidence_id, actor=user.principal.actor)
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in item.name) or "evidence"
    return Response(
        raw,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "sandbox",
        },
    )
