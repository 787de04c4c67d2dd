"""CISA KEV and FIRST EPSS readers: the real catalog and fixtures, plus inline edge cases."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest.epss import parse_epss
from medsec.ingest.feeds import FeedProblem, detect_feed, read_feed
from medsec.ingest.kev import parse_kev

EPSS_DIR = "nvd/vunnel-fixtures/tests/unit/providers/epss/test-fixtures"


@pytest.mark.shared_data
def test_kev_catalog_json(shared_data: Path) -> None:
    path = shared_data / "kev/known_exploited_vulnerabilities.json"
    raw = json.loads(path.read_bytes())
    batches = list(read_feed(path))
    assert {b.kind for b in batches} == {"kev"}
    entries = [e for b in batches for e in b.kev]
    assert len(entries) == raw["count"] == 1404
    assert not [p for b in batches for p in b.problems]
    meta = batches[0].metadata
    assert meta["catalogVersion"] == raw["catalogVersion"] == "2025.08.25"
    assert meta["dateReleased"] == raw["dateReleased"]
    known = sum(1 for v in raw["vulnerabilities"] if v["knownRansomwareCampaignUse"] == "Known")
    assert sum(e.known_ransomware for e in entries) == known
    first = raw["vulnerabilities"][0]
    assert entries[0].cve_id == first["cveID"]
    assert entries[0].date_added == date.fromisoformat(first["dateAdded"])
    assert entries[0].due_date == date.fromisoformat(first["dueDate"])
    assert (
        entries[0].vendor == first["vendorProject"]
        and entries[0].name == first["vulnerabilityName"]
    )


@pytest.mark.shared_data
def test_kev_catalog_csv_matches_json(shared_data: Path) -> None:
    csv_path = shared_data / "kev/known_exploited_vulnerabilities.csv"
    assert detect_feed(csv_path.read_bytes(), source=csv_path.name) == "kev"
    with csv_path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    entries, meta = parse_kev(csv_path.read_bytes(), source=csv_path.name)
    assert meta == {}
    assert [e.cve_id for e in entries] == [r["cveID"] for r in rows]
    json_entries, _ = parse_kev(
        (shared_data / "kev/known_exploited_vulnerabilities.json").read_bytes(), source="json"
    )
    assert set(entries) == set(json_entries)


@pytest.mark.shared_data
def test_kev_fixture_with_wrong_count(shared_data: Path) -> None:
    path = (
        shared_data
        / "nvd/vunnel-fixtures/tests/unit/providers/kev/test-fixtures/valid-catalog-1.json"
    )
    raw = json.loads(path.read_bytes())
    (batch,) = list(read_feed(path))
    assert len(batch.kev) == len(raw["vulnerabilities"]) == 3
    assert [p.location for p in batch.problems] == ["count"]
    assert not batch.problems[0].fatal


@pytest.mark.shared_data
def test_epss_fixture_plain_and_gzip(shared_data: Path, tmp_path: Path) -> None:
    path = shared_data / EPSS_DIR / "example-1.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [ln.split(",") for ln in lines[2:] if ln]
    scores, meta = parse_epss(path.read_bytes(), source=path.name)
    assert meta["model_version"] == "v2023.03.01"
    assert [(s.cve_id, s.epss, s.percentile) for s in scores] == [
        (c, float(e), float(p)) for c, e, p in rows
    ]
    assert {s.score_date for s in scores} == {date(2025, 2, 20)}
    packed = tmp_path / "epss_scores-2025-02-20.csv.gz"
    packed.write_bytes(gzip.compress(path.read_bytes()))
    (batch,) = list(read_feed(packed))
    assert batch.kind == "epss" and batch.epss == scores and batch.metadata == meta
    assert detect_feed(packed.read_bytes(), source="gz") == "epss"


@pytest.mark.shared_data
def test_epss_fixture_invalid_header_and_missing_date(shared_data: Path) -> None:
    bad = shared_data / EPSS_DIR / "invalid-header.csv"
    with pytest.raises(DocumentError, match="header"):
        parse_epss(bad.read_bytes(), source=bad.name)
    with pytest.raises(DocumentError):
        list(read_feed(bad))
    undated = shared_data / EPSS_DIR / "missing-date.csv"
    scores, meta = parse_epss(undated.read_bytes(), source=undated.name)
    assert len(scores) == 5 and "score_date" not in meta
    assert all(s.score_date is None and s.model_version == "v2023.03.01" for s in scores)


def test_epss_bad_rows_are_problems(tmp_path: Path) -> None:
    text = (
        "#model_version:v2025.03.14,score_date:2026-05-18T00:00:00Z\n"
        "cve,epss,percentile\n"
        "CVE-2024-0001,0.5,0.9\n"
        "CVE-2024-0002,1.5,0.9\n"
        "not-a-cve,0.1,0.1\n"
        "CVE-2024-0003,abc,0.1\n"
        "CVE-2024-0004,0.25,0.5\n"
    )
    with pytest.raises(DocumentError, match="line 4"):
        parse_epss(text.encode(), source="inline")
    problems: list[FeedProblem] = []
    scores, meta = parse_epss(text.encode(), source="inline", problems=problems)
    assert [s.cve_id for s in scores] == ["CVE-2024-0001", "CVE-2024-0004"]
    assert [p.location for p in problems] == ["line 4", "line 5", "line 6"]
    assert scores[0].score_date == date(2026, 5, 18) and meta["model_version"] == "v2025.03.14"


def test_epss_batches_of_5000(tmp_path: Path) -> None:
    rows = "".join(f"CVE-2024-{i:05d},0.001,0.5\n" for i in range(12001))
    path = tmp_path / "epss.csv.gz"
    path.write_bytes(gzip.compress(("#model_version:v1\ncve,epss,percentile\n" + rows).encode()))
    sizes = [len(b.epss) for b in read_feed(path)]
    assert sizes == [5000, 5000, 2001]


def test_epss_gzip_bomb_refused(tmp_path: Path) -> None:
    payload = b"#model_version:v1\ncve,epss,percentile\n" + b" " * 3_000_000
    path = tmp_path / "bomb.csv.gz"
    path.write_bytes(gzip.compress(payload))
    assert path.stat().st_size < 100_000
    with pytest.raises(DocumentTooLarge):
        read_feed(path, max_bytes=1_000_000)


def test_kev_bad_entry_is_a_problem() -> None:
    doc = {
        "catalogVersion": "2025.01.01",
        "count": 2,
        "vulnerabilities": [
            {
                "cveID": "CVE-2024-1234",
                "vendorProject": "V",
                "product": "P",
                "vulnerabilityName": "N",
                "dateAdded": "2025-01-01",
                "dueDate": "2025-01-22",
                "knownRansomwareCampaignUse": "Known",
            },
            {"cveID": "CVE-2024-9", "vendorProject": "V", "product": "P"},
        ],
    }
    with pytest.raises(DocumentError, match="vulnerabilities\\[1\\]"):
        parse_kev(json.dumps(doc).encode(), source="inline")
    problems: list[FeedProblem] = []
    entries, meta = parse_kev(json.dumps(doc).encode(), source="inline", problems=problems)
    assert [e.cve_id for e in entries] == ["CVE-2024-1234"] and entries[0].known_ransomware
    assert meta["catalogVersion"] == "2025.01.01"
    assert [(p.record_id, p.fatal) for p in problems] == [("CVE-2024-9", True), (None, False)]
