"""Use cases of traceability: the matrix threat -> risk -> control -> verification -> result
of a release with its gaps, and the four questions answered from it. Reads through the other
domains' services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from medsec.controls import service as controls
from medsec.controls.schemas import ControlResultRead
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.evidence import service as evidence
from medsec.sysmodel import service as sysmodel
from medsec.threats import rules as threat_rules
from medsec.threats import service as threats
from medsec.trace import rules
from medsec.trace.schemas import AffectedRead, MatrixControlRead, MatrixRead, MatrixRowRead


def matrix(session: Session, *, product: str, release: str, actor: str) -> MatrixRead:
    """The release's matrix (every threat, stale ones included and marked)."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="reading the traceability matrix")
    model = sysmodel.current_model(session, release_id=rel.id)
    versions = sysmodel.versions(session, product=product, release=release, actor=actor)
    threat_list = threats.list_threats(session, product=product, release=release, actor=actor)
    ctl = controls.for_release(session, product_id=prod.id, release=rel)
    by_threat: dict[str, list[MatrixControlRead]] = {}
    cells: dict[str, list[rules.ControlCell]] = {}
    for c in ctl:
        mc = MatrixControlRead(
            key=c.key,
            name=c.name,
            principles=c.principles,
            owner=c.owner,
            side_effects=c.side_effects,
            verification=c.verification or "unverified",
            results=c.results,
        )
        cell = rules.ControlCell(
            c.key,
            c.name,
            mc.verification,
            tuple(
                rules.ResultCell(r.kind, r.key, r.name, r.outcome, r.source_name) for r in c.results
            ),
        )
        for key in c.threats:
            by_threat.setdefault(key, []).append(mc)
            cells.setdefault(key, []).append(cell)
    inputs = []
    for t in threat_list:
        risks = (
            [
                rules.RiskCell(
                    t.risk.id,
                    t.risk.harm,
                    t.risk.residual,
                    t.risk.region,
                    t.risk.status,
                    t.risk.fda_class,
                )
            ]
            if t.risk
            else []
        )
        inputs.append(
            (
                rules.ThreatCell(t.key, t.title, t.category, t.status, t.target_id),
                risks,
                cells.get(t.key, []),
            )
        )
    linked = evidence.direct_results(session, release_id=rel.id)
    direct: dict[str, list[ControlResultRead]] = {}
    for t in threat_list:
        for r in linked.get(t.id, []):
            direct.setdefault(t.key, []).append(
                ControlResultRead(
                    kind=r.kind,
                    key=r.key,
                    name=r.name,
                    outcome=r.outcome,
                    source_name=r.source_name,
                )
            )
    built = rules.build(
        inputs,
        {
            k: [rules.ResultCell(r.kind, r.key, r.name, r.outcome, r.source_name) for r in v]
            for k, v in direct.items()
        },
    )
    rows = [
        MatrixRowRead(
            threat=t.key,
            title=t.title,
            category=t.category,
            category_name=t.category_name,
            status=t.status,
            severity=t.severity,
            target_kind=t.target_kind,
            target_id=t.target_id,
            stale=t.stale,
            risk=t.risk,
            controls=by_threat.get(t.key, []),
            gaps=list(row.gaps),
            verified_by=direct.get(t.key, []),
        )
        for t, row in zip(threat_list, built.rows, strict=True)
    ]
    cov = evidence.coverage(session, product=product, release=release, actor=actor)
    with_controls = sum(1 for t in threat_list if t.key in by_threat)
    q = (
        threat_rules.four_questions(
            model, [t.status for t in threat_list], len(ctl), with_controls, built.gaps
        )
        if model is not None
        else None
    )
    return MatrixRead(
        product=prod.name,
        release=rel.version,
        model_version=versions[-1].version if versions else None,
        rows=rows,
        gap_counts=dict(built.gap_counts),
        gaps=built.gaps,
        controls_without_threats=sorted(c.key for c in ctl if not c.threats),
        coverage=cov.kinds,
        what_are_we_building=q.what_are_we_building if q else "No system model yet.",
        what_can_go_wrong=q.what_can_go_wrong if q else f"{len(threat_list)} threats",
        what_are_we_going_to_do=q.what_are_we_going_to_do if q else f"{len(ctl)} controls",
        did_we_do_enough=q.did_we_do_enough if q else "Not yet: no system model",
        enough=q.enough if q else False,
    )


