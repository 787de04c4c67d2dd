"""OSV readers against the real advisory databases in ../shared/data/advisories."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
import yaml

from medsec.ingest.feeds import FeedBatch, FeedProblem, read_feed
from medsec.ingest.osv import parse_osv
from medsec.ingest.vuln_model import VulnRecord

pytestmark = pytest.mark.shared_data


def _read_all(path: Path, source: str = "auto") -> tuple[list[VulnRecord], list[FeedProblem]]:
    records: list[VulnRecord] = []
    problems: list[FeedProblem] = []
    batches: list[FeedBatch] = list(read_feed(path, source=source))
    for batch in batches:
        assert batch.kind == "osv"
        assert len(batch.records) <= 5000
        records.extend(batch.records)
        problems.extend(batch.problems)
    return records, problems


@pytest.fixture(scope="module")
def pypa(shared_data: Path) -> tuple[list[VulnRecord], list[FeedProblem], list[Path]]:
    root = shared_data / "advisories" / "pypa" / "vulns"
    records, problems = _read_all(root)
    return records, problems, sorted(root.rglob("*.yaml"))


@pytest.fixture(scope="module")
def govulndb(shared_data: Path) -> tuple[list[VulnRecord], list[FeedProblem], list[Path]]:
    root = shared_data / "advisories" / "go-vulndb" / "data" / "osv"
    records, problems = _read_all(root)
    return records, problems, sorted(root.glob("*.json"))


def test_pypa_every_file_imports(
    pypa: tuple[list[VulnRecord], list[FeedProblem], list[Path]],
) -> None:
    records, problems, files = pypa
    assert len(files) == 2661  # README: 2,661 PyPI advisories
    assert len(records) == len(files)
    assert {r.id for r in records} == {f.stem for f in files}
    assert not [p for p in problems if p.fatal]


def test_pypa_withdrawn_count(pypa: tuple[list[VulnRecord], list[FeedProblem], list[Path]]) -> None:
    records, _, files = pypa
    with_key = {f.stem for f in files if "\nwithdrawn:" in "\n" + f.read_text(encoding="utf-8")}
    withdrawn = {r.id for r in records if r.withdrawn is not None}
    assert len(withdrawn) == 10  # README: 10 withdrawn entries
    assert withdrawn == with_key


def test_pypa_versions_stay_strings(
    pypa: tuple[list[VulnRecord], list[FeedProblem], list[Path]],
) -> None:
    records, _, files = pypa
    by_id = {r.id: r for r in records}
    checked = 0
    for path in files[::25]:  # every 25th file, compared with an independent YAML read
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        rec = by_id[raw["id"]]
        expected = [
            list(dict.fromkeys(str(v) for v in a.get("versions", [])))
            for a in raw.get("affected", [])
        ]
        assert [list(a.versions) for a in rec.affected] == expected
        assert set(rec.aliases) == set(raw.get("aliases") or [])
        assert rec.modified is not None and rec.modified.tzinfo is not None
        checked += 1
    assert checked > 100
    enumerated = sum(1 for r in records if any(a.versions for a in r.affected))
    assert enumerated >= 2621  # README: 2,621 entries enumerate affected[].versions


def test_pypa_short_git_hashes_are_warnings(
    pypa: tuple[list[VulnRecord], list[FeedProblem], list[Path]],
) -> None:
    _, problems, _ = pypa
    git = [p for p in problems if "commit hash" in p.message]
    assert git and all(not p.fatal and p.record_id for p in git)


def test_go_vulndb(govulndb: tuple[list[VulnRecord], list[FeedProblem], list[Path]]) -> None:
    records, problems, files = govulndb
    assert len(files) == 4291
    assert len(records) == 4291 and not problems
    assert sum(1 for r in records if r.withdrawn) == 17  # README: 17 withdrawn
    raw_ranges = 0
    for path in files[::50]:
        raw = orjson.loads(path.read_bytes())
        raw_ranges += sum(len(a.get("ranges", [])) for a in raw.get("affected", []))
    by_id = {r.id: r for r in records}
    ours = sum(len(a.ranges) for f in files[::50] for a in by_id[f.stem].affected)
    assert ours == raw_ranges > 0
    semver = [rg for r in records for a in r.affected for rg in a.ranges]
    assert {rg.type for rg in semver} == {"SEMVER"}
    assert all(a.ecosystem == "Go" for r in records for a in r.affected)


def test_ghsa_subset_labels_and_cwes(shared_data: Path) -> None:
    root = shared_data / "advisories" / "ghsa-subset"
    files = sorted(root.rglob("GHSA-*.json"))
    records, problems = _read_all(root)
    assert len(files) == 16 and len(records) == 16 and not problems
    by_id = {r.id: r for r in records}
    for path in files:
        raw = json.loads(path.read_text(encoding="utf-8"))
        rec = by_id[raw["id"]]
        labels = [s.value for s in rec.severities if s.type == "label"]
        assert labels == [raw["database_specific"]["severity"]]
        assert rec.cwes == tuple(raw["database_specific"].get("cwe_ids", []))
        cvss = [(s.type, s.value) for s in rec.severities if s.type != "label"]
        assert cvss == [(s["type"], s["score"]) for s in raw.get("severity", [])]
        assert [a.name for a in rec.affected] == [a["package"]["name"] for a in raw["affected"]]


def test_dependency_track_osv_edge_cases(shared_data: Path) -> None:
    root = shared_data / "advisories/dependency-track-fixtures/vuln-data-source/osv"
    files = sorted(root.rglob("*.json"))
    records, problems = _read_all(root, source="osv")
    fatal = [p for p in problems if p.fatal]
    assert len(records) + len(fatal) == len(files) == 10
    no_modified = {f.name for f in files if "modified" not in json.loads(f.read_bytes())}
    assert {Path(p.source).name for p in fatal} == no_modified
    assert all(p.location == "modified" for p in fatal)
    git = next(r for r in records if r.id == "OSV-2021-1820")
    assert git.affected[0].ranges[0].type == "GIT"
    assert git.affected[0].ranges[0].repo == "https://github.com/radareorg/radare2"
    assert ("label", "MEDIUM") in [(s.type, s.value) for s in git.severities]
    debian = next(r for r in records if r.id == "DSA-5474-1")
    assert [a.ecosystem for a in debian.affected] == ["Debian:11", "Debian:12"]


def test_dependency_track_invalid_cvss_record(shared_data: Path) -> None:
    path = shared_data / (
        "advisories/dependency-track-fixtures/vuln-data-source/osv/src/test/resources/"
        "osv-vulnerability-invalid-cvss.json"
    )
    raw = json.loads(path.read_bytes())
    raw["modified"] = "2024-01-01T00:00:00Z"  # the fixture omits the required field
    problems: list[FeedProblem] = []
    rec = parse_osv(raw, source=path.name, problems=problems)
    assert len(rec.severities) == len(raw["severity"]) - 1  # the empty {} one is dropped
    assert [p.location for p in problems] == ["severity[0]"] and not problems[0].fatal


def test_osv_linter_testdata(shared_data: Path) -> None:
    root = shared_data / "advisories/osv-schema/tools/osv-linter/testdata"
    bad_prefixes = ("nointroduced-", "nondistinct-", "nopackage-")
    good = [f for f in sorted(root.glob("*.json")) if not f.name.startswith(bad_prefixes)]
    assert len(good) == 9
    for path in good:
        rec = parse_osv(path.read_bytes(), source=str(path))
        assert rec.id == json.loads(path.read_bytes())["id"]
    records, problems = _read_all(root)
    assert len(records) == len(good) + 2  # nondistinct and nopackage are schema-valid
    fatal = [p for p in problems if p.fatal]
    assert [Path(p.source).name for p in fatal] == ["nointroduced-CVE-2023-41045.json"]
    assert "introduced" in fatal[0].message and fatal[0].record_id == "CVE-2023-41045"


def test_osv_schema_conversion_outputs(shared_data: Path) -> None:
    root = shared_data / "advisories/osv-schema/tools"
    outputs = sorted(root.rglob("*.osv.json")) + sorted(
        (root / "redhat/testdata/OSV").glob("*.json")
    )
    for path in outputs:
        raw = json.loads(path.read_bytes())
        rec = parse_osv(path.read_bytes(), source=str(path))
        assert rec.id == raw["id"]
        assert (rec.withdrawn is not None) == ("withdrawn" in raw)
        assert len(rec.affected) == len(raw.get("affected", []))


def test_every_listed_ecosystem_is_kept_verbatim(shared_data: Path) -> None:
    ecosystems = json.loads((shared_data / "advisories/osv-schema/ecosystems.json").read_bytes())
    assert len(ecosystems) >= 40
    for eco in [*ecosystems, "Debian:12", "Alpine:v3.16", "GIT"]:
        doc = {
            "id": "TEST-1",
            "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": eco, "name": "pkg"}, "versions": ["1"]}],
        }
        assert parse_osv(doc, source="inline").affected[0].ecosystem == eco
