"""Use cases of incident handling: open (by hand, from a CVD case, from an exploited finding, from
a hospital's report), list and show, move through the ISO/IEC 27035 phases (``rules``), assess
severity, keep the timeline and decisions, link, and record the closing review.

Evidence, notifications and plans live in ``incidents.evidence``, ``incidents.notices`` and
``incidents.plans``. Every change is audited; see ``incidents.access`` for who may do what.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound
from medsec.incidents import access, obligations, repository, rules
from medsec.incidents.rules import Phase, PrivacyImpact, SafetyImpact
from medsec.incidents.schemas import (
    IndicatorRead,
    LinkRead,
)
from medsec.jurisdictions import profiles as jurisdiction_profiles
from medsec.models import Incident, IncidentAction, IncidentEvent, IncidentIndicator
from medsec.products import service as products

SOURCES = ("manual", "cvd", "finding", "hospital")
TLPS = ("clear", "green", "amber", "amber+strict", "red")
LOG_KINDS = ("note", "message", "decision")
DIRECTIONS = ("inbound", "outbound")
ACTION_KINDS = ("improvement", "threat", "risk")
MAX_TEXT = 20_000

if TYPE_CHECKING:
    from medsec.findings.schemas import FindingDetailRead


def now_or(now: datetime | None) -> datetime:
    """``now`` (timezone-aware) or the current time."""
    value = now or utcnow()
    if value.tzinfo is None:
        raise InvalidInput("now must be timezone-aware")
    return value


def text(field: str, value: str | None, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    """Cleaned text: control characters dropped (newline and tab kept), NFC, trimmed."""
    raw = value or ""
    kept = "".join(
        c for c in raw if c in "\n\t" or unicodedata.category(c) not in ("Cc", "Cf", "Cs")
    )
    out = unicodedata.normalize("NFC", kept.replace("\r\n", "\n")).strip()
    if required and not out:
        raise InvalidInput(f"{field}: is required")
    if len(out) > limit:
        raise InvalidInput(f"{field}: is too long ({len(out)} characters, at most {limit})")
    return out


def product_name(session: Session, product_id: int | None) -> str | None:
    """The name of a product by id (through the products service)."""
    if product_id is None:
        return None
    for prod in products.list_products(session):
        if prod.id == product_id:
            return prod.name
    return None


def resolve(session: Session, ref: str) -> Incident:
    """An incident by reference (``INC-…``) or row id; NotFound otherwise."""
    key = ref.strip()
    row = (
        repository.by_id(session, int(key))
        if key.isdigit()
        else repository.by_ref(session, key.upper())
    )
    if row is None:
        raise NotFound(f"no incident {ref!r} (see `medsec incident list`)")
    return row


def load(session: Session, ref: str, actor: str, *, rule: str) -> tuple[Incident, str | None]:
    """An incident the actor may handle, with its product's name."""
    row = resolve(session, ref)
    product = product_name(session, row.product_id)
    access.require(session, actor, product, rule=rule)
    return row, product


def status(row: Incident) -> rules.IncidentStatus:
    """The pure phase-machine status of a stored incident."""
    assessed = rules.severity_assessed(
        SafetyImpact(row.safety_impact), PrivacyImpact(row.privacy_impact)
    )
    return rules.IncidentStatus(Phase(row.phase), assessed, bool(row.dismissed), bool(row.reviewed))


def facts(row: Incident) -> obligations.IncidentFacts:
    """What the notification rules read from a stored incident."""
    return obligations.IncidentFacts(
        detected_at=repository.aware(row.detected_at) or row.detected_at,
        jurisdictions=frozenset(row.jurisdictions),
        safety=SafetyImpact(row.safety_impact),
        privacy=PrivacyImpact(row.privacy_impact),
        flags=frozenset(row.flags),
    )


def _event(
    session: Session, row: Incident, actor: str, at: datetime, kind: str, **kw: object
) -> IncidentEvent:
    event = IncidentEvent(incident_id=row.id, at=at, kind=kind, actor=actor, **kw)
    session.add(event)
    session.flush()
    return event


def _audit(session: Session, row: Incident, actor: str, action: str, **details: object) -> None:
    audit.record(
        session,
        actor=actor,
        action=f"incident.{action}",
        object_type="incident",
        object_id=row.id,
        product_id=row.product_id,
        details={"ref": row.ref, **details},
    )


