"""Preparation (ISO/IEC 27035 "plan and prepare", seed 6.5.1): response plans per organisation or
product line with the team by Annex A group and a RACI per phase, contacts (regulators per
jurisdiction, privacy authorities, law enforcement, ISAOs), and exercises."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.incidents import access, obligations, repository, rules
from medsec.incidents.schemas import ContactRead, ExerciseRead, PlanRead, TeamMemberRead
from medsec.incidents.service import product_name, text
from medsec.models import IncidentContact, IncidentExercise, IncidentPlan, IncidentTeamMember
from medsec.products import service as products

CONTACT_KINDS = (
    "regulator",
    "privacy_authority",
    "law_enforcement",
    "csirt",
    "isao",
    "customer_contact",
)
EXERCISE_KINDS = ("tabletop", "technical")


def _plan(session: Session, name: str, actor: str, *, rule: str) -> IncidentPlan:
    plan = repository.plan_by_name(session, name.strip())
    if plan is None:
        raise NotFound(f"no response plan {name!r} (see `medsec incident plan list`)")
    access.require(session, actor, product_name(session, plan.product_id), rule=rule)
    return plan


def _audit(
    session: Session, plan: IncidentPlan, actor: str, action: str, **details: object
) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"incident.plan.{action}",
        object_type="incident_plan",
        object_id=plan.id,
        product_id=plan.product_id,
        details={"plan": plan.name, **details},
    )


def create(
    session: Session,
    *,
    name: str,
    scope: str,
    policy: str,
    actor: str,
    product: str | None = None,
    approved_by: str | None = None,
) -> IncidentPlan:
    """A new response plan (for one product line when ``product`` is given)."""
    access.require(session, actor, product, rule="incident plan")
    clean = text("name", name, required=True, limit=200)
    if repository.plan_by_name(session, clean) is not None:
        raise Conflict(f"a response plan named {clean!r} exists")
    plan = IncidentPlan(
        name=clean,
        scope=text("scope", scope, required=True, limit=2000),
        policy=text("policy", policy, required=True),
        product_id=products.get_product(session, product).id if product else None,
        approved_by=text("approved by", approved_by, limit=200) or None,
        created_by=actor,
    )
    session.add(plan)
    session.flush()
    _audit(session, plan, actor, "create")
    return plan


def add_member(
    session: Session,
    *,
    plan: str,
    person: str,
    group: str,
    raci: str,
    actor: str,
    contact: str | None = None,
) -> TeamMemberRead:
    """Add a team member in an Annex A group with their RACI per phase (``plan=A,detect=R``)."""
    row = _plan(session, plan, actor, rule="incident plan")
    if group not in rules.GROUPS:
        raise InvalidInput(f"group {group!r} is not one of {', '.join(rules.GROUPS)}")
    member = IncidentTeamMember(
        plan_id=row.id,
        person=text("person", person, required=True, limit=200),
        team_group=group,
        raci=rules.parse_raci(raci),
        contact=text("contact", contact, limit=500) or None,
    )
    session.add(member)
    session.flush()
    _audit(session, row, actor, "member", group=group)
    return _member(member)


def add_contact(
    session: Session,
    *,
    plan: str,
    kind: str,
    jurisdiction: str,
    name: str,
    channel: str,
    actor: str,
) -> ContactRead:
    """Add a contact (regulator per jurisdiction, privacy authority, law enforcement, …)."""
    row = _plan(session, plan, actor, rule="incident plan")
    if kind not in CONTACT_KINDS:
        raise InvalidInput(f"contact kind {kind!r} is not one of {', '.join(CONTACT_KINDS)}")
    code = jurisdiction.strip().upper()
    if code != "*":
        code = obligations.parse_jurisdictions([code])[0]
    item = IncidentContact(
        plan_id=row.id,
        kind=kind,
        jurisdiction=code,
        name=text("name", name, required=True, limit=300),
        channel=text("channel", channel, required=True, limit=2000),
    )
    session.add(item)
    session.flush()
    _audit(session, row, actor, "contact", kind=kind, jurisdiction=code)
    return ContactRead(
        id=item.id, kind=kind, jurisdiction=code, name=item.name, channel=item.channel
    )


def add_exercise(
    session: Session,
    *,
    plan: str,
    kind: str,
    held_on: date,
    scenario: str,
    participants: list[str],
    actor: str,
    findings: str = "",
) -> ExerciseRead:
    """Record a tabletop or technical exercise of the plan."""
    row = _plan(session, plan, actor, rule="incident plan")
    if kind not in EXERCISE_KINDS:
        raise InvalidInput(f"exercise kind {kind!r} is not one of {', '.join(EXERCISE_KINDS)}")
    people = [text("participant", p, required=True, limit=200) for p in participants]
    if not people:
        raise InvalidInput("participants: name at least one")
    item = IncidentExercise(
        plan_id=row.id,
        kind=kind,
        held_on=held_on,
        scenario=text("scenario", scenario, required=True),
        participants=people,
        findings=text("findings", findings),
        recorded_by=actor,
    )
    session.add(item)
    session.flush()
    _audit(session, row, actor, "exercise", kind=kind, held_on=held_on.isoformat())
    return _exercise(item)


def _member(m: IncidentTeamMember) -> TeamMemberRead:
    return TeamMemberRead(
        id=m.id, person=m.person, group=m.team_group, raci=dict(m.raci), contact=m.contact
    )


def _exercise(e: IncidentExercise) -> ExerciseRead:
    return ExerciseRead(
        id=e.id,
        kind=e.kind,
        held_on=e.held_on,
        scenario=e.scenario,
        participants=list(e.participants),
        findings=e.findings,
    )


def detail(session: Session, *, plan: str, actor: str) -> PlanRead:
    """A plan with its team, contacts, exercises, RACI gaps and the obligations it must meet."""
    row = _plan(session, plan, actor, rule="incident plan")
    team = repository.team_of(session, row.id)
    return PlanRead(
        name=row.name,
        scope=row.scope,
        policy=row.policy,
        product=product_name(session, row.product_id),
        approved_by=row.approved_by,
        team=[_member(m) for m in team],
        contacts=[
            ContactRead(
                id=c.id, kind=c.kind, jurisdiction=c.jurisdiction, name=c.name, channel=c.channel
            )
            for c in repository.contacts_of(session, row.id)
        ],
        exercises=[_exercise(e) for e in repository.exercises_of(session, row.id)],
        raci_gaps=rules.raci_gaps([dict(m.raci) for m in team]),
        obligations=[f"{o.jurisdiction} {o.title}: {o.period}" for o in obligations.catalogue()],
    )


def list_plans(session: Session, *, actor: str) -> list[str]:
    """Names of the plans the actor may see (security roles; viewers are refused)."""
    account = access.require(session, actor, None, rule="incident plans")
    return [
        p.name
        for p in repository.plans(session)
        if access.visible(account, product_name(session, p.product_id))
    ]
