"""The demo's CVD case: a fictional researcher reports that the pump's gateway is open to the
Mbed TLS timing side channel; the PSIRT handles it up to "remediated" (release 2.1.0)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from medsec.core.clock import utcnow
from medsec.cvd import coordination, intake_service, links
from medsec.cvd import service as cvd
from medsec.demo import data
from medsec.findings import decisions, listing

VULN = "CVE-2020-16150"
REPORT = {
    "product": "InfuGuard 500 wireless gateway",
    "version": "2.0.0",
    "description": (
        "TLS session data of the pump's gateway can be recovered by timing.\n"
        "The gateway's TLS stack (Mbed TLS 2.16) answers CBC records with padding errors "
        "measurably faster than valid ones (Lucky 13). From the clinical network I recovered "
        "plaintext bytes of infusion-program uploads after about 2^23 connections."
    ),
    "reproduction_steps": (
        "1. Connect to the gateway on 443/tcp from the clinical VLAN.\n"
        "2. Run the attached timing script against TLS_RSA_WITH_AES_128_CBC_SHA.\n"
        "3. Compare response times for valid and invalid padding."
    ),
    "finder_name": "Ada Example (fictional researcher)",
    "finder_email": "ada@research.example",
    "cvss_vector": "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
}


def build_cvd_case(session: Session, *, actor: str) -> str:
    """Create the demo CVD case and take it to "remediated"; returns its receipt id."""
    start = utcnow().replace(microsecond=0) - timedelta(days=21)
    receipt = intake_service.submit_report(session, fields=REPORT, source="api", now=start)
    case = receipt.receipt_id
    found = {
        f.vulnerability.id: f.id
        for f in listing.list_findings(session, product=data.PRODUCT, version="2.0.0")
    }

    def move(action: str, days: int, **kwargs: str) -> None:
        cvd.transition(
            session, case=case, action=action, actor=actor, now=start + timedelta(days), **kwargs
        )

    move("acknowledge", 1)
    cvd.log_message(
        session,
        case=case,
        text="Thank you for your report; we are reproducing it and will reply within 10 days.",
        actor=actor,
        direction="outbound",
        channel="e-mail",
        now=start + timedelta(days=1),
    )
    move("triage", 7, outcome="valid", reason=f"reproduced on 2.0.0; it is {VULN} in Mbed TLS")
    links.link(session, case=case, actor=actor, product=data.PRODUCT, release="2.0.0")
    links.link(session, case=case, actor=actor, finding=found[VULN], vuln=VULN)
    links.set_cve(session, case=case, cve_id=VULN, actor=actor)
    links.set_credit(session, case=case, credit="Ada Example", actor=actor)
    decisions.decide(
        session,
        finding_id=found[VULN],
        status="affected",
        action_statement="install release 2.1.0 (Mbed TLS 2.28 LTS); until then keep the "
        "gateway on the clinical VLAN",
        reason=f"CVD case {case}: reproduced on 2.0.0 by the PSIRT",
        actor=actor,
    )
    cvd.set_risk(session, case=case, risk="derived", actor=actor)  # from the risk record
    coordination.coordinate(
        session,
        case=case,
        contact="US",
        org="ICS-CERT",
        informed=(start + timedelta(days=8)).date(),
        reference="ICS-VU-000000 (fictional)",
        actor=actor,
    )
    move("start-remediation", 8)
    move("remediated", 19, reason="release 2.1.0 ships Mbed TLS 2.28 LTS")
    cvd.log_message(
        session,
        case=case,
        text="Release 2.1.0 fixes the issue; field service installs it. Advisory to follow.",
        actor=actor,
        direction="outbound",
        channel="e-mail",
        now=start + timedelta(days=19),
    )
    return case


def disclose_case(session: Session, *, case: str, tracking_id: str, actor: str) -> None:
    """Disclose the demo case with the published advisory and tell the finder."""
    at = utcnow().replace(microsecond=0)
    cvd.transition(
        session,
        case=case,
        action="disclose",
        reason=f"advisory {tracking_id} published (remediation in 2.1.0)",
        actor=actor,
        now=at,
    )
    cvd.log_message(
        session,
        case=case,
        text=f"Advisory {tracking_id} is published and credits you. Thank you for the report.",
        actor=actor,
        direction="outbound",
        channel="e-mail",
        now=at,
    )
