"""Use cases of CVD case handling: find, list and show cases, move them through the ISO/IEC
30111 states (``cvd.rules``), keep the communication log, and compute deadlines.

Links, CVE ids, coordination and embargo live in ``cvd.links`` and ``cvd.coordination``.
Every change is audited without the finder's personal data; see ``cvd.access`` for who may
see and change cases.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.cvd import access, deadlines, policy, repository, rules
from medsec.cvd.rules import CaseState
from medsec.cvd.sanitize import clean_text
from medsec.errors import InvalidInput, NotFound
from medsec.models import CvdAttachment, CvdCase, CvdCoordination, CvdEvent, CvdLink
from medsec.products import service as products

S = CaseState
ACTIONS: dict[str, CaseState] = {
    "acknowledge": S.ACKNOWLEDGED,
    "triage": S.TRIAGED,
    "start-remediation": S.REMEDIATION_IN_PROGRESS,
    "remediated": S.REMEDIATED,
    "disclose": S.DISCLOSED,
    "close": S.CLOSED,
    "reopen": S.ACKNOWLEDGED,
}
DIRECTIONS = ("inbound", "outbound", "internal")
RISKS = ("controlled", "uncontrolled", "unassessed")
MAX_MESSAGE_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class CaseSummary:
    """One case as a list shows it, with its deadlines at ``now``."""

    case: CvdCase
    product: str | None
    deadlines: tuple[deadlines.Deadline, ...]
    details_visible: bool

    @property
    def overdue(self) -> tuple[str, ...]:
        """Names of the deadlines overdue."""
        return tuple(d.name for d in self.deadlines if d.overdue)


@dataclass(frozen=True, slots=True)
class CaseDetail:
    """Everything about one case the actor may see."""

    case: CvdCase
    product: str | None
    events: tuple[CvdEvent, ...]
    attachments: tuple[CvdAttachment, ...]
    links: tuple[CvdLink, ...]
    coordination: tuple[CvdCoordination, ...]
    deadlines: tuple[deadlines.Deadline, ...]
    finder_visible: bool  # the finder's contact data, messages and files may be shown


def resolve(session: Session, ref: str) -> CvdCase:
    """A case by receipt id (``VR-…``) or row id; NotFound otherwise."""
    text = ref.strip()
    case = (
        repository.case_by_id(session, int(text))
        if text.isdigit()
        else repository.case_by_receipt(session, text.upper())
    )
    if case is None:
        raise NotFound(f"no CVD case {ref!r} (see `medsec cvd list`)")
    return case


@dataclass(frozen=True, slots=True)
class EmbargoRead:
    """A linked case whose embargo still holds: its receipt id and the agreed date."""

    receipt_id: str
    until: date


def embargoes_on(
    session: Session, *, product_id: int, vulnerability_ids: Sequence[int] | None, today: date
) -> list[EmbargoRead]:
    """The embargoes that hold today on cases of the product linked to these vulnerabilities
    (None: to any; for publication: nothing goes out while one holds)."""
    return [
        EmbargoRead(row.receipt_id, row.embargo_date)  # type: ignore[arg-type]
        for row in repository.cases_on_vulnerabilities(session, product_id, vulnerability_ids)
        if access.under_embargo(row, today)
    ]


def case_deadlines(
    case: CvdCase,
    now: datetime,
    pol: deadlines.DeadlinePolicy | policy.MarketPolicy | None = None,
    markets: list[str] | None = None,
) -> tuple[deadlines.Deadline, ...]:
    """The case's deadlines at ``now`` under ``pol`` (default: the policy in force for the
    product's ``markets``, see ``policy.for_markets``)."""
    if pol is None:
        pol = policy.for_markets(policy.policy_from_env(), markets)
    if isinstance(pol, policy.MarketPolicy):
        found = deadlines.deadlines(
            repository.facts(case), now, policy=pol.policy, sources=pol.sources
        )
    else:
        found = deadlines.deadlines(repository.facts(case), now, policy=pol)
    return tuple(found)


def market_policies(
    session: Session, product_ids: Sequence[int | None]
) -> dict[int | None, policy.MarketPolicy]:
    """The deadline policy of each product's markets (None: a case without a product)."""
    in_force = policy.policy_from_env()
    markets = products.markets_by_id(session, [p for p in product_ids if p is not None])
    return {p: policy.for_markets(in_force, markets.get(p) if p else None) for p in product_ids}


def _now(now: datetime | None) -> datetime:
    value = now or utcnow()
    if value.tzinfo is None:
        raise InvalidInput("now must be timezone-aware")
    return value


def get_case(session: Session, *, case: str, actor: str, now: datetime | None = None) -> CvdCase:
    """One case the actor may see; NotFound or PermissionDenied otherwise."""
    row = resolve(session, case)
    access.require_read(session, actor, row, today=_now(now).date(), ref=case)
    return row


