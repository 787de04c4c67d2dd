"""The demo's design-phase record for InfuGuard 500 2.1.0: the system model (pump, wireless
gateway, clinician tablet app, drug library server, update server, hospital network), threats
generated and edited, controls from the Table 1 principles linked to them, evidence from a
SARIF and a JUnit file the demo writes, a risk on a threat accepted by the reviewer, and a
matrix with one honest gap (the audit-log control has no test yet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from medsec.controls import service as controls
from medsec.controls.schemas import ControlCreate
from medsec.demo import data
from medsec.evidence import service as evidence
from medsec.risk import rules as risk_rules
from medsec.sysmodel import service as sysmodel
from medsec.threats import service as threats
from medsec.threats.schemas import ThreatEdit
from medsec.trace import service as trace

RELEASE = "2.1.0"
PSIRT, REVIEWER = "demo:psirt", "demo:reviewer"

MODEL = """\
medsec-system-model: 1
name: InfuGuard 500 infusion system
description: Fictional networked infusion pump and the systems it talks to.
boundaries:
  - {id: hospital, name: Hospital clinical network}
  - {id: vendor, name: Manufacturer cloud}
elements:
  - id: pump
    type: device
    name: InfuGuard 500 pump
    boundary: hospital
    interfaces:
      - {name: Wi-Fi 802.11ac, kind: wireless, enabled: true, protocol: HTTPS, port: 443}
      - {name: Bluetooth LE, kind: bluetooth, enabled: false,
         reason: radio present on the board but disabled in firmware; no use case}
      - {name: USB service port, kind: service-port, enabled: false,
         reason: sealed behind the battery door; enabled only by a signed service key}
  - {id: gateway, type: process, name: Wireless gateway, boundary: hospital,
     interfaces: [{name: MQTT/TLS, kind: network-port, enabled: true, protocol: MQTT, port: 8883}]}
  - {id: tablet, type: clinician, name: Clinician tablet app, boundary: hospital}
  - {id: druglib, type: data-store, name: Drug library server, boundary: hospital}
  - {id: network, type: network, name: Hospital network, boundary: hospital}
  - {id: updates, type: update-server, name: Firmware update server, boundary: vendor}
flows:
  - {id: order, from: tablet, to: gateway, name: Infusion order, protocol: HTTPS, port: 443,
     data: [infusion program], classification: safety-critical}
  - {id: program, from: gateway, to: pump, name: Program download, protocol: MQTT/TLS,
     port: 8883, data: [infusion program], classification: safety-critical}
  - {id: status, from: pump, to: gateway, name: Pump status and alarms, protocol: MQTT/TLS,
     port: 8883, data: [alarms, infusion status, patient id], classification: personal-health}
  - {id: library, from: druglib, to: gateway, name: Drug library sync, protocol: HTTPS,
     port: 443, data: [drug limits], classification: safety-critical}
  - {id: firmware, from: updates, to: gateway, name: Firmware update download, protocol: HTTPS,
     port: 443, data: [signed firmware image]}
"""

# control -> (name, principles, owner, side effects, evidence selector, library ids it answers)
CONTROLS: list[tuple[str, str, list[str], str, str | None, str, tuple[str, ...]]] = [
    (
        "C-TLS",
        "Mutual TLS with device certificates on every flow",
        ["secure-communication", "data-protection"],
        "Firmware team",
        "Handshake adds about 40 ms before a program starts; within the essential performance "
        "(start of infusion within 2 s).",
        "junit:tests.security.test_tls::*",
        ("FLOW-T", "FLOW-I", "MD-CROSSING", "MD-SAFETY-DATA", "MD-HEALTH-DATA", "MD-WIRELESS"),
    ),
    (
        "C-SIGN",
        "Signed firmware and anti-rollback",
        ["software-maintenance", "device-integrity"],
        "Release engineering",
        None,
        "junit:tests.security.test_update::*",
        ("MD-UPDATE", "GEN-T", "MD-SUPPLY"),
    ),
    (
        "C-AUTH",
        "Clinician login with per-user credentials and role-based access",
        ["user-authentication"],
        "Clinical apps team",
        "Emergency access without login keeps a running infusion going (no therapy stop).",
        "junit:tests.security.test_auth::*",
        ("GEN-S", "GEN-E", "MD-CLINICIAN", "MD-MISCONFIG"),
    ),
    (
        "C-SAFE",
        "Local fail-safe: the pump keeps the running program when the network fails",
        ["reliability-availability"],
        "Systems engineering",
        None,
        "junit:tests.security.test_failsafe::*",
        ("GEN-D", "FLOW-D", "MD-DEPLOY"),
    ),
    (
        "C-DATA",
        "Encrypted storage of programs and patient identifiers",
        ["data-protection"],
        "Firmware team",
        None,
        "junit:tests.security.test_storage::*",
        ("GEN-I", "MD-LEGACY"),
    ),
    (
        "C-LOG",
        "Tamper-evident audit log of programming and configuration changes",
        ["device-integrity"],
        "Firmware team",
        None,
        "junit:tests.security.test_audit_log::*",
        ("GEN-R",),
    ),
]

JUNIT = """<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="InfuGuard 500 2.1.0 security tests">
  <testsuite name="tests.security" tests="8">
    <testcase classname="tests.security.test_tls" name="test_mutual_tls_required" time="0.8"/>
    <testcase classname="tests.security.test_tls" name="test_replayed_program_refused" time="0.4"/>
    <testcase classname="tests.security.test_update" name="test_unsigned_image_refused" time="2.1"/>
    <testcase classname="tests.security.test_update" name="test_rollback_refused" time="1.9"/>
    <testcase classname="tests.security.test_auth"
              name="test_shared_credentials_impossible" time="0.3"/>
    <testcase classname="tests.security.test_auth"
              name="test_default_password_forced_change" time="0.2"/>
    <testcase classname="tests.security.test_failsafe"
              name="test_network_loss_keeps_infusion" time="5.0"/>
    <testcase classname="tests.security.test_storage"
              name="test_program_store_encrypted" time="0.6"/>
  </testsuite>
