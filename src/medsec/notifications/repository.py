"""Every query of notifications: preferences, events and deliveries (its own tables only)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import NotificationDelivery, NotificationEvent, NotificationPreference


def event_by_key(session: Session, key: str) -> NotificationEvent | None:
    """The event already emitted under ``key``."""
    return session.execute(
        select(NotificationEvent).where(NotificationEvent.key == key)
    ).scalar_one_or_none()


def enabled_preferences(session: Session) -> list[NotificationPreference]:
    """Every enabled preference."""
    stmt = select(NotificationPreference).where(NotificationPreference.enabled.is_(True))
    return list(session.execute(stmt.order_by(NotificationPreference.id)).scalars())


def preferences(session: Session, account: str | None = None) -> list[NotificationPreference]:
    """Preferences, of one account or all."""
    stmt = select(NotificationPreference).order_by(NotificationPreference.id)
    if account is not None:
        stmt = stmt.where(NotificationPreference.account == account)
    return list(session.execute(stmt).scalars())


def preference(session: Session, pref_id: int) -> NotificationPreference | None:
    """One preference by id."""
    return session.get(NotificationPreference, pref_id)


def due_deliveries(session: Session, now: datetime, limit: int) -> list[Any]:
    """Pending deliveries due at ``now`` with their event and preference, locked (PostgreSQL:
    rows another worker holds are skipped)."""
    stmt = (
        select(NotificationDelivery, NotificationEvent, NotificationPreference)
        .join(NotificationEvent, NotificationEvent.id == NotificationDelivery.event_id)
        .outerjoin(
            NotificationPreference,
            NotificationPreference.id == NotificationDelivery.preference_id,
        )
        .where(NotificationDelivery.status == "pending")
        .where(NotificationDelivery.next_attempt_at <= now)
        .order_by(NotificationDelivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=NotificationDelivery)
    return list(session.execute(stmt))


def deliveries(
    session: Session, *, accounts: Sequence[str] | None, limit: int
) -> list[tuple[NotificationDelivery, NotificationEvent]]:
    """The newest deliveries with their event (of some accounts' preferences, or all)."""
    stmt = (
        select(NotificationDelivery, NotificationEvent)
        .join(NotificationEvent, NotificationEvent.id == NotificationDelivery.event_id)
        .order_by(NotificationDelivery.id.desc())
        .limit(limit)
    )
    if accounts is not None:
        stmt = stmt.join(
            NotificationPreference,
            NotificationPreference.id == NotificationDelivery.preference_id,
        ).where(NotificationPreference.account.in_(accounts))
    return [(row[0], row[1]) for row in session.execute(stmt)]
