"""Distribution packages are matched by their distribution's advisories, never by upstream CPE
ranges (issue 10, defect 11), on the real distro OSV records in ../shared/data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from medsec.ingest.nvd import parse_nvd
from medsec.ingest.osv import parse_osv
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.engine import Candidate, match_components

OPENSSL_CPE = "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"
DEB_FIXED = "pkg:deb/debian/openssl@1.1.1k-1%2Bdeb11u1?arch=arm64&distro=debian-11"
DEB_BEFORE = "pkg:deb/debian/openssl@1.1.1k-1?arch=arm64&distro=debian-11"


def _nvd_3711() -> VulnRecord:
    cpe_match = {
        "vulnerable": True,
        "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
        "versionStartIncluding": "1.1.1",
        "versionEndExcluding": "1.1.1l",
        "matchCriteriaId": "A",
    }
    cve: dict[str, Any] = {
        "id": "CVE-2021-3711",
        "published": "2021-08-24T15:15:09.133",
        "lastModified": "2024-01-01T00:00:00.000",
        "descriptions": [{"lang": "en", "value": "SM2 decryption buffer overflow"}],
        "configurations": [{"nodes": [{"operator": "OR", "cpeMatch": [cpe_match]}]}],
    }
    return parse_nvd({"vulnerabilities": [{"cve": cve}]}, source="nvd")[0]


def _dsa_4963() -> VulnRecord:
    # The Debian truth the data README gives: DSA-4963-1 fixed CVE-2021-3711 in bullseye in
    # openssl 1.1.1k-1+deb11u1 (no Debian OSV record of it is in the shared data).
    return parse_osv(
        {
            "id": "DSA-4963-1",
            "modified": "2021-08-24T00:00:00Z",
            "aliases": ["CVE-2021-3711", "CVE-2021-3712"],
            "affected": [
                {
                    "package": {"ecosystem": "Debian:11", "name": "openssl"},
                    "ranges": [
                        {
                            "type": "ECOSYSTEM",
                            "events": [{"introduced": "0"}, {"fixed": "1.1.1k-1+deb11u1"}],
                        }
                    ],
                }
            ],
        },
        source="dsa",
    )


def test_debian_fixed_version_is_not_affected_through_the_upstream_cpe() -> None:
    # the demo's old flagship: 1.1.1k-1+deb11u1 IS Debian's fix for CVE-2021-3711
    comps = [Candidate(1, DEB_FIXED, OPENSSL_CPE, "1.1.1k-1+deb11u1")]
    hits, misses = match_components(comps, [_nvd_3711()])
    assert hits == []
    assert [m.reason.split(":")[0] for m in misses] == ["upstream only"]
    assert "backports not considered" in misses[0].reason and "Debian" in misses[0].reason


def test_with_debian_data_loaded_the_debian_advisory_decides() -> None:
    comps = [
        Candidate(1, DEB_FIXED, OPENSSL_CPE, "1.1.1k-1+deb11u1"),
        Candidate(2, DEB_BEFORE, OPENSSL_CPE, "1.1.1k-1"),
    ]
    hits, misses = match_components(comps, [_nvd_3711(), _dsa_4963()])
    assert [(h.component_id, h.record_id, h.identifier) for h in hits] == [
        (2, "DSA-4963-1", "purl")
    ]
    assert misses == []


def test_upstream_builds_are_still_matched_by_cpe() -> None:
    comps = [Candidate(1, "pkg:generic/openssl@1.1.1k", OPENSSL_CPE, "1.1.1k")]
    hits, _ = match_components(comps, [_nvd_3711(), _dsa_4963()])
    assert [(h.record_id, h.identifier) for h in hits] == [("CVE-2021-3711", "cpe")]


@pytest.mark.shared_data
def test_almalinux_records_apply_within_their_release_only(shared_data: Path) -> None:
    # ALSA-2023:1405: openssl 1:1.1.1k-9.el8_7 fixes CVE-2023-0286 on AlmaLinux:8, and says
    # nothing about AlmaLinux:9
    path = shared_data / "advisories/distro-osv/almalinux/almalinux8/ALSA-2023_1405.json"
    record = parse_osv(path.read_bytes(), source=str(path))
    comps = [
        Candidate(1, "pkg:rpm/almalinux/openssl@1:1.1.1k-7.el8_6?distro=almalinux-8.6", None, None),
        Candidate(2, "pkg:rpm/almalinux/openssl@1:1.1.1k-9.el8_7?distro=almalinux-8", None, None),
        Candidate(3, "pkg:rpm/almalinux/openssl@1:1.1.1k-7.el9?distro=almalinux-9.2", None, None),
        Candidate(4, "pkg:rpm/almalinux/openssl@1:1.1.1k-7.el8_6?distro=el8", None, None),
    ]
    hits, _ = match_components(comps, [record])
    assert sorted({h.component_id for h in hits}) == [1, 4]


@pytest.mark.shared_data
def test_rpm_package_with_distro_data_loaded_ignores_upstream_cpe(shared_data: Path) -> None:
    path = shared_data / "advisories/distro-osv/almalinux/almalinux8/ALSA-2023_1405.json"
    record = parse_osv(path.read_bytes(), source=str(path))
    purl = "pkg:rpm/almalinux/openssl@1:1.1.1k-9.el8_7?distro=almalinux-8"
    hits, misses = match_components([Candidate(1, purl, OPENSSL_CPE, None)], [record, _nvd_3711()])
    assert hits == [] and misses == []


def test_demo_flagship_is_a_real_finding() -> None:
    from medsec.demo import data

    row = next(r for r in data.RELEASES["2.0.0"]["rows"] if r[1] == "openssl")
    purl, cpe, version = row[4], row[5], row[2]
    assert purl is not None and not purl.startswith(("pkg:deb/", "pkg:rpm/", "pkg:apk/"))
    hits, _ = match_components([Candidate(1, purl, cpe, version)], [_nvd_3711(), _dsa_4963()])
    assert [h.record_id for h in hits] == ["CVE-2021-3711"]
