"""Use cases of patient-harm risk: record a finding's risk (versioned), accept residual risk,
and the heat map of a product. Flush, never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound
from medsec.findings import decisions
from medsec.findings.signals import Signals, signals_for
from medsec.models import RiskPolicyRow, RiskRecord
from medsec.products import service as products
from medsec.risk import repository as repo
from medsec.risk import rules
from medsec.risk.schemas import HeatMapCellRead, HeatMapRead


def policy(session: Session, product_id: int) -> rules.RiskPolicy:
    """The risk policy of a product: the one set for it, else the documented default."""
    row = repo.policy_row(session, product_id)
    return rules.RiskPolicy.from_dict(row.policy) if row else rules.RiskPolicy.default()


def set_policy(
    session: Session, *, product: str, data: dict[str, Any], actor: str
) -> rules.RiskPolicy:
    """Validate and set a product's risk policy (admin); existing records keep their evaluation."""
    prod = products.get_product(session, product)
    accounts.require(session, actor, "admin", rule="setting a risk policy", product=prod.name)
    pol = rules.RiskPolicy.from_dict(data)
    row = repo.policy_row(session, prod.id)
    before = row.policy if row else None
    if row is None:
        row = RiskPolicyRow(product_id=prod.id, policy=pol.to_dict(), set_by=actor, set_at=utcnow())
        session.add(row)
    else:
        row.policy, row.set_by, row.set_at = pol.to_dict(), actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="risk.policy.set",
        object_type="product",
        object_id=prod.id,
        product_id=prod.id,
        details={"name": pol.name, "before": before and before.get("name")},
    )
    return pol


def current(session: Session, finding_ids: Sequence[int]) -> dict[int, RiskRecord]:
    """finding id -> its current risk record."""
    return repo.current(session, finding_ids)


def current_for_threats(session: Session, threat_ids: Sequence[int]) -> dict[int, RiskRecord]:
    """threat id -> its current risk record (a threat's own record, without a finding)."""
    return repo.current_for_threats(session, threat_ids)


def assess_threat(
    session: Session,
    *,
    product_id: int,
    product_name: str,
    release_version: str,
    threat_id: int,
    hazardous_situation: str,
    harm: str,
    severity: str,
    exploitability: str,
    controls: Sequence[rules.Control],
    actor: str,
    rationale: str | None = None,
) -> RiskRecord:
    """Record a new version of a threat's patient-harm risk. A threat has no CVSS, EPSS or KEV
    to derive exploitability from: the analyst states it."""
    accounts.require(session, actor, "analyst", rule="risk assessment", product=product_name)
    rules.validate_risk_record(hazardous_situation, harm)
    pol = policy(session, product_id)
    if exploitability not in pol.exploitability_levels:
        raise InvalidInput(
            f"exploitability {exploitability!r}: one of {', '.join(pol.exploitability_levels)}"
        )
    evaluation = rules.evaluate(pol, severity, exploitability, controls)
    prior = current_for_threats(session, [threat_id]).get(threat_id)
    if prior is not None:
        prior.is_current = False
    record = RiskRecord(
        finding_id=None,
        threat_id=threat_id,
        version=(prior.version + 1) if prior else 1,
        is_current=True,
        hazardous_situation=hazardous_situation.strip(),
        harm=harm.strip(),
        severity=severity,
        exploitability=exploitability,
        exploitability_reasons=["stated by the analyst (a threat has no CVSS, EPSS or KEV)"],
        exploitability_override=None,
        controls=[asdict(c) for c in controls],
        risk_before=evaluation.before.level,
        residual=evaluation.residual.level,
        region=str(evaluation.residual.region),
        acceptable=evaluation.acceptable,
        fda_class=str(evaluation.fda_class),
        evaluation=_evaluation_json(evaluation, None),
        status="draft",
        rationale=rationale,
        changed_by=actor,
        changed_at=utcnow(),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="risk.assess",
        object_type="threat",
        object_id=threat_id,
        product_id=product_id,
        details={
            "release": release_version,
            "version": record.version,
            "severity": severity,
            "exploitability": exploitability,
            "residual": record.residual,
            "region": record.region,
            "fda_class": record.fda_class,
        },
    )
    return record


