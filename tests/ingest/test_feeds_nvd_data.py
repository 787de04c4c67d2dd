"""NVD CVE API 2.0 reader against real NVD responses and third-party fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from medsec.ingest.feeds import read_feed
from medsec.ingest.nvd import parse_nvd
from medsec.ingest.vuln_model import VulnRecord

pytestmark = pytest.mark.shared_data

PAGES = ("cves-1999.json", "cves-2023.json")
METRIC_KEYS = ("cvssMetricV2", "cvssMetricV30", "cvssMetricV31", "cvssMetricV40")


def _raw_cves(path: Path) -> list[dict[str, Any]]:
    return [v["cve"] for v in json.loads(path.read_bytes())["vulnerabilities"]]


@pytest.fixture(scope="module")
def pages(shared_data: Path) -> list[tuple[list[dict[str, Any]], list[VulnRecord], dict[str, Any]]]:
    out = []
    for name in PAGES:
        path = shared_data / "nvd/nvd-api2-pages/nvd-api/testdata/responses" / name
        batches = list(read_feed(path))
        assert [b.kind for b in batches] == ["nvd"]
        assert not batches[0].problems
        out.append((_raw_cves(path), batches[0].records, batches[0].metadata))
    return out


def test_every_cve_of_both_pages(pages: list[Any]) -> None:
    total = 0
    for raw, records, metadata in pages:
        assert [r.id for r in records] == [c["id"] for c in raw]
        assert metadata["resultsPerPage"] == len(records) == 200
        assert metadata["format"] == "NVD_CVE" and "timestamp" in metadata
        total += len(records)
    assert total == 400


def test_configurations_counted(pages: list[Any]) -> None:
    with_config = configs = nodes = matches = 0
    for raw, records, _ in pages:
        by_id = {r.id: r for r in records}
        for cve in raw:
            rec = by_id[cve["id"]]
            raw_cfg = cve.get("configurations", [])
            assert len(rec.configurations) == len(raw_cfg)
            with_config += bool(raw_cfg)
            configs += len(rec.configurations)
            nodes += sum(len(c.nodes) for c in rec.configurations)
            matches += sum(len(n.matches) for c in rec.configurations for n in c.nodes)
            for cfg, rcfg in zip(rec.configurations, raw_cfg, strict=True):
                assert cfg.operator == rcfg.get("operator", "OR")
                for node, rnode in zip(cfg.nodes, rcfg["nodes"], strict=True):
                    assert (node.operator, node.negate) == (rnode["operator"], rnode["negate"])
                    for m, rm in zip(node.matches, rnode["cpeMatch"], strict=True):
                        assert (m.criteria, m.vulnerable) == (rm["criteria"], rm["vulnerable"])
                        assert m.version_end_excluding == rm.get("versionEndExcluding")
                        assert m.version_start_including == rm.get("versionStartIncluding")
                        assert m.match_criteria_id == rm["matchCriteriaId"]
    raw_nodes = raw_matches = 0
    for raw, _, _ in pages:
        for cve in raw:
            for cfg in cve.get("configurations", []):
                raw_nodes += len(cfg["nodes"])
                raw_matches += sum(len(n["cpeMatch"]) for n in cfg["nodes"])
    assert with_config == 390  # README: 390 with CPE configurations
    assert (nodes, matches) == (raw_nodes, raw_matches)
    assert configs >= with_config


def test_every_cvss_metric_with_its_base_score(pages: list[Any]) -> None:
    expected = []
    for raw, _, _ in pages:
        for cve in raw:
            for key in METRIC_KEYS:
                for m in cve.get("metrics", {}).get(key, []):
                    data = m["cvssData"]
                    expected.append(
                        (cve["id"], data["vectorString"], data["baseScore"], m["source"])
                    )
    ours = [
        (r.id, s.value, s.base_score, s.source)
        for _, records, _ in pages
        for r in records
        for s in r.severities
    ]
    assert len(expected) == 527  # README: 527 CVSS metrics
    assert sorted(ours) == sorted(expected)
    kinds = {s.type for _, records, _ in pages for r in records for s in r.severities}
    assert kinds == {"CVSS_V2", "CVSS_V3"}


def test_rejected_are_withdrawn_and_cwes(pages: list[Any]) -> None:
    for raw, records, _ in pages:
        by_id = {r.id: r for r in records}
        for cve in raw:
            rec = by_id[cve["id"]]
            assert (rec.withdrawn is not None) == (cve["vulnStatus"] == "Rejected")
            cwes = {
                d["value"]
                for w in cve.get("weaknesses", [])
                for d in w["description"]
                if d["value"].startswith("CWE-")
            }
            assert set(rec.cwes) == cwes
            assert rec.details == next(d["value"] for d in cve["descriptions"] if d["lang"] == "en")
            assert rec.aliases == () and rec.source == "nvd"
    assert sum(1 for _, records, _ in pages for r in records if r.withdrawn) == 4


def test_single_cve_objects(shared_data: Path) -> None:
    files = [shared_data / "nvd/nvd-api2-pages/nvd-api/testdata/cve-2022-44006.json"]
    files += sorted(
        (shared_data / "advisories/dependency-track-fixtures/vuln-data-source/nvd").rglob("*.json")
    )
    assert len(files) == 8
    for path in files:
        raw = json.loads(path.read_bytes())["cve"]
        records = parse_nvd(path.read_bytes(), source=str(path))
        assert [r.id for r in records] == [raw["id"]]
        assert len(records[0].configurations) == len(raw.get("configurations", []))
        n_metrics = sum(len(raw.get("metrics", {}).get(k, [])) for k in METRIC_KEYS)
        assert len(records[0].severities) == n_metrics


def test_cvss_v4_metric(shared_data: Path) -> None:
    path = shared_data / (
        "advisories/dependency-track-fixtures/vuln-data-source/nvd/src/test/resources/"
        "CVE-2017-5638-cvssv4-rating.json"
    )
    raw = json.loads(path.read_bytes())["cve"]["metrics"]["cvssMetricV40"][0]
    (rec,) = parse_nvd(path.read_bytes(), source=path.name)
    v4 = [s for s in rec.severities if s.type == "CVSS_V4"]
    assert [(s.value, s.base_score) for s in v4] == [
        (raw["cvssData"]["vectorString"], raw["cvssData"]["baseScore"])
    ]


@pytest.mark.parametrize(
    "folder",
    [
        "nvd/osv-dev-fixtures/vulnfeeds/test_data/nvdcve-2.0",
        "advisories/dependency-track-fixtures/history",
    ],
)
def test_feed_pages(shared_data: Path, folder: str) -> None:
    files = sorted((shared_data / folder).glob("*.json"))
    expected = [c["id"] for f in files for c in _raw_cves(f)]
    batches = list(read_feed(shared_data / folder))
    assert all(b.kind == "nvd" and not b.problems for b in batches)
    assert sorted(r.id for b in batches for r in b.records) == sorted(expected)
    assert len(batches) == len(files)  # one batch per page: metadata stays per page


def test_vunnel_full_page(shared_data: Path) -> None:
    path = shared_data / "nvd/vunnel-fixtures/tests/unit/providers/nvd/test-fixtures/full-page.json"
    (batch,) = list(read_feed(path))
    assert len(batch.records) == batch.metadata["totalResults"] == 38
    assert batch.snapshot_digest and len(batch.snapshot_digest) == 64
