"""Every query of the incidents domain (its own tables only)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medsec.models import (
    Incident,
    IncidentAction,
    IncidentContact,
    IncidentCustody,
    IncidentEvent,
    IncidentEvidence,
    IncidentExercise,
    IncidentIndicator,
    IncidentLink,
    IncidentNotification,
    IncidentPlan,
    IncidentTeamMember,
)


def aware(value: datetime | None) -> datetime | None:
    """``value`` in UTC; UTC is attached when the database returned it naive (SQLite)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def by_ref(session: Session, ref: str) -> Incident | None:
    """The incident with that reference (``INC-…``), if any."""
    return session.execute(select(Incident).where(Incident.ref == ref)).scalar()


def by_id(session: Session, incident_id: int) -> Incident | None:
    """The incident with that row id, if any."""
    return session.get(Incident, incident_id)


def count_with_prefix(session: Session, prefix: str) -> int:
    """How many incident references start with ``prefix``."""
    stmt = select(func.count()).select_from(Incident).where(Incident.ref.like(f"{prefix}%"))
    return int(session.execute(stmt).scalar_one())


def incidents(
    session: Session, *, phase: str | None = None, since: datetime | None = None
) -> list[Incident]:
    """Every incident (optionally one phase, or detected since a time), oldest first."""
    stmt = select(Incident).order_by(Incident.id)
    if phase is not None:
        stmt = stmt.where(Incident.phase == phase)
    if since is not None:
        stmt = stmt.where(Incident.detected_at >= since)
    return list(session.execute(stmt).scalars())


def events_of(session: Session, incident_id: int) -> list[IncidentEvent]:
    """The timeline of one incident in order."""
    stmt = (
        select(IncidentEvent)
        .where(IncidentEvent.incident_id == incident_id)
        .order_by(IncidentEvent.id)
    )
    return list(session.execute(stmt).scalars())


def evidence_of(session: Session, incident_id: int) -> list[IncidentEvidence]:
    """The evidence items of one incident in the order collected."""
    stmt = (
        select(IncidentEvidence)
        .where(IncidentEvidence.incident_id == incident_id)
        .order_by(IncidentEvidence.id)
    )
    return list(session.execute(stmt).scalars())


def custody_of(session: Session, evidence_ids: list[int]) -> list[IncidentCustody]:
    """The custody entries of some evidence items, in chain order."""
    if not evidence_ids:
        return []
    stmt = (
        select(IncidentCustody)
        .where(IncidentCustody.evidence_id.in_(evidence_ids))
        .order_by(IncidentCustody.evidence_id, IncidentCustody.seq)
    )
    return list(session.execute(stmt).scalars())


def links_of(session: Session, incident_id: int) -> list[IncidentLink]:
    """The links of one incident in the order made."""
    stmt = select(IncidentLink).where(IncidentLink.incident_id == incident_id)
    return list(session.execute(stmt.order_by(IncidentLink.id)).scalars())


def link(session: Session, incident_id: int, target: str) -> IncidentLink | None:
    """One link of an incident by its target key."""
    stmt = select(IncidentLink).where(
        IncidentLink.incident_id == incident_id, IncidentLink.target == target
    )
    return session.execute(stmt).scalar()


def indicators_of(session: Session, incident_id: int) -> list[IncidentIndicator]:
    """The indicators of one incident in the order added."""
    stmt = select(IncidentIndicator).where(IncidentIndicator.incident_id == incident_id)
    return list(session.execute(stmt.order_by(IncidentIndicator.id)).scalars())


def notifications_of(session: Session, incident_ids: list[int]) -> list[IncidentNotification]:
    """The notification records of some incidents."""
    if not incident_ids:
        return []
    stmt = select(IncidentNotification).where(IncidentNotification.incident_id.in_(incident_ids))
    return list(session.execute(stmt.order_by(IncidentNotification.id)).scalars())


def actions_of(session: Session, incident_id: int) -> list[IncidentAction]:
    """The review actions of one incident."""
    stmt = select(IncidentAction).where(IncidentAction.incident_id == incident_id)
    return list(session.execute(stmt.order_by(IncidentAction.id)).scalars())


def plan_by_name(session: Session, name: str) -> IncidentPlan | None:
    """A response plan by name."""
    return session.execute(select(IncidentPlan).where(IncidentPlan.name == name)).scalar()


def plans(session: Session) -> list[IncidentPlan]:
    """Every response plan by name."""
    return list(session.execute(select(IncidentPlan).order_by(IncidentPlan.name)).scalars())


def team_of(session: Session, plan_id: int) -> list[IncidentTeamMember]:
    """The team of a plan."""
    stmt = select(IncidentTeamMember).where(IncidentTeamMember.plan_id == plan_id)
    return list(session.execute(stmt.order_by(IncidentTeamMember.id)).scalars())


def contacts_of(session: Session, plan_id: int) -> list[IncidentContact]:
    """The contacts of a plan."""
    stmt = select(IncidentContact).where(IncidentContact.plan_id == plan_id)
    return list(session.execute(stmt.order_by(IncidentContact.id)).scalars())


def exercises_of(session: Session, plan_id: int) -> list[IncidentExercise]:
    """The exercises of a plan, newest first."""
    stmt = select(IncidentExercise).where(IncidentExercise.plan_id == plan_id)
    return list(session.execute(stmt.order_by(IncidentExercise.held_on.desc())).scalars())
