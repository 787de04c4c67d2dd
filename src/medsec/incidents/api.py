"""`/api/v1/incidents`: incidents for the PSIRT (list with overdue notifications, show, open,
phase moves, severity, timeline entries, links, notifications) and `/api/v1/share/stix`
export. Confidential: security roles and product access (``incidents.access``)."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.incidents import lessons, notices, plans, views
from medsec.incidents import service as incidents
from medsec.incidents.schemas import (
    ContactRead,
    EventRead,
    ExerciseRead,
    IncidentRead,
    IncidentSummary,
    LinkRead,
    NotificationRead,
    OverdueNotification,
    PlanRead,
    TeamMemberRead,
)
from medsec.threats.schemas import ThreatRead

router = APIRouter(prefix="/api/v1/incidents", tags=["incidents"])


class OpenBody(BaseModel):
    """A new incident."""

    title: str = Field(max_length=500)
    product: str | None = Field(default=None, max_length=200)
    releases: list[str] = Field(default_factory=list, max_length=50)
    jurisdictions: list[str] = Field(default_factory=list, max_length=10)
    detected_at: datetime | None = None
    source: str = Field(default="manual", max_length=20)
    reporter: str | None = Field(default=None, max_length=500)
    reporter_org: str | None = Field(default=None, max_length=500)
    assets: list[str] = Field(default_factory=list, max_length=200)
    description: str = Field(default="", max_length=20_000)
    share_summary: str = Field(default="", max_length=5_000)
    tlp: str = Field(default="amber", max_length=20)


class PhaseBody(BaseModel):
    """One move through the ISO/IEC 27035 phases."""

    action: str = Field(max_length=20)
    reason: str = Field(default="", max_length=10_000)


class SeverityBody(BaseModel):
    """Patient-safety and privacy impact, and the facts notifications read."""

    safety: str = Field(max_length=20)
    privacy: str = Field(max_length=20)
    flags: list[str] = Field(default_factory=list, max_length=10)
    reason: str = Field(default="", max_length=10_000)


class LogBody(BaseModel):
    """A timeline entry: note, message (with direction) or decision (with why)."""

    text: str = Field(max_length=20_000)
    kind: str = Field(default="note", max_length=20)
    why: str = Field(default="", max_length=10_000)
    direction: str | None = Field(default=None, max_length=10)
    counterpart: str | None = Field(default=None, max_length=500)
    channel: str | None = Field(default=None, max_length=40)


class LinkBody(BaseModel):
    """What to link: ``finding:ID``, ``cvd:VR-…``, ``advisory:ID`` or ``update:NAME``."""

    target: str = Field(max_length=200)


class NotifyBody(BaseModel):
    """A draft, the sending or the acknowledgement of one obligation's notification."""

    obligation: str = Field(max_length=60)
    draft: str | None = Field(default=None, max_length=20_000)
    sent: bool = False
    reference: str | None = Field(default=None, max_length=500)
    acknowledged: bool = False


@router.get("", response_model=list[IncidentSummary])
def list_incidents(
    session: SessionDep, who: ApiPrincipal, phase: str | None = None, overdue: bool = False
) -> list[IncidentSummary]:
    """The incidents the account may see, with overdue notifications."""
    require_read(session, who)
    return views.list_incidents(session, actor=who.actor, phase=phase, overdue=overdue)


@router.get("/overdue", response_model=list[OverdueNotification])
def overdue(session: SessionDep, who: ApiPrincipal) -> list[OverdueNotification]:
    """Every overdue notification of the incidents the account may see."""
    require_read(session, who)
    visible = {s.ref for s in views.list_incidents(session, actor=who.actor)}
    return [o for o in notices.overdue_all(session) if o.ref in visible]


@router.post("", response_model=IncidentRead, status_code=201)
def open_incident(body: OpenBody, session: SessionDep, who: ApiPrincipal) -> IncidentRead:
    """Open an incident (analyst role)."""
    require_read(session, who)
    row = incidents.open_incident(session, actor=who.actor, **body.model_dump())
    return views.detail(session, ref=row.ref, actor=who.actor)


