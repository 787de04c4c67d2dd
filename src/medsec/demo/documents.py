"""Write the demo device's SBOMs as real documents: CycloneDX 1.6 JSON and SPDX 2.3 JSON."""

from __future__ import annotations

import re
from typing import Any

import orjson

from medsec.demo.data import MANUFACTURER, PRODUCT, RELEASES, Row

LEVEL = "Level of Support"
EOS = "End-of-Support"


def _bom_ref(name: str, version: str) -> str:
    return f"{name}@{version}"


def _cdx_component(row: Row) -> dict[str, Any]:
    group, name, version, ctype, purl, cpe, supplier, level, eos, _parent = row
    comp: dict[str, Any] = {
        "type": ctype,
        "bom-ref": _bom_ref(name, version),
        "name": name,
        "version": version,
        "supplier": {"name": supplier},
    }
    if group:
        comp["group"] = group
    if purl:
        comp["purl"] = purl
    if cpe:
        comp["cpe"] = cpe
    props = [{"name": LEVEL, "value": level}]
    if eos:
        props += [
            {"name": EOS, "value": eos},
            {"name": "cdx:lifecycle:milestone:endOfSupport", "value": eos},
        ]
    comp["properties"] = props
    return comp


def cyclonedx(version: str) -> bytes:
    """The CycloneDX 1.6 JSON SBOM of one demo release."""
    spec = RELEASES[version]
    rows: list[Row] = spec["rows"]
    by_name = {r[1]: _cdx_component(r) for r in rows}
    top: list[dict[str, Any]] = []
    for r in rows:
        parent = r[9]
        if parent:
            by_name[parent].setdefault("components", []).append(by_name[r[1]])
        else:
            top.append(by_name[r[1]])
    device_ref = _bom_ref(PRODUCT, version)
    deps = [{"ref": device_ref, "dependsOn": [_bom_ref(r[1], r[2]) for r in rows if not r[9]]}]
    deps += [
        {
            "ref": _bom_ref(r[1], r[2]),
            "dependsOn": [_bom_ref(c[1], c[2]) for c in rows if c[9] == r[1]],
        }
        for r in rows
    ]
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:6f1c2d3e-0000-4000-8000-{int(version.replace('.', '')):012d}",
        "version": 1,
        "metadata": {
            "timestamp": f"{spec['date']}T09:00:00Z",
            "authors": [{"name": "Product Security Team, " + MANUFACTURER}],
            "component": {
                "type": "device",
                "bom-ref": device_ref,
                "name": PRODUCT,
                "version": version,
                "manufacturer": {"name": MANUFACTURER},
                "supplier": {"name": MANUFACTURER},
            },
            "supplier": {"name": MANUFACTURER},
        },
        "components": top,
        "dependencies": deps,
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)


def _spdx_id(name: str) -> str:
    return "SPDXRef-" + re.sub(r"[^A-Za-z0-9.-]", "-", name)


def spdx(version: str) -> bytes:
    """The SPDX 2.3 JSON SBOM of one demo release."""
    spec = RELEASES[version]
    rows: list[Row] = spec["rows"]
    device_id = _spdx_id("device")
    packages: list[dict[str, Any]] = [
        {
            "SPDXID": device_id,
            "name": PRODUCT,
            "versionInfo": version,
            "downloadLocation": "NOASSERTION",
            "supplier": f"Organization: {MANUFACTURER}",
            "filesAnalyzed": False,
            "primaryPackagePurpose": "DEVICE",
        }
    ]
    rels = [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": device_id,
        }
    ]
    purpose = {
        "firmware": "FIRMWARE",
        "operating-system": "OPERATING_SYSTEM",
        "library": "LIBRARY",
        "application": "APPLICATION",
        "framework": "FRAMEWORK",
    }
    for group, name, ver, ctype, purl, cpe, supplier, level, eos, parent in rows:
        pkg: dict[str, Any] = {
            "SPDXID": _spdx_id(name),
            "name": f"{group}/{name}" if group else name,
            "versionInfo": ver,
            "downloadLocation": "NOASSERTION",
            "supplier": f"Organization: {supplier}",
            "filesAnalyzed": False,
            "primaryPackagePurpose": purpose[ctype],
            "comment": f"{LEVEL}: {level}",
        }
        refs = []
        if purl:
            refs.append(
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": purl,
                }
            )
        if cpe:
            refs.append(
                {
                    "referenceCategory": "SECURITY",
                    "referenceType": "cpe23Type",
                    "referenceLocator": cpe,
                }
            )
        if refs:
            pkg["externalRefs"] = refs
        if eos:
            pkg["validUntilDate"] = f"{eos}T00:00:00Z"
        packages.append(pkg)
        owner = _spdx_id(parent) if parent else device_id
        rels.append(
            {
                "spdxElementId": owner,
                "relationshipType": "DEPENDS_ON",
                "relatedSpdxElement": _spdx_id(name),
            }
        )
    doc = {
        "spdxVersion": "SPDX-2.3",
        "dataLicense": "CC0-1.0",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": f"{PRODUCT} {version}",
        "documentNamespace": f"https://example.invalid/spdx/infuguard-500/{version}",
        "creationInfo": {
            "created": f"{spec['date']}T09:00:00Z",
            "creators": [f"Organization: {MANUFACTURER}", "Tool: medsec-demo"],
        },
        "packages": packages,
        "relationships": rels,
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)
