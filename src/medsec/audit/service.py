"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy.orm import Session

from medsec.audit import outside
from medsec.audit import repository as repo
from medsec.core.clock import utcnow
from medsec.models import AuditCheckpoint, AuditEvent

GENESIS = "0" * 64
CHECKPOINT_EVERY = 100  # a permanent keyed checkpoint every this many events
KEY_INFO = "audit_key"  # Session.info entry holding the instance secret (bytes)


def _digest(prev_hash: str, event: AuditEvent) -> str:
    body = {
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "product_id": event.product_id,
        "details": event.details,
    }
    payload = prev_hash.encode() + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: int | None = None,
    product_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the audit log, chained to the previous one.

    Appends are serialized: on PostgreSQL a transaction-scoped advisory lock is held from the
    read of the last hash to the commit; on SQLite every transaction starts ``BEGIN IMMEDIATE``
    (see ``medsec.db.engine``), which holds the single write lock the same way.
    """
    repo.lock_chain(session)
    last = repo.last_hash(session)
    prev = last or GENESIS
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        product_id=product_id,
        details=details or {},
        prev_hash=prev,
    )
    event.hash = _digest(prev, event)
    session.add(event)
    session.flush()
    _advance_anchor(session, event)
    return event


def _mac(key: bytes | None, last_event_id: int, events: int, head_hash: str) -> str | None:
    if key is None:
        return None
    message = f"medsec-audit-anchor-v1|{last_event_id}|{events}|{head_hash}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _advance_anchor(session: Session, event: AuditEvent) -> None:
    """Move the head anchor to ``event`` (keyed when the session carries the secret)."""
    key: bytes | None = session.info.get(KEY_INFO)
    head = repo.head_anchor(session)
    if head is None:  # first anchored append (or a log from before anchoring): count them
        count = repo.event_count(session)
        head = AuditCheckpoint(kind="head", last_event_id=0, events=0, head_hash=GENESIS)
        session.add(head)
    else:
        count = head.events + 1
    head.last_event_id, head.events, head.head_hash = event.id, count, event.hash
    head.mac = _mac(key, event.id, count, event.hash)
    outside.stage(session, outside.OutsideAnchor(event.id, count, event.hash, head.mac))
    if count % CHECKPOINT_EVERY == 0:
        session.add(
            AuditCheckpoint(
                kind="periodic",
                last_event_id=event.id,
                events=count,
                head_hash=event.hash,
                mac=head.mac,
            )
        )
    session.flush()


@dataclass(frozen=True, slots=True)
class AuditCheck:
    """The outcome of verifying the audit log: ``failed`` names the check that failed
    (None when all held), ``event_id`` the event where it failed, ``detail`` says what."""

    events: int
    checkpoints: int
    failed: str | None = None
    event_id: int | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True when every check held."""
        return self.failed is None


def verify(session: Session, *, key: bytes | None, anchor_file: Path | None = None) -> AuditCheck:
    """Verify the chain, then its anchors: keyed with ``key``, the head anchor must name the
    last event, the event count and its hash (tail deletion, emptying, recomputing), and so
    must every periodic checkpoint for its part of the log; the anchor kept in ``anchor_file``
    (outside the database) must still hold for the log (an emptied database is seen)."""
    broken = verify_chain(session)
    events = repo.event_count(session)
    anchors = repo.anchors(session)
    n = len(anchors)
    if broken is not None:
        return AuditCheck(events, n, "chain", broken, "an event's hash or link does not verify")
    if anchor_file is not None:
        failed = _check_outside(session, anchor_file, key=key, events=events, checkpoints=n)
        if failed is not None:
            return failed
    heads = [a for a in anchors if a.kind == "head"]
    if events and not heads:
        return AuditCheck(events, n, "anchor-missing", None, "the log has no head anchor")
    if not events and anchors:
        return AuditCheck(0, n, "emptied", None, "anchors exist but every event is gone")
    if not events and repo.holds_audited_rows(session):
        return AuditCheck(
            0, 0, "emptied", None, "accounts or products exist but the audit log is empty"
        )
    for anchor in anchors:
        if key is not None and anchor.mac != _mac(
            key, anchor.last_event_id, anchor.events, anchor.head_hash
        ):
            return AuditCheck(
                events,
                n,
                "anchor-key",
                anchor.last_event_id,
                f"the {anchor.kind} anchor is not keyed with this instance's secret "
                "(forged, recomputed, or written without the secret)",
            )
        at = repo.event(session, anchor.last_event_id)
        upto = repo.event_count(session, upto=anchor.last_event_id)
        if at is None or upto != anchor.events:
            return AuditCheck(
                events,
                n,
                "truncated",
                anchor.last_event_id,
                f"the {anchor.kind} anchor covers {anchor.events} events up to event "
                f"{anchor.last_event_id}; the log holds {upto} up to there",
            )
        if at.hash != anchor.head_hash:
            return AuditCheck(
                events,
                n,
                "rewritten",
                anchor.last_event_id,
                f"event {anchor.last_event_id} no longer has the hash its {anchor.kind} "
                "anchor recorded (the chain was recomputed)",
            )
    if heads and heads[0].events != events:
        return AuditCheck(
            events,
            n,
            "truncated",
            heads[0].last_event_id,
            f"the head anchor counts {heads[0].events} events; the log holds {events}",
        )
    return AuditCheck(events, n)


def _check_outside(
    session: Session, path: Path, *, key: bytes | None, events: int, checkpoints: int
) -> AuditCheck | None:
    """The anchor file's check: None when it holds (or there is no file yet)."""
    try:
        anchor = outside.read(path)
    except outside.Unreadable as exc:
        return AuditCheck(events, checkpoints, "anchor-file", None, str(exc))
    if anchor is None:
        return None
    if key is not None and anchor.mac != _mac(
        key, anchor.last_event_id, anchor.events, anchor.head_hash
    ):
        return AuditCheck(
            events,
            checkpoints,
            "anchor-key",
            anchor.last_event_id,
            f"the anchor in {path} is not keyed with this instance's secret",
        )
    if events == 0:
        return AuditCheck(
            0,
            checkpoints,
            "emptied",
            None,
            f"the audit log is empty but {path} records {anchor.events} events up to event "
            f"{anchor.last_event_id}",
        )
    at = repo.event(session, anchor.last_event_id)
    upto = repo.event_count(session, upto=anchor.last_event_id)
    if at is None or upto != anchor.events:
        return AuditCheck(
            events,
            checkpoints,
            "truncated",
            anchor.last_event_id,
            f"{path} records {anchor.events} events up to event {anchor.last_event_id}; the "
            f"log holds {upto} up to there",
        )
    if at.hash != anchor.head_hash:
        return AuditCheck(
            events,
            checkpoints,
            "rewritten",
            anchor.last_event_id,
            f"event {anchor.last_event_id} no longer has the hash {path} recorded",
        )
    return None


def list_events(
    session: Session, *, product_id: int | None = None, limit: int = 100
) -> list[AuditEvent]:
    """The newest audit events, optionally for one product."""
    return repo.newest_events(session, product_id=product_id, limit=limit)


def verify_chain(session: Session) -> int | None:
    """Return the id of the first event whose hash does not verify, or None if the chain holds."""
    prev = GENESIS
    for event in repo.events_in_order(session):
        if event.at.tzinfo is None:  # SQLite returns naive datetimes
            event.at = event.at.replace(tzinfo=utcnow().tzinfo)
        if event.prev_hash != prev or _digest(prev, event) != event.hash:
            return event.id
        prev = event.hash
    return None
