"""Small CSAF 2.0 documents written for these tests (csaf_base profile), naming a test device."""

from __future__ import annotations

import copy
from typing import Any

import orjson

MAKER = "Acme Medical"
DEVICE = "InfuPump 3000"
FW_CPE = "cpe:2.3:o:acme:infupump_firmware:2.1:*:*:*:*:*:*:*"
RTOS_CPE = "cpe:2.3:o:freertos:freertos:10.4.3:*:*:*:*:*:*:*"
KNOWN_CVE = "CVE-2021-23337"
UNKNOWN_CVE = "CVE-2099-0001"
CWE_77 = "Improper Neutralization of Special Elements used in a Command ('Command Injection')"


def cdx_sbom(version: str, lodash: str, *, with_rtos: bool) -> bytes:
    """A CycloneDX 1.5 SBOM of one device release (firmware CPE, lodash, maybe FreeRTOS)."""
    comps: list[dict[str, Any]] = [
        {
            "type": "library",
            "bom-ref": "lodash",
            "name": "lodash",
            "version": lodash,
            "purl": f"pkg:npm/lodash@{lodash}",
        },
        {
            "type": "library",
            "bom-ref": "urllib3",
            "name": "urllib3",
            "version": "1.26.4",
            "purl": "pkg:pypi/urllib3@1.26.4",
        },
    ]
    if with_rtos:
        comps.append(
            {
                "type": "operating-system",
                "bom-ref": "rtos",
                "name": "FreeRTOS",
                "version": "10.4.3",
                "cpe": RTOS_CPE,
            }
        )
    fw_cpe = FW_CPE if version == "2.1" else FW_CPE.replace(":2.1:", f":{version}:")
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "metadata": {
            "component": {
                "type": "firmware",
                "bom-ref": "fw",
                "name": "infupump-firmware",
                "version": version,
                "cpe": fw_cpe,
            }
        },
        "components": comps,
    }
    return orjson.dumps(doc)


def _leaf(pid: str, name: str, category: str, version: str, **helper: Any) -> dict[str, Any]:
    product: dict[str, Any] = {"name": name, "product_id": pid}
    if helper:
        product["product_identification_helper"] = helper
    return {"category": category, "name": version, "product": product}


def _vendor(vendor: str, product: str, leaves: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "category": "vendor",
        "name": vendor,
        "branches": [{"category": "product_name", "name": product, "branches": leaves}],
    }


PRODUCTS = {
    "P-PURL": "lodash 4.17.20 by purl",
    "P-PKG": "lodash, any version, by purl",
    "P-RTOS": "FreeRTOS 10.4.3 by cpe",
    "P-FW": "firmware 2.1 by cpe",
    "P-REL": "InfuPump 3000 2.2",
    "P-RANGE": "InfuPump 3000 2.x",
    "P-ALL": "InfuPump 3000 all versions (other spelling)",
    "P-NOREL": "InfuPump 3000 9.9",
    "P-VENDOR": "Other Vendor X 1",
    "P-NOPURL": "lodash 9.9.9 by purl",
    "P-NEAR": "InfuPump 300 2.1 (a near miss)",
    "P-MODEL": "pump by model number",
    "P-BARE": "a product with nothing to map by",
    "P-REL-COMP": "lodash 4.17.20 in InfuPump 3000 2.2",
}