def list_cases(
    session: Session,
    *,
    actor: str,
    state: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
) -> list[CaseSummary]:
    """The cases the actor may see (optionally one state, or only overdue ones)."""
    at = _now(now)
    account = access.account_of(session, actor, rule="cvd cases")
    if state is not None and state not in set(CaseState):
        raise InvalidInput(f"unknown case state {state!r} (one of: {', '.join(CaseState)})")
    rows = repository.cases(session, state=state)
    pols = market_policies(session, sorted({r.product_id for r, _ in rows}, key=lambda x: x or 0))
    out = []
    for row, product in rows:
        if not access.visible(account, row, product, at.date()):
            continue
        found = case_deadlines(row, at, pols[row.product_id])
        summary = CaseSummary(row, product, found, access.is_security(account))
        if not overdue or summary.overdue:
            out.append(summary)
    return out


def case_detail(
    session: Session, *, case: str, actor: str, now: datetime | None = None
) -> CaseDetail:
    """A case with its timeline, attachments (metadata), links, coordination and deadlines."""
    at = _now(now)
    row = resolve(session, case)
    account = access.require_read(session, actor, row, today=at.date(), ref=case)
    security = access.is_security(account)
    events = repository.events_of(session, row.id)
    if security:  # the report, the finder's identity and messages are shown: audited
        audit.record(
            session,
            actor=actor,
            action="cvd.case.read",
            object_type="cvd_case",
            object_id=row.id,
            product_id=row.product_id,
            details={"receipt_id": row.receipt_id},
        )
    pol = market_policies(session, [row.product_id])[row.product_id]
    return CaseDetail(
        case=row,
        product=repository.product_name(session, row.product_id),
        # the communication log and the finder's files may carry personal data
        events=tuple(e for e in events if security or e.kind == "state"),
        attachments=tuple(repository.attachments_of(session, row.id)) if security else (),
        links=tuple(repository.links_of(session, row.id)),
        coordination=tuple(repository.coordination_of(session, row.id)),
        deadlines=case_deadlines(row, at, pol),
        finder_visible=security,
    )