def to_matrix_rules(m: MatrixRead) -> rules.Matrix:
    """The pure matrix of a read model (for the CSV and XLSX outputs)."""
    rows = []
    for r in m.rows:
        risks = (
            (
                rules.RiskCell(
                    r.risk.id,
                    r.risk.harm,
                    r.risk.residual,
                    r.risk.region,
                    r.risk.status,
                    r.risk.fda_class,
                ),
            )
            if r.risk
            else ()
        )
        ctl = tuple(
            rules.ControlCell(
                c.key,
                c.name,
                c.verification,
                tuple(
                    rules.ResultCell(x.kind, x.key, x.name, x.outcome, x.source_name)
                    for x in c.results
                ),
            )
            for c in r.controls
        )
        rows.append(
            rules.MatrixRow(
                rules.ThreatCell(r.threat, r.title, r.category, r.status, r.target_id),
                risks,
                ctl,
                tuple(r.gaps),
                tuple(
                    rules.ResultCell(x.kind, x.key, x.name, x.outcome, x.source_name)
                    for x in r.verified_by
                ),
            )
        )
    return rules.Matrix(tuple(rows), dict(m.gap_counts))


def verify_threat(
    session: Session, *, product: str, release: str, result_id: int, threat: str, actor: str
) -> MatrixRowRead:
    """Link an evidence result to a threat it verifies directly (analyst role); the threat's
    matrix row after the link."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="linking evidence")
    (threat_id,) = threats.threat_ids(session, release_id=rel.id, keys=[threat]).values()
    evidence.link_threat(
        session,
        product=product,
        release=release,
        result_id=result_id,
        threat_id=threat_id,
        actor=actor,
    )
    m = matrix(session, product=product, release=release, actor=actor)
    return next(r for r in m.rows if r.threat == threat)


def where(session: Session, *, ident: str, actor: str, record: bool = False) -> list[AffectedRead]:
    """Variation analysis (seed 5.3): every product and release the actor may see with a
    finding of this vulnerability (any alias) or this component (name or purl), with status.
    With ``record``, the analysis is recorded as variation-analysis evidence on every release
    searched of the products where the actor is an analyst (coverage counts it)."""
    from medsec.accounts import service as accounts
    from medsec.findings import listing
    from medsec.products import service as products

    needle = ident.strip().lower()
    if not needle:
        raise InvalidInput("name a vulnerability id (CVE, GHSA, ...) or a component")
    out: list[AffectedRead] = []
    searched: list[tuple[str, str]] = []
    for prod in products.list_products(session):
        try:
            sysmodel.require_read(session, actor, prod.name, rule="variation analysis")
        except PermissionDenied:
            continue
        if record:
            try:
                accounts.require(session, actor, "analyst", rule="recording", product=prod.name)
            except (PermissionDenied, InvalidInput, NotFound):
                pass
            else:
                rels = products.releases_by_product(session, [prod.id]).get(prod.id, [])
                searched += [(prod.name, r.version) for r in rels]
        for f in listing.list_findings(session, product=prod.name, include_resolved=True):
            vuln = f.vulnerability
            comp = f.component
            ids = [str(vuln.id), *[str(a) for a in vuln.aliases]]
            names = [str(comp.name or ""), str(comp.purl or ""), str(comp.key or "")]
            hit = needle in (i.lower() for i in ids) or any(
                n and (n.lower() == needle or n.lower().startswith(needle + "@")) for n in names
            )
            if not hit:
                continue
            vex, risk_view = f.vex, f.risk
            out.append(
                AffectedRead(
                    product=str(f.product),
                    release=str(f.release),
                    component=str(comp.name or comp.key or ""),
                    version=comp.version,
                    vulnerability=str(vuln.id),
                    status=str(f.status),
                    vex_status=vex.status if vex else None,
                    risk_residual=risk_view.residual if risk_view else None,
                    risk_status=risk_view.status if risk_view else None,
                )
            )
    for product, release in searched:
        hits = sum(1 for a in out if (a.product, a.release) == (product, release))
        evidence.record_analysis(
            session,
            product=product,
            release=release,
            test_kind="variation-analysis",
            source=f"medsec vuln where {ident.strip()}",
            counts={"affected": hits},
            actor=actor,
        )
    return sorted(out, key=lambda a: (a.product, a.release, a.component, a.vulnerability))
