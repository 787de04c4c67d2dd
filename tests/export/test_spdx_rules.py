"""SPDX 2.3 export: spdx-tools full validation, field mapping, SPDXID sanitising, determinism."""

from __future__ import annotations

import re

import orjson
import pytest
from _export_dto import SHA1, SHA256, WHEN, full_sbom

from medsec.export._schemas import validate_spdx
from medsec.export.spdx import spdx_ids, to_spdx_json
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

NS = "https://example.org/spdxdocs/pump-1"
ID_RE = re.compile(r"^SPDXRef-[A-Za-z0-9.-]+$")


def _export(sbom: ParsedSbom) -> dict:
    return orjson.loads(to_spdx_json(sbom, namespace=NS, created=WHEN))


def _by_name(doc: dict) -> dict[str, dict]:
    return {p["name"]: p for p in doc["packages"]}


def test_full_dto_passes_spdx_tools_validation() -> None:
    raw = to_spdx_json(full_sbom(), namespace=NS, created=WHEN)
    assert validate_spdx(raw) == []


def test_validator_reports_errors() -> None:
    doc = _export(full_sbom())
    doc["relationships"].append(
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": "SPDXRef-missing",
        }
    )
    doc["packages"][1]["licenseConcluded"] = "LicenseRef-undeclared"
    errors = validate_spdx(doc)
    assert any("SPDXRef-missing" in e for e in errors)
    assert any("LicenseRef-undeclared" in e for e in errors)
    assert validate_spdx(b"[1]") == ["an SPDX JSON document must be an object"]


def test_document_and_package_fields() -> None:
    doc = _export(full_sbom())
    assert doc["spdxVersion"] == "SPDX-2.3"
    assert doc["documentNamespace"] == NS
    assert doc["name"] == "Infusion Pump X SBOM"
    assert doc["creationInfo"] == {
        "created": "2024-05-06T07:08:09Z",
        "creators": ["Tool: medsec-0.1.0", "Tool: cdxgen 10.0", "Person: Jane Doe"],
    }
    pk = _by_name(doc)
    fw = pk["pump-fw"]
    assert fw["supplier"] == "Organization: ACME Med"
    assert fw["originator"] == "Organization: ACME Firmware Team"
    assert fw["downloadLocation"] == "NOASSERTION" and fw["filesAnalyzed"] is False
    assert fw["checksums"] == [
        {"algorithm": "SHA256", "checksumValue": SHA256},
        {"algorithm": "SHA1", "checksumValue": SHA1},
    ]
    assert fw["primaryPackagePurpose"] == "FIRMWARE"
    assert fw["validUntilDate"] == "2032-12-31T00:00:00Z"
    assert fw["externalRefs"] == [
        {
            "referenceCategory": "SECURITY",
            "referenceType": "cpe23Type",
            "referenceLocator": "cpe:2.3:o:acme:pump-fw:2.1.0:*:*:*:*:*:*:*",
        }
    ]
    assert fw["annotations"][0]["comment"] == "medsec:supportLevel=actively_maintained"
    assert fw["licenseDeclared"] == fw["licenseConcluded"] == "LicenseRef-ACME-Proprietary"
    rtos = pk["FreeRTOS-Kernel"]
    assert rtos["externalRefs"][0] == {
        "referenceCategory": "PACKAGE-MANAGER",
        "referenceType": "purl",
        "referenceLocator": "pkg:github/freertos/freertos-kernel@10.4.3",
    }
    assert rtos["licenseDeclared"] == "MIT"
    assert rtos["primaryPackagePurpose"] == "OPERATING_SYSTEM"
    ssl = pk["wolfssl"]
    assert ssl["externalRefs"][0]["referenceType"] == "cpe22Type"
    assert ssl["supplier"] == "Organization: wolfSSL Inc."
    assert ssl["licenseDeclared"] == "GPL-2.0-or-later AND LicenseRef-Commercial-wolfSSL-licence"
    assert pk["occlusion-detector"]["licenseDeclared"] == "(Apache-2.0 OR MIT) AND BSD-3-Clause"
    assert pk["occlusion-detector"]["primaryPackagePurpose"] == "OTHER"
    assert pk["pump-src"]["primaryPackagePurpose"] == "SOURCE"
    assert pk["pump-src"]["supplier"] == "NOASSERTION"
    assert pk["pump-src"]["licenseDeclared"] == "NOASSERTION"
    extracted = {e["licenseId"]: e for e in doc["hasExtractedLicensingInfos"]}
    assert set(extracted) == {
        "LicenseRef-ACME-Proprietary",
        "LicenseRef-Commercial-wolfSSL-licence",
    }
    assert (
        extracted["LicenseRef-Commercial-wolfSSL-licence"]["name"] == "Commercial wolfSSL licence"
    )


def test_relationships() -> None:
    doc = _export(full_sbom())
    ids = {p["name"]: p["SPDXID"] for p in doc["packages"]}
    rels = {
        (r["spdxElementId"], r["relationshipType"], r["relatedSpdxElement"])
        for r in doc["relationships"]
    }
    dev, fw, rtos, ssl = (
        ids[n] for n in ("Infusion Pump X", "pump-fw", "FreeRTOS-Kernel", "wolfssl")
    )
    assert rels == {
        ("SPDXRef-DOCUMENT", "DESCRIBES", dev),
        (dev, "CONTAINS", fw),
        (fw, "CONTAINS", rtos),
        (fw, "CONTAINS", ssl),
        (dev, "DEPENDS_ON", fw),
        (fw, "DEPENDS_ON", rtos),
        (fw, "DEPENDS_ON", ssl),
    }
    assert len(doc["relationships"]) == len(rels)


