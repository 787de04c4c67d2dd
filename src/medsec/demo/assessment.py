"""The demo's assessment: accounts, VEX decisions with reasons, a rescoring, risk records with a
reviewer's sign-off, an SSVC decision, an update with its oversight level, and the heat map."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.cvd import service as cvd
from medsec.demo import data
from medsec.findings import decisions, listing, rescoring, ssvc_service
from medsec.products import service as products
from medsec.risk import service as risk
from medsec.risk.schemas import HeatMapRead
from medsec.updates import service as updates

PSIRT, REVIEWER = "demo:psirt", "demo:reviewer"


@dataclass
class AssessmentReport:
    """What the demo assessed, for printing."""

    decisions: list[tuple[str, str, str]] = field(default_factory=list)  # (vuln, status, reason)
    risks: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # (vuln, residual, region, fda)
    update: tuple[str, str, list[str]] | None = None  # (name, oversight, reasons)
    heat_map: HeatMapRead | None = None
    ssvc: tuple[str, str] | None = None


def assess(session: Session) -> AssessmentReport:
    """Assess the 2.0.0 findings the way a PSIRT would; returns what was decided."""
    accounts.add(session, name="psirt", roles=["analyst"], products=[], actor=PSIRT)
    accounts.add(session, name="reviewer", roles=["reviewer"], products=[], actor=PSIRT)
    found = {
        f.vulnerability.id: f.id
        for f in listing.list_findings(session, product=data.PRODUCT, version="2.0.0")
    }
    report = AssessmentReport()
    for vid, kwargs in _DECISIONS.items():
        d = decisions.decide(session, finding_id=found[vid], actor=PSIRT, **kwargs)
        report.decisions.append((vid, d.status, d.reason))
    rescoring.rescore(
        session,
        finding_id=found["CVE-2021-3711"],
        actor=PSIRT,
        environmental={"MAV": "A"},
        reason="the gateway is reachable only from the clinical VLAN (adjacent network)",
    )
    for vid, kwargs in _RISKS.items():
        rec = risk.assess(
            session,
            finding_id=found[vid],
            actor=PSIRT,
            controls=[risk.parse_control(c) for c in kwargs["controls"]],
            **{k: v for k, v in kwargs.items() if k != "controls"},
        )
        if rec.acceptable:
            risk.accept(
                session,
                finding_id=found[vid],
                actor=REVIEWER,
                rationale="controls verified in the security test report",
            )
        cvd.follow_risk_records(session, finding_ids=[found[vid]], actor=PSIRT)
        report.risks.append((vid, rec.residual, rec.region, rec.fda_class))
    ssvc = ssvc_service.decide(
        session, finding_id=found["CVE-2020-16150"], role="supplier", overrides={}, actor=PSIRT
    )
    report.ssvc = (ssvc.outcome, ssvc.vector)
    upd = updates.create(
        session,
        product=data.PRODUCT,
        name="InfuGuard 2.1.0 security update",
        method="service_visit",
        release="2.1.0",
        actor=PSIRT,
        cyber_hygiene=True,
        addressed=[(found["CVE-2021-3711"], "fixed"), (found["CVE-2020-16150"], "fixed")],
        description="OpenSSL 1.1.1n and Mbed TLS 2.28 LTS, installed by field service",
    )
    report.update = (upd.name, upd.oversight, list(upd.oversight_reasons))
    prod = products.get_product(session, data.PRODUCT)
    report.heat_map = risk.heat_map(
        session, prod.id, risk.release_ids_of(session, prod.id, "2.0.0")
    )
    return report


_DECISIONS: dict[str, dict[str, Any]] = {
    "CVE-2021-35042": {
        "status": "not_affected",
        "justification": "vulnerable_code_not_in_execute_path",
        "reason": "the reporting service never passes request data to QuerySet.order_by()",
        "scope": "component",
    },
    "CVE-2023-32681": {
        "status": "not_affected",
        "justification": "vulnerable_code_cannot_be_controlled_by_adversary",
        "reason": "the portal makes no requests through proxies",
    },
    "CVE-2021-3711": {
        "status": "affected",
        "action_statement": "install release 2.1.0 (OpenSSL 1.1.1n); until then keep "
        "the gateway on the clinical VLAN",
        "reason": "the gateway decrypts SM2 only if configured; "
        "we cannot rule it out on deployed units",
    },
}
_RISKS: dict[str, dict[str, Any]] = {
    "CVE-2021-3711": {
        "hazardous_situation": "an attacker on the clinical network crashes the gateway; "
        "pump alarms stop reaching the central station",
        "harm": "delayed response to an occlusion alarm",
        "severity": "serious",
        "controls": ["clinical VLAN segmentation:1", "local pump alarm:0:1"],
    },
    "CVE-2020-16150": {
        "hazardous_situation": "TLS keys recovered by timing; infusion parameters altered",
        "harm": "medication overdose",
        "severity": "critical",
        "controls": ["drug library hard limits in pump firmware:0:1"],
    },
}
