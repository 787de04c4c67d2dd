"""`/api/v1/notifications`: one's notification preferences and what was sent."""

from __future__ import annotations

from fastapi import APIRouter, Query

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.notifications import service
from medsec.notifications.schemas import (
    DeliveryRead,
    PreferenceCreate,
    PreferenceRead,
    PreferenceUpdate,
)

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


@router.get("/preferences", response_model=list[PreferenceRead])
def list_preferences(
    session: SessionDep,
    who: ApiPrincipal,
    account: str | None = Query(default=None, max_length=200),
) -> list[PreferenceRead]:
    """The account's preferences (an admin: every account's, or one `?account=`)."""
    return service.list_preferences(session, actor=who.actor, account=account)


@router.post("/preferences", status_code=201, response_model=PreferenceRead)
def add_preference(
    body: PreferenceCreate, session: SessionDep, who: ApiPrincipal
) -> PreferenceRead:
    """Add a preference; a webhook's signing secret is in this answer only."""
    return service.add_preference(
        session,
        channel=body.channel,
        target=body.target,
        events=body.events,
        product=body.product,
        min_severity=body.min_severity,
        deadline_days=body.deadline_days,
        account=body.account,
        actor=who.actor,
    )


@router.patch("/preferences/{pref_id}", response_model=PreferenceRead)
def update_preference(
    pref_id: int, body: PreferenceUpdate, session: SessionDep, who: ApiPrincipal
) -> PreferenceRead:
    """Pause or resume a preference (its account or an admin); the secret is never shown."""
    return service.set_enabled(session, pref_id=pref_id, enabled=body.enabled, actor=who.actor)


@router.delete("/preferences/{pref_id}", response_model=PreferenceRead)
def remove_preference(pref_id: int, session: SessionDep, who: ApiPrincipal) -> PreferenceRead:
    """Remove a preference (its deliveries stay recorded)."""
    return service.remove_preference(session, pref_id=pref_id, actor=who.actor)


@router.get("/deliveries", response_model=list[DeliveryRead])
def list_deliveries(
    session: SessionDep, who: ApiPrincipal, limit: int = Query(default=100, ge=1, le=1000)
) -> list[DeliveryRead]:
    """What was sent or tried, newest first (one's own; an admin: all)."""
    return service.list_deliveries(session, actor=who.actor, limit=limit)
