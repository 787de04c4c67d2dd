"""SSVC decisions on findings: decision points filled from what medsec knows, each overridable
with a reason; the supplier tree for manufacturers, the deployer tree for hospitals."""

from __future__ import annotations

import cvss
from cvss.exceptions import CVSSError
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput
from medsec.findings import decisions
from medsec.findings.signals import signals_for
from medsec.models import SsvcDecisionRow
from medsec.risk import service as risk_service
from medsec.risk import ssvc
from medsec.risk.ssvc_medical import exploitation_from, exposure_from, safety_impact_from_harm
from medsec.risk.ssvc_tables import DECISION_POINTS

TABLES = {"supplier": "supplier", "deployer": "deployer"}
NEEDED = {
    "supplier": (
        "exploitation",
        "automatable",
        "value_density",
        "technical_impact",
        "safety_impact",
    ),
    "deployer": (
        "exploitation",
        "system_exposure",
        "automatable",
        "safety_impact",
        "mission_impact",
    ),
}


def _cvss_metrics(vector: str | None) -> dict[str, str]:
    if not vector or not vector.startswith("CVSS:3"):
        return {}
    try:
        return dict(cvss.CVSS3(vector).metrics)
    except CVSSError:
        return {}


def suggest(session: Session, finding_id: int, role: str) -> dict[str, dict[str, str]]:
    """Suggested decision-point values for a finding, each with its source and reason."""
    if role not in TABLES:
        raise InvalidInput(f"SSVC role {role!r} is not one of {', '.join(TABLES)}")
    finding, release, _product = decisions.get_finding(session, finding_id)
    sig = signals_for(session, [finding])[finding.id]
    out: dict[str, dict[str, str]] = {}
    e = exploitation_from(sig.kev, sig.epss)
    out["exploitation"] = {"value": e.value, "source": "kev/epss", "reason": e.reason}
    m = _cvss_metrics(sig.cvss_vector)
    if m:
        auto = all(m.get(k) == v for k, v in (("AV", "N"), ("AC", "L"), ("PR", "N"), ("UI", "N")))
        out["automatable"] = {
            "value": "yes" if auto else "no",
            "source": "cvss",
            "reason": f"{sig.cvss_vector}: AV:N/AC:L/PR:N/UI:N "
            f"{'all hold' if auto else 'not all hold'}",
        }
        total = m.get("C") == "H" and m.get("I") == "H"
        out["technical_impact"] = {
            "value": "total" if total else "partial",
            "source": "cvss",
            "reason": f"{sig.cvss_vector}: C:H and I:H {'hold' if total else 'do not both hold'}",
        }
    out["value_density"] = {
        "value": "diffuse",
        "source": "default",
        "reason": "one device serves one patient: little value per exploit",
    }
    record = risk_service.current(session, [finding.id]).get(finding.id)
    if record is not None:
        si = safety_impact_from_harm(record.severity)
        out["safety_impact"] = {
            "value": si.value,
            "source": f"risk record v{record.version}",
            "reason": si.reason,
        }
    interfaces = release.interfaces or []
    env = {"hospital": "hospital", "home": "home", "both": "home"}.get(release.use_environment)
    x = exposure_from(env, bool(interfaces) if interfaces is not None else None, None)
    out["system_exposure"] = {"value": x.value, "source": "release", "reason": x.reason}
    return {k: v for k, v in out.items() if k in NEEDED[role]}


def decide(
    session: Session,
    *,
    finding_id: int,
    role: str,
    overrides: dict[str, tuple[str, str]],
    actor: str,
) -> SsvcDecisionRow:
    """Decide SSVC for a finding: suggestions, then overrides (point -> (value, reason))."""
    finding, release, product = decisions.get_finding(session, finding_id)
    accounts.require(session, actor, "analyst", rule="SSVC decisions", product=product.name)
    inputs: dict[str, dict[str, str]] = suggest(session, finding_id, role)
    for point, (value, reason) in overrides.items():
        if point not in NEEDED[role]:
            raise InvalidInput(
                f"SSVC {role}: unknown decision point {point!r}; one of {', '.join(NEEDED[role])}"
            )
        if not reason.strip():
            raise InvalidInput(f"SSVC {role}: overriding {point} needs a reason")
        prior = inputs.get(point)
        was = f" (suggested {prior['value']}: {prior['reason']})" if prior else ""
        inputs[point] = {"value": value, "source": "override", "reason": reason.strip() + was}
    missing = [p for p in NEEDED[role] if p not in inputs]
    if missing:
        raise InvalidInput(
            f"SSVC {role}: no value known for {', '.join(missing)}; "
            "give --set POINT=VALUE with --reason"
            + (
                " (or record the finding's risk first: safety impact comes from its harm severity)"
                if "safety_impact" in missing
                else ""
            )
        )
    decision = ssvc.decide(
        TABLES[role], {k: v["value"] for k, v in inputs.items()}, timestamp=utcnow()
    )
    row = SsvcDecisionRow(
        finding_id=finding.id,
        table=role,
        inputs=inputs,
        outcome=decision.priority,
        vector=decision.vector,
        decided_by=actor,
        decided_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finding.ssvc",
        object_type="finding",
        object_id=finding.id,
        product_id=product.id,
        details={
            "release": release.version,
            "role": role,
            "outcome": row.outcome,
            "vector": row.vector,
            "overrides": sorted(overrides),
        },
    )
    return row


def points(role: str) -> list[tuple[str, str, list[str]]]:
    """The decision points of a role's tree: (point, display name, allowed value names)."""
    if role not in TABLES:
        raise InvalidInput(f"SSVC role {role!r} is not one of {', '.join(TABLES)}")
    by_param = {dp.param: dp for dp in DECISION_POINTS}
    return [(p, by_param[p].name, [v.name for v in by_param[p].values]) for p in NEEDED[role]]


def value_name(point: str, value: str) -> str:
    """The display name of a decision point's value given by name, alias or key."""
    dp = {d.param: d for d in DECISION_POINTS}[point]
    return dp.parse(value).name
