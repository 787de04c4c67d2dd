"""Read side of incidents: the list (with overdue notifications) and the full incident as
the CLI, API and pages show it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.incidents import access, evidence, notices, repository, rules
from medsec.incidents.rules import Phase
from medsec.incidents.schemas import (
    ActionRead,
    AffectedAssetRead,
    EventRead,
    IncidentRead,
    IncidentSummary,
    IndicatorRead,
)
from medsec.incidents.service import ASSET_PREFIX, link_read, load, now_or, status
from medsec.models import Incident
from medsec.products import service as products


def summary(session: Session, row: Incident, product: str | None, at: datetime) -> IncidentSummary:
    """One incident as a list shows it, with its overdue notifications at ``at``."""
    found = notices.for_incident(session, row, at)
    pending = [n for n in found if n.applies and n.sent_at is None and n.due_at is not None]
    return IncidentSummary(
        ref=row.ref,
        title=row.title,
        phase=row.phase,
        iso_phase=rules.ISO_PHASE[Phase(row.phase)],
        product=product,
        releases=list(row.releases),
        safety_impact=row.safety_impact,
        privacy_impact=row.privacy_impact,
        jurisdictions=list(row.jurisdictions),
        detected_at=repository.aware(row.detected_at) or row.detected_at,
        closed_at=repository.aware(row.closed_at),
        overdue=[n.obligation for n in found if n.overdue],
        next_due=min((n.due_at for n in pending if n.due_at), default=None),
    )


def list_incidents(
    session: Session,
    *,
    actor: str,
    phase: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
) -> list[IncidentSummary]:
    """The incidents the actor may see (optionally one phase, or only with overdue notices)."""
    at = now_or(now)
    account = access.account_of(session, actor, rule="incidents")
    if phase is not None and phase not in set(Phase):
        raise InvalidInput(f"unknown phase {phase!r} (one of: {', '.join(Phase)})")
    names = {p.id: p.name for p in products.list_products(session)}
    out = []
    for row in repository.incidents(session, phase=phase):
        product = names.get(row.product_id) if row.product_id is not None else None
        if not access.visible(account, product):
            continue
        item = summary(session, row, product, at)
        if not overdue or item.overdue:
            out.append(item)
    return out


def _asset(session: Session, actor: str, tag: str) -> AffectedAssetRead:
    """A workspace asset as the incident shows it (only its tag when gone or hidden)."""
    from medsec.assets import service as assets

    try:
        a = assets.get_asset(session, tag=tag, actor=actor)
    except (NotFound, PermissionDenied):
        return AffectedAssetRead(tag=tag, found=False)
    return AffectedAssetRead(
        tag=a.asset_tag,
        found=True,
        manufacturer=a.manufacturer,
        model=a.model,
        software_version=a.software_version,
        location=a.location,
        department=a.department,
        network_segment=a.network_segment,
        clinical_criticality=a.clinical_criticality,
        maps_to=a.target_label,
        identifying=[v for v in (a.serial, a.ip_address, a.mac_address, a.owner) if v],
    )


def detail(session: Session, *, ref: str, actor: str, now: datetime | None = None) -> IncidentRead:
    """Everything about one incident: timeline, evidence (metadata), links, notifications."""
    at = now_or(now)
    row, product = load(session, ref, actor, rule="incidents")
    st = status(row)
    return IncidentRead(
        ref=row.ref,
        title=row.title,
        description=row.description,
        share_summary=row.share_summary,
        source=row.source,
        source_ref=row.source_ref,
        reporter=row.reporter,
        reporter_org=row.reporter_org,
        phase=row.phase,
        phase_label=rules.PHASE_LABEL[st.phase],
        iso_phase=rules.ISO_PHASE[st.phase],
        dismissed=row.dismissed,
        reviewed=row.reviewed,
        allowed_actions=list(rules.allowed_actions(st)),
        safety_impact=row.safety_impact,
        privacy_impact=row.privacy_impact,
        flags=list(row.flags),
        product=product,
        releases=list(row.releases),
        assets=[a for a in row.assets if not a.startswith(ASSET_PREFIX)],
        workspace_assets=[
            _asset(session, actor, a[len(ASSET_PREFIX) :])
            for a in row.assets
            if a.startswith(ASSET_PREFIX)
        ],
        jurisdictions=list(row.jurisdictions),
        tlp=row.tlp,
        detected_at=repository.aware(row.detected_at) or row.detected_at,
        opened_at=repository.aware(row.opened_at) or row.opened_at,
        closed_at=repository.aware(row.closed_at),
        opened_by=row.opened_by,
        review=row.review,
        events=[
            EventRead(
                id=e.id,
                at=repository.aware(e.at) or e.at,
                kind=e.kind,
                actor=e.actor,
                from_phase=e.from_phase,
                to_phase=e.to_phase,
                text=e.text,
                reason=e.reason,
                direction=e.direction,
                counterpart=e.counterpart,
                channel=e.channel,
            )
            for e in repository.events_of(session, row.id)
        ],
        evidence=evidence.reads(session, row),
        links=[link_read(x) for x in repository.links_of(session, row.id)],
        indicators=[
            IndicatorRead(id=i.id, name=i.name, pattern=i.pattern, shareable=i.shareable)
            for i in repository.indicators_of(session, row.id)
        ],
        notifications=notices.for_incident(session, row, at),
        actions=[
            ActionRead(id=a.id, kind=a.kind, text=a.text, owner=a.owner, due_on=a.due_on)
            for a in repository.actions_of(session, row.id)
        ],
    )