def accept_threat(
    session: Session,
    *,
    product_id: int,
    product_name: str,
    threat_id: int,
    actor: str,
    rationale: str | None,
) -> RiskRecord:
    """Sign off the residual risk of a threat's current risk record (reviewer role only)."""
    record = current_for_threats(session, [threat_id]).get(threat_id)
    if record is None:
        raise NotFound("the threat has no risk record (assess it first)")
    roles = accounts.roles_of(session, actor)
    role = "reviewer" if "reviewer" in roles else (sorted(roles)[0] if roles else "none")
    pol = policy(session, product_id)
    controls = [rules.Control(**c) for c in record.controls]
    evaluation = rules.evaluate(pol, record.severity, record.exploitability, controls)
    rules.check_acceptance(role, evaluation, rationale)
    accounts.require(
        session, actor, "reviewer", rule="residual-risk acceptance", product=product_name
    )
    record.status = "accepted"
    record.accepted_by = actor
    record.accepted_at = utcnow()
    record.rationale = rationale or record.rationale
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="risk.accept",
        object_type="threat",
        object_id=threat_id,
        product_id=product_id,
        details={"version": record.version, "region": record.region, "rationale": rationale},
    )
    return record


def history(session: Session, finding_id: int) -> list[RiskRecord]:
    """Every version of a finding's risk record, oldest first."""
    return repo.history(session, finding_id)


def parse_control(spec: str) -> rules.Control:
    """``NAME[:EXPLOITABILITY_STEPS[:SEVERITY_STEPS[:unverified]]]`` -> a control."""
    name, *rest = spec.split(":")
    try:
        e_steps = int(rest[0]) if rest else 1
        s_steps = int(rest[1]) if len(rest) > 1 else 0
    except ValueError as exc:
        raise InvalidInput(f"control {spec!r}: steps must be whole numbers") from exc
    verified = not (len(rest) > 2 and rest[2].strip().lower() == "unverified")
    return rules.Control(name.strip(), e_steps, s_steps, verified)


def assess(
    session: Session,
    *,
    finding_id: int,
    hazardous_situation: str,
    harm: str,
    severity: str,
    controls: Sequence[rules.Control],
    actor: str,
    exploitability: str | None = None,
    override_reason: str | None = None,
    rationale: str | None = None,
) -> RiskRecord:
    """Record a new version of a finding's risk (exploitability derived, or overridden)."""
    finding, release, product = decisions.get_finding(session, finding_id)
    accounts.require(
        session,
        actor,
        "analyst",
        rule="risk assessment",
        product=product.name,
        hide_as=decisions.missing(finding_id),
    )
    rules.validate_risk_record(hazardous_situation, harm)
    sig = signals_for(session, [finding])[finding.id]
    derived, reasons = rules.derive_exploitability(
        sig.cvss_exploitability, sig.epss, sig.kev, sig.ssvc_exploitation
    )
    level = derived
    if exploitability is not None:
        level, extra = rules.override_exploitability(derived, exploitability, override_reason)
        reasons = [*reasons, *extra]
    pol = policy(session, product.id)
    scaled = pol.scale_exploitability(level)  # the product's policy may have fewer levels
    evaluation = rules.evaluate(pol, severity, scaled, controls)
    prior = current(session, [finding.id]).get(finding.id)
    if prior is not None:
        prior.is_current = False
    record = RiskRecord(
        finding_id=finding.id,
        version=(prior.version + 1) if prior else 1,
        is_current=True,
        hazardous_situation=hazardous_situation.strip(),
        harm=harm.strip(),
        severity=severity,
        exploitability=scaled,
        exploitability_reasons=list(reasons),
        exploitability_override=override_reason if exploitability is not None else None,
        controls=[asdict(c) for c in controls],
        risk_before=evaluation.before.level,
        residual=evaluation.residual.level,
        region=str(evaluation.residual.region),
        acceptable=evaluation.acceptable,
        fda_class=str(evaluation.fda_class),
        evaluation=_evaluation_json(evaluation, sig),
        status="draft",
        rationale=rationale,
        changed_by=actor,
        changed_at=utcnow(),
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="risk.assess",
        object_type="finding",
        object_id=finding.id,
        product_id=product.id,
        details={
            "release": release.version,
            "version": record.version,
            "severity": severity,
            "exploitability": record.exploitability,
            "residual": record.residual,
            "region": record.region,
            "fda_class": record.fda_class,
        },
    )
    return record


