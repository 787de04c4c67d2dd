"""Write a release's findings to match its hits: new, still active, resolved, reopened.

The hot path of a full re-match (hundreds of thousands of findings): no ORM objects, ids
reserved in one statement, every value bound once per distinct value (``bulk.bind_processors``)
and one executemany per statement shape.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from medsec.core.clock import utcnow
from medsec.db import bulk
from medsec.matching.engine import Hit, Miss
from medsec.models import Finding, FindingEvent

FINDINGS: Any = Finding.__table__
FINDING_EVENTS: Any = FindingEvent.__table__

NEW_COLUMNS = (
    "id",
    "release_id",
    "component_key",
    "component_id",
    "vulnerability_id",
    "status",
    "first_seen",
    "last_seen",
    "resolved_at",
    "explanations",
)
EVENT_COLUMNS = ("finding_id", "at", "event", "details")
SEEN_COLUMNS = ("status", "resolved_at", "component_id", "last_seen", "explanations")
RESOLVED_COLUMNS = ("status", "resolved_at")
RESOLVED_REASON = {"reason": "no longer matches the current SBOM and records"}
# A distribution package matched only by upstream CPE ranges: shown, never counted as open.
UPSTREAM_ONLY = "upstream_only"
Desired = dict[tuple[str, int], tuple[int, list[dict[str, Any]], str]]


class Origin(NamedTuple):
    """Where a matched record comes from: its source and vulnerability (group) id."""

    source: str
    vulnerability_id: int


def component_key(row: Any) -> str:
    """The identity a finding is kept under across SBOM revisions: purl, else group/name@version."""
    if row.purl:
        return f"purl:{row.purl}"
    name = f"{row.group}/{row.name}" if row.group else row.name
    return f"name:{name}@{row.version or ''}"


def _processed(processors: Sequence[Callable[[Any], Any] | None], row: Sequence[Any]) -> tuple:
    return tuple(
        v if p is None or v is None else p(v) for p, v in zip(processors, row, strict=True)
    )


class Writer:
    """Bind processors and the run's time, looked up once per matching run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = utcnow()
        self.new_p = bulk.bind_processors(session, FINDINGS, NEW_COLUMNS)
        self.event_p = bulk.bind_processors(session, FINDING_EVENTS, EVENT_COLUMNS)
        self.seen_p = bulk.bind_processors(session, FINDINGS, (*SEEN_COLUMNS, "id"))
        self.resolved_p = bulk.bind_processors(session, FINDINGS, (*RESOLVED_COLUMNS, "id"))
        self.process_head = any(p is not None for p in self.new_p[:5])  # ids and text


def desired_findings(
    comps: Sequence[Any],
    hits: Sequence[Hit],
    adv_by_source_id: dict[str, Origin],
    upstream: Sequence[Miss] = (),
) -> Desired:
    """(component key, vulnerability id) -> (component id, explanations, status) of the hits
    (``active``) and of the upstream-only matches of distribution packages (``upstream_only``,
    unless a hit makes the same finding active)."""
    comp_by_id = {r[0]: r for r in comps}  # every component row starts with its id
    keys: dict[int, str] = {}
    desired: Desired = {}
    matched: list[tuple[int, str | None, str, str | None, str, str]] = [
        (h.component_id, h.record_id, h.identifier, h.value, h.reason, "active") for h in hits
    ]
    matched += [
        (m.component_id, m.record_id, m.identifier, m.value, m.reason, UPSTREAM_ONLY)
        for m in upstream
        if m.record_id in adv_by_source_id
    ]
    for cid, record_id, identifier, value, reason, status in matched:
        adv = adv_by_source_id[str(record_id)]
        ckey = keys.get(cid)
        if ckey is None:
            ckey = keys[cid] = component_key(comp_by_id[cid])
        key = (ckey, adv.vulnerability_id)
        _cid, expl, was = desired.setdefault(key, (cid, [], status))
        if was != status and status == "active":  # a real match wins over an upstream-only one
            desired[key] = (cid, expl, "active")
        expl.append(
            {
                "record": record_id,
                "source": adv.source,
                "identifier": identifier,
                "value": value,
                "reason": reason,
            }
        )
    return desired


def reconcile(
    writer: Writer,
    release_id: int,
    desired: Desired,
    existing: Sequence[Any],
) -> tuple[int, int, int]:
    """Make a release's findings (those given: all, or the changed vulnerabilities') match
    ``desired``; returns (new, resolved, reopened)."""
    session, now = writer.session, writer.now
    current = {(f.component_key, f.vulnerability_id): f for f in existing}
    events: list[tuple[Any, ...]] = []
    new_keys = [key for key in desired if key not in current]
    ids = bulk.reserve_ids(session, FINDINGS, len(new_keys))
    stamp = _processed(writer.new_p[6:8], (now, now))
    rows = []
    ev_now = _processed(writer.event_p[1:2], (now,))[0]
    for fid, key in zip(ids, new_keys, strict=True):
        cid, expl, status = desired[key]
        head = (fid, release_id, key[0], cid, key[1])
        if writer.process_head:
            head = _processed(writer.new_p[:5], head)
        stored = writer.new_p[9](expl)
        if isinstance(stored, str):  # JSON text: the event's {"matched_by": ...} around it
            details: Any = '{"matched_by":' + stored + "}"
        else:
            details = _event_details(writer, {"matched_by": expl})
        rows.append((*head, _processed(writer.new_p[5:6], (status,))[0], *stamp, None, stored))
        events.append((fid, ev_now, "new" if status == "active" else UPSTREAM_ONLY, details))
    bulk.insert_rows(session, FINDINGS, NEW_COLUMNS, rows)
    seen: list[tuple[Any, ...]] = []
    seen_head = _processed(writer.seen_p[:2], ("active", None))
    seen_now = _processed(writer.seen_p[3:4], (now,))[0]
    resolved: list[tuple[Any, ...]] = []
    reopened = 0
    for key, f in current.items():
        if key in desired:
            cid, expl, status = desired[key]
            if f.status != status:
                details = _event_details(writer, {"matched_by": expl})
                kind = "reopened" if status == "active" else UPSTREAM_ONLY
                events.append((f.id, ev_now, kind, details))
                reopened += status == "active"
            if writer.process_head or status != "active":
                seen.append(_processed(writer.seen_p, (status, None, cid, now, expl, f.id)))
            else:  # only the explanations need binding: the rest is the same for every row
                seen.append((*seen_head, cid, seen_now, writer.seen_p[4](expl), f.id))
        elif f.status in ("active", UPSTREAM_ONLY):
            events.append((f.id, ev_now, "resolved", _event_details(writer, RESOLVED_REASON)))
            resolved.append(_processed(writer.resolved_p, ("resolved", now, f.id)))
    bulk.update_rows(session, FINDINGS, SEEN_COLUMNS, seen)
    bulk.update_rows(session, FINDINGS, RESOLVED_COLUMNS, resolved)
    bulk.insert_rows(session, FINDING_EVENTS, EVENT_COLUMNS, events)
    if existing:
        _expire_loaded(session, {f.id for f in existing})
    new_open = sum(1 for key in new_keys if desired[key][2] == "active")  # upstream-only: not new
    return new_open, len(resolved), reopened


def _event_details(writer: Writer, details: dict[str, Any]) -> Any:
    process = writer.event_p[3]
    return details if process is None else process(details)


def _expire_loaded(session: Session, ids: set[int]) -> None:
    """Findings loaded as objects in this session are stale after the bulk statements."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Finding) and obj.id in ids:
            session.expire(obj)
