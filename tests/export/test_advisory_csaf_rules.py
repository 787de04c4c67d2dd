"""CSAF 2.0 export: the hand-made advisory and randomized ones pass the `csaf` package's schema and
every mandatory test (6.1.x) for both profiles; inconsistent input is refused by rule."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import orjson
import pytest
from csaf.csaf.v20._validator import validate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_advisory_data import OPENSSL_VULN, advisory, day

from medsec.core import cvss
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
    TlpLabel,
    Tracking,
    TrackingStatus,
    Vendor,
    VulnId,
)
from medsec.export.csaf import PROFILES, csaf_filename, to_csaf, to_csaf_bytes


def failures(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Failed schema/mandatory tests of a document (id → messages)."""
    report = validate(doc, preset="full")
    return {
        r.id: [e.message for e in r.errors]
        for r in report.results
        if not r.passed and not r.skipped and r.group in ("schema", "mandatory")
    }


@pytest.mark.parametrize("profile", PROFILES)
def test_hand_made_advisory_passes_schema_and_mandatory_tests(profile: str) -> None:
    doc = to_csaf(advisory(), profile=profile)  # type: ignore[arg-type]
    report = validate(doc)
    ran = {r.id for r in report.results if not r.skipped}
    assert report.overall_valid, failures(doc)
    assert {"schema", "6.1.9", "6.1.27", "6.1.33"} <= ran
    assert failures(doc) == {}
    assert doc["document"]["category"] == profile


def test_product_tree_status_flags_threats_and_remediations() -> None:
    doc = to_csaf(advisory(), profile="csaf_vex")
    vendors = {b["name"]: b for b in doc["product_tree"]["branches"]}
    pump = next(b for b in vendors["Acme Medical"]["branches"] if b["name"] == "InfuSafe 300")
    assert [b["name"] for b in pump["branches"]] == ["1.9.0", "2.1.0", "2.2.0"]
    assert {b["category"] for b in pump["branches"]} == {"product_version"}
    assert "OpenSSL Project" in vendors  # supplier-named components get branches
    loose = doc["product_tree"]["full_product_names"]
    assert [p["product_id"] for p in loose] == ["C-BB-1350"]
    rels = {r["full_product_name"]["product_id"]: r for r in doc["product_tree"]["relationships"]}
    assert rels["R-VV501-BB"]["product_reference"] == "C-BB-1350"
    assert rels["R-VV501-BB"]["relates_to_product_reference"] == "P-VV-501"
    assert rels["R-VV501-BB"]["category"] == "default_component_of"

    ossl, busybox = doc["vulnerabilities"]
    assert ossl["product_status"]["known_affected"] == ["P-IS-210", "R-IS210-OSSL"]
    assert ossl["product_status"]["fixed"] == ["P-IS-220", "R-IS220-OSSL"]
    assert busybox["product_status"]["under_investigation"] == ["P-IS-210"]
    flags = {f["label"]: f["product_ids"] for v in doc["vulnerabilities"] for f in v["flags"]}
    assert set(flags) == {j.value for j in Justification}
    assert flags["component_not_present"] == ["P-IS-190"]
    impacts = [t for t in ossl["threats"] if t["category"] == "impact"]
    assert any(t["details"].startswith("Stack canaries") for t in impacts)
    assert any(t["category"] == "exploit_status" for t in ossl["threats"])
    fix = next(r for r in ossl["remediations"] if r["category"] == "vendor_fix")
    assert "Acme Medical InfuSafe 300 2.2.0" in fix["details"]
    assert "Service visit" in fix["details"]
    workaround = next(r for r in busybox["remediations"] if r["category"] == "workaround")
    assert workaround["product_ids"] == ["R-VV501-BB"]  # the action statement, 6.1.27.10
    assert workaround["details"].startswith("Disable the telnet")
    cats = {r["category"] for v in doc["vulnerabilities"] for r in v["remediations"]}
    assert cats == {c.value for c in RemediationCategory}


