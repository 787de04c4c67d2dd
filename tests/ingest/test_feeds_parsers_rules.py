"""Feed parsers on small inline documents: validation rules, detection and single files."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from medsec.errors import DocumentError, DocumentTooLarge, InvalidInput, UnsupportedFormat
from medsec.ingest.feeds import FeedProblem, detect_feed, read_feed
from medsec.ingest.nvd import parse_nvd
from medsec.ingest.osv import parse_osv

OSV: dict[str, Any] = {
    "schema_version": "1.6.0",
    "id": "GHSA-aaaa-bbbb-cccc",
    "modified": "2024-05-01T10:00:00.123456Z",
    "published": "2024-04-30T00:00:00Z",
    "aliases": ["CVE-2024-0001"],
    "summary": "demo",
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
    "affected": [
        {
            "package": {"ecosystem": "npm", "name": "left-pad", "purl": "pkg:npm/left-pad"},
            "ranges": [
                {
                    "type": "SEMVER",
                    "events": [
                        {"introduced": "0"},
                        {"fixed": "1.0.2"},
                        {"introduced": "3.0.0"},
                        {"fixed": "3.2.5"},
                    ],
                }
            ],
            "versions": ["1.0.0"],
        }
    ],
    "references": [{"type": "WEB", "url": "https://example.org/a"}],
    "database_specific": {"severity": "HIGH", "cwe_ids": ["CWE-79"]},
}


def _with(path: str, value: Any) -> dict[str, Any]:
    """A copy of OSV with one field (dotted path, list indexes as digits) set or deleted."""
    doc = copy.deepcopy(OSV)
    *parents, last = path.split(".")
    node: Any = doc
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    key: Any = int(last) if last.isdigit() else last
    if value is _DELETE:
        del node[key]
    else:
        node[key] = value
    return doc


_DELETE = object()


def test_osv_fields() -> None:
    rec = parse_osv(json.dumps(OSV).encode(), source="inline")
    assert rec.id == "GHSA-aaaa-bbbb-cccc" and rec.source == "osv"
    assert rec.modified == datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)
    assert rec.aliases == ("CVE-2024-0001",) and rec.cwes == ("CWE-79",)
    assert [(s.type, s.value) for s in rec.severities] == [
        ("CVSS_V3", OSV["severity"][0]["score"]),
        ("label", "HIGH"),
    ]
    (pkg,) = rec.affected
    assert (pkg.ecosystem, pkg.name, pkg.purl, pkg.versions) == (
        "npm",
        "left-pad",
        "pkg:npm/left-pad",
        ("1.0.0",),
    )
    assert [(e.kind, e.value) for e in pkg.ranges[0].events] == [
        ("introduced", "0"),
        ("fixed", "1.0.2"),
        ("introduced", "3.0.0"),
        ("fixed", "3.2.5"),
    ]
    assert rec.references == ("https://example.org/a",) and rec.withdrawn is None


@pytest.mark.parametrize(
    ("path", "value", "where"),
    [
        ("id", _DELETE, "id"),
        ("id", "", "id"),
        ("modified", _DELETE, "modified"),
        ("modified", "yesterday", "modified"),
        ("withdrawn", "2024-13-01T00:00:00Z", "withdrawn"),
        ("schema_version", "2.0.0", "schema_version"),
        ("affected", {"not": "a list"}, "affected"),
        ("affected.0.package.name", _DELETE, "affected[0].package.name"),
        ("affected.0.ranges.0.type", _DELETE, "affected[0].ranges[0].type"),
        ("affected.0.ranges.0.events", [], "affected[0].ranges[0].events"),
        ("affected.0.ranges.0.events", [{"fixed": "1"}], "affected[0].ranges[0].events"),
        ("affected.0.ranges.0.events.0", {"introduced": "0", "fixed": "1"}, "events[0]"),
        ("affected.0.ranges.0.events.0", {"introduced": 1.5}, "events[0].introduced"),
        (
            "affected.0.ranges.0.events",
            [{"introduced": "0"}, {"fixed": "1"}, {"last_affected": "2"}],
            "affected[0].ranges[0].events",
        ),
        ("affected.0.ranges.0.type", "GIT", "affected[0].ranges[0].repo"),
        ("affected.0.versions", [1, 2], "affected[0].versions[0]"),
        ("aliases", "CVE-1", "aliases"),
    ],
)
def test_osv_fatal_errors_name_the_place(path: str, value: Any, where: str) -> None:
    with pytest.raises(DocumentError) as info:
        parse_osv(_with(path, value), source="feed.json")
    assert info.value.source == "feed.json"
    assert where in (info.value.location or "")


def test_osv_unknown_severity_is_a_warning_not_fatal() -> None:
    doc = _with("severity", [{"type": "FUTURE_SCORE", "score": "9"}, OSV["severity"][0]])
    problems: list[FeedProblem] = []
    rec = parse_osv(doc, source="inline", problems=problems)
    assert [s.type for s in rec.severities] == ["CVSS_V3", "label"]
    assert [(p.location, p.fatal, p.record_id) for p in problems] == [
        ("severity[0]", False, OSV["id"])
    ]


def test_osv_yaml_keeps_every_scalar_a_string() -> None:
    text = (
        "id: PYSEC-2099-1\n"
        "modified: 2024-05-01T10:00:00Z\n"
        "withdrawn: 2024-06-01T00:00:00Z\n"
        "affected:\n"
        "- package: {ecosystem: PyPI, name: demo}\n"
        "  ranges:\n"
        "  - type: ECOSYSTEM\n"
        "    events:\n"
        "    - introduced: 0\n"
        "    - fixed: 1.10\n"
        "  versions: [1.0, 1.9, 0x10, 1e3]\n"
    )
    rec = parse_osv(text.encode(), source="x.yaml")
    (pkg,) = rec.affected
    assert pkg.versions == ("1.0", "1.9", "0x10", "1e3")
    assert [e.value for e in pkg.ranges[0].events] == ["0", "1.10"]
    assert rec.withdrawn == datetime(2024, 6, 1, tzinfo=UTC)


def test_osv_git_only_affected_has_empty_package() -> None:
    commit = "a" * 40
    doc = _with(
        "affected",
        [{"ranges": [{"type": "GIT", "repo": "https://g/r", "events": [{"introduced": commit}]}]}],
    )
    (pkg,) = parse_osv(doc, source="inline").affected
    assert (pkg.ecosystem, pkg.name, pkg.ranges[0].repo) == ("", "", "https://g/r")


CVE: dict[str, Any] = {
    "id": "CVE-2024-0001",
    "published": "2024-01-02T03:04:05.600",
    "lastModified": "2024-02-01T00:00:00.000",
    "vulnStatus": "Analyzed",
    "descriptions": [{"lang": "es", "value": "hola"}, {"lang": "en", "value": "hello"}],
    "metrics": {
        "cvssMetricV31": [
            {
                "source": "other@example.org",
                "type": "Secondary",
                "cvssData": {
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
                    "baseScore": 5.3,
                },
            },
            {
                "source": "nvd@nist.gov",
                "type": "Primary",
                "cvssData": {
                    "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                    "baseScore": 9.8,
                },
            },
        ]
    },
    "weaknesses": [
        {
            "description": [
                {"lang": "en", "value": "NVD-CWE-Other"},
                {"lang": "en", "value": "CWE-787"},
            ]
        }
    ],
    "configurations": [
        {
            "nodes": [
                {
                    "operator": "OR",
                    "negate": False,
                    "cpeMatch": [
                        {
                            "vulnerable": True,
                            "criteria": "cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*",
                            "versionEndExcluding": "2.0",
                            "matchCriteriaId": "ID-1",
                        }
                    ],
                }
            ]
        }
    ],
    "references": [{"url": "https://example.org/r"}],
}


def _page(*cves: dict[str, Any]) -> dict[str, Any]:
    return {
        "resultsPerPage": len(cves),
        "startIndex": 0,
        "totalResults": len(cves),
        "format": "NVD_CVE",
        "version": "2.0",
        "timestamp": "2024-03-01T00:00:00.000",
        "vulnerabilities": [{"cve": c} for c in cves],
    }


def test_nvd_fields_and_primary_first() -> None:
    (rec,) = parse_nvd({"cve": CVE}, source="inline")
    assert rec.details == "hello" and rec.cwes == ("CWE-787",)
    assert rec.published == datetime(2024, 1, 2, 3, 4, 5, 600000, tzinfo=UTC)
    assert [(s.source, s.base_score) for s in rec.severities] == [
        ("nvd@nist.gov", 9.8),
        ("other@example.org", 5.3),
    ]
    (cfg,) = rec.configurations
    assert (cfg.operator, cfg.negate) == ("OR", False)
    match = cfg.nodes[0].matches[0]
    assert (match.version_end_excluding, match.version_start_including) == ("2.0", None)
    rejected = parse_nvd({"cve": {**CVE, "vulnStatus": "Rejected"}}, source="inline")[0]
    assert rejected.withdrawn == datetime(2024, 2, 1, tzinfo=UTC)


def test_nvd_malformed_cve_in_a_page(tmp_path: Path) -> None:
    broken = copy.deepcopy(CVE)
    broken["id"] = "CVE-2024-0002"
    del broken["configurations"][0]["nodes"][0]["cpeMatch"][0]["vulnerable"]
    page = _page(CVE, broken, {**CVE, "id": "not-a-cve"})
    with pytest.raises(DocumentError, match="vulnerable"):
        parse_nvd(page, source="inline")
    problems: list[FeedProblem] = []
    assert [r.id for r in parse_nvd(page, source="inline", problems=problems)] == ["CVE-2024-0001"]
    assert [p.record_id for p in problems] == ["CVE-2024-0002", "not-a-cve"]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    (batch,) = list(read_feed(path))
    assert len(batch.records) == 1 and len(batch.problems) == 2
    assert batch.metadata["totalResults"] == 3 and batch.metadata["timestamp"].startswith("2024")


def test_detection() -> None:
    assert detect_feed(json.dumps(OSV).encode(), source="a") == "osv"
    assert detect_feed(b"id: X-1\nmodified: 2024-01-01T00:00:00Z\n", source="a") == "osv"
    assert detect_feed(json.dumps(_page(CVE)).encode(), source="a") == "nvd"
    assert detect_feed(json.dumps({"cve": CVE}).encode(), source="a") == "nvd"
    kev = {"catalogVersion": "1", "count": 0, "vulnerabilities": []}
    assert detect_feed(json.dumps(kev).encode(), source="a") == "kev"
    assert detect_feed(b"cve,epss,percentile\nCVE-2024-0001,0.1,0.2\n", source="a") == "epss"
    with pytest.raises(UnsupportedFormat, match="NVD_CPE"):
        detect_feed(b'{"format": "NVD_CPE", "products": []}', source="a")
    with pytest.raises(UnsupportedFormat):
        detect_feed(b'{"document": {"category": "csaf_vex"}}', source="a")
    with pytest.raises(DocumentError):
        detect_feed(b"{not json", source="a")
    with pytest.raises(DocumentError):
        detect_feed(b"\x00\x01\x02 binary: [", source="a")


def test_single_file_errors_raise_at_call(tmp_path: Path) -> None:
    junk = tmp_path / "junk.json"
    junk.write_bytes(b'{"id": ')
    with pytest.raises(DocumentError, match=r"junk\.json"):
        read_feed(junk)
    other = tmp_path / "other.json"
    other.write_bytes(b'{"hello": "world"}')
    with pytest.raises(UnsupportedFormat):
        read_feed(other)
    with pytest.raises(DocumentError):
        read_feed(tmp_path / "missing.json")
    with pytest.raises(InvalidInput):
        read_feed(other, source="csaf")
    big = tmp_path / "big.json"
    big.write_bytes(json.dumps(OSV).encode())
    with pytest.raises(DocumentTooLarge):
        read_feed(big, max_bytes=100)


def test_single_osv_file_with_a_bad_record_yields_the_problem(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_text(json.dumps([OSV, _with("modified", _DELETE), {**OSV, "id": "OTHER-1"}]))
    (batch,) = list(read_feed(path, source="osv"))
    assert [r.id for r in batch.records] == [OSV["id"], "OTHER-1"]
    (problem,) = batch.problems
    assert (problem.location, problem.record_id, problem.fatal) == ("modified", OSV["id"], True)
    assert problem.source.endswith("records.json[1]")


@pytest.mark.parametrize(
    "text",
    [
        b"id: X-1\nmodified: 2024-01-01T00:00:00Z\naliases: &a [A, B]\nrelated: *a\n",
        b"id: X-1\nmodified: 2024-01-01T00:00:00Z\nsummary: "
        + b"{a: " * 50_000
        + b"1"
        + b"}" * 50_000,
        b"id: X-1\nmodified: 2024-01-01T00:00:00Z\naliases:\n" + b"- " * 60_000 + b"x\n",
    ],
    ids=["alias", "deep-flow", "deep-block"],
)
def test_hostile_yaml_is_refused_not_crashing(text: bytes) -> None:
    with pytest.raises(DocumentError):
        parse_osv(text, source="hostile.yaml")