def test_without_primary_every_top_level_package_is_described() -> None:
    comps = (
        ParsedComponent(ref="a", type="library", name="a"),
        ParsedComponent(ref="b", type="library", name="b", parent_ref="a"),
        ParsedComponent(ref="c", type="library", name="c"),
    )
    sbom = ParsedSbom("spdx", "SPDX-2.3", "json", components=comps)
    raw = to_spdx_json(sbom, namespace=NS, created=WHEN)
    assert validate_spdx(raw) == []
    described = [
        r["relatedSpdxElement"]
        for r in orjson.loads(raw)["relationships"]
        if r["relationshipType"] == "DESCRIBES"
    ]
    assert described == ["SPDXRef-a", "SPDXRef-c"]


def test_spdx_ids_are_sanitised_unique_and_stable() -> None:
    refs = [
        "SPDXRef-Package-ok.1",
        "pkg:npm/@scope/name@1.0.0?x=y#sub",
        "a b",
        "a-b",
        "a b",
        "ünïcödé café",
        "日本語",
        "DOCUMENT",
        "SPDXRef-DOCUMENT",
        "",
        "   ",
        "x" * 500,
    ]
    ids = spdx_ids(refs)
    assert all(ID_RE.match(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert "SPDXRef-DOCUMENT" not in ids
    assert ids[0] == "SPDXRef-Package-ok.1"  # already valid: kept
    assert ids[1] == "SPDXRef-pkg-npm-scope-name-1.0.0-x-y-sub"
    assert ids[2] == "SPDXRef-a-b"
    assert ids[3].startswith("SPDXRef-a-b-") and ids[4].startswith("SPDXRef-a-b-")
    assert ids[5] == "SPDXRef-unicode-cafe"
    assert len(ids[11]) < 130
    assert spdx_ids(refs) == ids
    # stable for the same ref whatever else is in the document
    assert spdx_ids(["q", "ünïcödé café"])[1] == ids[5]


def test_hostile_refs_in_a_document_stay_valid() -> None:
    comps = tuple(
        ParsedComponent(ref=r, type="library", name=f"n{i}", version="1", parent_ref=p)
        for i, (r, p) in enumerate(
            [
                ("a b", None),
                ("a-b", "a b"),
                ("a b", None),
                ("日本", "nope"),
                ("DOCUMENT", "DOCUMENT"),
            ]
        )
    )
    deps = (("a b", "a-b"), ("日本", "DOCUMENT"), ("a-b", "missing"))
    sbom = ParsedSbom("cyclonedx", "1.6", "json", components=comps, dependencies=deps)
    raw = to_spdx_json(sbom, namespace=NS, created=WHEN)
    assert validate_spdx(raw) == []
    doc = orjson.loads(raw)
    ids = [p["SPDXID"] for p in doc["packages"]]
    assert len(set(ids)) == 5 and all(ID_RE.match(i) for i in ids)
    types = [r["relationshipType"] for r in doc["relationships"]]
    assert types.count("DEPENDS_ON") == 2 and types.count("CONTAINS") == 1


def test_unsupported_checksums_are_skipped() -> None:
    comp = ParsedComponent(
        ref="x",
        type="library",
        name="x",
        hashes=(("Streebog-256", SHA256), ("SHA-256", "abc"), ("MD5", "0" * 32)),
        licenses=("DocumentRef-other:LicenseRef-1", "LicenseRef-a OR MIT"),
    )
    raw = to_spdx_json(
        ParsedSbom("cyclonedx", "1.7", "json", components=(comp,)), namespace=NS, created=WHEN
    )
    assert validate_spdx(raw) == []
    pkg = orjson.loads(raw)["packages"][0]
    assert pkg["checksums"] == [{"algorithm": "MD5", "checksumValue": "0" * 32}]
    assert (
        pkg["licenseDeclared"]
        == "LicenseRef-DocumentRef-other-LicenseRef-1 AND (LicenseRef-a OR MIT)"
    )


def test_deterministic_and_fast() -> None:
    assert to_spdx_json(full_sbom(), namespace=NS, created=WHEN) == to_spdx_json(
        full_sbom(), namespace=NS, created=WHEN
    )
    assert orjson.loads(to_spdx_json(full_sbom()))["documentNamespace"].startswith("https://")
    comps = tuple(
        ParsedComponent(
            ref=f"c {i}",
            type="library",
            name=f"p{i}",
            version="1",
            purl=f"pkg:npm/p{i}@1",
            licenses=("MIT",),
            hashes=(("SHA-256", SHA256),),
        )
        for i in range(20_000)
    )
    deps = tuple((comps[i].ref, comps[i + 1].ref) for i in range(19_999))
    raw = to_spdx_json(ParsedSbom("cyclonedx", "1.6", "json", components=comps, dependencies=deps))
    assert len(orjson.loads(raw)["packages"]) == 20_000


@pytest.mark.parametrize("created", [None, WHEN.replace(tzinfo=None)])
def test_created_defaults(created: object) -> None:
    doc = orjson.loads(to_spdx_json(full_sbom(), created=created))  # type: ignore[arg-type]
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", doc["creationInfo"]["created"])


def test_deprecated_with_ids_become_with_expressions() -> None:
    comp = ParsedComponent(
        ref="x", type="library", name="x", licenses=("EPL-2.0", "GPL-2.0-with-classpath-exception")
    )
    raw = to_spdx_json(
        ParsedSbom("cyclonedx", "1.6", "json", components=(comp,)), namespace=NS, created=WHEN
    )
    assert validate_spdx(raw) == []
    pkg = orjson.loads(raw)["packages"][0]
    assert pkg["licenseDeclared"] == "EPL-2.0 AND (GPL-2.0-only WITH Classpath-exception-2.0)"