def test_scores_are_computed_from_vectors_and_v4_is_left_out() -> None:
    doc = to_csaf(advisory())
    ossl, busybox = doc["vulnerabilities"]
    assert len(ossl["scores"]) == 1  # the v4.0 vector has no place in CSAF 2.0
    v3 = ossl["scores"][0]["cvss_v3"]
    # CVSS 3.1 AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H is 8.1 (FIRST calculator)
    assert (v3["version"], v3["baseScore"], v3["baseSeverity"]) == ("3.1", 8.1, "HIGH")
    kinds = sorted(next(iter(k for k in s if k != "products")) for s in busybox["scores"])
    assert kinds == ["cvss_v2", "cvss_v3"]


def test_document_tracking_and_serialization() -> None:
    raw = to_csaf_bytes(advisory(), profile="csaf_vex")
    doc = orjson.loads(raw)
    tracking = doc["document"]["tracking"]
    assert tracking["version"] == tracking["revision_history"][-1]["number"] == "3"
    assert [r["number"] for r in tracking["revision_history"]] == ["1", "2", "3"]
    assert doc["document"]["distribution"]["tlp"]["label"] == "WHITE"
    audiences = [n.get("audience") for n in doc["document"]["notes"]]
    assert "Clinicians and patients" in audiences

    def keys_sorted(value: Any) -> bool:
        if isinstance(value, dict):
            return list(value) == sorted(value) and all(map(keys_sorted, value.values()))
        if isinstance(value, list):
            return all(map(keys_sorted, value))
        return True

    assert keys_sorted(doc) and keys_sorted(to_csaf(advisory()))
    assert raw.startswith(b'{\n  "document"')


@pytest.mark.parametrize(
    ("tracking_id", "expected"),
    [
        ("ACME-SA-2024:001", "acme-sa-2024_001.json"),
        ("CVRF-CVE-2018-0171", "cvrf-cve-2018-0171.json"),
        ("Example  ID / 7+x", "example_id_7+x.json"),
    ],
)
def test_csaf_filename(tracking_id: str, expected: str) -> None:
    assert csaf_filename(tracking_id) == expected


def test_profile_rules_are_refused_before_output() -> None:
    with pytest.raises(InvalidInput, match=r"6\.1\.27\.2"):
        to_csaf(advisory(references=()), profile="csaf_security_advisory")
    assert failures(to_csaf(advisory(references=()), profile="csaf_vex")) == {}
    nameless = dataclasses.replace(OPENSSL_VULN, cve=None, ids=())
    with pytest.raises(InvalidInput, match=r"6\.1\.27\.8"):
        to_csaf(advisory(vulnerabilities=(nameless,)), profile="csaf_vex")
    ranged = Vendor("Acme", (Product("Pump", (ProductVersion("X-1", "2.0 and later"),)),))
    vuln = AdvisoryVulnerability((ProductStatus("X-1", VexStatus.FIXED),), cve="CVE-2024-0001")
    with pytest.raises(InvalidInput, match=r"6\.1\.31"):
        to_csaf(
            advisory(vendors=(ranged,), components=(), relationships=(), vulnerabilities=(vuln,))
        )
    with pytest.raises(InvalidInput, match=r"6\.1\.27\.11"):
        to_csaf(advisory(vulnerabilities=()), profile="csaf_vex")
    pending = dataclasses.replace(
        OPENSSL_VULN,
        statuses=(ProductStatus("P-IS-210", VexStatus.UNDER_INVESTIGATION),),
        remediations=(),
    )
    with pytest.raises(InvalidInput, match=r"6\.1\.27\.12"):
        to_csaf(advisory(vulnerabilities=(pending,)), profile="csaf_security_advisory")
    assert failures(to_csaf(advisory(vulnerabilities=(pending,)), profile="csaf_vex")) == {}
    unremedied = dataclasses.replace(OPENSSL_VULN, remediations=())
    with pytest.raises(InvalidInput, match=r"6\.1\.27\.13"):
        to_csaf(advisory(vulnerabilities=(unremedied,)), profile="csaf_security_advisory")
    with pytest.raises(InvalidInput, match="profile"):
        to_csaf(advisory(), profile="csaf_base")  # type: ignore[arg-type]


