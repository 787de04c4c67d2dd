"""Support information (FDA level/end of support, CDX lifecycle, SPDX validUntilDate), mapping."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from medsec.ingest.sbom import parse_sbom
from medsec.ingest.sbom_model import SUPPORT_LEVELS

FDA_TEXT_TO_LEVEL = {
    "Actively maintained": "actively_maintained",
    "Inactive": "no_longer_maintained",
    "Deprecated": "no_longer_maintained",
    "Unknown": "unknown",
}


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["narrow", "extended"])
def test_medical_device_support_levels(shared_data: Path, name: str) -> None:
    path = shared_data / f"sboms/medical-device/sboms/case-study/{name}.sbom.json"
    raw = json.loads(path.read_bytes())
    sbom = parse_sbom(path.read_bytes(), source=path.name)
    assert len(sbom.components) == len(raw["components"])
    for comp, original in zip(sbom.components, raw["components"], strict=True):
        props = {p["name"]: p["value"] for p in original.get("properties", [])}
        assert dict(comp.properties) == props  # kept verbatim
        level_text = props.get("Level of Support")
        assert comp.support_level in SUPPORT_LEVELS
        assert comp.support_level == FDA_TEXT_TO_LEVEL[level_text]
        assert comp.end_of_support is None  # no dates in these files, only text
        assert comp.cpe == original.get("cpe") and comp.purl == original.get("purl")


def _cdx_with(props: list[tuple[str, str]]) -> bytes:
    comp = {
        "type": "firmware",
        "name": "fw",
        "properties": [{"name": n, "value": v} for n, v in props],
    }
    return json.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [comp]}
    ).encode()


@pytest.mark.parametrize(
    ("props", "level", "eos"),
    [
        ([("cdx:lifecycle:milestone:endOfSupport", "2027-03-31")], None, date(2027, 3, 31)),
        (
            [
                ("cdx:lifecycle:milestone:endOfLife", "2030-01-01"),
                ("cdx:lifecycle:milestone:endOfGuaranteedSupport", "2026-06"),
            ],
            None,
            date(2026, 6, 30),
        ),
        (
            [
                ("cdx:lifecycle:milestone:endOfLife", "2030"),
                ("cdx:lifecycle:milestone:endOfSupport", "2028-01-01"),
            ],
            None,
            date(2028, 1, 1),
        ),
        ([("Level of Support", "No longer maintained")], "no_longer_maintained", None),
        (
            [("levelOfSupport", "Abandoned"), ("End-of-Support", "2020-12-31")],
            "abandoned",
            date(2020, 12, 31),
        ),
        ([("End-of-Support", "End of life")], "end_of_support", None),
        ([("Level of Support", "limited support")], "limited_support", None),
    ],
)
def test_cdx_support_properties(
    props: list[tuple[str, str]], level: str | None, eos: date | None
) -> None:
    comp = parse_sbom(_cdx_with(props), source="inline").components[0]
    assert (comp.support_level, comp.end_of_support) == (level, eos)
    assert comp.properties == tuple(props)


def test_unknown_support_text_warns() -> None:
    sbom = parse_sbom(_cdx_with([("Level of Support", "sort of, on weekends")]), source="inline")
    assert sbom.components[0].support_level == "unknown"
    assert any("sort of" in w.message for w in sbom.warnings)


SPDX = {
    "spdxVersion": "SPDX-2.3",
    "dataLicense": "CC0-1.0",
    "SPDXID": "SPDXRef-DOCUMENT",
    "name": "pump-fw",
    "documentNamespace": "https://example.org/pump-fw-1",
    "creationInfo": {
        "created": "2025-01-02T03:04:05Z",
        "creators": ["Organization: ACME Med", "Tool: gen-1.0"],
    },
    "packages": [
        {
            "SPDXID": "SPDXRef-fw",
            "downloadLocation": "NOASSERTION",
            "name": "pump-fw",
            "versionInfo": "4.2",
            "primaryPackagePurpose": "FIRMWARE",
        },
        {
            "SPDXID": "SPDXRef-rtos",
            "downloadLocation": "NOASSERTION",
            "name": "FreeRTOS",
            "versionInfo": "10.4.3",
            "supplier": "Organization: Amazon (security@example.org)",
            "originator": "Person: Richard Barry",
            "validUntilDate": "2026-12-31T00:00:00Z",
            "primaryPackagePurpose": "OPERATING_SYSTEM",
            "licenseConcluded": "MIT",
            "checksums": [{"algorithm": "SHA256", "checksumValue": "AB" * 32}],
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": "pkg:generic/freertos@10.4.3",
                },
                {
                    "referenceCategory": "SECURITY",
                    "referenceType": "cpe23Type",
                    "referenceLocator": "cpe:2.3:o:amazon:freertos:10.4.3:*:*:*:*:*:*:*",
                },
            ],
        },
        {
            "SPDXID": "SPDXRef-ssl",
            "name": "wolfSSL",
            "versionInfo": "5.5.0",
            "downloadLocation": "NOASSERTION",
        },
        {
            "SPDXID": "SPDXRef-zlib",
            "name": "zlib",
            "versionInfo": "1.2.13",
            "downloadLocation": "NOASSERTION",
        },
    ],
    "relationships": [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": "SPDXRef-fw",
        },
        {
            "spdxElementId": "SPDXRef-fw",
            "relationshipType": "CONTAINS",
            "relatedSpdxElement": "SPDXRef-rtos",
        },
        {
            "spdxElementId": "SPDXRef-ssl",
            "relationshipType": "DEPENDENCY_OF",
            "relatedSpdxElement": "SPDXRef-fw",
        },
        {
            "spdxElementId": "SPDXRef-ssl",
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": "SPDXRef-zlib",
        },
        {
            "spdxElementId": "SPDXRef-zlib",
            "relationshipType": "DEV_DEPENDENCY_OF",
            "relatedSpdxElement": "SPDXRef-ssl",
        },
        {
            "spdxElementId": "SPDXRef-fw",
            "relationshipType": "GENERATED_FROM",
            "relatedSpdxElement": "SPDXRef-zlib",
        },
    ],
}


def test_spdx_json_mapping() -> None:
    sbom = parse_sbom(json.dumps(SPDX).encode(), source="inline.spdx.json")
    assert (
        sbom.primary is not None
        and sbom.primary.ref == "SPDXRef-fw"
        and sbom.primary.type == "firmware"
    )
    assert [c.ref for c in sbom.components] == ["SPDXRef-rtos", "SPDXRef-ssl", "SPDXRef-zlib"]
    rtos = sbom.components[0]
    assert (
        rtos.type == "operating-system"
        and rtos.supplier == "Amazon"
        and rtos.author == "Richard Barry"
    )
    assert (
        rtos.end_of_support == date(2026, 12, 31)
        and ("spdx:validUntilDate", "2026-12-31T00:00:00Z") in rtos.properties
    )
    assert rtos.hashes == (("SHA-256", "ab" * 32),) and rtos.licenses == ("MIT",)
    assert rtos.purl == "pkg:generic/freertos@10.4.3" and rtos.cpe is not None
    assert set(sbom.dependencies) == {
        ("SPDXRef-fw", "SPDXRef-rtos"),
        ("SPDXRef-fw", "SPDXRef-ssl"),
        ("SPDXRef-ssl", "SPDXRef-zlib"),
    }
    assert sbom.authors == ("ACME Med",) and sbom.tools == ("gen-1.0",)
    assert sbom.created is not None and sbom.created.year == 2025


def test_spdx_tagvalue_matches_json() -> None:
    tv = """SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: pump-fw
