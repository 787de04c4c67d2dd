"""Every SARIF log and JUnit report under shared/data/evidence imports with the counts the
index gives (results per file; test cases, failures, errors, skipped, passed), or is refused
with the file and place where the index marks it broken."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from medsec.errors import DocumentError
from medsec.ingest.junit import junit_counts, read_junit
from medsec.ingest.sarif import read_sarif

pytestmark = pytest.mark.shared_data


def _index(shared_data: Path, kind: str) -> list[dict]:
    return json.loads((shared_data / "evidence" / kind / "index.json").read_text())["index"]


def test_every_sarif_log_gives_its_results_or_is_refused(shared_data: Path) -> None:
    total = 0
    refused = []
    for entry in _index(shared_data, "sarif"):
        data = (shared_data / "evidence" / "sarif" / entry["file"]).read_bytes()
        broken = bool(entry.get("invalid")) or entry.get("runs") is None
        if broken:
            with pytest.raises(DocumentError) as err:
                read_sarif(data, source=entry["file"])
            assert entry["file"] in str(err.value) and "/runs" in str(err.value)
            refused.append(entry["file"])
            continue
        doc = read_sarif(data, source=entry["file"])
        assert len(doc.results) == entry["results"], entry["file"]
        assert doc.runs == entry["runs"], entry["file"]
        assert set(entry["tools"]) <= set(doc.tools) | {None}, entry["file"]
        levels = Counter(r.level or "(none)" for r in doc.results)
        assert dict(levels) == entry["results_by_level"], entry["file"]
        total += len(doc.results)
    assert len(refused) == 2
    assert total == 2433  # the index's total: no refused file holds results


def test_sarif_runs_without_results_warn(shared_data: Path) -> None:
    path = shared_data / "evidence/sarif/codeql-action/src/testdata/tool-names.sarif"
    doc = read_sarif(path.read_bytes(), source="tool-names.sarif")
    assert doc.runs == 5 and not doc.results
    assert sum("absent" in w for w in doc.warnings) == 5


def test_every_junit_report_gives_its_test_cases_or_is_refused(shared_data: Path) -> None:
    totals: Counter[str] = Counter()
    refused = Counter()
    for entry in _index(shared_data, "junit"):
        data = (shared_data / "evidence" / "junit" / entry["file"]).read_bytes()
        if entry["format"] != "junit":
            with pytest.raises(DocumentError) as err:
                read_junit(data, source=entry["file"])
            assert entry["file"] in str(err.value)
            refused[entry["format"]] += 1
            continue
        doc = read_junit(data, source=entry["file"])
        assert junit_counts(doc) == entry["counted"], entry["file"]
        totals.update(junit_counts(doc))
    assert refused == {"unparseable": 7, "not-junit": 3}
    assert dict(totals) == {
        "tests": 11810,
        "failures": 98,
        "errors": 21,
        "skipped": 2483,
        "passed": 9208,
    }


def test_declared_totals_that_disagree_give_a_warning(shared_data: Path) -> None:
    differ = 0
    for entry in _index(shared_data, "junit"):
        if entry["format"] != "junit" or "tests" not in entry.get("declared", {}):
            continue
        if entry["declared"]["tests"] != entry["counted"]["tests"]:
            data = (shared_data / "evidence" / "junit" / entry["file"]).read_bytes()
            doc = read_junit(data, source=entry["file"])
            assert any("declares" in w for w in doc.warnings), entry["file"]
            differ += 1
    assert differ > 0


def test_xxe_probe_is_refused_without_loading_anything(shared_data: Path) -> None:
    path = shared_data / "evidence/junit/junit-plugin/src/test/resources/hudson/tasks/junit"
    with pytest.raises(DocumentError) as err:
        read_junit((path / "testXxe-xxe.xml").read_bytes(), source="testXxe-xxe.xml")
    assert "DOCTYPE" in str(err.value) or "no DTDs" in str(err.value)