# --- randomized advisories ---------------------------------------------------------------------

VECTORS = {
    "3": [
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:3.1/AV:A/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:H/E:P/RL:O/RC:C",
        "CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:N/I:L/A:N/CR:H/MAV:N",
    ],
    "2": ["AV:N/AC:L/Au:N/C:P/I:P/A:P", "AV:L/AC:H/Au:S/C:N/I:N/A:C"],
    "4": ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"],
}
CWES = [Cwe("CWE-787", "Out-of-bounds Write"), Cwe("CWE-20", "Improper Input Validation")]
CWES.append(Cwe("CWE-798", "Use of Hard-coded Credentials"))
words = st.text("abcdefghijklmnopqrstuvwxyz ", min_size=3, max_size=20).map(str.strip).filter(bool)
versions = st.lists(st.integers(0, 30), min_size=1, max_size=3).map(
    lambda parts: ".".join(map(str, parts))
)


def some(ids: list[str]) -> st.SearchStrategy[list[str]]:
    """One to three distinct product ids."""
    return st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True)


@st.composite
def tracking_strategy(draw: st.DrawFn) -> Tracking:
    """A consistent history: integer or SemVer numbers; drafts may start at 0."""
    n = draw(st.integers(1, 4))
    status = draw(st.sampled_from(TrackingStatus))
    start = draw(st.sampled_from([0, 1])) if status is TrackingStatus.DRAFT else 1
    semver = draw(st.booleans())
    numbers = [
        f"{start + i}.{draw(st.integers(0, 3))}.0" if semver else str(start + i) for i in range(n)
    ]
    gaps = draw(st.lists(st.integers(1, 48), min_size=n, max_size=n))
    dates = [day(1) + timedelta(hours=sum(gaps[: i + 1])) for i in range(n)]
    revisions = tuple(
        Revision(num, d, f"Revision {num}") for num, d in zip(numbers, dates, strict=True)
    )
    return Tracking(
        id=draw(st.from_regex(r"[A-Z]{2,5}-[0-9]{1,4}(:[0-9]{2})?", fullmatch=True)),
        status=status,
        version=numbers[-1],
        revisions=tuple(draw(st.permutations(revisions))),  # any order: exports sort by date
        initial_release_date=dates[0],
        current_release_date=dates[-1],
    )


@st.composite
def advisory_strategy(draw: st.DrawFn) -> Advisory:
    """Random devices, components, decisions, remediations, threats and scores."""
    counter = iter(range(10_000))
    vendors, releases = [], []
    for vi in range(draw(st.integers(1, 2))):
        products = []
        for pi in range(draw(st.integers(1, 2))):
            vs = draw(st.lists(versions, min_size=1, max_size=3, unique=True))
            pvs = [
                ProductVersion(
                    f"CSAFPID-{next(counter):04d}",
                    v,
                    purl=draw(st.sampled_from([None, f"pkg:generic/vendor{vi}/dev{pi}@{v}"])),
                    model_numbers=tuple(
                        draw(st.lists(st.sampled_from(["M-1", "M-2"]), max_size=2))
                    ),
                )
                for v in vs
            ]
            releases += [p.product_id for p in pvs]
            products.append(Product(f"Device {vi}-{pi}", tuple(pvs)))
        vendors.append(Vendor(f"Vendor {vi}", tuple(products)))
    components = [
        Component(
            f"CSAFPID-{next(counter):04d}",
            f"lib{i}",
            v := draw(versions),
            draw(st.sampled_from([None, "Upstream", "Vendor 0"])),
            f"pkg:generic/lib{i}@{v}",
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    pairs = [(c.product_id, r) for c in components for r in releases]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=4)) if pairs else []
    relationships = [Relationship(f"CSAFPID-{next(counter):04d}", c, r) for c, r in chosen]
    ids = releases + [c.product_id for c in components] + [r.product_id for r in relationships]
    vulns = [draw(vulnerability_strategy(ids, releases, k)) for k in range(draw(st.integers(1, 3)))]
    return Advisory(
        tracking=draw(tracking_strategy()),
        publisher=Publisher("Random PSIRT", "https://psirt.example.org"),
        title=draw(words),
        vendors=tuple(vendors),
        components=tuple(components),
        relationships=tuple(relationships),
        vulnerabilities=tuple(vulns),
        notes=(Note(NoteCategory.SUMMARY, draw(words)),),
        references=(Reference("https://psirt.example.org/a", "Advisory"),),
        tlp=draw(st.sampled_from([None, *TlpLabel])),
    )


