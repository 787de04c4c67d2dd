"""Notification use cases: emit an event (any domain), manage preferences, deliver the outbox.

``emit`` only records the event and one pending delivery per preference that wants it and whose
account may see it, in the caller's transaction: nothing is sent for work that rolls back.
``deliver_due`` (a background job) sends what is due, retrying with backoff, and records each try.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.config import Settings
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.models import NotificationDelivery, NotificationEvent, NotificationPreference
from medsec.notifications import repository as repo
from medsec.notifications import rules, senders
from medsec.notifications.schemas import DeliveryRead, DeliveryRun, Event, PreferenceRead

UnitOfWork = Callable[[], AbstractContextManager[Session]]
BATCH = 100


def emit(session: Session, event: Event) -> int:
    """Record an event once (by its key) and queue its deliveries; returns how many."""
    if event.kind not in rules.EVENT_KINDS:
        raise InvalidInput(f"unknown notification event {event.kind!r}")
    if repo.event_by_key(session, event.key) is not None:
        return 0
    row = NotificationEvent(
        kind=event.kind,
        key=event.key[:300],
        product=event.product,
        severity=event.severity,
        title=event.title[:500],
        data=dict(event.data),
    )
    session.add(row)
    session.flush()
    queued = 0
    for pref in repo.enabled_preferences(session):
        if not rules.wants(_pref_view(pref), event.kind, event.product, event.severity, event.data):
            continue
        account = accounts.get(session, pref.account)
        if (
            account is None
            or accounts.is_disabled(account)
            or not rules.entitled(account.roles, account.products, event.kind, event.product)
        ):
            continue
        session.add(
            NotificationDelivery(
                event_id=row.id,
                preference_id=pref.id,
                channel=pref.channel,
                target=pref.target,
                payload={},
                status="pending",
                attempts=0,
                next_attempt_at=utcnow(),
            )
        )
        queued += 1
    session.flush()
    return queued


def listening(session: Session) -> bool:
    """True when any enabled preference exists (event sources may skip their work if not)."""
    return bool(repo.enabled_preferences(session))


def emit_all(session: Session, events: Iterable[Event]) -> int:
    """``emit`` each event; returns the deliveries queued."""
    return sum(emit(session, e) for e in events)


def _pref_view(pref: NotificationPreference) -> dict[str, object]:
    return {
        "enabled": pref.enabled,
        "events": pref.events,
        "product": pref.product,
        "min_severity": pref.min_severity,
        "deadline_days": pref.deadline_days,
    }


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives naive datetimes back: they are UTC."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _read(pref: NotificationPreference, *, with_secret: bool = False) -> PreferenceRead:
    return PreferenceRead(
        id=pref.id,
        account=pref.account,
        product=pref.product,
        channel=pref.channel,
        target=pref.target,
        events=list(pref.events),
        min_severity=pref.min_severity,
        deadline_days=pref.deadline_days,
        enabled=pref.enabled,
        created_at=_aware(pref.created_at),
        secret=pref.secret if with_secret else None,
    )


def _owner(session: Session, actor: str, account: str | None) -> str:
    """The account a preference is for: one's own, or any account for an admin."""
    me = accounts.account_name(actor)
    target = account or me
    if target != me:
        accounts.require(session, actor, "admin", rule="only an admin sets another's notifications")
    elif accounts.get(session, me) is None:
        raise PermissionDenied(f"notifications: {me!r} has no account (medsec account add NAME)")
    if accounts.get(session, target) is None:
        raise NotFound(f"no account {target!r} (see `medsec account list`)")
    return target


def add_preference(
    session: Session,
    *,
    channel: str,
    target: str,
    events: list[str],
    actor: str,
    product: str | None = None,
    min_severity: str = "high",
    deadline_days: int = 7,
    account: str | None = None,
) -> PreferenceRead:
    """Add a preference (a webhook gets a new signing secret, returned this once)."""
    owner = _owner(session, actor, account)
    try:
        kinds = rules.check_kinds(events)
        where = rules.check_target(channel, target)
        threshold = rules.check_severity(min_severity)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    if not 0 <= deadline_days <= 365:
        raise InvalidInput(f"deadline days must be 0 to 365, not {deadline_days}")
    held = accounts.get(session, owner)
    if product is not None and held is not None and held.products and product not in held.products:
        raise PermissionDenied(f"notifications: {owner!r} has no access to product {product!r}")
    pref = NotificationPreference(
        account=owner,
        product=product,
        channel=channel,
        target=where,
        events=kinds,
        min_severity=threshold,
        deadline_days=deadline_days,
        secret=secrets.token_urlsafe(32) if channel == "webhook" else None,
        enabled=True,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(pref)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notification.preference.add",
        object_type="notification_preference",
        object_id=pref.id,
        details={"account": owner, "channel": channel, "events": kinds, "product": product},
    )
    return _read(pref, with_secret=True)