class PlanBody(BaseModel):
    """A new incident response plan (for one product line when ``product`` is given)."""

    name: str = Field(max_length=200)
    scope: str = Field(max_length=2000)
    policy: str = Field(max_length=20_000)
    product: str | None = Field(default=None, max_length=200)
    approved_by: str | None = Field(default=None, max_length=200)


class MemberBody(BaseModel):
    """A team member: Annex A group and RACI per phase (``plan=A,detect=R``)."""

    person: str = Field(max_length=200)
    group: str = Field(max_length=30)
    raci: str = Field(max_length=200)
    contact: str | None = Field(default=None, max_length=500)


class ContactBody(BaseModel):
    """A contact of the plan (regulator per jurisdiction, privacy authority, police, ...)."""

    kind: str = Field(max_length=30)
    jurisdiction: str = Field(max_length=10)
    name: str = Field(max_length=300)
    channel: str = Field(max_length=2000)


class ExerciseBody(BaseModel):
    """A tabletop or technical exercise of the plan."""

    kind: str = Field(max_length=20)
    held_on: date
    scenario: str = Field(max_length=20_000)
    participants: list[str] = Field(max_length=100)
    findings: str = Field(default="", max_length=20_000)


@router.get("/plans", response_model=list[PlanRead])
def list_plans(session: SessionDep, who: ApiPrincipal) -> list[PlanRead]:
    """The incident response plans the caller may see, each in full."""
    require_read(session, who)
    names = plans.list_plans(session, actor=who.actor)
    return [plans.detail(session, plan=n, actor=who.actor) for n in names]


@router.post("/plans", response_model=PlanRead, status_code=201)
def create_plan(body: PlanBody, session: SessionDep, who: ApiPrincipal) -> PlanRead:
    """Create an incident response plan."""
    require_read(session, who)
    row = plans.create(session, actor=who.actor, **body.model_dump())
    return plans.detail(session, plan=row.name, actor=who.actor)


@router.get("/plans/{plan}", response_model=PlanRead)
def plan_detail(plan: str, session: SessionDep, who: ApiPrincipal) -> PlanRead:
    """A plan with its team, contacts, exercises, RACI gaps and obligations."""
    require_read(session, who)
    return plans.detail(session, plan=plan, actor=who.actor)


@router.post("/plans/{plan}/members", response_model=TeamMemberRead, status_code=201)
def add_member(
    plan: str, body: MemberBody, session: SessionDep, who: ApiPrincipal
) -> TeamMemberRead:
    """Add a team member."""
    require_read(session, who)
    return plans.add_member(session, plan=plan, actor=who.actor, **body.model_dump())


@router.post("/plans/{plan}/contacts", response_model=ContactRead, status_code=201)
def add_contact(
    plan: str, body: ContactBody, session: SessionDep, who: ApiPrincipal
) -> ContactRead:
    """Add a contact."""
    require_read(session, who)
    return plans.add_contact(session, plan=plan, actor=who.actor, **body.model_dump())


@router.post("/plans/{plan}/exercises", response_model=ExerciseRead, status_code=201)
def add_exercise(
    plan: str, body: ExerciseBody, session: SessionDep, who: ApiPrincipal
) -> ExerciseRead:
    """Record an exercise."""
    require_read(session, who)
    return plans.add_exercise(session, plan=plan, actor=who.actor, **body.model_dump())


@router.get("/{ref}", response_model=IncidentRead)
def show(ref: str, session: SessionDep, who: ApiPrincipal) -> IncidentRead:
    """One incident with timeline, evidence metadata, links and notifications."""
    require_read(session, who)
    return views.detail(session, ref=ref, actor=who.actor)


@router.post("/{ref}/phase", response_model=IncidentRead)
def phase(ref: str, body: PhaseBody, session: SessionDep, who: ApiPrincipal) -> IncidentRead:
    """Apply one phase move; 422 naming the rule when refused."""
    require_read(session, who)
    incidents.transition(session, ref=ref, action=body.action, reason=body.reason, actor=who.actor)
    return views.detail(session, ref=ref, actor=who.actor)