DocumentNamespace: https://example.org/pump-fw-1
Creator: Organization: ACME Med
Created: 2025-01-02T03:04:05Z

PackageName: pump-fw
SPDXID: SPDXRef-fw
PackageVersion: 4.2
PrimaryPackagePurpose: FIRMWARE
PackageDescription: <text>multi
line</text>

PackageName: FreeRTOS
SPDXID: SPDXRef-rtos
PackageVersion: 10.4.3
PackageSupplier: Organization: Amazon
ValidUntilDate: 2026-12-31T00:00:00Z
PackageChecksum: SHA1: 85ed0817af83a24ad8da68c2b5094de69833983c
ExternalRef: PACKAGE-MANAGER purl pkg:generic/freertos@10.4.3

Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-fw
Relationship: SPDXRef-rtos DEPENDENCY_OF SPDXRef-fw
"""
    sbom = parse_sbom(tv.encode(), source="inline.spdx")
    assert sbom.encoding == "tag-value" and sbom.primary is not None
    assert sbom.primary.description == "multi\nline"
    (rtos,) = sbom.components
    assert rtos.supplier == "Amazon" and rtos.end_of_support == date(2026, 12, 31)
    assert rtos.hashes == (("SHA-1", "85ed0817af83a24ad8da68c2b5094de69833983c"),)
    assert sbom.dependencies == (("SPDXRef-fw", "SPDXRef-rtos"),)


def test_cdx_xml_maps_like_json() -> None:
    xml = b"""<?xml version="1.0"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="3"
     serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79">
 <metadata><timestamp>2024-05-01T10:00:00Z</timestamp>
  <tools><tool><vendor>acme</vendor><name>gen</name><version>1</version></tool></tools>
  <component type="device" bom-ref="dev"><name>pump</name></component></metadata>
 <components>
  <component type="firmware" bom-ref="fw">
   <supplier><name>ACME</name></supplier><name>fw</name><version>2</version>
   <hashes><hash alg="SHA-1">85ED0817AF83A24AD8DA68C2B5094DE69833983C</hash></hashes>
   <licenses><license><id>MIT</id></license></licenses>
   <cpe>cpe:/o:acme:fw:2</cpe>
   <properties><property name="Level of Support">Actively maintained</property></properties>
   <components><component type="library"><name>inner</name></component></components>
  </component>
 </components>
 <dependencies><dependency ref="dev"><dependency ref="fw"/></dependency></dependencies>
</bom>"""
    sbom = parse_sbom(xml, source="inline.xml")
    assert sbom.document_version == 3 and sbom.tools == ("acme gen 1",)
    assert sbom.primary is not None and sbom.primary.type == "device"
    fw, inner = sbom.components
    assert fw.supplier == "ACME" and fw.hashes == (
        ("SHA-1", "85ed0817af83a24ad8da68c2b5094de69833983c"),
    )
    assert fw.support_level == "actively_maintained" and fw.cpe == "cpe:/o:acme:fw:2"
    assert inner.parent_ref == "fw" and inner.ref.startswith("medsec:auto:")
    assert sbom.dependencies == (("dev", "fw"),)
