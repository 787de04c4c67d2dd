"""Advisories built from stored decisions: every document passes the CSAF schema and all mandatory
tests in both profiles (demo data, hand-built cases, randomized data), and CSAF VEX, CycloneDX
VEX and OpenVEX of one advisory agree on every (product, vulnerability)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from _seed import (
    READY,
    Case,
    add_accounts,
    add_feed_record,
    add_risk,
    add_update,
    from_csaf,
    from_cyclonedx,
    from_openvex,
    seed,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medsec.accounts import service as accounts
from medsec.advisories import publish, service
from medsec.core.vex import Justification
from medsec.db.uow import unit_of_work
from medsec.demo import service as demo
from medsec.errors import InvalidInput
from medsec.export._schemas import validate_cyclonedx
from medsec.ingest.csaf import validate_csaf
from medsec.models import Sbom

J = [j.value for j in Justification]
CASES = [
    Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", action="Install release 2.0."),
    Case("1.0", "busybox@1.35.0", "CVE-2021-3711", "not_affected", J[0]),
    Case("2.0", "openssl@1.1.1n", "CVE-2021-3711", "fixed"),
    *[
        Case("1.0", f"lib{i}@1.{i}", "CVE-2022-0001", "not_affected", j, impact=None)
        for i, j in enumerate(J)
    ],
    Case("2.0", "lib0@1.0", "CVE-2022-0001", "not_affected", J[4], impact="Own text <b>."),
    Case("1.0", "zlib@1.2.11", "CVE-2018-25032", None),
    Case("2.0", "zlib@1.2.11", "CVE-2018-25032", "affected", action="No fix is planned."),
    Case("1.0", "curl@7.0", "GHSA-aaaa-bbbb-cccc", None),
]


VECTOR = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
PURL = "pkg:generic/acme/infusafe@1.0"
CPE = "cpe:2.3:h:acme:infusafe:1.0:*:*:*:*:*:*:*"


def add_sbom(s: Any, release_id: int) -> None:
    """A current SBOM whose primary component names the release's purl and CPE."""
    s.add(
        Sbom(
            release_id=release_id,
            revision=1,
            format="cyclonedx",
            spec_version="1.6",
            encoding="json",
            primary={"ref": "dev", "purl": PURL, "cpe": CPE},
            source_name="x",
            sha256="0" * 64,
            size=1,
            original=b"x",
            component_count=0,
            imported_by="cli:ana",
        )
    )
    s.flush()