@router.post("/{ref}/severity", response_model=IncidentRead)
def severity(ref: str, body: SeverityBody, session: SessionDep, who: ApiPrincipal) -> IncidentRead:
    """Record the patient-safety and privacy impact."""
    require_read(session, who)
    incidents.assess(session, ref=ref, actor=who.actor, **body.model_dump())
    return views.detail(session, ref=ref, actor=who.actor)


@router.post("/{ref}/events", response_model=EventRead, status_code=201)
def log(ref: str, body: LogBody, session: SessionDep, who: ApiPrincipal) -> EventRead:
    """Add a note, message or decision to the timeline."""
    require_read(session, who)
    event = incidents.log(
        session,
        ref=ref,
        actor=who.actor,
        message=body.text,
        kind=body.kind,
        why=body.why,
        direction=body.direction,
        counterpart=body.counterpart,
        channel=body.channel,
    )
    (found,) = [
        e for e in views.detail(session, ref=ref, actor=who.actor).events if e.id == event.id
    ]
    return found


class AssetsBody(BaseModel):
    """Affected assets: hospital-workspace asset tags (or ``asset:TAG``), else free text."""

    assets: list[str] = Field(min_length=1, max_length=200)


@router.post("/{ref}/assets", response_model=IncidentRead)
def assets(ref: str, body: AssetsBody, session: SessionDep, who: ApiPrincipal) -> IncidentRead:
    """Record affected assets (a workspace asset by its tag; an unknown ``asset:TAG`` is 422)."""
    require_read(session, who)
    incidents.add_assets(session, ref=ref, assets=body.assets, actor=who.actor)
    return views.detail(session, ref=ref, actor=who.actor)


@router.post("/{ref}/links", response_model=LinkRead, status_code=201)
def link(ref: str, body: LinkBody, session: SessionDep, who: ApiPrincipal) -> LinkRead:
    """Link a finding, CVD case, advisory or update."""
    require_read(session, who)
    return incidents.link(session, ref=ref, target=body.target, actor=who.actor)


class LessonThreatBody(BaseModel):
    """The threat a review action names: its STRIDE letter and where it sits."""

    category: str = Field(max_length=1)
    release: str | None = Field(default=None, max_length=200)
    target: str | None = Field(default=None, max_length=300)
    severity: str | None = Field(default=None, max_length=20)


class LessonRiskBody(BaseModel):
    """The risk a review action asks for, written by a person."""

    threat: str = Field(max_length=200)
    hazardous_situation: str = Field(max_length=5000)
    harm: str = Field(max_length=5000)
    severity: str = Field(max_length=20)
    exploitability: str = Field(max_length=20)
    release: str | None = Field(default=None, max_length=200)


@router.post("/{ref}/actions/{action_id}/threat", response_model=ThreatRead, status_code=201)
def lesson_threat(
    ref: str, action_id: int, body: LessonThreatBody, session: SessionDep, who: ApiPrincipal
) -> ThreatRead:
    """Create the threat a closing review's threat action names (linked to the incident)."""
    require_read(session, who)
    return lessons.to_threat(
        session, ref=ref, action_id=action_id, actor=who.actor, **body.model_dump()
    )


@router.post("/{ref}/actions/{action_id}/risk", response_model=ThreatRead, status_code=201)
def lesson_risk(
    ref: str, action_id: int, body: LessonRiskBody, session: SessionDep, who: ApiPrincipal
) -> ThreatRead:
    """Record the risk a closing review's risk action asks for (linked to the incident)."""
    require_read(session, who)
    return lessons.to_risk(
        session, ref=ref, action_id=action_id, actor=who.actor, **body.model_dump()
    )


@router.get("/{ref}/notifications", response_model=list[NotificationRead])
def notifications(ref: str, session: SessionDep, who: ApiPrincipal) -> list[NotificationRead]:
    """The incident's notifications with deadlines (overdue flagged)."""
    require_read(session, who)
    return views.detail(session, ref=ref, actor=who.actor).notifications


@router.post("/{ref}/notifications", response_model=NotificationRead)
def notify(ref: str, body: NotifyBody, session: SessionDep, who: ApiPrincipal) -> NotificationRead:
    """Record a draft, the sending or the acknowledgement of a notification."""
    require_read(session, who)
    return notices.record(session, ref=ref, actor=who.actor, **body.model_dump())