</testsuites>
"""

SARIF = """{
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {"name": "CodeQL", "rules": [
      {"id": "cpp/unbounded-write", "shortDescription": {"text": "Unbounded write"},
       "properties": {"tags": ["security", "external/cwe/cwe-120"]}}]}},
    "results": [{
      "ruleId": "cpp/unbounded-write", "level": "warning",
      "message": {"text": "sprintf into a fixed buffer while formatting the drug name"},
      "locations": [{"physicalLocation": {"artifactLocation": {"uri": "ui/druglist.c"},
                     "region": {"startLine": 212}}}]}]
  }]
}
"""


@dataclass
class DesignReport:
    """What the design demo made."""

    files: list[Path] = field(default_factory=list)
    elements: int = 0
    flows: int = 0
    threats: int = 0
    controls: int = 0
    results: int = 0
    to_triage: int = 0
    gaps: list[str] = field(default_factory=list)
    enough: str = ""


def build(session: Session, folder: Path) -> DesignReport:
    """Build the design-phase record of release 2.1.0 and write its input files."""
    report = DesignReport()
    model_path = folder / "infuguard-500-model.yaml"
    model_path.write_text(MODEL)
    junit_path = folder / "infuguard-500-2.1.0-security-tests.junit.xml"
    junit_path.write_text(JUNIT)
    sarif_path = folder / "infuguard-500-2.1.0-codeql.sarif"
    sarif_path.write_text(SARIF)
    report.files = [model_path, junit_path, sarif_path]
    p = data.PRODUCT
    out = sysmodel.import_model(
        session,
        product=p,
        release=RELEASE,
        data=model_path.read_bytes(),
        source=model_path.name,
        actor=PSIRT,
    )
    report.elements, report.flows = out.model.counts["elements"], out.model.counts["flows"]
    threats.generate(session, product=p, release=RELEASE, actor=PSIRT)
    all_threats = threats.list_threats(session, product=p, release=RELEASE, actor=PSIRT)
    report.threats = len(all_threats)
    for key, name, principles, owner, effects, selector, answers in CONTROLS:
        controls.add_control(
            session,
            product=p,
            actor=PSIRT,
            data=ControlCreate(
                key=key,
                name=name,
                principles=principles,
                owner=owner,
                side_effects=effects,
                selectors=[selector],
                rationale=f"Answers {', '.join(answers)} threats of the library.",
            ),
        )
        keys = [t.key for t in all_threats if t.library_id in answers]
        controls.link(session, product=p, key=key, release=RELEASE, actor=PSIRT, threat_keys=keys)
    report.controls = len(CONTROLS)
    for path, kind in ((junit_path, "junit"), (sarif_path, "sarif")):
        evidence.import_file(
            session,
            product=p,
            release=RELEASE,
            data=path.read_bytes(),
            source=path.name,
            kind=kind,
            actor=PSIRT,
        )
    verified = {
        c.key
        for c in controls.list_controls(session, product=p, actor=PSIRT, release=RELEASE)
        if c.verification == "verified"
    }
    by_control = {key: answers for key, *_, answers in CONTROLS}
    for t in all_threats:
        if any(t.library_id in by_control[k] for k in verified):
            threats.set_threat(
                session,
                product=p,
                release=RELEASE,
                key=t.key,
                actor=PSIRT,
                edit=ThreatEdit(status="mitigated"),
            )
    threats.set_threat(
        session,
        product=p,
        release=RELEASE,
        key="MD-SAFETY-DATA@program",
        actor=PSIRT,
        edit=ThreatEdit(severity="critical"),
    )
    threats.assess_risk(
        session,
        product=p,
        release=RELEASE,
        key="MD-SAFETY-DATA@program",
        hazardous_situation="the pump runs an infusion program nobody ordered",
        harm="overdose of a high-alert drug",
        severity="critical",
        exploitability="medium",
        controls=[risk_rules.Control("C-TLS mutual TLS", 2, 0, "C-TLS" in verified)],
        actor=PSIRT,
    )
    threats.accept_risk(
        session,
        product=p,
        release=RELEASE,
        key="MD-SAFETY-DATA@program",
        actor=REVIEWER,
        rationale="Residual risk acceptable: programs are authenticated end to end (C-TLS, "
        "verified by the 2.1.0 security tests) and the pump checks drug limits locally.",
    )
    m = trace.matrix(session, product=p, release=RELEASE, actor=PSIRT)
    cov = evidence.coverage(session, product=p, release=RELEASE, actor=PSIRT)
    report.results, report.to_triage = cov.results, cov.to_triage
    report.gaps, report.enough = m.gaps, m.did_we_do_enough
    return report
