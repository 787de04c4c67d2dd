"""Red Hat and SUSE advisories apply only to their own release (issue 10): an OSV record of
RHEL 8 (``Red Hat:rhel_aus:8.6::appstream``) says nothing about a RHEL 9 package, and a SUSE
Linux Enterprise 15 SP5 record nothing about 15 SP4; the purl's ``distro`` qualifier decides,
as for AlmaLinux and Rocky Linux. Real Red Hat records from ../shared/data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medsec.core.purl import purl_identity
from medsec.core.versions import ecosystem_release
from medsec.ingest.osv import parse_osv
from medsec.matching.engine import Candidate, match_components

RH = "advisories/osv-schema/tools/redhat/testdata/OSV/RHSA-2024_4546.json"


def _hits(records, purl: str) -> set[str]:
    hits, _ = match_components([Candidate(1, purl, None, None)], records)
    return {h.record_id for h in hits}


@pytest.mark.shared_data
def test_a_rhel_8_record_does_not_touch_a_rhel_9_package(shared_data: Path) -> None:
    records = [parse_osv(json.loads((shared_data / RH).read_bytes()), source="rhsa")]
    assert {a.ecosystem.split(":")[2] for r in records for a in r.affected} == {"8.6"}
    old = "pkg:rpm/redhat/git-lfs@2.13.3-2.el{major}?arch=x86_64&distro=rhel-{release}"
    assert _hits(records, old.format(major=8, release="8.6")) == {"RHSA-2024:4546"}
    assert _hits(records, old.format(major=8, release="8.10")) == {"RHSA-2024:4546"}
    assert _hits(records, old.format(major=9, release="9.4")) == set()  # not RHEL 8's to say
    assert _hits(records, "pkg:rpm/redhat/git-lfs@2.13.3-2.el9?distro=el9") == set()
    fixed = "pkg:rpm/redhat/git-lfs@2.13.3-3.el8_6.1?distro=rhel-8.6"
    assert _hits(records, fixed) == set()


def _suse(ecosystem: str, fixed: str) -> list:
    return [
        parse_osv(
            {
                "id": f"SUSE-SU-{ecosystem[-3:]}",
                "modified": "2024-01-01T00:00:00Z",
                "affected": [
                    {
                        "package": {"ecosystem": ecosystem, "name": "openssl-3"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": fixed}]}
                        ],
                    }
                ],
            },
            source="suse",
        )
    ]


@pytest.mark.parametrize(
    ("ecosystem", "release"),
    [
        ("SUSE:Linux Enterprise Server 15 SP5", "15.5"),
        ("SUSE:Linux Enterprise Module for Basesystem 15 SP4", "15.4"),
        ("SUSE:Linux Enterprise Server 12", "12.0"),
        ("openSUSE:Leap 15.5", "15.5"),
        ("openSUSE:Tumbleweed", "tumbleweed"),
        ("Red Hat:enterprise_linux:9::baseos", "9"),
        ("Red Hat:rhel_eus:8.8::appstream", "8"),
    ],
)
def test_release_of_red_hat_and_suse_ecosystems(ecosystem: str, release: str) -> None:
    assert ecosystem_release(ecosystem) == release


def test_suse_service_packs_are_kept_apart() -> None:
    sp5 = _suse("SUSE:Linux Enterprise Server 15 SP5", "3.0.8-150500.5.8.1")
    sp4 = _suse("SUSE:Linux Enterprise Module for Basesystem 15 SP4", "3.0.8-150400.4.40.1")
    pkg = "pkg:rpm/suse/openssl-3@3.0.8-150500.5.1?arch=x86_64&distro=sles-15-sp5"
    assert purl_identity(pkg).ecosystem == "SUSE:15.5"
    assert _hits(sp5 + sp4, pkg) == {"SUSE-SU-SP5"}
    sp4_pkg = "pkg:rpm/suse/openssl-3@3.0.8-150400.4.1?distro=sles-15.4"
    assert _hits(sp5 + sp4, sp4_pkg) == {"SUSE-SU-SP4"}
    leap = "pkg:rpm/opensuse/openssl-3@3.0.8-1.1?distro=opensuse-leap-15.5"
    assert _hits(sp5 + _suse("openSUSE:Tumbleweed", "3.1.0-1.1"), leap) == set()
