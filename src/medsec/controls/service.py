"""Use cases of security controls: the Table 1 catalogue, a product's controls, links to
threats, findings and evidence selectors, and verification per release (unverified until
evidence says otherwise). Flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.controls import repository as repo
from medsec.controls import rules
from medsec.controls.schemas import ControlCreate, ControlRead, ControlResultRead, PrincipleRead
from medsec.core.clock import utcnow
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.evidence import service as evidence
from medsec.evidence.schemas import EvidenceResultRead
from medsec.models import ControlLink, Product, Release, SecurityControl
from medsec.products import service as products
from medsec.sysmodel import service as sysmodel
from medsec.threats import service as threats
from medsec.threats.schemas import ThreatRead


def catalogue() -> list[PrincipleRead]:
    """The seven design principles of the seed's Table 1 with their points."""
    return [PrincipleRead(id=p.id, name=p.name, points=list(p.points)) for p in rules.PRINCIPLES]


def add_control(session: Session, *, product: str, data: ControlCreate, actor: str) -> ControlRead:
    """Add a control to a product (analyst role)."""
    prod = products.get_product(session, product)
    accounts.require(session, actor, "analyst", rule="adding a control", product=prod.name)
    if repo.by_key(session, prod.id, data.key) is not None:
        raise Conflict(f"product {prod.name!r} already has a control {data.key!r}")
    now = utcnow()
    row = SecurityControl(
        product_id=prod.id,
        key=data.key,
        name=data.name.strip(),
        description=data.description,
        principles=rules.check_principles(data.principles),
        rationale=data.rationale,
        owner=data.owner,
        side_effects=data.side_effects,
        selectors=[rules.check_selector(s) for s in data.selectors],
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="controls.add",
        object_type="security_control",
        object_id=row.id,
        product_id=prod.id,
        details={
            "key": row.key,
            "principles": row.principles,
            "owner": row.owner,
            "side_effects": row.side_effects,
        },
    )
    return _reads(session, prod, [row], None)[0]


def _verify(
    row: SecurityControl, results: Sequence[EvidenceResultRead]
) -> tuple[str, list[ControlResultRead]]:
    picked = [
        r
        for r in results
        if any(rules.selects(s, r.kind, r.key, tuple(r.tags)) for s in row.selectors)
    ]
    status = rules.verification([r.outcome for r in picked])
    return status, [
        ControlResultRead(
            kind=r.kind, key=r.key, name=r.name, outcome=r.outcome, source_name=r.source_name
        )
        for r in picked
    ]


def _reads(
    session: Session,
    prod: Product,
    rows: Sequence[SecurityControl],
    rel: Release | None,
) -> list[ControlRead]:
    links = repo.link_rows(session, [r.id for r in rows])
    keys = (
        threats.keys_of_release(session, release_id=rel.id)
        if rel is not None
        else threats.reads_by_ids(session, [t for _, t, _ in links if t is not None])
    )
    results = evidence.results_of_release(session, release_id=rel.id) if rel else []
    by_control: dict[int, list[tuple[int | None, int | None]]] = {}
    for cid, tid, fid in links:
        by_control.setdefault(cid, []).append((tid, fid))
    out = []
    for row in rows:
        mine = by_control.get(row.id, [])
        threat_keys = sorted(
            keys[tid][0]
            for tid, _ in mine
            if tid is not None and tid in keys and (rel is None or keys[tid][1] == rel.id)
        )
        status, picked = _verify(row, results) if rel else (None, [])
        out.append(
            ControlRead(
                id=row.id,
                product=prod.name,
                key=row.key,
                name=row.name,
                description=row.description,
                principles=list(row.principles or []),
                rationale=row.rationale,
                owner=row.owner,
                side_effects=row.side_effects,
                selectors=list(row.selectors or []),
                threats=threat_keys,
                findings=sorted(fid for _, fid in mine if fid is not None),
                release=rel.version if rel else None,
                verification=status,
                results=picked,
                updated_by=row.updated_by,
                updated_at=row.updated_at,
            )
        )
    return out