def log_change(
    session: Session,
    row: Incident,
    actor: str,
    at: datetime,
    *,
    text: str,
    action: str,
    **kw: object,
) -> None:
    """A timeline entry and an audit event for a change another incidents module made."""
    _event(session, row, actor, at, "change", text=text)
    _audit(session, row, actor, action, **kw)


def _new_ref(session: Session, at: datetime) -> str:
    prefix = f"INC-{at.year}-"
    return f"{prefix}{repository.count_with_prefix(session, prefix) + 1:04d}"


def open_incident(
    session: Session,
    *,
    title: str,
    actor: str,
    product: str | None = None,
    releases: list[str] | None = None,
    jurisdictions: list[str] | None = None,
    detected_at: datetime | None = None,
    source: str = "manual",
    source_ref: str | None = None,
    reporter: str | None = None,
    reporter_org: str | None = None,
    description: str = "",
    share_summary: str = "",
    assets: list[str] | None = None,
    tlp: str = "amber",
    now: datetime | None = None,
) -> Incident:
    """Open an incident in phase ``reported``; its product decides who may see it. Without
    ``jurisdictions``, the product's recorded markets give them (their reporting timelines)."""
    at = now_or(now)
    access.require(session, actor, product, rule="incident open")
    if source not in SOURCES:
        raise InvalidInput(f"source {source!r} is not one of {', '.join(SOURCES)}")
    if tlp.lower() not in TLPS:
        raise InvalidInput(f"tlp {tlp!r} is not one of {', '.join(TLPS)}")
    detected = detected_at or at
    if detected.tzinfo is None:
        raise InvalidInput("detected at: give a time zone (e.g. 2026-03-02T09:00Z)")
    if detected > at:
        raise InvalidInput(f"detected at {detected.isoformat()} is in the future")
    product_id = None
    kept_releases: list[str] = []
    if product is not None:
        prod = products.get_product(session, product)
        product_id = prod.id
        if not jurisdictions and prod.markets:  # none given: the product's recorded markets
            jurisdictions = [
                p.incident_jurisdiction for p in jurisdiction_profiles.for_markets(prod.markets)
            ]
        for version in releases or []:
            products.get_release(session, product=product, version=version)
            kept_releases.append(version)
    elif releases:
        raise InvalidInput("--release needs --product")
    row = Incident(
        ref=_new_ref(session, at),
        title=text("title", title, required=True, limit=500),
        description=text("description", description),
        share_summary=text("share summary", share_summary, limit=5000),
        source=source,
        source_ref=text("source ref", source_ref, limit=100) or None,
        reporter=text("reporter", reporter, limit=500) or None,
        reporter_org=text("reporter organisation", reporter_org, limit=500) or None,
        phase=Phase.REPORTED.value,
        jurisdictions=obligations.parse_jurisdictions(jurisdictions or []),
        releases=kept_releases,
        assets=[_asset_entry(session, actor, a) for a in assets or []],
        tlp=tlp.lower(),
        flags=[],
        product_id=product_id,
        detected_at=detected,
        opened_at=at,
        opened_by=actor,
    )
    session.add(row)
    session.flush()
    _event(session, row, actor, at, "phase", to_phase=row.phase, text=f"opened ({source})")
    _audit(session, row, actor, "open", source=source, product=product)
    return row


ASSET_PREFIX = "asset:"


def _asset_entry(session: Session, actor: str, value: str) -> str:
    """``asset:TAG`` for a hospital-workspace asset (named ``asset:TAG`` or by its exact tag),
    the text itself for an asset not in the workspace; NotFound for ``asset:TAG`` unknown."""
    from medsec.assets import service as assets
    from medsec.errors import PermissionDenied

    given = text("asset", value, required=True, limit=300)
    explicit = given.lower().startswith(ASSET_PREFIX)
    tag = given[len(ASSET_PREFIX) :].strip() if explicit else given
    try:
        found = assets.get_asset(session, tag=tag, actor=actor)
    except (NotFound, PermissionDenied):
        if explicit:
            raise NotFound(
                f"asset: no workspace asset tagged {tag!r} (medsec assets list); "
                "give plain text for an asset outside the workspace"
            ) from None
        return given
    return ASSET_PREFIX + found.asset_tag


