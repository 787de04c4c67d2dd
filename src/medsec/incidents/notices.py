"""Notifications with deadlines: for each reporting obligation of an incident (from
``obligations``, per jurisdiction), when it is due, the drafted text and the sent and
acknowledged records; overdue ones flagged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.errors import InvalidInput
from medsec.incidents import obligations, repository
from medsec.incidents.schemas import NotificationRead, OverdueNotification
from medsec.incidents.service import facts, load, now_or, product_name, text
from medsec.models import Incident, IncidentEvent, IncidentNotification


def _read(
    due: obligations.Due, record: IncidentNotification | None, at: datetime, applies: bool
) -> NotificationRead:
    ob = due.obligation
    sent = repository.aware(record.sent_at) if record else None
    return NotificationRead(
        obligation=ob.key,
        title=ob.title,
        jurisdiction=ob.jurisdiction,
        recipient=ob.recipient,
        authority=ob.authority,
        period=ob.period,
        due_at=due.due_at,
        overdue=applies and obligations.overdue(due, sent_at=sent, now=at),
        source=ob.source,
        verified=ob.verified,
        note=ob.note,
        draft=record.draft if record else None,
        drafted_at=repository.aware(record.drafted_at) if record else None,
        sent_at=sent,
        sent_by=record.sent_by if record else None,
        reference=record.reference if record else None,
        acknowledged_at=repository.aware(record.acknowledged_at) if record else None,
        applies=applies,
    )


def for_incident(session: Session, row: Incident, at: datetime) -> list[NotificationRead]:
    """The incident's obligations at ``at`` (a dismissed incident has none), and any record
    kept for an obligation that no longer applies."""
    records = {n.obligation: n for n in repository.notifications_of(session, [row.id])}
    dues = [] if row.dismissed else obligations.applicable(facts(row))
    out = [_read(d, records.get(d.obligation.key), at, True) for d in dues]
    seen = {d.obligation.key for d in dues}
    for key, record in records.items():
        if key not in seen:
            ob = obligations.by_key(key)
            due = obligations.Due(ob, obligations.due_at(ob, facts(row).detected_at))
            out.append(_read(due, record, at, False))
    return out


def record(
    session: Session,
    *,
    ref: str,
    obligation: str,
    actor: str,
    draft: str | None = None,
    sent: bool = False,
    reference: str | None = None,
    acknowledged: bool = False,
    now: datetime | None = None,
) -> NotificationRead:
    """Record a draft, the sending (with the authority's reference) or the acknowledgement of
    one obligation's notification. Drafts are the person's own text; medsec writes none."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident notify")
    ob = obligations.by_key(obligation)
    applying = {d.obligation.key for d in obligations.applicable(facts(row))}
    if ob.key not in applying or row.dismissed:
        raise InvalidInput(
            f"obligation {ob.key} does not apply to incident {row.ref} "
            f"(applies: {', '.join(sorted(applying)) or 'none'}; check jurisdictions and severity)"
        )
    if draft is None and not sent and not acknowledged:
        raise InvalidInput("notify: give a draft, --sent or --acknowledged")
    item = next(
        (n for n in repository.notifications_of(session, [row.id]) if n.obligation == ob.key),
        None,
    )
    if item is None:
        item = IncidentNotification(incident_id=row.id, obligation=ob.key)
        session.add(item)
    what = []
    if draft is not None:
        if item.sent_at is not None:
            raise InvalidInput(f"{ob.key}: already sent; log a follow-up message instead")
        item.draft = text("draft", draft, required=True)
        item.drafted_at = at
        what.append("drafted")
    if sent:
        if item.sent_at is not None:
            raise InvalidInput(f"{ob.key}: already recorded as sent")
        item.sent_at, item.sent_by = at, actor
        item.reference = text("reference", reference, limit=500) or None
        what.append("sent")
    if acknowledged:
        if item.sent_at is None:
            raise InvalidInput(f"{ob.key}: record it as sent before its acknowledgement")
        item.acknowledged_at = at
        what.append("acknowledged")
    session.flush()
    session.add(
        IncidentEvent(
            incident_id=row.id,
            at=at,
            kind="change",
            actor=actor,
            text=f"notification {ob.key} ({ob.authority}): {', '.join(what)}",
        )
    )
    audit.record(
        session,
        actor=actor,
        action="incident.notify",
        object_type="incident",
        object_id=row.id,
        product_id=row.product_id,
        details={"ref": row.ref, "obligation": ob.key, "what": what},
    )
    session.flush()
    due = obligations.Due(ob, obligations.due_at(ob, facts(row).detected_at))
    return _read(due, item, at, True)


def overdue_all(session: Session, *, now: datetime | None = None) -> list[OverdueNotification]:
    """Every overdue notification of every open incident (for the reminder job; no actor)."""
    at = now_or(now)
    out: list[OverdueNotification] = []
    for row in repository.incidents(session):
        if row.dismissed:
            continue
        out.extend(
            OverdueNotification(
                ref=row.ref,
                title=row.title,
                product=product_name(session, row.product_id),
                obligation=item.obligation,
                authority=item.authority,
                due_at=item.due_at,
            )
            for item in for_incident(session, row, at)
            if item.overdue and item.due_at is not None
        )
    return sorted(out, key=lambda o: (o.due_at, o.ref))
