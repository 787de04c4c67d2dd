"""VEX decisions on findings: record (append-only, audited) and resolve the one in force.

A decision scoped to the release applies to one finding. A decision scoped to the component
applies to every release of the product whose component has the same identity (the finding's
component key: the purl with its version, else group/name@version), so it carries forward to
the next release until the component changes. The newest applicable decision is in force;
older ones stay as history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core import vex
from medsec.core.clock import utcnow
from medsec.errors import NotFound
from medsec.findings import repository as repo
from medsec.models import Finding, Product, Release, VexDecision

SCOPES = ("release", "component")
KEYS_IN_QUERY = 500  # up to this many component keys narrow the decisions query (a page)


def missing(finding_id: int) -> str:
    """The not-found message of a finding (also given for one the caller may not see)."""
    return f"no finding {finding_id} (see `medsec findings list`)"


def get_finding(session: Session, finding_id: int) -> tuple[Finding, Release, Product]:
    """A finding with its release and product; NotFound otherwise."""
    row = repo.finding_with_release(session, finding_id)
    if row is None:
        raise NotFound(missing(finding_id))
    return row[0], row[1], row[2]


def decide(
    session: Session,
    *,
    finding_id: int,
    status: str,
    reason: str,
    actor: str,
    justification: str | None = None,
    vocabulary: str = "canonical",
    action_statement: str | None = None,
    impact_statement: str | None = None,
    scope: str = "release",
) -> VexDecision:
    """Record a VEX decision for a finding after checking every rule; returns it."""
    finding, release, product = get_finding(session, finding_id)
    accounts.require(
        session,
        actor,
        "analyst",
        rule="VEX decisions",
        product=product.name,
        hide_as=missing(finding_id),
    )
    if scope not in SCOPES:
        raise vex.refuse("vex.scope.unknown", f"scope {scope!r} is not one of {SCOPES}")
    term = vex.normalize(status, justification, vocabulary)
    canon_j = term.canonical_justification.value if term.canonical_justification else None
    vex.validate_decision(term.canonical_status.value, canon_j, action_statement, impact_statement)
    current = in_force(session, [finding]).get(finding.id)
    vex.check_transition(current.status if current else None, term.canonical_status.value, reason)
    decision = VexDecision(
        scope=scope,
        product_id=product.id,
        release_id=release.id if scope == "release" else None,
        component_key=finding.component_key,
        vulnerability_id=finding.vulnerability_id,
        status=term.canonical_status.value,
        justification=canon_j,
        original_status=term.original_status,
        original_justification=term.original_justification,
        vocabulary=term.vocabulary.value,
        action_statement=action_statement,
        impact_statement=(
            vex.impact_statement_for(canon_j, impact_statement) if canon_j else impact_statement
        ),
        reason=reason.strip(),
        decided_by=actor,
        decided_at=utcnow(),
    )
    session.add(decision)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finding.vex",
        object_type="finding",
        object_id=finding.id,
        product_id=product.id,
        details={
            "release": release.version,
            "component": finding.component_key,
            "scope": scope,
            "before": current.status if current else None,
            "after": decision.status,
            "justification": canon_j,
            "original": [term.original_status, term.original_justification],
            "reason": decision.reason,
        },
    )
    return decision


def in_force(
    session: Session,
    findings: Sequence[Finding],
    *,
    product_of: Mapping[int, int] | None = None,
) -> dict[int, VexDecision]:
    """finding id -> the newest decision that applies to it (release- or component-scoped);
    ``product_of`` (release id -> product id), when the caller has it, saves a lookup."""
    if product_of is None:
        product_of = _products(session, findings)
    decisions = _candidates(session, findings, sorted(set(product_of.values())))
    out: dict[int, VexDecision] = {}
    for f in findings:
        for d in decisions.get((f.vulnerability_id, f.component_key), ()):
            if d.product_id != product_of[f.release_id]:
                continue
            if d.scope == "release" and d.release_id != f.release_id:
                continue
            if f.id not in out or d.id > out[f.id].id:
                out[f.id] = d
    return out


def history(session: Session, finding: Finding) -> list[VexDecision]:
    """Every decision that applies or applied to a finding, oldest first."""
    product_id = _products(session, [finding])[finding.release_id]
    decisions = _candidates(session, [finding], [product_id]).get(
        (finding.vulnerability_id, finding.component_key), []
    )
    return [
        d
        for d in sorted(decisions, key=lambda d: d.id)
        if d.product_id == product_id
        and (d.scope == "component" or d.release_id == finding.release_id)
    ]


def _candidates(
    session: Session, findings: Sequence[Finding], product_ids: Sequence[int]
) -> dict[tuple[int, str], list[VexDecision]]:
    """Decisions of the findings' products on their (vulnerability, component) pairs."""
    out: dict[tuple[int, str], list[VexDecision]] = {}
    vids = sorted({f.vulnerability_id for f in findings})
    keys = sorted({f.component_key for f in findings})
    narrow = keys if len(keys) <= KEYS_IN_QUERY else None  # a page: only its components
    for d in repo.vex_candidates(session, vids, product_ids, narrow):
        out.setdefault((d.vulnerability_id, d.component_key), []).append(d)
    return out


def _products(session: Session, findings: Sequence[Finding]) -> dict[int, int]:
    return repo.product_ids_of_releases(session, sorted({f.release_id for f in findings}))