def add_assets(
    session: Session, *, ref: str, assets: list[str], actor: str, now: datetime | None = None
) -> Incident:
    """Add affected assets: workspace assets (``asset:TAG`` or the tag) or free text."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident assets")
    added = [_asset_entry(session, actor, a) for a in assets]
    if not added:
        raise InvalidInput("asset: name at least one asset")
    row.assets = [*row.assets, *(a for a in added if a not in row.assets)]
    session.flush()
    _event(
        session,
        row,
        actor,
        at,
        "decision",
        text="affected assets recorded",
        reason=", ".join(added),
    )
    _audit(session, row, actor, "assets", assets=added)
    return row


def open_from_finding(
    session: Session,
    *,
    finding_id: int,
    actor: str,
    jurisdictions: list[str] | None = None,
    detected_at: datetime | None = None,
    now: datetime | None = None,
) -> Incident:
    """Open an incident from a finding with exploitation evidence (KEV, SSVC exploitation
    active, or an imported CSAF advisory's exploit status); refused when it shows none."""
    from medsec.findings import detail

    data = detail.finding_detail(session, finding_id)
    signals = data.signals
    evidence = []
    if signals.kev:
        evidence.append(f"CISA KEV since {signals.kev_date}")
    if signals.ssvc_exploitation == "active":
        evidence.append("SSVC exploitation: active")
    vuln = data.vulnerability
    ids = [vuln.id, *vuln.aliases]
    evidence += _csaf_exploitation(session, data, ids)
    if not evidence:
        raise InvalidInput(
            f"finding {finding_id}: no exploitation evidence (not in CISA KEV, SSVC "
            "exploitation not active, no imported CSAF advisory reports exploitation); open "
            "the incident by hand if it was exploited"
        )
    name = next((i for i in ids if str(i).startswith("CVE-")), ids[0])
    row = open_incident(
        session,
        title=f"Exploitation of {name} in {data.product} {data.release}",
        actor=actor,
        product=data.product,
        releases=[data.release],
        jurisdictions=jurisdictions,
        detected_at=detected_at,
        source="finding",
        source_ref=str(finding_id),
        description="Exploitation evidence: " + "; ".join(evidence),
        now=now,
    )
    link(session, ref=row.ref, target=f"finding:{finding_id}", actor=actor, now=now)
    return row


def _csaf_exploitation(session: Session, data: FindingDetailRead, ids: list[str]) -> list[str]:
    """What imported CSAF advisories say of exploitation (``exploit_status`` threats) for this
    vulnerability on the finding's release or component."""
    from medsec.imported_csaf import queries as csaf

    comp = data.component
    key = f"{comp.name}@{comp.version}"
    names = {str(i) for i in ids}
    out = []
    for st in csaf.product_statements(session, product=data.product, release=data.release):
        if st.cve not in names or st.target.get("component") not in (None, key):
            continue
        if st.target.get("release") not in (None, data.release):
            continue
        for threat in st.statement.get("threats") or []:
            details = str(threat.get("details") or "")
            if threat.get("category") == "exploit_status" and rules.claims_exploitation(details):
                out.append(f"CSAF {st.tracking_id} ({st.publisher}) exploit status: {details}")
    return sorted(set(out))


def open_from_cvd(
    session: Session,
    *,
    case: str,
    actor: str,
    jurisdictions: list[str] | None = None,
    detected_at: datetime | None = None,
    now: datetime | None = None,
) -> Incident:
    """Open an incident from a CVD case (its product, title; the case is linked)."""
    from medsec.cvd import service as cvd

    row_case = cvd.get_case(session, case=case, actor=actor)
    product = product_name(session, row_case.product_id)
    row = open_incident(
        session,
        title=f"Incident from vulnerability report {row_case.receipt_id}: {row_case.title}"[:500],
        actor=actor,
        product=product,
        jurisdictions=jurisdictions,
        detected_at=detected_at,
        source="cvd",
        source_ref=row_case.receipt_id,
        now=now,
    )
    link(session, ref=row.ref, target=f"cvd:{row_case.receipt_id}", actor=actor, now=now)
    return row


def transition(
    session: Session,
    *,
    ref: str,
    action: str,
    actor: str,
    reason: str = "",
    now: datetime | None = None,
) -> Incident:
    """Apply one action (assess, confirm, dismiss, eradicate, recover, recontain, learn, close,
    reopen) through ``rules``; InvalidInput naming the rule when refused, nothing changed."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident phase")
    why = text("reason", reason)
    before = status(row)
    opened = repository.aware(row.opened_at) or row.opened_at
    if at < opened:
        raise InvalidInput(f"incident {row.ref}: {at.isoformat()} is before it was opened")
    new = rules.transition(before, action, reason=why)
    row.phase, row.dismissed, row.reviewed = new.phase.value, new.dismissed, new.reviewed
    if new.phase is Phase.CLOSED:
        row.closed_at = at
    elif before.phase is Phase.CLOSED:
        row.closed_at = None
        row.review = None
    _event(
        session,
        row,
        actor,
        at,
        "phase",
        from_phase=before.phase.value,
        to_phase=row.phase,
        text=action,
        reason=why or None,
    )
    _audit(session, row, actor, f"phase.{action}", to=row.phase, reason=why or None)
    return row


def assess(
    session: Session,
    *,
    ref: str,
    actor: str,
    safety: str,
    privacy: str,
    flags: list[str] | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> Incident:
    """Record the patient-safety and privacy impact and the facts the obligations read."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident severity")
    try:
        new_safety, new_privacy = SafetyImpact(safety), PrivacyImpact(privacy)
    except ValueError:
        raise InvalidInput(
            f"safety one of {', '.join(SafetyImpact)}; privacy one of {', '.join(PrivacyImpact)}"
        ) from None
    chosen = sorted(set(flags or []))
    unknown = set(chosen) - set(obligations.FLAGS)
    if unknown:
        raise InvalidInput(
            f"unknown flag(s) {sorted(unknown)} (one of {', '.join(obligations.FLAGS)})"
        )
    before = (row.safety_impact, row.privacy_impact, list(row.flags))
    row.safety_impact, row.privacy_impact, row.flags = new_safety.value, new_privacy.value, chosen
    why = text("reason", reason)
    _event(
        session,
        row,
        actor,
        at,
        "decision",
        text=(
            f"severity: patient safety {rules.SAFETY_LABEL[new_safety]}; privacy "
            f"{rules.PRIVACY_LABEL[new_privacy]}"
            + (f"; {', '.join(f.replace('_', ' ') for f in chosen)}" if chosen else "")
        ),
        reason=why or None,
    )
    _audit(
        session,
        row,
        actor,
        "severity",
        before=list(before),
        safety=row.safety_impact,
        privacy=row.privacy_impact,
        flags=chosen,
    )
    return row


