"""Findings as users read them: the component, the vulnerability with every id and source, KEV,
EPSS, why it matched, the VEX decision in force, SSVC, risk and the work-list priority."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from medsec.findings import decisions, display, priority
from medsec.findings import repository as repo
from medsec.findings.schemas import (
    ComponentRead,
    FindingRead,
    PriorityRead,
    RiskRead,
    SsvcRead,
    VexDecisionRead,
    VexOriginalRead,
    VulnerabilityRead,
)
from medsec.findings.signals import Signals, signals_for, vuln_context
from medsec.models import RiskRecord, VexDecision
from medsec.products import service as products
from medsec.risk import service as risk_service
from medsec.vulns import display as vuln_display

CLOSED = repo.CLOSED_STATES


def list_findings(
    session: Session,
    *,
    product: str,
    version: str | None = None,
    include_resolved: bool = False,
    sort: str = "release",
    upstream_only: bool = False,
) -> list[FindingRead]:
    """Findings of a product (or one release); ``upstream_only``: only the distribution
    packages matched by upstream CPE ranges alone (backports not considered, never counted).

    ``sort="priority"`` is the work list: open findings only (none whose VEX decision in force is
    not_affected or fixed), the most urgent first, each with the reasons for its place; the
    database filters and orders.
    """
    release_ids = release_ids_of(session, product=product, version=version)
    if sort != "priority":
        rows = repo.findings_listing(session, release_ids, include_resolved, upstream_only)
        return describe(session, rows)
    return find(
        session,
        product=product,
        version=version,
        query=repo.ListQuery(
            include_resolved=include_resolved, sort=sort, upstream_only=upstream_only
        ),
    )


def find(
    session: Session, *, product: str, version: str | None = None, query: repo.ListQuery
) -> list[FindingRead]:
    """Every finding that passes the query, in its order, filtered and ordered in SQL."""
    release_ids = release_ids_of(session, product=product, version=version)
    ids = repo.page_ids(session, release_ids, query, 0, None)
    return describe(session, repo.rows_by_ids(session, ids))


def release_ids_of(session: Session, *, product: str, version: str | None = None) -> list[int]:
    """Ids of the named release, or of every release of the product."""
    if version is not None:
        return [products.get_release(session, product=product, version=version).id]
    return products.release_ids(session, product=product)


def findings_page(
    session: Session,
    *,
    product: str,
    version: str | None = None,
    query: repo.ListQuery | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[FindingRead]]:
    """(total, one page) of findings: filtered, counted, ordered and sliced in SQL, only the
    page's findings described (a fixed number of statements whatever the page size)."""
    q = query or repo.ListQuery()
    release_ids = release_ids_of(session, product=product, version=version)
    total = repo.count_findings(session, release_ids, q)
    rows = repo.page_rows(session, release_ids, q, offset, limit) if total > offset else []
    return total, describe(session, rows)


def describe(session: Session, rows: Sequence[Any]) -> list[FindingRead]:
    """Describe findings rows (as `repository.rows_by_ids` gives them) as typed read models,
    batched: a fixed number of statements whatever the number of rows."""
    findings = [r.Finding for r in rows]
    vids = sorted({f.vulnerability_id for f in findings})
    ctx = vuln_context(session, vids)
    ids, records, kev, epss = ctx.ids, ctx.records, ctx.kev, ctx.epss
    keys = {r.Finding.vulnerability_id: r.vulnerability_key for r in rows}
    product_of = {r.Finding.release_id: r.product_id for r in rows}
    views = {
        vid: VulnerabilityRead.model_validate(
            vuln_display.vulnerability_view(
                keys[vid], ids.get(vid, []), records.get(vid, []), kev, epss
            )
        )
        for vid in vids
    }
    vex_now = decisions.in_force(session, findings, product_of=product_of)
    risks = risk_service.current(session, [f.id for f in findings])
    signals = signals_for(session, findings, ctx)
    out = []
    for row in rows:
        f = row.Finding
        comp = row.Component
        sig = signals[f.id]
        component = display.component_view(comp) if comp is not None else {}
        out.append(
            FindingRead(
                id=f.id,
                product=row.product,
                release=row.version,
                component=ComponentRead(key=f.component_key, **component),
                vulnerability=views[f.vulnerability_id],
                status=f.status,
                first_seen=f.first_seen.isoformat(),
                last_seen=f.last_seen.isoformat(),
                resolved_at=f.resolved_at.isoformat() if f.resolved_at else None,
                matched_by=f.explanations,
                vex=vex_view(vex_now.get(f.id)),
                risk=risk_view(risks.get(f.id)),
                ssvc=SsvcRead(outcome=sig.ssvc_outcome, vector=sig.ssvc_vector)
                if sig.ssvc_outcome
                else None,
                priority=priority_view(sig, risks.get(f.id)),
            )
        )
    return out


def vex_view(d: VexDecision | None) -> VexDecisionRead | None:
    """A VEX decision as a read model (None: no decision yet, i.e. under investigation)."""
    if d is None:
        return None
    return VexDecisionRead(
        status=d.status,
        justification=d.justification,
        scope=d.scope,
        original=VexOriginalRead(
            vocabulary=d.vocabulary,
            status=d.original_status,
            justification=d.original_justification,
        ),
        action_statement=d.action_statement,
        impact_statement=d.impact_statement,
        reason=d.reason,
        by=d.decided_by,
        at=d.decided_at.isoformat(),
    )


def risk_view(r: RiskRecord | None) -> RiskRead | None:
    """A risk record version as a read model."""
    if r is None:
        return None
    return RiskRead(
        version=r.version,
        hazardous_situation=r.hazardous_situation,
        harm=r.harm,
        severity=r.severity,
        exploitability=r.exploitability,
        exploitability_reasons=r.exploitability_reasons,
        exploitability_override=r.exploitability_override,
        controls=r.controls,
        risk_before=r.risk_before,
        residual=r.residual,
        region=r.region,
        acceptable=r.acceptable,
        fda_class=r.fda_class,
        status=r.status,
        rationale=r.rationale,
        changed_by=r.changed_by,
        changed_at=r.changed_at.isoformat(),
        accepted_by=r.accepted_by,
        accepted_at=r.accepted_at.isoformat() if r.accepted_at else None,
        evaluation=r.evaluation,
    )


def priority_view(sig: Signals, risk: RiskRecord | None) -> PriorityRead:
    """The work-list sort key and the reasons for it."""
    rank = risk.evaluation.get("residual_level_rank") if risk is not None else None
    args = (rank, sig.ssvc_outcome, sig.kev, sig.epss, sig.cvss_score)
    return PriorityRead(
        key=list(priority.priority_key(*args)),
        why=priority.why(*args, residual_risk_label=risk.residual if risk is not None else None),
    )
