"""Lessons learned into the design record (seed 6.5, ISO/IEC 27035 "learn lessons"): a closing
review's ``threat`` action becomes a threat in the release's threat model, and its ``risk``
action a (new version of a) risk record on a threat; each is linked back to the incident
(``threat:`` and ``risk:`` links) and audited. The STRIDE category, the target and every
clinical statement of the risk record are written by a person, never made up here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.incidents import repository
from medsec.incidents.schemas import LinkRead
from medsec.incidents.service import link_read, load, log_change, now_or
from medsec.models import Incident, IncidentAction, IncidentLink
from medsec.risk import rules as risk_rules
from medsec.threats import service as threats
from medsec.threats.schemas import ThreatCreate, ThreatRead


def threat_key(ref: str, action_id: int) -> str:
    """The key of the threat an incident's review action creates."""
    return f"{ref}-A{action_id}"


def _action(session: Session, row: Incident, action_id: int, kind: str) -> IncidentAction:
    found = next((a for a in repository.actions_of(session, row.id) if a.id == action_id), None)
    if found is None:
        raise NotFound(
            f"incident {row.ref} has no review action {action_id} (medsec incident show)"
        )
    if found.kind != kind:
        raise InvalidInput(
            f"review action {action_id} of {row.ref} is a {found.kind} action, not a {kind} action"
        )
    return found


def _release(row: Incident, product: str | None, release: str | None) -> tuple[str, str]:
    if product is None:
        raise InvalidInput(f"incident {row.ref} has no product: its lessons have no threat model")
    version = release or (row.releases[0] if row.releases else None)
    if version is None:
        raise InvalidInput("release: name the release whose threat model learns (--release)")
    return product, version


def _link(
    session: Session, row: Incident, actor: str, at: datetime, target: str, label: str
) -> LinkRead:
    if repository.link(session, row.id, target) is not None:
        raise Conflict(f"incident {row.ref} is already linked to {target}")
    item = IncidentLink(
        incident_id=row.id,
        kind=target.partition(":")[0],
        target=target[:120],
        label=label,
        details={},
        linked_by=actor,
        linked_at=at,
    )
    session.add(item)
    session.flush()
    log_change(
        session,
        row,
        actor,
        at,
        text=f"lesson learned: {label}",
        action="lesson",
        target=item.target,
    )
    return link_read(item)


def to_threat(
    session: Session,
    *,
    ref: str,
    action_id: int,
    category: str,
    actor: str,
    release: str | None = None,
    target: str | None = None,
    severity: str | None = None,
    now: datetime | None = None,
) -> ThreatRead:
    """Create the threat a ``threat`` review action names, in the release's threat model
    (default: the incident's first release), linked back to the incident."""
    at = now_or(now)
    row, product = load(session, ref, actor, rule="incident lessons")
    action = _action(session, row, action_id, "threat")
    prod, version = _release(row, product, release)
    made = threats.add_threat(
        session,
        product=prod,
        release=version,
        actor=actor,
        data=ThreatCreate(
            key=threat_key(row.ref, action.id),
            title=action.text[:2000],
            category=category.strip().upper(),
            description=f"Lesson learned from incident {row.ref} (closing review action "
            f"{action.id}).",
            target_id=target or None,
            severity=severity,
        ),
    )
    _link(
        session,
        row,
        actor,
        at,
        f"threat:{prod}/{version}/{made.key}",
        f"threat {made.key} in the threat model of {prod} {version}",
    )
    return made


def to_risk(
    session: Session,
    *,
    ref: str,
    action_id: int,
    threat: str,
    hazardous_situation: str,
    harm: str,
    severity: str,
    exploitability: str,
    actor: str,
    release: str | None = None,
    controls: Sequence[risk_rules.Control] = (),
    now: datetime | None = None,
) -> ThreatRead:
    """Record the risk a ``risk`` review action asks for on a threat of the release (a new
    version of its risk record), linked back to the incident."""
    at = now_or(now)
    row, product = load(session, ref, actor, rule="incident lessons")
    action = _action(session, row, action_id, "risk")
    prod, version = _release(row, product, release)
    made = threats.assess_risk(
        session,
        product=prod,
        release=version,
        key=threat,
        hazardous_situation=hazardous_situation,
        harm=harm,
        severity=severity,
        exploitability=exploitability,
        controls=list(controls),
        actor=actor,
        rationale=f"Lesson learned from incident {row.ref}: {action.text}"[:5000],
    )
    assert made.risk is not None
    _link(
        session,
        row,
        actor,
        at,
        f"risk:{prod}/{version}/{made.key}/v{made.risk.version}",
        f"risk record v{made.risk.version} of threat {made.key} ({prod} {version})",
    )
    return made