def log(
    session: Session,
    *,
    ref: str,
    actor: str,
    message: str,
    kind: str = "note",
    why: str = "",
    direction: str | None = None,
    counterpart: str | None = None,
    channel: str | None = None,
    now: datetime | None = None,
) -> IncidentEvent:
    """Add to the timeline: a note, a message exchanged (direction, counterpart) or a decision
    (who and why: the why is required)."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident log")
    if kind not in LOG_KINDS:
        raise InvalidInput(f"kind {kind!r} is not one of {', '.join(LOG_KINDS)}")
    body = text("text", message, required=True)
    reason = text("why", why)
    if kind == "decision" and not reason:
        raise InvalidInput("why: a decision records why it was taken")
    if kind == "message" and direction not in DIRECTIONS:
        raise InvalidInput(f"direction: a message is one of {', '.join(DIRECTIONS)}")
    if kind != "message" and direction is not None:
        raise InvalidInput("direction: only messages have a direction")
    event = _event(
        session,
        row,
        actor,
        at,
        kind,
        text=body,
        reason=reason or None,
        direction=direction,
        counterpart=text("counterpart", counterpart, limit=500) or None,
        channel=text("channel", channel, limit=40) or None,
    )
    _audit(session, row, actor, f"log.{kind}", chars=len(body))
    return event


def _link_target(
    session: Session, row: Incident, kind: str, key: str, actor: str
) -> tuple[str, str, dict[str, object]]:
    if kind == "finding":
        from medsec.findings import decisions

        if not key.isdigit():
            raise InvalidInput(f"finding:{key}: a finding is linked by its number")
        finding, rel, prod = decisions.get_finding(session, int(key))
        return (
            f"finding:{finding.id}",
            f"finding {finding.id} ({prod.name} {rel.version}, {finding.component_key})",
            {"product": prod.name},
        )
    if kind == "cvd":
        from medsec.cvd import service as cvd

        case = cvd.get_case(session, case=key, actor=actor)
        return f"cvd:{case.receipt_id}", f"vulnerability report {case.receipt_id}: {case.title}", {}
    if kind == "advisory":
        from medsec.advisories import service as advisories

        adv = advisories.get(session, key)
        return f"advisory:{adv.tracking_id}", f"advisory {adv.tracking_id}: {adv.title}", {}
    if kind == "update":
        from medsec.updates import service as updates

        name = product_name(session, row.product_id)
        if name is None:
            raise InvalidInput("update: the incident has no product yet")
        for upd in updates.list_updates(session, product=name):
            if str(upd.id) == key or upd.name == key:
                return f"update:{upd.id}", f"update {upd.name} ({upd.method})", {}
        raise NotFound(f"no update {key!r} of {name} (see `medsec update list`)")
    raise InvalidInput(
        f"link target {kind}:{key}: kind is one of finding, cvd, advisory, update "
        "(e.g. finding:12, cvd:VR-…, advisory:ID, update:NAME)"
    )


def link(
    session: Session, *, ref: str, target: str, actor: str, now: datetime | None = None
) -> LinkRead:
    """Link a finding, CVD case, advisory or update (``kind:key``); Conflict when already linked."""
    from medsec.errors import Conflict
    from medsec.models import IncidentLink

    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident link")
    kind, sep, key = target.strip().partition(":")
    if not sep or not key.strip():
        raise InvalidInput(f"link target {target!r}: expected KIND:KEY, e.g. finding:12")
    canonical, label, details = _link_target(session, row, kind.strip().lower(), key.strip(), actor)
    if repository.link(session, row.id, canonical) is not None:
        raise Conflict(f"incident {row.ref} is already linked to {canonical}")
    item = IncidentLink(
        incident_id=row.id,
        kind=kind.strip().lower(),
        target=canonical,
        label=label,
        details=details,
        linked_by=actor,
        linked_at=at,
    )
    session.add(item)
    session.flush()
    _event(session, row, actor, at, "change", text=f"linked {label}")
    _audit(session, row, actor, "link", target=canonical)
    return link_read(item)


def add_indicator(
    session: Session,
    *,
    ref: str,
    name: str,
    pattern: str,
    actor: str,
    shareable: bool = False,
) -> IndicatorRead:
    """Record an indicator of compromise (a STIX 2.1 pattern, checked by stix2-patterns)."""
    row, _ = load(session, ref, actor, rule="incident indicator")
    clean = text("pattern", pattern, required=True, limit=5000)
    from stix2patterns.validator import run_validator

    problems = run_validator(clean, stix_version="2.1")
    if problems:
        raise InvalidInput(f"pattern: not a valid STIX 2.1 pattern: {problems[0]}")
    item = IncidentIndicator(
        incident_id=row.id,
        name=text("name", name, required=True, limit=500),
        pattern=clean,
        shareable=shareable,
        added_by=actor,
        added_at=utcnow(),
    )
    session.add(item)
    session.flush()
    _audit(session, row, actor, "indicator", shareable=shareable)
    return IndicatorRead(id=item.id, name=item.name, pattern=item.pattern, shareable=item.shareable)


def close(
    session: Session,
    *,
    ref: str,
    review: str,
    actor: str,
    actions: list[tuple[str, str]] | None = None,
    owner: str | None = None,
    due_on: date | None = None,
    now: datetime | None = None,
) -> Incident:
    """Record the closing review (lessons learned) with the actions it produced, then close.
    ``actions`` are (kind, text) with kind improvement, threat or risk; a dismissed incident
    is closed by ``transition`` (dismiss) instead."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident close")
    summary = text("review", review, required=True)
    reviewed = rules.with_review(status(row))
    items = []
    for kind, what in actions or []:
        if kind not in ACTION_KINDS:
            raise InvalidInput(f"action kind {kind!r} is not one of {', '.join(ACTION_KINDS)}")
        items.append(
            IncidentAction(
                incident_id=row.id,
                kind=kind,
                text=text("action", what, required=True, limit=2000),
                owner=text("owner", owner, limit=200) or None,
                due_on=due_on,
                created_by=actor,
                created_at=at,
            )
        )
    if not items:
        raise InvalidInput("action: the closing review produces at least one action")
    session.add_all(items)
    row.review, row.reviewed = summary, reviewed.reviewed
    session.flush()
    _event(session, row, actor, at, "decision", text="closing review recorded", reason=summary)
    _audit(session, row, actor, "review", actions=len(items))
    return transition(session, ref=row.ref, action="close", actor=actor, now=at)


# --- read models ------------------------------------------------------------------------------


def link_read(item: object) -> LinkRead:
    from medsec.models import IncidentLink

    assert isinstance(item, IncidentLink)
    return LinkRead(
        kind=item.kind,
        target=item.target,
        label=item.label,
        linked_by=item.linked_by,
        linked_at=repository.aware(item.linked_at) or item.linked_at,
    )


def parse_when(option: str, value: str | None) -> datetime | None:
    """An ISO date-time (UTC when no zone is given) or None; InvalidInput naming the option."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f"{option} {value!r}: expected an ISO date-time, e.g. 2026-03-02T09:00Z"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
