"""The registry of document kinds and their section ids (jurisdiction profiles choose)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One section of a generated document: a stable id, its seed clause and English title."""

    id: str
    clause: str
    title: str


TO_COMPLETE = "to_complete"

SECTIONS: dict[str, tuple[Section, ...]] = {
    "design": (
        Section("design.device", "5.6.1", "Device and release"),
        Section("design.system_model", "5.6.1", "System model and diagram"),
        Section("design.interfaces", "5.6.1", "Interfaces, enabled and disabled"),
        Section("design.controls", "5.6.1", "Security controls and their rationale"),
    ),
    "risk": (
        Section("risk.threat_model", "5.6.2", "Threat model"),
        Section("risk.risks", "5.6.2", "Risks before and after controls"),
        Section("risk.safety_effects", "5.6.2", "Effects of security controls on safety"),
        Section("risk.acceptance", "5.6.2", "Residual risk acceptance"),
    ),
    "test": (
        Section("test.evidence", "5.6.3", "Test evidence by kind of test"),
        Section("test.traceability", "5.6.3", "Traceability matrix"),
        Section(
            "test.vuln_xref", "5.6.3", "Components cross-referenced to vulnerability databases"
        ),
        Section("test.references", "5.6.3", "Standards and procedures referenced"),
    ),
    "tplc": (
        Section("tplc.monitoring", "5.4", "Monitoring"),
        Section("tplc.disclosure", "5.4", "Coordinated vulnerability disclosure"),
        Section("tplc.updates", "5.4", "Updates and patches"),
        Section("tplc.recovery", "5.4", "Recovery"),
        Section("tplc.sharing", "5.4", "Information sharing"),
        Section("tplc.end_of_support", "5.4", "End of support"),
    ),
    "labeling": (
        Section("labeling.recommended_controls", "5.5.1", "Recommended security controls"),
        Section("labeling.backup_restore", "5.5.1", "Backup and restore"),
        Section("labeling.ports_interfaces", "5.5.1", "Network ports and interfaces"),
        Section("labeling.system_diagram", "5.5.1", "System diagram"),
    ),
    "customer": (
        Section("customer.recommended_controls", "5.5.1", "Recommended security controls"),
        Section("customer.backup_restore", "5.5.1", "Backup and restore"),
        Section("customer.ports_interfaces", "5.5.1", "Network ports and interfaces"),
        Section("customer.system_diagram", "5.5.1", "System diagram"),
        Section("customer.infrastructure", "5.5.2", "Infrastructure requirements"),
        Section("customer.hardening", "5.5.2", "Hardening"),
        Section(
            "customer.incident_response", "5.5.2", "When a vulnerability or incident is detected"
        ),
        Section("customer.security_events", "5.5.2", "How the device signals security events"),
        Section(
            "customer.configuration_backup", "5.5.2", "Configuration backup by privileged users"
        ),
        Section("customer.update_procedure", "5.5.2", "Update procedure"),
        Section("customer.end_of_support", "5.5.2", "Cybersecurity end of support"),
        Section("customer.sbom", "5.5.2", "Software bill of materials"),
    ),
}

SUBMISSION_KINDS: tuple[str, ...] = ("design", "risk", "test", "tplc", "labeling")
KINDS: tuple[str, ...] = (*SECTIONS, "submission")


def sections_of(kind: str) -> tuple[Section, ...]:
    """The sections of one kind, in order (the submission is its kinds' sections in turn)."""
    if kind == "submission":
        return tuple(s for k in SUBMISSION_KINDS for s in SECTIONS[k])
    return SECTIONS[kind]


def section_ids(kind: str) -> list[str]:
    """The section ids of one kind."""
    return [s.id for s in sections_of(kind)]