def attachment_data(
    session: Session, *, case: str, attachment_id: int, actor: str
) -> tuple[CvdAttachment, bytes]:
    """One attachment of a case with its original bytes (security roles only); never opened."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd attachments", ref=case)
    for item in repository.attachments_of(session, row.id):
        if item.id == attachment_id:
            audit.record(
                session,
                actor=actor,
                action="cvd.attachment.read",
                object_type="cvd_attachment",
                object_id=item.id,
                product_id=row.product_id,
                details={"receipt_id": row.receipt_id},
            )
            return item, zlib.decompress(item.data)
    raise NotFound(f"case {row.receipt_id} has no attachment {attachment_id}")


def _stamp(row: CvdCase, rule: str, at: datetime) -> None:
    if rule == "acknowledge":
        row.acknowledged_at = at
        row.held_for_review = False
    elif rule in ("triage", "retriage") and row.triaged_at is None:
        row.triaged_at = at
    elif rule in ("start-remediation", "fix-rejected"):
        row.remediation_started_at = at
    elif rule in ("remediate", "remediate-after-disclosure"):
        row.remediated_at = at
    elif rule.startswith("disclose") and row.disclosed_at is None:
        row.disclosed_at = at
    elif rule.startswith("close"):
        row.closed_at = at
    elif rule == "reopen":
        row.closed_at = row.triaged_at = row.remediation_started_at = row.remediated_at = None


def transition(
    session: Session,
    *,
    case: str,
    action: str,
    actor: str,
    reason: str = "",
    outcome: str | None = None,
    now: datetime | None = None,
) -> CvdCase:
    """Apply one move (acknowledge, triage, start-remediation, remediated, disclose, close,
    reopen) through ``cvd.rules``; InvalidInput naming the rule when refused, nothing changed."""
    at = _now(now)
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd transitions", ref=case)
    target = ACTIONS.get(action)
    if target is None:
        raise InvalidInput(f"unknown action {action!r} (one of: {', '.join(ACTIONS)})")
    status = repository.status(row)
    if action == "reopen" and status.state is not S.CLOSED:
        raise rules.refuse("cvd.transition.reopen", f"only a closed case reopens ({status.state})")
    if action == "acknowledge" and status.state is S.CLOSED:
        raise rules.refuse("cvd.transition.forbidden", "a closed case is reopened (cvd reopen)")
    received = repository.aware(row.received_at) or row.received_at
    if at < received:
        raise InvalidInput(f"case {row.receipt_id}: {at.isoformat()} is before its receipt")
    why = clean_text("reason", reason, multiline=True)
    if action == "disclose" and access.under_embargo(row, at.date()):
        raise rules.refuse(
            "cvd.transition.embargo",
            f"case {row.receipt_id} is under embargo until {row.embargo_date}; a reviewer "
            f"can release it early with a reason (medsec cvd release-embargo "
            f"{row.receipt_id} --reason …)",
        )
    new = rules.transition(status, target, outcome=outcome, reason=why)
    rule = rules.find_rule(status, target)
    rule_name = rule.name if rule is not None else action
    before = status.state.value
    row.state, row.remediated = new.state.value, new.remediated
    row.outcome = new.outcome.value if new.outcome else None
    _stamp(row, rule_name, at)
    session.add(
        CvdEvent(
            case_id=row.id,
            at=at,
            kind="state",
            actor=actor,
            from_state=before,
            to_state=new.state.value,
            outcome=row.outcome if new.state is S.TRIAGED else None,
            reason=why or None,
            direction="internal",
        )
    )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"cvd.case.{rule_name}",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={
            "receipt_id": row.receipt_id,
            "from": before,
            "to": row.state,
            "outcome": row.outcome,
            "reason": why or None,
        },
    )
    return row


def log_message(
    session: Session,
    *,
    case: str,
    text: str,
    actor: str,
    direction: str = "internal",
    channel: str = "note",
    now: datetime | None = None,
) -> CvdEvent:
    """Add to the communication log; outbound and inbound messages are visible to the finder."""
    at = _now(now)
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd log", ref=case)
    if direction not in DIRECTIONS:
        raise InvalidInput(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    body = clean_text("text", text, multiline=True)
    if not body:
        raise InvalidInput("text: is required")
    if len(body) > MAX_MESSAGE_CHARS:
        raise InvalidInput(f"text: is too long ({len(body)} characters, at most 20000)")
    event = CvdEvent(
        case_id=row.id,
        at=at,
        kind="message",
        actor=actor,
        direction=direction,
        channel=clean_text("channel", channel, multiline=False)[:20] or "note",
        text=body,
        visible_to_finder=direction != "internal",
    )
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.message",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={"receipt_id": row.receipt_id, "direction": direction, "chars": len(body)},
    )
    return event


def derived_risk(session: Session, row: CvdCase) -> tuple[str, list[int]] | None:
    """The FDA risk class the case's linked findings' current risk records give, with those
    findings' ids; None when no linked finding has a risk record (one risk truth)."""
    from medsec.risk import service as risk_service

    finding_ids = [
        link.finding_id for link in repository.links_of(session, row.id) if link.finding_id
    ]
    records = risk_service.current(session, finding_ids)
    derived = rules.risk_from_records([r.fda_class for r in records.values()])
    return (derived, sorted(records)) if derived is not None else None


def follow_risk_records(session: Session, *, finding_ids: Sequence[int], actor: str) -> int:
    """Re-derive the class of every case linked to these findings after their risk records
    changed (one risk truth); the change is audited as a consequence of the actor's edit.
    How many cases changed."""
    changed = 0
    for row in repository.cases_linking_findings(session, finding_ids):
        found = derived_risk(session, row)
        if found is None or found[0] == row.risk:
            continue
        before, row.risk = row.risk, found[0]
        changed += 1
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="cvd.case.risk",
            object_type="cvd_case",
            object_id=row.id,
            product_id=row.product_id,
            details={
                "receipt_id": row.receipt_id,
                "from": before,
                "to": found[0],
                "derived_from_findings": found[1],
                "cause": "a linked finding's risk record changed",
            },
        )
    return changed


def set_risk(session: Session, *, case: str, risk: str, actor: str) -> CvdCase:
    """Record the FDA risk class that sets the remediation deadline. Where linked findings have
    risk records the class comes from them (``risk="derived"`` refreshes it); typing a class
    that contradicts them is refused."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd risk", ref=case)
    if risk not in (*RISKS, "derived"):
        raise InvalidInput(f"risk {risk!r} is not one of {', '.join(RISKS)} or derived")
    found = derived_risk(session, row)
    source: list[int] = []
    if risk == "derived":
        if found is None:
            raise InvalidInput(
                f"case {row.receipt_id}: no linked finding has a risk record to derive from "
                "(medsec cvd link CASE --finding ID, then medsec risk assess ID)"
            )
        risk, source = found
    elif found is not None and found[0] != risk:
        raise InvalidInput(
            f"case {row.receipt_id}: the risk records of findings "
            f"{', '.join(map(str, found[1]))} say {found[0]}; change those records, or use "
            "`derived`"
        )
    elif found is not None:
        source = found[1]
    before, row.risk = row.risk, risk
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.risk",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={
            "receipt_id": row.receipt_id,
            "from": before,
            "to": risk,
            "derived_from_findings": source,
        },
    )
    return row
