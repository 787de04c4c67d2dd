"""AdvisoryIndex / ComponentIndex behaviour on small hand-written records."""

from __future__ import annotations

from datetime import UTC, datetime

from medsec.ingest.vuln_model import AffectedPackage, AffectedRange, RangeEvent, VulnRecord
from medsec.matching.index import AdvisoryIndex, ComponentIndex, ComponentRef, match_one_record


def _rec(
    rid: str, eco: str, name: str, intro: str, fixed: str, withdrawn: bool = False
) -> VulnRecord:
    rng = AffectedRange("ECOSYSTEM", (RangeEvent("introduced", intro), RangeEvent("fixed", fixed)))
    return VulnRecord(
        source="osv",
        id=rid,
        withdrawn=datetime(2024, 1, 1, tzinfo=UTC) if withdrawn else None,
        affected=(AffectedPackage(eco, name, ranges=(rng,)),),
    )


RECORDS = [
    _rec("PYSEC-1", "PyPI", "Zope.Interface", "0", "5.0"),
    _rec("PYSEC-W", "PyPI", "zope-interface", "0", "9.0", withdrawn=True),
    _rec("DEB-12", "Debian:12", "curl", "0", "7.88.1-10+deb12u5"),
    _rec("DEB-11", "Debian:11", "curl", "0", "7.74.0-1.3+deb11u9"),
    _rec("MVN-1", "Maven", "com.fasterxml.jackson.core:jackson-databind", "2.9.0", "2.9.10.1"),
    _rec("NPM-1", "npm", "lodash", "0", "4.17.12"),
]


def test_match_with_explanations_and_unmatched() -> None:
    index = AdvisoryIndex.build(RECORDS)
    comps = [
        ComponentRef(1, "pkg:pypi/zope_interface@4.7"),
        ComponentRef(2, "pkg:pypi/zope-interface@5.0"),
        ComponentRef(3, "pkg:deb/debian/curl@7.88.1-10?distro=debian-12"),
        ComponentRef(4, "pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10"),
        ComponentRef(5, "pkg:npm/lodash@2.4.2"),
        ComponentRef(6, "pkg:npm/lodash@4.17.21"),
        ComponentRef(7, "pkg:npm/lodash", version="4.17.11"),
        ComponentRef(8, None),
        ComponentRef(9, "pkg:npm/lodash@latest"),
        ComponentRef(10, "pkg:hackage/aeson@1.0"),
    ]
    res = index.match(comps)
    got = sorted((m.component_id, m.vuln_id) for m in res.matches)
    assert got == [(1, "PYSEC-1"), (3, "DEB-12"), (4, "MVN-1"), (5, "NPM-1"), (7, "NPM-1")]
    m4 = next(m for m in res.matches if m.component_id == 4)
    assert m4.explanation == "range 0 (ECOSYSTEM): introduced=2.9.0 <= 2.9.10 < fixed=2.9.10.1"
    assert m4.identifier_kind == "purl" and m4.ecosystem == "Maven"
    reasons = {u.component_id: u.reason for u in res.unmatched}
    assert set(reasons) == {8, 9, 10}
    assert "cannot parse version" in reasons[9] and "semver" in reasons[9]


def test_component_index_incremental_equals_batch() -> None:
    comps = [ComponentRef(i, f"pkg:npm/lodash@4.17.{i}") for i in range(25)]
    cindex = ComponentIndex.build(comps)
    inc = match_one_record(RECORDS[-1], cindex)
    batch = AdvisoryIndex.build([RECORDS[-1]]).match(comps).matches
    assert sorted(m.component_id for m in inc) == sorted(m.component_id for m in batch)
    assert sorted(m.component_id for m in inc) == list(range(12))
    assert (
        match_one_record(
            RECORDS[1], ComponentIndex.build([ComponentRef(1, "pkg:pypi/zope-interface@1")])
        )
        == []
    )