def list_controls(
    session: Session, *, product: str, actor: str, release: str | None = None
) -> list[ControlRead]:
    """A product's controls; with a release, each control's verification on it."""
    prod = products.get_product(session, product)
    sysmodel.require_read(session, actor, prod.name, rule="reading controls")
    rel = products.get_release(session, product=product, version=release) if release else None
    return _reads(session, prod, repo.of_product(session, prod.id), rel)


def get_control(
    session: Session, *, product: str, key: str, actor: str, release: str | None = None
) -> ControlRead:
    """One control (with its verification on a release, when given)."""
    prod = products.get_product(session, product)
    sysmodel.require_read(session, actor, prod.name, rule="reading controls")
    row = repo.by_key(session, prod.id, key)
    if row is None:
        raise NotFound(f"product {prod.name!r} has no control {key!r} (medsec controls list)")
    rel = products.get_release(session, product=product, version=release) if release else None
    return _reads(session, prod, [row], rel)[0]


def link(
    session: Session,
    *,
    product: str,
    key: str,
    actor: str,
    release: str | None = None,
    threat_keys: Sequence[str] = (),
    finding_ids: Sequence[int] = (),
    selectors: Sequence[str] = (),
) -> ControlRead:
    """Link a control to threats of a release, to findings, and to evidence selectors."""
    prod = products.get_product(session, product)
    accounts.require(session, actor, "analyst", rule="linking a control", product=prod.name)
    row = repo.by_key(session, prod.id, key)
    if row is None:
        raise NotFound(f"product {prod.name!r} has no control {key!r} (medsec controls list)")
    if not (threat_keys or finding_ids or selectors):
        raise InvalidInput("name threats (--threat), findings (--finding) or evidence (--evidence)")
    rel = None
    ids: dict[str, int] = {}
    if threat_keys:
        if release is None:
            raise InvalidInput("linking threats needs --release")
        rel = products.get_release(session, product=product, version=release)
        ids = threats.threat_ids(session, release_id=rel.id, keys=threat_keys)
    existing = repo.links(session, [row.id])
    have_t = {x.threat_id for x in existing}
    have_f = {x.finding_id for x in existing}
    now = utcnow()
    for tid in ids.values():
        if tid not in have_t:
            session.add(
                ControlLink(control_id=row.id, threat_id=tid, created_by=actor, created_at=now)
            )
    for fid in finding_ids:
        if fid not in have_f:
            session.add(
                ControlLink(control_id=row.id, finding_id=fid, created_by=actor, created_at=now)
            )
    new_sel = [rules.check_selector(s) for s in selectors]
    row.selectors = list(dict.fromkeys([*(row.selectors or []), *new_sel]))
    row.updated_by, row.updated_at = actor, now
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="controls.link",
        object_type="security_control",
        object_id=row.id,
        product_id=prod.id,
        details={
            "key": key,
            "release": release,
            "threats": list(threat_keys),
            "findings": list(finding_ids),
            "selectors": new_sel,
        },
    )
    return _reads(session, prod, [row], rel)[0]


def for_release(session: Session, *, product_id: int, release: Release) -> list[ControlRead]:
    """Every control of the product with its verification on the release (no access check:
    for the trace service)."""
    prod = session.get(Product, product_id)
    assert prod is not None
    return _reads(session, prod, repo.of_product(session, product_id), release)


def assess_threat_risk(
    session: Session,
    *,
    product: str,
    release: str,
    key: str,
    hazardous_situation: str,
    harm: str,
    severity: str,
    exploitability: str,
    actor: str,
    rationale: str | None = None,
) -> tuple[ThreatRead, int, int]:
    """Record a threat's patient-harm risk with the controls linked to it, each counting only
    when its evidence verified it on the release; with (verified, linked) control counts."""
    from medsec.risk import rules as risk_rules

    linked = [
        c
        for c in list_controls(session, product=product, actor=actor, release=release)
        if key in c.threats
    ]
    cs = [risk_rules.Control(c.name, 1, 0, c.verification == "verified") for c in linked]
    made = threats.assess_risk(
        session,
        product=product,
        release=release,
        key=key,
        hazardous_situation=hazardous_situation,
        harm=harm,
        severity=severity,
        exploitability=exploitability,
        controls=cs,
        actor=actor,
        rationale=rationale,
    )
    return made, sum(c.verified for c in cs), len(cs)