def _docs(adv: Any, rev: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return orjson.loads(rev.csaf), orjson.loads(rev.cyclonedx_vex), orjson.loads(rev.openvex)


def _check_agreement(csaf: dict[str, Any], bom: dict[str, Any], ovx: dict[str, Any]) -> None:
    decided = from_csaf(csaf)
    assert decided
    assert validate_cyclonedx(bom, "1.6") == []
    assert from_cyclonedx(bom) == decided
    assert from_openvex(ovx, csaf) == decided


def _publish_both(
    session_factory: Any, product: str, analyst: str = "cli:ana", reviewer: str = "cli:rev"
) -> dict[str, Any]:
    out = {}
    with unit_of_work(session_factory) as s:
        for profile in ("security-advisory", "vex"):
            adv = service.create(
                s,
                product=product,
                title=f"{product} {profile}",
                actor=analyst,
                profile=profile,
                **READY,
            )
            rev = publish.publish(s, tracking_id=adv.tracking_id, summary="First.", actor=reviewer)
            out[profile] = _docs(adv, rev)
    return out


def test_hand_built_cases_validate_in_both_profiles_and_agree(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        found = seed(s, "InfuSafe", CASES)
        add_update(
            s,
            "InfuSafe",
            "InfuSafe 2.0 update",
            "2.0",
            [found[("1.0", "openssl@1.1.1k", "CVE-2021-3711")]],
        )
        add_risk(
            s, found[("1.0", "openssl@1.1.1k", "CVE-2021-3711")], "serious", ["VLAN segmentation"]
        )
        add_sbom(s, found[("1.0", "openssl@1.1.1k", "CVE-2021-3711")].release_id)
        add_feed_record(
            s,
            "CVE-2021-3711",
            summary="SM2 decryption buffer overflow",
            details="A buffer overflow in SM2 decryption. It can crash the process.",
            cwes=["NVD-CWE-Other", "CWE-120"],
            vector=VECTOR,
            published=datetime(2021, 8, 24, tzinfo=UTC),
            kev_added=date(2021, 11, 3),
        )
    docs = _publish_both(session_factory, "InfuSafe")
    for profile, (csaf, bom, ovx) in docs.items():
        result = validate_csaf(orjson.dumps(csaf), source=profile)
        assert result.valid, result.failures
        assert {"schema", "6.1.1", "6.1.7", "6.1.9", "6.1.27"} <= set(result.tests_run)
        _check_agreement(csaf, bom, ovx)
    sa, vex = docs["security-advisory"][0], docs["vex"][0]
    names = {v.get("cve") or v["ids"][0]["text"] for v in vex["vulnerabilities"]}
    assert names == {"CVE-2021-3711", "CVE-2022-0001", "CVE-2018-25032", "GHSA-aaaa-bbbb-cccc"}
    # only under investigation: in the VEX profile, not in the security advisory (6.1.27.12)
    assert "GHSA-aaaa-bbbb-cccc" not in {
        v.get("cve") or v["ids"][0]["text"] for v in sa["vulnerabilities"]
    }
    v = next(x for x in vex["vulnerabilities"] if x["cve"] == "CVE-2021-3711")
    assert v["product_status"]["known_affected"] == [
        "InfuSafe-1.0",
        "InfuSafe-1.0.C-openssl-1.1.1k",
    ]
    assert v["product_status"]["fixed"] == ["InfuSafe-2.0", "InfuSafe-2.0.C-openssl-1.1.1n"]
    fix = next(r for r in v["remediations"] if r["category"] == "vendor_fix")
    assert "InfuSafe 2.0 update" in fix["details"] and "Service visit" in fix["details"]
    assert any(
        r["category"] == "mitigation" and "VLAN segmentation" in r["details"]
        for r in v["remediations"]
    )
    assert any(t["category"] == "impact" and "serious" in t["details"] for t in v["threats"])
    assert v["cwe"] == {
        "id": "CWE-120",
        "name": "Buffer Copy without Checking Size of Input ('Classic Buffer Overflow')",
    }
    assert v["title"] == "SM2 decryption buffer overflow"
    assert v["notes"][0]["text"].startswith("A buffer overflow in SM2")
    assert v["release_date"] == "2021-08-24T00:00:00.000Z"
    assert "https://nvd.nist.gov/vuln/detail/CVE-2021-3711" in {r["url"] for r in v["references"]}
    (score,) = v["scores"]
    assert score["cvss_v3"]["vectorString"] == VECTOR and score["cvss_v3"]["baseScore"] == 9.8
    assert "InfuSafe-1.0" in score["products"]
    (kev,) = [t for t in v["threats"] if t["category"] == "exploit_status"]
    assert kev["date"] == "2021-11-03T00:00:00.000Z" and "2021-11-03" in kev["details"]
    (pump,) = vex["product_tree"]["branches"][0]["branches"]
    helper = pump["branches"][0]["product"]["product_identification_helper"]
    assert helper == {"purl": PURL, "cpe": CPE}
    assert "product_identification_helper" not in pump["branches"][1]["product"]
    lib = next(x for x in vex["vulnerabilities"] if x["cve"] == "CVE-2022-0001")
    assert {f["label"] for f in lib["flags"]} == set(J)
    assert any(t["details"] == "Own text <b>." for t in lib["threats"])
    zlib = next(x for x in vex["vulnerabilities"] if x["cve"] == "CVE-2018-25032")
    assert zlib["product_status"]["under_investigation"] == [
        "InfuSafe-1.0",
        "InfuSafe-1.0.C-zlib-1.2.11",
    ]
    assert [r["category"] for r in zlib["remediations"]] == ["no_fix_planned"]


def test_demo_advisory_validates_and_agrees(session_factory, tmp_path: Path) -> None:
    with unit_of_work(session_factory) as s:
        report = demo.build(s, tmp_path)
    assert [p.name.split(".", 1)[1] for p in report.advisory_files[:3]] == [
        "json",
        "cdx.json",
        "openvex.json",
    ]
    assert all(p.exists() and p.stat().st_size > 200 for p in report.advisory_files)
    written = report.advisory_files[0].read_bytes()
    assert validate_csaf(written, source=report.advisory_files[0].name).valid
    assert orjson.loads(written)["document"]["tracking"]["status"] == "final"
    provider = report.advisory_files[-1]
    assert provider.name == "provider-metadata.json" and orjson.loads(provider.read_bytes())
    docs = _publish_both(session_factory, "InfuGuard 500", "demo:psirt", "demo:reviewer")
    for profile, (csaf, bom, ovx) in docs.items():
        result = validate_csaf(orjson.dumps(csaf), source=profile)
        assert result.valid, result.failures
        _check_agreement(csaf, bom, ovx)
    vex = docs["vex"][0]
    cves = {v["cve"] for v in vex["vulnerabilities"]}
    assert {"CVE-2021-3711", "CVE-2021-35042", "CVE-2020-16150"} <= cves
    v = next(x for x in vex["vulnerabilities"] if x["cve"] == "CVE-2021-3711")
    assert "InfuGuard-500-2.1.0" in v["product_status"]["fixed"]
    assert "InfuGuard-500-2.0.0" in v["product_status"]["known_affected"]
    # the score in force is the device-context rescoring (MAV:A), consistent with its base score
    vectors = {s["cvss_v3"]["vectorString"] for s in v["scores"]}
    assert any("MAV:A" in x for x in vectors)
    sa = docs["security-advisory"][0]
    assert {"CVE-2020-14343"} - {
        v["cve"] for v in sa["vulnerabilities"]
    }  # only under investigation


def test_under_investigation_only_is_refused_for_a_security_advisory(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "Pump", [Case("1", "a@1", "CVE-2020-0001", None)])
    with unit_of_work(session_factory) as s, pytest.raises(InvalidInput, match="--profile vex"):
        service.create(s, product="Pump", title="t", actor="cli:ana")
    with unit_of_work(session_factory) as s:
        adv = service.create(s, product="Pump", title="t", actor="cli:ana", profile="vex")
        assert adv.draft["vulnerabilities"][0]["product_status"] == {
            "under_investigation": ["Pump-1", "Pump-1.C-a-1"]
        }


_COUNTER = itertools.count()
STATUS = st.sampled_from(["affected", "not_affected", "fixed", "under_investigation", None])


@st.composite
def cases(draw: Any) -> list[Case]:
    """Random findings: up to 3 releases × 3 components × 3 vulnerabilities, random decisions."""
    out = []
    for r, c, v in itertools.product(range(draw(st.integers(1, 3))), range(3), range(3)):
        if not draw(st.booleans()):
            continue
        status = draw(STATUS)
        out.append(
            Case(
                f"{r}.0",
                f"comp{c}@{c}.{r}",
                f"CVE-2024-{1000 + v}",
                status,
                justification=draw(st.sampled_from(J)) if status == "not_affected" else None,
                action=draw(st.sampled_from(["Update.", "No fix is planned.", "Isolate <x>."]))
                if status == "affected"
                else None,
                impact=draw(st.sampled_from([None, "Own & text."]))
                if status == "not_affected"
                else None,
            )
        )
    return out or [Case("0.0", "comp0@0", "CVE-2024-1000", "affected", action="Update.")]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=cases(), fix=st.booleans())
def test_random_decisions_give_valid_agreeing_documents(
    session_factory, data: list[Case], fix: bool
) -> None:
    n = next(_COUNTER)
    product = f"Device {n}"
    with unit_of_work(session_factory) as s:
        if not accounts.list_accounts(s):
            add_accounts(s)
        found = seed(s, product, data)
        if fix:
            add_update(
                s, product, "fix", sorted({c.release for c in data})[-1], list(found.values())[:2]
            )
    with unit_of_work(session_factory) as s:
        adv = service.create(
            s, product=product, title="Random", actor="cli:ana", profile="vex", **READY
        )
        rev = publish.publish(s, tracking_id=adv.tracking_id, summary="First.", actor="cli:rev")
        csaf, bom, ovx = _docs(adv, rev)
    _check_agreement(csaf, bom, ovx)
    if any(c.status not in (None, "under_investigation") for c in data):
        with unit_of_work(session_factory) as s:  # some decision: a security advisory too
            adv = service.create(s, product=product, title="Random", actor="cli:ana", **READY)
            rev = publish.publish(s, tracking_id=adv.tracking_id, summary="First.", actor="cli:rev")
        assert validate_csaf(rev.csaf, source="sa").valid
        sa = orjson.loads(rev.csaf)
        vex_decisions = from_csaf(csaf)
        assert all(vex_decisions[k] == d for k, d in from_csaf(sa).items())


def test_selection_by_release_and_vulnerability(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "InfuSafe", CASES)
        adv = service.create(
            s,
            product="InfuSafe",
            title="Only 2.0, only CVE-2021-3711",
            actor="cli:ana",
            releases=["2.0"],
            vulnerabilities=["CVE-2021-3711"],
            profile="vex",
        )
        doc = adv.draft
    (vuln,) = doc["vulnerabilities"]
    assert vuln["cve"] == "CVE-2021-3711"
    assert vuln["product_status"] == {"fixed": ["InfuSafe-2.0", "InfuSafe-2.0.C-openssl-1.1.1n"]}
    versions = doc["product_tree"]["branches"][0]["branches"][0]["branches"]
    assert [b["name"] for b in versions] == ["2.0"]
