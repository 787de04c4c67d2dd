"""Every parser of untrusted input, with the refusals it may raise and a few valid seeds.

Shared by the Hypothesis property tests (``tests/ingest/test_parsers_fuzz_rules.py``, bounded
budget) and the long mutation run (``bench/fuzz_parsers.py``). A parser passes when every input
is either accepted or refused with one of its documented errors; any other exception is a bug.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from medsec.errors import MedsecError


def _sbom(data: bytes) -> Any:
    from medsec.ingest.sbom import parse_sbom

    return parse_sbom(data, source="fuzz", strict=False)


def _osv(data: bytes) -> Any:
    from medsec.ingest.osv import parse_osv

    return parse_osv(data, source="fuzz", problems=[])


def _nvd(data: bytes) -> Any:
    from medsec.ingest.nvd import parse_nvd

    return parse_nvd(data, source="fuzz", problems=[])


def _csaf(data: bytes) -> Any:
    from medsec.ingest.csaf import read_csaf

    return read_csaf(data, source="fuzz")


def _kev(data: bytes) -> Any:
    from medsec.ingest.kev import parse_kev

    return parse_kev(data, source="fuzz", problems=[])


def _epss(data: bytes) -> Any:
    from medsec.ingest.epss import parse_epss

    return parse_epss(data, source="fuzz", problems=[])


def _text(fn: Callable[[str], Any]) -> Callable[[bytes], Any]:
    def call(data: bytes) -> Any:
        return fn(data.decode("utf-8", "replace"))

    return call


def _purl(text: str) -> Any:
    from medsec.core.purl import purl_identity, slow_identity

    return purl_identity(text), slow_identity(text)


def _cpe(text: str) -> Any:
    from medsec.core.cpe import parse_cpe

    return parse_cpe(text)


def _cvss(text: str) -> Any:
    from medsec.core.cvss import parse

    return parse(text)


def _version(scheme: str) -> Callable[[str], Any]:
    def call(text: str) -> Any:
        from medsec.core.versions import version_key

        a, _, b = text.partition(" ")
        ka = version_key(scheme, a)
        if b:
            kb = version_key(scheme, b)
            return (ka > kb) - (ka < kb)  # keys of one scheme must be comparable
        return ka

    return call


def _vers(text: str) -> Any:
    from medsec.core.versions.vers import vers_contains

    rng, _, version = text.partition(" ")
    return vers_contains(rng, version or "1.0")


def _version_errors() -> tuple[type[BaseException], ...]:
    from medsec.core.versions._base import InvalidVersion

    return (InvalidVersion, MedsecError)


_CDX = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "metadata": {"component": {"type": "device", "name": "pump", "bom-ref": "p"}},
    "components": [
        {
            "type": "library",
            "name": "openssl",
            "version": "1.1.1k",
            "bom-ref": "o",
            "purl": "pkg:deb/debian/openssl@1.1.1k-1%2Bdeb11u1",
            "cpe": "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*",
            "hashes": [{"alg": "SHA-256", "content": "ab" * 32}],
        }
    ],
    "dependencies": [{"ref": "p", "dependsOn": ["o"]}],
}
_CDX_XML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components>'
    '<component type="library" bom-ref="z"><name>zlib</name><version>1.2.13</version>'
    "<purl>pkg:generic/zlib@1.2.13</purl></component></components>"
    '<dependencies><dependency ref="z"/></dependencies></bom>'
)
_SPDX = {
    "spdxVersion": "SPDX-2.3",
    "dataLicense": "CC0-1.0",
    "SPDXID": "SPDXRef-DOCUMENT",
    "name": "pump",
    "documentNamespace": "https://example.com/pump",
    "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: x"]},
    "packages": [
        {
            "SPDXID": "SPDXRef-a",
            "name": "requests",
            "versionInfo": "2.31.0",
            "downloadLocation": "NOASSERTION",
            "externalRefs": [
                {
                    "referenceCategory": "PACKAGE-MANAGER",
                    "referenceType": "purl",
                    "referenceLocator": "pkg:pypi/requests@2.31.0",
                }
            ],
        }
    ],
    "relationships": [
        {
            "spdxElementId": "SPDXRef-DOCUMENT",
            "relationshipType": "DESCRIBES",
            "relatedSpdxElement": "SPDXRef-a",
        }
    ],
}
_SPDX_TV = (
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\n"
    "DocumentNamespace: https://example.com/x\nCreator: Tool: x\nCreated: 2024-01-01T00:00:00Z\n"
    "PackageName: zlib\nSPDXID: SPDXRef-z\nPackageVersion: 1.2.13\n"
    "ExternalRef: PACKAGE-MANAGER purl pkg:generic/zlib@1.2.13\n"
    "PackageComment: <text>multi\nline</text>\n"
    "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-z\n"
)
_SPDX_YAML = (
    "spdxVersion: SPDX-2.3\ndataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nname: x\n"
    "documentNamespace: https://example.com/x\ncreationInfo:\n  created: '2024-01-01T00:00:00Z'\n"
    "  creators: ['Tool: x']\npackages:\n- SPDXID: SPDXRef-a\n  name: a\n  versionInfo: '1.0'\n"
    "  downloadLocation: NOASSERTION\n"
)
_OSV = {
    "schema_version": "1.6.0",
    "id": "GHSA-xxxx-yyyy-zzzz",
    "modified": "2024-01-01T00:00:00Z",
    "aliases": ["CVE-2024-0001"],
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "requests"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}],
            "versions": ["1.0"],
        }
    ],
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
}
_NVD = {
    "resultsPerPage": 1,
    "startIndex": 0,
    "totalResults": 1,
    "format": "NVD_CVE",
    "version": "2.0",
    "timestamp": "2024-01-01T00:00:00.000",
    "vulnerabilities": [
        {
            "cve": {
                "id": "CVE-2021-3711",
                "published": "2021-08-24T15:15:09.133",
                "lastModified": "2024-01-01T00:00:00.000",
                "vulnStatus": "Analyzed",
                "descriptions": [{"lang": "en", "value": "SM2 decryption buffer overflow"}],
                "configurations": [
                    {
                        "nodes": [
                            {
                                "operator": "OR",
                                "negate": False,
                                "cpeMatch": [
                                    {
                                        "vulnerable": True,
                                        "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
                                        "versionStartIncluding": "1.1.1",
                                        "versionEndExcluding": "1.1.1l",
                                        "matchCriteriaId": "X",
                                    }
                                ],
                            }
                        ]
                    }
                ],
            }
        }
    ],
}
_CSAF = {
    "document": {
        "category": "csaf_vex",
        "csaf_version": "2.0",
        "publisher": {"category": "vendor", "name": "x", "namespace": "https://x.example"},
        "title": "t",
        "tracking": {
            "current_release_date": "2024-01-01T00:00:00Z",
            "id": "X-1",
            "initial_release_date": "2024-01-01T00:00:00Z",
            "revision_history": [{"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "s"}],
            "status": "final",
            "version": "1",
        },
    },
    "product_tree": {
        "full_product_names": [
            {
                "name": "pump 1.0",
                "product_id": "P1",
                "product_identification_helper": {"purl": "pkg:generic/pump@1.0"},
            }
        ]
    },
    "vulnerabilities": [{"cve": "CVE-2024-0001", "product_status": {"fixed": ["P1"]}}],
}
_KEV = {
    "title": "CISA Catalog of Known Exploited Vulnerabilities",
    "catalogVersion": "2025.08.25",
    "dateReleased": "2025-08-25T00:00:00.000Z",
    "count": 1,
    "vulnerabilities": [
        {
            "cveID": "CVE-2021-44228",
            "vendorProject": "Apache",
            "product": "Log4j2",
            "vulnerabilityName": "Log4Shell",
            "dateAdded": "2021-12-10",
            "shortDescription": "x",
            "requiredAction": "patch",
            "dueDate": "2021-12-24",
            "knownRansomwareCampaignUse": "Known",
            "notes": "",
        }
    ],
}
_EPSS = (
    "#model_version:v2025.03.14,score_date:2025-03-14T00:00:00+0000\n"
    "cve,epss,percentile\nCVE-2021-44228,0.94,0.99\nCVE-2024-0001,0.0004,0.1\n"
)


def _j(obj: Any) -> bytes:
    return json.dumps(obj).encode()


@dataclass(frozen=True)
class Target:
    """One parser: how to call it on bytes, the errors it may refuse with, and valid seeds."""

    name: str
    call: Callable[[bytes], Any]
    refusals: Callable[[], tuple[type[BaseException], ...]]
    seeds: tuple[bytes, ...]


def _medsec() -> tuple[type[BaseException], ...]:
    return (MedsecError,)


def _purl_ok() -> tuple[type[BaseException], ...]:
    return ()  # purl_identity returns None for anything it cannot read


def _vers_errors() -> tuple[type[BaseException], ...]:
    from medsec.core.versions._base import InvalidVersion

    return (ValueError, InvalidVersion, MedsecError)


_VERSION_SEEDS: dict[str, tuple[str, ...]] = {
    "pypi": ("1.0.post1 2.0rc1", "1!2.0.dev3+local.7"),
    "semver": ("1.2.3-alpha.1+build 1.2.3", "0.0.0-0"),
    "go": ("v0.0.0-20210101000000-abcdefabcdef v1.2.3+incompatible",),
    "maven": ("1.0-SNAPSHOT 1.0.RELEASE", "2.9.10.8"),
    "nuget": ("1.0.0-beta.2 1.0.0.1",),
    "rubygems": ("1.0.0.pre 1.0.0",),
    "debian": ("1.1.1k-1+deb11u1 1.1.1k-1", "1:2.30-2~bpo10+1"),
    "rpm": ("1:1.1.1k-9.el8_7 1.1.1k-7.el8_6", "0:2.28-225.el8"),
    "alpine": ("1.2.3-r0 1.2.3_rc1-r1",),
    "packagist": ("v1.2.3 1.2.3-beta2",),
    "generic": ("4.2.1b 4.2.1", "R2021a"),
}

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("cyclonedx-json", _sbom, _medsec, (_j(_CDX),)),
        Target("cyclonedx-xml", _sbom, _medsec, (_CDX_XML.encode(),)),
        Target("spdx-json", _sbom, _medsec, (_j(_SPDX),)),
        Target("spdx-tag-value", _sbom, _medsec, (_SPDX_TV.encode(),)),
        Target("spdx-yaml", _sbom, _medsec, (_SPDX_YAML.encode(),)),
        Target("osv", _osv, _medsec, (_j(_OSV),)),
        Target("nvd", _nvd, _medsec, (_j(_NVD),)),
        Target("csaf", _csaf, _medsec, (_j(_CSAF),)),
        Target("kev", _kev, _medsec, (_j(_KEV),)),
        Target("epss", _epss, _medsec, (_EPSS.encode(),)),
        Target(
            "purl",
            _text(_purl),
            _purl_ok,
            (b"pkg:deb/debian/openssl@1.1.1k-1%2Bdeb11u1?arch=amd64", b"pkg:npm/%40a/b@1.0"),
        ),
        Target(
            "cpe",
            _text(_cpe),
            _medsec,
            (b"cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*", b"cpe:/a:vendor:prod:1.0"),
        ),
        Target(
            "cvss",
            _text(_cvss),
            _medsec,
            (
                b"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                b"AV:N/AC:L/Au:N/C:P/I:P/A:P",
                b"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            ),
        ),
        Target(
            "vers",
            _text(_vers),
            _vers_errors,
            (b"vers:pypi/>=1.0|<2.0 1.5", b"vers:deb/>=1.1.1|<1.1.1k-1+deb11u1 1.1.1k-1"),
        ),
        *(
            Target(
                f"version-{scheme}",
                _text(_version(scheme)),
                _version_errors,
                tuple(s.encode() for s in seeds),
            )
            for scheme, seeds in _VERSION_SEEDS.items()
        ),
    )
}


def check(target: Target, data: bytes) -> BaseException | None:
    """Run one input; return the unexpected exception (a bug), or None when handled."""
    try:
        target.call(data)
    except target.refusals() as exc:
        del exc
    except RecursionError as exc:  # counts as a bug: no parser may recurse without bound
        return exc
    except Exception as exc:
        return exc
    return None
