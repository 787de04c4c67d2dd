"""A hand-made advisory (two devices, components, every VEX status, justification and remediation
category) shared by the advisory export tests, and the model's own consistency checks."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest

from medsec.core.updates import UpdateMethod
from medsec.core.vex import Justification, VexStatus
from medsec.errors import InvalidInput
from medsec.export.advisory_model import (
    Advisory,
    AdvisoryVulnerability,
    Component,
    Cwe,
    Note,
    NoteCategory,
    Product,
    ProductStatus,
    ProductVersion,
    Publisher,
    Reference,
    Relationship,
    Remediation,
    RemediationCategory,
    Revision,
    Score,
    Threat,
    ThreatCategory,
    Tracking,
    TrackingStatus,
    Vendor,
    VulnId,
    check_advisory,
    check_tracking,
)

S, J, R = VexStatus, Justification, RemediationCategory


def day(n: int) -> datetime:
    """A fixed UTC date in 2024 (day ``n`` of March)."""
    return datetime(2024, 3, n, 9, 30, tzinfo=UTC)


def tracking(status: TrackingStatus = TrackingStatus.FINAL, *numbers: str) -> Tracking:
    """A tracking block whose revisions are ``numbers`` on consecutive days."""
    numbers = numbers or ("1", "2", "3")
    revisions = tuple(Revision(n, day(i + 1), f"Revision {n}.") for i, n in enumerate(numbers))
    return Tracking(
        id="ACME-SA-2024:001",
        status=status,
        version=numbers[-1],
        revisions=revisions,
        initial_release_date=day(1),
        current_release_date=day(len(numbers)),
    )


PUMP = Product(
    "InfuSafe 300",
    model_numbers=("IS-300",),
    versions=(
        ProductVersion("P-IS-190", "1.9.0", purl="pkg:generic/acme/infusafe@1.9.0"),
        ProductVersion("P-IS-210", "2.1.0", purl="pkg:generic/acme/infusafe@2.1.0"),
        ProductVersion("P-IS-220", "2.2.0", cpe="cpe:2.3:h:acme:infusafe_300:2.2.0:*:*:*:*:*:*:*"),
    ),
)
MONITOR = Product(
    "VitalView Monitor",
    versions=(
        ProductVersion("P-VV-501", "5.0.1", model_numbers=("VV-5",)),
        ProductVersion("P-VV-510", "5.1.0", purl="pkg:generic/acme/vitalview@5.1.0"),
    ),
)
COMPONENTS = (
    Component("C-OSSL-307", "openssl", "3.0.7", "OpenSSL Project", "pkg:generic/openssl@3.0.7"),
    Component("C-OSSL-308", "openssl", "3.0.8", "OpenSSL Project", "pkg:generic/openssl@3.0.8"),
    Component("C-BB-1350", "busybox", "1.35.0", purl="pkg:generic/busybox@1.35.0"),
)
RELATIONSHIPS = (
    Relationship("R-IS210-OSSL", "C-OSSL-307", "P-IS-210"),
    Relationship("R-IS220-OSSL", "C-OSSL-308", "P-IS-220"),
    Relationship("R-VV501-OSSL", "C-OSSL-307", "P-VV-501"),
    Relationship("R-VV501-BB", "C-BB-1350", "P-VV-501"),
    Relationship("R-VV510-BB", "C-BB-1350", "P-VV-510"),
)
OPENSSL_VULN = AdvisoryVulnerability(
    cve="CVE-2022-3602",
    ids=(VulnId("GHSA", "GHSA-8rwr-x37p-mx23"),),
    title="X.509 email address buffer overflow in OpenSSL",
    cwe=Cwe("CWE-787", "Out-of-bounds Write"),
    notes=(Note(NoteCategory.DESCRIPTION, "A buffer overrun in X.509 certificate checks."),),
    statuses=(
        ProductStatus("P-IS-210", S.AFFECTED, action_statement="Update to 2.2.0."),
        ProductStatus("R-IS210-OSSL", S.AFFECTED, action_statement="Update to 2.2.0."),
        ProductStatus("P-IS-220", S.FIXED, status_notes="openssl 3.0.8 ships."),
        ProductStatus("R-IS220-OSSL", S.FIXED),
        ProductStatus("P-IS-190", S.NOT_AFFECTED, J.COMPONENT_NOT_PRESENT),
        ProductStatus(
            "R-VV501-OSSL",
            S.NOT_AFFECTED,
            J.INLINE_MITIGATIONS_ALREADY_EXIST,
            impact_statement="Stack canaries and a hardened allocator stop the overflow.",
        ),
        ProductStatus("P-VV-501", S.NOT_AFFECTED, J.VULNERABLE_CODE_NOT_IN_EXECUTE_PATH),
    ),
    remediations=(
        Remediation(
            R.VENDOR_FIX,
            "Install release 2.2.0.",
            ("P-IS-210", "R-IS210-OSSL"),
            fixed_in="P-IS-220",
            update_method=UpdateMethod.SERVICE_VISIT,
            url="https://psirt.acme-medical.example/updates/is300-2.2.0",
            date=day(3),
        ),
        Remediation(R.MITIGATION, "Place pumps on a segmented clinical VLAN.", ("P-IS-210",)),
    ),
    scores=(
        Score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", ("P-IS-210", "R-IS210-OSSL")),
        Score("CVSS:4.0/AV:N/AC:H/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", ("P-IS-210",)),
    ),
    threats=(
        Threat(ThreatCategory.EXPLOIT_STATUS, "Not listed in the CISA KEV catalog.", date=day(2)),
        Threat(ThreatCategory.IMPACT, "An attacker could stop an infusion.", ("P-IS-210",)),
    ),
    references=(Reference("https://www.openssl.org/news/secadv/20221101.txt", "OpenSSL"),),
    discovery_date=day(1),
    release_date=day(2),
)
BUSYBOX_VULN = AdvisoryVulnerability(
    ids=(VulnId("GHSA", "GHSA-2cw7-pmpq-fw5v"),),
    title="BusyBox telnetd command injection",
    cwe=Cwe(
        "CWE-78",
        COMMAND_INJECTION := (
            "Improper Neutralization of Special Elements used in an OS Command "
            "('OS Command Injection')"
        ),
    ),
    statuses=(
        ProductStatus(
            "R-VV501-BB",
            S.AFFECTED,
            action_statement="Disable the telnet service in the service menu.",
            action_category=R.WORKAROUND,
        ),
        ProductStatus("P-VV-501", S.AFFECTED, action_statement="Replace the monitor."),
        ProductStatus("R-VV510-BB", S.NOT_AFFECTED, J.VULNERABLE_CODE_NOT_PRESENT),
        ProductStatus("P-VV-510", S.NOT_AFFECTED, J.CANNOT_BE_CONTROLLED_BY_ADVERSARY),
        ProductStatus("P-IS-210", S.UNDER_INVESTIGATION, status_notes="Analysis ongoing."),
    ),
    remediations=(
        Remediation(R.NO_FIX_PLANNED, "5.0.1 has reached end of support.", ("P-VV-501",)),
        Remediation(R.NONE_AVAILABLE, "No update exists for 5.0.1.", ("P-VV-501",)),
        Remediation(
            R.VENDOR_FIX,
            "Upgrade to 5.1.0.",
            ("P-VV-501",),
            fixed_in="P-VV-510",
            update_method=UpdateMethod.REMOTE,
        ),
    ),
    scores=(
        Score("CVSS:3.0/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", ("R-VV501-BB",)),
        Score("AV:N/AC:L/Au:N/C:P/I:P/A:P", ("P-VV-501",)),
    ),
)


def advisory(**changes: object) -> Advisory:
    """The hand-made advisory, with fields replaced by ``changes``."""
    base = Advisory(
        tracking=tracking(),
        publisher=Publisher("Acme Medical PSIRT", "https://psirt.acme-medical.example"),
        title="Acme InfuSafe and VitalView: OpenSSL and BusyBox vulnerabilities",
        vendors=(Vendor("Acme Medical", (PUMP, MONITOR)),),
        components=COMPONENTS,
        relationships=RELATIONSHIPS,
        vulnerabilities=(OPENSSL_VULN, BUSYBOX_VULN),
        notes=(
            Note(NoteCategory.SUMMARY, "Two vulnerabilities affect older releases."),
            Note(NoteCategory.GENERAL, "Keep pumps on the clinical network.", "Advice"),
            Note(NoteCategory.LEGAL_DISCLAIMER, "Provided as is.", "Terms of use"),
            Note(
                NoteCategory.GENERAL,
                "Pumps keep working; no change to clinical use is needed.",
                "For clinicians",
                audience="Clinicians and patients",
            ),
        ),
        references=(
            Reference("https://psirt.acme-medical.example/sa-2024-001", "Advisory page"),
            Reference("https://psirt.acme-medical.example/acme-sa-2024_001.json", "CSAF", "self"),
        ),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_hand_made_advisory_is_consistent() -> None:
    adv = advisory()
    check_advisory(adv)
    statuses = {s.status for v in adv.vulnerabilities for s in v.statuses}
    justifications = {s.justification for v in adv.vulnerabilities for s in v.statuses}
    categories = {r.category for v in adv.vulnerabilities for r in v.remediations}
    categories |= {s.action_category for v in adv.vulnerabilities for s in v.statuses}
    assert statuses == set(VexStatus)
    assert justifications - {None} == set(Justification)
    assert categories == set(RemediationCategory)
    assert "R-VV501-BB" in adv.product_ids() and "C-BB-1350" in adv.product_ids()


@pytest.mark.parametrize(
    ("numbers", "status", "rule"),
    [
        (("1", "1"), TrackingStatus.FINAL, "6.1.22"),
        (("1", "1.0.0"), TrackingStatus.FINAL, "6.1.30"),
        (("2", "1"), TrackingStatus.FINAL, "6.1.14"),
        (("1", "3"), TrackingStatus.FINAL, "6.1.21"),
        (("2",), TrackingStatus.FINAL, "6.1.21"),
        (("0", "1"), TrackingStatus.FINAL, "6.1.18"),
        (("1.0.0-rc.1",), TrackingStatus.DRAFT, "6.1.30"),
    ],
)
def test_inconsistent_tracking_is_refused(
    numbers: tuple[str, ...], status: TrackingStatus, rule: str
) -> None:
    with pytest.raises(InvalidInput, match=re.escape(f"[csaf.{rule}]")):
        check_tracking(tracking(status, *numbers))


def test_version_must_be_latest_revision() -> None:
    bad = dataclasses.replace(tracking(), version="2")
    with pytest.raises(InvalidInput, match=r"6\.1\.16"):
        check_tracking(bad)


def test_semver_and_draft_histories_are_accepted() -> None:
    check_tracking(tracking(TrackingStatus.FINAL, "1.0.0", "1.0.1", "2.0.0"))
    check_tracking(tracking(TrackingStatus.DRAFT, "0", "1"))
    check_tracking(tracking(TrackingStatus.DRAFT, "0.1.0"))


def test_inconsistent_products_and_decisions_are_refused() -> None:
    dup = Vendor("Other", (Product("X", (ProductVersion("P-IS-190", "1.0"),)),))
    with pytest.raises(InvalidInput, match=r"6\.1\.2\]"):
        check_advisory(advisory(vendors=(Vendor("Acme Medical", (PUMP, MONITOR)), dup)))
    ghost = dataclasses.replace(
        OPENSSL_VULN, statuses=(ProductStatus("P-NOPE", S.FIXED),), remediations=(), scores=()
    )
    with pytest.raises(InvalidInput, match=r"6\.1\.1\]"):
        check_advisory(advisory(vulnerabilities=(ghost,)))
    twice = dataclasses.replace(
        OPENSSL_VULN, statuses=(*OPENSSL_VULN.statuses, ProductStatus("P-IS-190", S.FIXED))
    )
    with pytest.raises(InvalidInput, match=r"6\.1\.6\]"):
        check_advisory(advisory(vulnerabilities=(twice,)))
    no_action = dataclasses.replace(OPENSSL_VULN, statuses=(ProductStatus("P-IS-210", S.AFFECTED),))
    with pytest.raises(InvalidInput, match="action statement"):
        check_advisory(advisory(vulnerabilities=(no_action,)))
    two_v3 = dataclasses.replace(
        OPENSSL_VULN,
        scores=(*OPENSSL_VULN.scores, Score(OPENSSL_VULN.scores[0].vector, ("P-IS-210",))),
    )
    with pytest.raises(InvalidInput, match=r"6\.1\.7\]"):
        check_advisory(advisory(vulnerabilities=(two_v3,)))
    stray = dataclasses.replace(
        OPENSSL_VULN,
        remediations=(Remediation(R.WORKAROUND, "Unplug it.", ("P-VV-510",)),),
    )
    with pytest.raises(InvalidInput, match=r"6\.1\.27\.13\]"):
        check_advisory(advisory(vulnerabilities=(stray,)))
