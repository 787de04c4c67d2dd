"""The demo's vulnerability set, written for medsec from public advisories about the demo
device's components: OSV records (as GitHub publishes them) for the portal's npm and PyPI
packages, and NVD CVE API 2.0 records with CPE configurations for firmware and gateway libraries.
Trimmed to the fields medsec uses; not necessarily the newest revision of each advisory.
"""

from __future__ import annotations

from typing import Any

import orjson

# (GHSA id, CVE id, ecosystem, package, introduced, fixed, CVSS v3.1 vector, summary)
OSV: list[tuple[str, str, str, str, str, str, str, str]] = [
    (
        "GHSA-35jh-r3h4-6jhm",
        "CVE-2021-23337",
        "npm",
        "lodash",
        "0",
        "4.17.21",
        "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
        "Command Injection in lodash",
    ),
    (
        "GHSA-6fc8-4gx4-v693",
        "CVE-2021-32640",
        "npm",
        "ws",
        "7.0.0",
        "7.4.6",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
        "ReDoS in Sec-Websocket-Protocol header",
    ),
    (
        "GHSA-3h5v-q93c-6h6q",
        "CVE-2024-37890",
        "npm",
        "ws",
        "7.0.0",
        "7.5.10",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
        "ws affected by a DoS when handling a request with many HTTP headers",
    ),
    (
        "GHSA-qwph-4952-7xr6",
        "CVE-2022-23540",
        "npm",
        "jsonwebtoken",
        "0",
        "9.0.0",
        "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:L/I:H/A:L",
        "jsonwebtoken's insecure default algorithm in jwt.verify()",
    ),
    (
        "GHSA-rv95-896h-c2vc",
        "CVE-2024-29041",
        "npm",
        "express",
        "0",
        "4.19.2",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
        "Express.js Open Redirect in malformed URLs",
    ),
    (
        "GHSA-xpfp-f569-q3p2",
        "CVE-2021-35042",
        "PyPI",
        "django",
        "3.2",
        "3.2.5",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "SQL injection in Django via QuerySet.order_by()",
    ),
    (
        "GHSA-8q59-q68h-6hv4",
        "CVE-2020-14343",
        "PyPI",
        "pyyaml",
        "0",
        "5.4",
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "Improper Input Validation in PyYAML (full_load)",
    ),
    (
        "GHSA-j8r2-6x86-q33q",
        "CVE-2023-32681",
        "PyPI",
        "requests",
        "2.3.0",
        "2.31.0",
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N",
        "Unintended leak of Proxy-Authorization header in requests",
    ),
]

# (CVE id, CPE criteria, bounds, CVSS v3.1 vector, description)
NVD: list[tuple[str, str, dict[str, str], str, str]] = [
    (
        "CVE-2021-3711",
        "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
        {"versionStartIncluding": "1.1.1", "versionEndExcluding": "1.1.1l"},
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "SM2 decryption buffer overflow in OpenSSL 1.1.1 before 1.1.1l.",
    ),
    (
        "CVE-2020-16150",
        "cpe:2.3:a:arm:mbed_tls:*:*:*:*:*:*:*:*",
        {"versionEndIncluding": "2.23.0"},
        "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N",
        "A Lucky 13 timing side channel in mbedtls_ssl_decrypt_buf in Mbed TLS through 2.23.0.",
    ),
]


def osv_records() -> list[dict[str, Any]]:
    """The OSV records as JSON-able dicts."""
    return [
        {
            "schema_version": "1.6.0",
            "id": ghsa,
            "modified": "2024-06-01T00:00:00Z",
            "published": "2021-05-06T00:00:00Z",
            "aliases": [cve],
            "summary": summary,
            "severity": [{"type": "CVSS_V3", "score": vector}],
            "affected": [
                {
                    "package": {"ecosystem": eco, "name": name},
                    "ranges": [
                        {"type": "ECOSYSTEM", "events": [{"introduced": intro}, {"fixed": fixed}]}
                    ],
                }
            ],
        }
        for ghsa, cve, eco, name, intro, fixed, vector, summary in OSV
    ]


def nvd_page() -> dict[str, Any]:
    """The NVD records as one CVE API 2.0 response page."""
    vulns = []
    for cve, criteria, bounds, vector, text in NVD:
        match = {
            "vulnerable": True,
            "criteria": criteria,
            "matchCriteriaId": f"DEMO-{cve}",
            **bounds,
        }
        vulns.append(
            {
                "cve": {
                    "id": cve,
                    "published": "2021-08-24T15:15:00.000",
                    "lastModified": "2024-06-01T00:00:00.000",
                    "vulnStatus": "Analyzed",
                    "descriptions": [{"lang": "en", "value": text}],
                    "metrics": {
                        "cvssMetricV31": [
                            {
                                "source": "nvd@nist.gov",
                                "type": "Primary",
                                "cvssData": {"version": "3.1", "vectorString": vector},
                            }
                        ]
                    },
                    "configurations": [
                        {"nodes": [{"operator": "OR", "negate": False, "cpeMatch": [match]}]}
                    ],
                    "references": [],
                }
            }
        )
    return {
        "resultsPerPage": len(vulns),
        "startIndex": 0,
        "totalResults": len(vulns),
        "format": "NVD_CVE",
        "version": "2.0",
        "timestamp": "2024-06-01T00:00:00.000",
        "vulnerabilities": vulns,
    }


def write(folder: Any) -> list[Any]:
    """Write the demo feeds (an OSV directory and an NVD page) into folder; return their paths."""
    osv_dir = folder / "feeds" / "osv"
    osv_dir.mkdir(parents=True, exist_ok=True)
    for rec in osv_records():
        (osv_dir / f"{rec['id']}.json").write_bytes(orjson.dumps(rec, option=orjson.OPT_INDENT_2))
    nvd = folder / "feeds" / "nvd-page.json"
    nvd.write_bytes(orjson.dumps(nvd_page(), option=orjson.OPT_INDENT_2))
    return [osv_dir, nvd]