def advisory(
    *,
    version: str = "1",
    date: str = "2026-01-10T00:00:00.000Z",
    tracking_id: str = "ACME-2026-0001",
    title: str = "Acme InfuPump advisory",
) -> dict[str, Any]:
    """A valid csaf_base document naming the test device in every way the importer maps."""
    history = [
        {"date": "2026-01-01T00:00:00.000Z", "number": "1", "summary": "Initial."},
    ]
    if version != "1":
        history.append({"date": date, "number": version, "summary": "Update."})
    p = PRODUCTS
    tree = {
        "branches": [
            _vendor(
                MAKER,
                DEVICE,
                [
                    _leaf("P-REL", p["P-REL"], "product_version", "2.2"),
                    _leaf(
                        "P-RANGE", p["P-RANGE"], "product_version_range", "vers:generic/>=2.0|<3.0"
                    ),
                    _leaf("P-NOREL", p["P-NOREL"], "product_version", "9.9"),
                ],
            ),
            _vendor(
                "ACME   medical",
                "infupump 3000",
                [_leaf("P-ALL", p["P-ALL"], "product_version_range", "vers:all/*")],
            ),
            _vendor(
                MAKER,
                "InfuPump 300",
                [_leaf("P-NEAR", p["P-NEAR"], "product_version", "2.1")],
            ),
            _vendor(
                "Other Vendor", "X", [_leaf("P-VENDOR", p["P-VENDOR"], "product_version", "1")]
            ),
        ],
        "full_product_names": [
            {
                "name": p["P-PURL"],
                "product_id": "P-PURL",
                "product_identification_helper": {"purl": "pkg:npm/lodash@4.17.20"},
            },
            {
                "name": p["P-PKG"],
                "product_id": "P-PKG",
                "product_identification_helper": {"purl": "pkg:npm/lodash"},
            },
            {
                "name": p["P-NOPURL"],
                "product_id": "P-NOPURL",
                "product_identification_helper": {"purl": "pkg:npm/lodash@9.9.9"},
            },
            {
                "name": p["P-RTOS"],
                "product_id": "P-RTOS",
                "product_identification_helper": {"cpe": RTOS_CPE},
            },
            {
                "name": p["P-FW"],
                "product_id": "P-FW",
                "product_identification_helper": {"cpe": FW_CPE},
            },
            {
                "name": p["P-MODEL"],
                "product_id": "P-MODEL",
                "product_identification_helper": {"model_numbers": ["InfuPump 3000"]},
            },
            {"name": p["P-BARE"], "product_id": "P-BARE"},
        ],
        "relationships": [
            {
                "category": "default_component_of",
                "product_reference": "P-PURL",
                "relates_to_product_reference": "P-REL",
                "full_product_name": {"name": p["P-REL-COMP"], "product_id": "P-REL-COMP"},
            }
        ],
    }
    affected = ["P-PURL", "P-PKG", "P-REL", "P-RANGE", "P-ALL", "P-NOREL", "P-VENDOR"]
    affected += ["P-NOPURL", "P-NEAR", "P-MODEL", "P-BARE", "P-REL-COMP"]
    return {
        "document": {
            "category": "csaf_base",
            "csaf_version": "2.0",
            "distribution": {"tlp": {"label": "WHITE"}},
            "publisher": {
                "category": "vendor",
                "name": MAKER,
                "namespace": "https://acme-medical.example/",
            },
            "title": title,
            "tracking": {
                "current_release_date": date,
                "id": tracking_id,
                "initial_release_date": "2026-01-01T00:00:00.000Z",
                "revision_history": history,
                "status": "final",
                "version": version,
            },
        },
        "product_tree": tree,
        "vulnerabilities": [
            {
                "cve": KNOWN_CVE,
                "title": "Command injection in lodash template",
                "cwe": {"id": "CWE-77", "name": CWE_77},
                "product_status": {
                    "known_affected": affected,
                    "known_not_affected": ["P-RTOS"],
                    "fixed": ["P-FW"],
                },
                "flags": [
                    {"label": "vulnerable_code_not_in_execute_path", "product_ids": ["P-RTOS"]}
                ],
                "threats": [
                    {
                        "category": "impact",
                        "details": "Pump settings could be changed.",
                        "product_ids": ["P-REL"],
                    }
                ],
                "remediations": [
                    {
                        "category": "vendor_fix",
                        "details": "Update the firmware to 2.3.",
                        "product_ids": ["P-REL", "P-RANGE", "P-PURL"],
                        "url": "https://acme-medical.example/fw/2.3",
                    }
                ],
                "scores": [
                    {
                        "products": ["P-REL"],
                        "cvss_v3": {
                            "version": "3.1",
                            "vectorString": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
                            "baseScore": 7.2,
                            "baseSeverity": "HIGH",
                        },
                    }
                ],
            },
            {
                "cve": UNKNOWN_CVE,
                "product_status": {"under_investigation": ["P-REL"]},
            },
        ],
    }


def as_bytes(doc: dict[str, Any]) -> bytes:
    """The document as JSON bytes."""
    return orjson.dumps(doc)


def changed(doc: dict[str, Any], **document_fields: Any) -> dict[str, Any]:
    """A deep copy with some /document fields replaced."""
    out = copy.deepcopy(doc)
    out["document"].update(document_fields)
    return out