@st.composite
def vulnerability_strategy(
    draw: st.DrawFn, ids: list[str], releases: list[str], k: int
) -> AdvisoryVulnerability:
    """One vulnerability with a random decision for a random subset of products."""
    products = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    statuses = []
    for pid in products:
        status = draw(st.sampled_from(VexStatus))
        just = draw(st.sampled_from(Justification)) if status is VexStatus.NOT_AFFECTED else None
        statuses.append(
            ProductStatus(
                pid,
                status,
                just,
                impact_statement=draw(st.sampled_from([None, "No exposure."])) if just else None,
                action_statement="Isolate the device." if status is VexStatus.AFFECTED else None,
                action_category=draw(st.sampled_from(RemediationCategory)),
            )
        )
    remediations = [
        Remediation(
            draw(st.sampled_from(RemediationCategory)),
            draw(words),
            tuple(draw(some(products))),
            fixed_in=draw(st.sampled_from([None, *releases])),
            update_method=draw(st.sampled_from([None, *UpdateMethod])),
        )
        for _ in range(draw(st.integers(0, 2)))
    ]
    scores = [
        Score(
            draw(st.sampled_from(VECTORS[major])),
            tuple(draw(some(ids))),
        )
        for major in draw(st.lists(st.sampled_from(sorted(VECTORS)), unique=True, max_size=3))
    ]
    cve = draw(st.sampled_from([None, f"CVE-2024-{1000 + k}"]))
    return AdvisoryVulnerability(
        statuses=tuple(statuses),
        cve=cve,
        ids=() if cve and draw(st.booleans()) else (VulnId("GHSA", f"GHSA-{k}xxx-2345-6789"),),
        title=draw(words),
        cwe=draw(st.sampled_from([None, *CWES])),
        notes=(Note(NoteCategory.DESCRIPTION, draw(words)),) if draw(st.booleans()) else (),
        remediations=tuple(remediations),
        scores=tuple(scores),
        threats=tuple(
            Threat(ThreatCategory.EXPLOIT_STATUS, "Listed in CISA KEV.", tuple(products[:1]))
            for _ in range(draw(st.integers(0, 1)))
        ),
    )


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(advisory_strategy(), st.sampled_from(PROFILES))
def test_random_advisories_pass_csaf_validation(adv: Advisory, profile: str) -> None:
    undecided = any(
        all(s.status is VexStatus.UNDER_INVESTIGATION for s in v.statuses)
        or (not v.remediations and any(s.status is VexStatus.FIXED for s in v.statuses))
        for v in adv.vulnerabilities
    )
    if undecided and profile == "csaf_security_advisory":  # CSAF 2.1 rules the validator applies
        with pytest.raises(InvalidInput, match=r"6\.1\.27\.1[23]\]"):
            to_csaf(adv, profile="csaf_security_advisory")
        profile = "csaf_vex"
    doc = to_csaf(adv, profile=profile)  # type: ignore[arg-type]
    report = validate(doc)
    assert report.overall_valid, failures(doc)
    statuses = doc["vulnerabilities"][0]["product_status"]
    listed = sorted(p for group in statuses.values() for p in group)
    assert listed == sorted(s.product_id for s in adv.vulnerabilities[0].statuses)
    for vuln, out in zip(adv.vulnerabilities, doc["vulnerabilities"], strict=True):
        expected = [
            cvss.parse(s.vector).base_score
            for s in vuln.scores
            if not s.vector.startswith("CVSS:4")
        ]
        got = [
            next(v for k, v in s.items() if k != "products")["baseScore"]
            for s in out.get("scores", [])
        ]
        assert got == expected