def list_preferences(
    session: Session, *, actor: str, account: str | None = None
) -> list[PreferenceRead]:
    """Preferences of the actor's account (an admin: of any account, or all)."""
    me = accounts.account_name(actor)
    if account != me and "admin" not in accounts.roles_of(session, actor):
        if account is not None:
            accounts.require(session, actor, "admin", rule="only an admin reads another's")
        account = me
    return [_read(p) for p in repo.preferences(session, account)]


def remove_preference(session: Session, *, pref_id: int, actor: str) -> PreferenceRead:
    """Delete a preference (its past deliveries stay recorded)."""
    pref = repo.preference(session, pref_id)
    if pref is None:
        raise NotFound(f"no notification preference {pref_id} (see `medsec notify list`)")
    _owner(session, actor, pref.account)
    out = _read(pref)
    session.delete(pref)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="notification.preference.remove",
        object_type="notification_preference",
        object_id=pref_id,
        details={"account": out.account, "channel": out.channel},
    )
    return out


def set_enabled(session: Session, *, pref_id: int, enabled: bool, actor: str) -> PreferenceRead:
    """Pause or resume a preference (its owner or an admin); audited when it changes."""
    pref = repo.preference(session, pref_id) if 0 < pref_id < 2**31 else None
    if pref is None:
        raise NotFound(f"no notification preference {pref_id} (see `medsec notify list`)")
    _owner(session, actor, pref.account)
    if pref.enabled != enabled:
        pref.enabled = enabled
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="notification.preference.resume" if enabled else "notification.preference.pause",
            object_type="notification_preference",
            object_id=pref_id,
            details={"account": pref.account, "channel": pref.channel},
        )
    return _read(pref)


def list_deliveries(session: Session, *, actor: str, limit: int = 100) -> list[DeliveryRead]:
    """The newest deliveries: all for an admin, else those of the actor's preferences."""
    if accounts.get(session, accounts.account_name(actor)) is None:
        raise PermissionDenied(f"notifications: {accounts.account_name(actor)!r} has no account")
    mine = None if "admin" in accounts.roles_of(session, actor) else [accounts.account_name(actor)]
    return [
        DeliveryRead(
            id=d.id,
            event_kind=e.kind,
            event_title=e.title,
            channel=d.channel,
            target=d.target,
            status=d.status,
            attempts=d.attempts,
            last_error=d.last_error,
            created_at=_aware(d.created_at),
            sent_at=_aware(d.sent_at),
        )
        for d, e in repo.deliveries(session, accounts=mine, limit=max(1, min(limit, 1000)))
    ]


def deliver_due(uow: UnitOfWork, settings: Settings) -> DeliveryRun:
    """Send every delivery that is due, batch by batch; failures wait with backoff."""
    run = DeliveryRun()
    while True:
        with uow() as session:
            rows = repo.due_deliveries(session, utcnow(), BATCH)
            for delivery, event, pref in rows:
                _attempt(settings, delivery, event, pref, run)
            session.flush()
        if len(rows) < BATCH:
            return run


def _attempt(
    settings: Settings,
    delivery: NotificationDelivery,
    event: NotificationEvent,
    pref: NotificationPreference | None,
    run: DeliveryRun,
) -> None:
    now = utcnow()
    message = rules.payload(
        delivery_id=delivery.id,
        kind=event.kind,
        title=event.title,
        product=event.product,
        data=event.data,
    )
    delivery.payload = message  # recorded as sent: the public fields only
    delivery.attempts += 1
    try:
        if pref is None:
            raise senders.SendError("the preference was removed")
        if delivery.channel == "email":
            senders.send_email(settings, delivery.target, message, now=format_datetime(now))
        else:
            senders.send_webhook(
                delivery.target, pref.secret or "", message, timestamp=str(int(now.timestamp()))
            )
    except senders.SendError as exc:
        delivery.last_error = str(exc)[:2000]
        if pref is None or delivery.attempts >= rules.MAX_ATTEMPTS:
            delivery.status = "failed"
            run.failed += 1
        else:
            delivery.next_attempt_at = now + timedelta(
                seconds=rules.backoff_seconds(delivery.attempts)
            )
            run.retrying += 1
        return
    delivery.status, delivery.sent_at, delivery.last_error = "sent", now, None
    run.sent += 1