def _evaluation_json(e: rules.RiskEvaluation, sig: Signals | None) -> dict[str, Any]:
    return {
        "policy": e.policy,
        "before": {
            "level": e.before.level,
            "region": str(e.before.region),
            "exploitability": e.exploitability_before,
            "severity": e.severity,
        },
        "residual": {
            "level": e.residual.level,
            "region": str(e.residual.region),
            "exploitability": e.residual_exploitability,
            "severity": e.residual_severity,
        },
        "residual_level_rank": e.residual_level_rank,
        "controls_applied": list(e.controls_applied),
        "controls_ignored": list(e.controls_ignored),
        "reasons": list(e.reasons),
        "inputs": sig.as_dict() if sig is not None else {},
    }


def accept(session: Session, *, finding_id: int, actor: str, rationale: str | None) -> RiskRecord:
    """Sign off the residual risk of a finding's current risk record (reviewer role only)."""
    finding, release, product = decisions.get_finding(session, finding_id)
    record = current(session, [finding.id]).get(finding.id)
    if record is None:
        raise NotFound(
            f"finding {finding_id} has no risk record (medsec risk assess {finding_id} ...)"
        )
    roles = accounts.roles_of(session, actor)
    role = "reviewer" if "reviewer" in roles else (sorted(roles)[0] if roles else "none")
    pol = policy(session, product.id)
    controls = [rules.Control(**c) for c in record.controls]
    # re-evaluated under the product's current policy (a changed policy may need a new record)
    evaluation = rules.evaluate(pol, record.severity, record.exploitability, controls)
    rules.check_acceptance(role, evaluation, rationale)
    accounts.require(
        session, actor, "reviewer", rule="residual-risk acceptance", product=product.name
    )
    repo.mark_accepted(
        session, record.id, actor=actor, at=utcnow(), rationale=rationale or record.rationale
    )
    session.flush()
    session.refresh(record)
    audit.record(
        session,
        actor=actor,
        action="risk.accept",
        object_type="finding",
        object_id=finding.id,
        product_id=product.id,
        details={
            "release": release.version,
            "version": record.version,
            "region": record.region,
            "rationale": rationale,
        },
    )
    return record


def heat_map(session: Session, product_id: int, release_ids: Sequence[int]) -> HeatMapRead:
    """Counts of current risk records per (exploitability, severity) cell, before and residual:
    active findings' records and the records of threats still in the model."""
    pol = policy(session, product_id)
    records = repo.heat_map_records(session, release_ids)
    before = rules.heat_map(pol, [(r.exploitability, r.severity) for r in records])
    residual = rules.heat_map(
        pol,
        [
            (r.evaluation["residual"]["exploitability"], r.evaluation["residual"]["severity"])
            for r in records
        ],
    )
    return HeatMapRead(
        policy=pol.to_dict(),
        exploitability_levels=list(pol.exploitability_levels),
        severity_levels=list(pol.severity_levels),
        before=[
            HeatMapCellRead(exploitability=e, severity=s, count=n) for (e, s), n in before.items()
        ],
        residual=[
            HeatMapCellRead(exploitability=e, severity=s, count=n) for (e, s), n in residual.items()
        ],
        records=len(records),
    )


def release_ids_of(session: Session, product_id: int, version: str | None) -> list[int]:
    """Release ids of a product (or of one version of it), through the products domain."""
    if version is not None:
        release = products.find_release(session, product_id=product_id, version=version)
        return [release.id] if release is not None else []
    return [r.id for r in products.releases_by_product(session, [product_id]).get(product_id, [])]
