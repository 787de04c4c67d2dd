"""Feeds, matching and findings through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError
from medsec.findings import decisions, listing
from medsec.findings import service as findings
from medsec.findings.schemas import FindingRead
from medsec.models import Advisory, Finding, FindingEvent, Vulnerability
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns

SBOMS = "sboms/cyclonedx-examples/SBOM"


def _import_sbom(factory, data: bytes, product: str = "P", version: str = "1") -> None:
    with unit_of_work(factory) as s:
        sboms.import_sbom(
            s, data=data, source_name="x.json", product=product, version=version, actor="t"
        )


def _feed(factory, path: Path) -> vulns.FeedImportResult:
    with unit_of_work(factory) as s:
        return vulns.import_feed(s, path=path, actor="t")


def _match(factory, **kw) -> findings.MatchReport:
    with unit_of_work(factory) as s:
        return findings.match(s, actor="t", **kw)


def _listing(factory, product: str = "P", **kw) -> list[FindingRead]:
    with unit_of_work(factory) as s:
        return listing.list_findings(s, product=product, **kw)


def _osv(tmp_path: Path, name: str, **record) -> Path:
    base = {"schema_version": "1.6.0", "modified": "2024-01-01T00:00:00Z"}
    path = tmp_path / name
    path.write_bytes(orjson.dumps(base | record))
    return path


def _npm(name: str, introduced: str, fixed: str) -> list[dict]:
    events = [{"introduced": introduced}, {"fixed": fixed}]
    return [
        {
            "package": {"ecosystem": "npm", "name": name},
            "ranges": [{"type": "SEMVER", "events": events}],
        }
    ]


def _cdx(*components: tuple[str, str]) -> bytes:
    comps = [
        {
            "type": "library",
            "bom-ref": f"{n}@{v}",
            "name": n,
            "version": v,
            "purl": f"pkg:npm/{n}@{v}",
        }
        for n, v in components
    ]
    return orjson.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    )


@pytest.mark.shared_data
def test_ghsa_subset_against_real_sboms(session_factory, shared_data):
    for product, rel in (
        ("juice", "juice-shop/via_npm/bare/bom.1.4.json"),
        ("keycloak", "keycloak-10.0.2/bom.json"),
        ("dropwizard", "dropwizard-1.3.15/bom.json"),
    ):
        _import_sbom(session_factory, (shared_data / SBOMS / rel).read_bytes(), product=product)
    result = _feed(session_factory, shared_data / "advisories/ghsa-subset")
    assert result.new == 16 and not [p for p in result.problems if p.fatal]
    report = _match(session_factory)
    assert report.releases_full == 3
    hit: set[tuple[str, str]] = set()
    for product in ("juice", "keycloak", "dropwizard"):
        for f in _listing(session_factory, product=product):
            hit.add((f.component.name, f.component.version))
            assert f.matched_by and f.matched_by[0]["record"].startswith("GHSA-")
            assert any(
                a.startswith("GHSA-") for a in [f.vulnerability.id, *f.vulnerability.aliases]
            )
    for affected in (
        ("lodash", "2.4.2"),
        ("ws", "7.4.6"),
        ("jackson-databind", "2.9.10"),
        ("h2", "1.4.197"),
    ):
        assert affected in hit, affected
    for safe in (("lodash", "4.17.21"), ("minimatch", "3.0.5")):
        assert safe not in hit, safe
    print(f"ghsa-subset: {len(hit)} affected (name, version) pairs across 3 SBOMs")


def test_triage_survives_reimport_and_incremental_rematch(session_factory, tmp_path):
    _import_sbom(session_factory, _cdx(("left-pad", "1.0.0"), ("other", "2.0.0")))
    _feed(
        session_factory,
        _osv(
            tmp_path,
            "a.json",
            id="TEST-1",
            aliases=["CVE-2099-0001"],
            affected=_npm("left-pad", "0", "1.2.0"),
        ),
    )
    assert _match(session_factory).new == 1
    with unit_of_work(session_factory) as s:
        fid = s.execute(select(Finding.id)).scalar_one()
        accounts.add(s, name="t", roles=["analyst"], products=[], actor="t")
        decisions.decide(
            s,
            finding_id=fid,
            status="not_affected",
            justification="vulnerable_code_not_in_execute_path",
            reason="function never called",
            actor="t",
        )
    _import_sbom(session_factory, _cdx(("left-pad", "1.0.0"), ("other", "2.0.0"), ("new", "1.0.0")))
    report = _match(session_factory)
    assert (report.releases_full, report.new, report.resolved) == (1, 0, 0)
    (only,) = _listing(session_factory)
    assert only.id == fid and only.status == "active"
    assert (only.vex.status, only.vex.reason) == (
        "not_affected",
        "function never called",
    )
    # the record is corrected: 1.0.0 is no longer affected; only the changed record is re-evaluated
    _feed(
        session_factory,
        _osv(
            tmp_path,
            "a.json",
            id="TEST-1",
            modified="2024-02-01T00:00:00Z",
            aliases=["CVE-2099-0001"],
            affected=_npm("left-pad", "0", "0.9.0"),
        ),
    )
    report = _match(session_factory)
    assert (report.releases_full, report.releases_incremental, report.resolved) == (0, 1, 1)
    assert report.components == 1  # only the component the record names was looked at
    (gone,) = _listing(session_factory, include_resolved=True)
    assert gone.status == "resolved" and gone.resolved_at is not None
    assert gone.vex.status == "not_affected"
    _feed(
        session_factory,
        _osv(
            tmp_path,
            "a.json",
            id="TEST-1",
            modified="2024-03-01T00:00:00Z",
            aliases=["CVE-2099-0001"],
            affected=_npm("left-pad", "0", "1.5.0"),
        ),
    )
    assert _match(session_factory).reopened == 1
    with unit_of_work(session_factory) as s:
        events = (
            s.execute(
                select(FindingEvent.event)
                .where(FindingEvent.finding_id == fid)
                .order_by(FindingEvent.id)
            )
            .scalars()
            .all()
        )
    assert events == ["new", "resolved", "reopened"]


def test_reimport_is_idempotent_and_older_records_never_win(session_factory, tmp_path):
    path = _osv(
        tmp_path,
        "a.json",
        id="TEST-2",
        modified="2024-05-01T00:00:00Z",
        affected=_npm("lib", "0", "2.0.0"),
    )
    assert _feed(session_factory, path).new == 1
    again = _feed(session_factory, path)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    older = _osv(
        tmp_path,
        "b.json",
        id="TEST-2",
        modified="2023-01-01T00:00:00Z",
        affected=_npm("lib", "0", "9.0.0"),
    )
    assert _feed(session_factory, older).older_skipped == 1
    with unit_of_work(session_factory) as s:
        adv = s.execute(select(Advisory)).scalar_one()
        assert adv.affected[0]["ranges"][0]["events"][1] == {"kind": "fixed", "value": "2.0.0"}


def test_withdrawn_record_stops_matching(session_factory, tmp_path):
    _import_sbom(session_factory, _cdx(("lib", "1.0.0")))
    _feed(
        session_factory, _osv(tmp_path, "a.json", id="TEST-3", affected=_npm("lib", "0", "2.0.0"))
    )
    assert _match(session_factory).new == 1
    _feed(
        session_factory,
        _osv(
            tmp_path,
            "a.json",
            id="TEST-3",
            modified="2024-06-01T00:00:00Z",
            withdrawn="2024-06-01T00:00:00Z",
            affected=_npm("lib", "0", "2.0.0"),
        ),
    )
    assert _match(session_factory).resolved == 1
    assert _listing(session_factory) == []
    assert _listing(session_factory, include_resolved=True)[0].status == "resolved"


def test_aliases_merge_into_one_vulnerability_and_one_finding(session_factory, tmp_path):
    _import_sbom(session_factory, _cdx(("lib", "1.0.0")))
    _feed(
        session_factory,
        _osv(tmp_path, "a.json", id="GHSA-aaaa", affected=_npm("lib", "0", "2.0.0")),
    )
    _feed(
        session_factory, _osv(tmp_path, "b.json", id="OSV-bbbb", affected=_npm("lib", "0", "3.0.0"))
    )
    assert _match(session_factory).new == 2
    # a third record names both: the two groups and their findings fold into one
    _feed(
        session_factory,
        _osv(
            tmp_path,
            "c.json",
            id="CVE-2099-1234",
            aliases=["GHSA-aaaa", "OSV-bbbb"],
            affected=_npm("lib", "0", "2.0.0"),
        ),
    )
    _match(session_factory)
    (only,) = _listing(session_factory)
    assert only.vulnerability.id == "CVE-2099-1234"
    assert only.vulnerability.aliases == ["GHSA-aaaa", "OSV-bbbb"]
    assert sorted(m["record"] for m in only.matched_by) == [
        "CVE-2099-1234",
        "GHSA-aaaa",
        "OSV-bbbb",
    ]
    with unit_of_work(session_factory) as s:
        assert s.execute(select(func.count()).select_from(Vulnerability)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(Finding)).scalar_one() == 1


def test_unreadable_feed_stores_nothing(session_factory, tmp_path):
    bad = tmp_path / "all.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(DocumentError) as info:
        _feed(session_factory, bad)
    assert "all.zip" in str(info.value)
    with unit_of_work(session_factory) as s:
        assert s.execute(select(func.count()).select_from(Advisory)).scalar_one() == 0


def _nvd_page(
    cve: str, criteria: list[dict], *, operator: str = "OR", platform: list[dict] | None = None
) -> dict:
    nodes = [{"operator": "OR", "negate": False, "cpeMatch": criteria}]
    if platform:
        nodes.append({"operator": "OR", "negate": False, "cpeMatch": platform})
    cve_obj = {
        "id": cve,
        "published": "2024-01-01T00:00:00.000",
        "lastModified": "2024-01-02T00:00:00.000",
        "vulnStatus": "Analyzed",
        "descriptions": [{"lang": "en", "value": "test"}],
        "metrics": {
            "cvssMetricV31": [
                {
                    "source": "nvd@nist.gov",
                    "type": "Primary",
                    "cvssData": {
                        "version": "3.1",
                        "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                        "baseScore": 9.8,
                        "baseSeverity": "CRITICAL",
                    },
                }
            ]
        },
        "configurations": [{"operator": operator, "nodes": nodes}],
        "references": [],
    }
    return {
        "resultsPerPage": 1,
        "startIndex": 0,
        "totalResults": 1,
        "format": "NVD_CVE",
        "version": "2.0",
        "timestamp": "2024-01-03T00:00:00.000",
        "vulnerabilities": [{"cve": cve_obj}],
    }


def _cpe_sbom(*cpes: tuple[str, str]) -> bytes:
    comps = [
        {"type": "firmware", "bom-ref": f"c{i}", "name": n, "version": c.split(":")[5], "cpe": c}
        for i, (n, c) in enumerate(cpes)
    ]
    return orjson.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    )


def test_nvd_cpe_ranges_and_running_on_platforms(session_factory, tmp_path):
    crit = {
        "vulnerable": True,
        "criteria": "cpe:2.3:o:acme:pump_os:*:*:*:*:*:*:*:*",
        "versionStartIncluding": "2.0",
        "versionEndExcluding": "2.4.1",
        "matchCriteriaId": "X",
    }
    platform = {
        "vulnerable": False,
        "criteria": "cpe:2.3:h:acme:pump_500:-:*:*:*:*:*:*:*",
        "matchCriteriaId": "Y",
    }
    (tmp_path / "a.json").write_bytes(orjson.dumps(_nvd_page("CVE-2099-0100", [crit])))
    (tmp_path / "b.json").write_bytes(
        orjson.dumps(_nvd_page("CVE-2099-0200", [crit], operator="AND", platform=[platform]))
    )
    _import_sbom(
        session_factory,
        _cpe_sbom(
            ("pump os", "cpe:2.3:o:acme:pump_os:2.4.0:*:*:*:*:*:*:*"),
            ("old os", "cpe:2.3:o:acme:pump_os:1.9:*:*:*:*:*:*:*"),
            ("fixed os", "cpe:2.3:o:acme:pump_os:2.4.1:*:*:*:*:*:*:*"),
            ("other", "cpe:2.3:o:acme:pump_osx:2.2:*:*:*:*:*:*:*"),
        ),
        version="A",
    )
    _import_sbom(
        session_factory,
        _cpe_sbom(
            ("pump os", "cpe:2.3:o:acme:pump_os:2.4.0:*:*:*:*:*:*:*"),
            ("board", "cpe:2.3:h:acme:pump_500:-:*:*:*:*:*:*:*"),
        ),
        version="B",
    )
    _feed(session_factory, tmp_path / "a.json")
    _feed(session_factory, tmp_path / "b.json")
    _match(session_factory)
    got = {(f.release, f.component.name, f.vulnerability.id) for f in _listing(session_factory)}
    assert got == {
        ("A", "pump os", "CVE-2099-0100"),
        ("B", "pump os", "CVE-2099-0100"),
        ("B", "pump os", "CVE-2099-0200"),
    }
    one = next(f for f in _listing(session_factory, version="A"))
    assert one.matched_by[0]["identifier"] == "cpe"
    assert "2.4.0" in one.matched_by[0]["reason"]
    assert one.vulnerability.severity == "critical" and one.vulnerability.cvss_score == 9.8


def test_same_record_in_two_files_of_one_import_is_stable(session_factory, tmp_path):
    """NVD yearly files overlap: the same CVE, same lastModified, other content, in two pages."""
    feed = tmp_path / "nvd"
    feed.mkdir()
    crit = {"vulnerable": True, "criteria": "cpe:2.3:a:acme:lib:*:*:*:*:*:*:*:*"}
    (feed / "a.json").write_bytes(
        orjson.dumps(_nvd_page("CVE-2099-0300", [dict(crit, versionEndExcluding="2")]))
    )
    (feed / "b.json").write_bytes(
        orjson.dumps(_nvd_page("CVE-2099-0300", [dict(crit, versionEndExcluding="3")]))
    )
    first = _feed(session_factory, feed)
    assert (first.new, first.updated, first.unchanged) == (1, 0, 1)
    again = _feed(session_factory, feed)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_full_match_in_small_batches_gives_the_same_findings(
    session_factory, tmp_path, monkeypatch
):
    for version, comps in (
        ("1", [("lib", "1.0.0"), ("x", "1.0.0")]),
        ("2", [("lib", "2.5.0")]),
        ("3", [("x", "0.5.0")]),
    ):
        _import_sbom(session_factory, _cdx(*comps), version=version)
    _feed(session_factory, _osv(tmp_path, "a.json", id="T-1", affected=_npm("lib", "0", "3.0.0")))
    _feed(session_factory, _osv(tmp_path, "b.json", id="T-2", affected=_npm("x", "0.1.0", "0.9.0")))
    monkeypatch.setattr(findings, "FULL_BATCH_COMPONENTS", 1)
    report = _match(session_factory, full=True)
    assert report.releases_full == 3 and report.new == 3
    got = {(f.release, f.component.name, f.vulnerability.id) for f in _listing(session_factory)}
    assert got == {("1", "lib", "T-1"), ("2", "lib", "T-1"), ("3", "x", "T-2")}
