"""A distribution package matched only through upstream CPE ranges is a finding of its own
kind: "upstream only: backports not considered" — listed on request, never counted as open;
once the distribution's advisories are loaded they decide and it goes away."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from test_findings_service import _feed, _import_sbom, _listing, _match, _nvd_page, _osv

from medsec.db.uow import unit_of_work
from medsec.findings import overview
from medsec.models import Finding, FindingEvent

pytestmark = pytest.mark.db

DEB = "pkg:deb/debian/openssl@1.1.1k-1%2Bdeb11u1?arch=amd64&distro=debian-11"
CPE = "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*"


def _sbom() -> bytes:
    comps = [
        {
            "type": "library",
            "bom-ref": "o",
            "name": "openssl",
            "version": "1.1.1k-1+deb11u1",
            "purl": DEB,
            "cpe": CPE,
        }
    ]
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    return orjson.dumps(doc)


def test_upstream_only_is_shown_not_counted_and_goes_when_distro_data_decides(
    session_factory, tmp_path: Path
):
    crit = {
        "vulnerable": True,
        "criteria": "cpe:2.3:a:openssl:openssl:*:*:*:*:*:*:*:*",
        "versionStartIncluding": "1.1.1",
        "versionEndExcluding": "1.1.1l",
        "matchCriteriaId": "A",
    }
    (tmp_path / "nvd.json").write_bytes(orjson.dumps(_nvd_page("CVE-2021-3711", [crit])))
    _feed(session_factory, tmp_path / "nvd.json")
    _import_sbom(session_factory, _sbom())
    report = _match(session_factory)
    assert report.active == 0 and report.new == 0
    assert _listing(session_factory) == []  # not an open finding
    (only,) = _listing(session_factory, upstream_only=True)
    assert only.status == "upstream_only"
    assert only.matched_by[0]["reason"].startswith("upstream only: backports not considered")
    assert only.matched_by[0]["value"] == CPE
    with unit_of_work(session_factory) as s:
        f = s.query(Finding).one()
        assert f.status == "upstream_only"
        kinds = [e.event for e in s.query(FindingEvent).filter_by(finding_id=f.id)]
        assert kinds == ["upstream_only"]  # no "new finding" event: nobody is told
    with unit_of_work(session_factory) as s:  # the API's list (`?upstream-only=true`)
        flt = overview.FindingFilter(upstream_only=True)
        assert overview.search(s, product="P", flt=flt).total == 1
        assert overview.search(s, product="P").total == 0
    _match(session_factory)  # stable on a re-match
    assert len(_listing(session_factory, upstream_only=True)) == 1
    dsa = _osv(
        tmp_path,
        "dsa.json",
        id="DSA-4963-1",
        aliases=["CVE-2021-3711"],
        affected=[
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
    )
    _feed(session_factory, dsa)
    _match(session_factory)
    assert _listing(session_factory, upstream_only=True) == []  # Debian's fix decides
    (gone,) = _listing(session_factory, include_resolved=True)
    assert gone.status == "resolved"
