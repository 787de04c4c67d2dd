"""Hostile inputs are accepted or refused within bounded memory (issue 10, defect 7).

Each bounded case runs its reader in a fresh interpreter (``bench/hostile_cases.py``) and
records the peak resident memory (VmHWM) as a test property; ``bench/bench_hostile.py`` prints
the same figures up to the document limit.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import pytest

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest import _common
from medsec.ingest.csaf import MAX_VULNERABILITIES, read_csaf
from medsec.ingest.epss import MAX_PROBLEMS, parse_epss
from medsec.ingest.feed_common import FeedProblem
from medsec.ingest.sbom import parse_sbom

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from hostile_cases import CASES, MB, run_case

LIMIT_MB = 1024


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "size"),
    [
        # the review's reproduction: 3 MB, a million ``{}`` components (was 4.2 GB, 27 s)
        ("cdx-json-empty-components", 3 * MB),
        ("cdx-xml-empty-components", 3 * MB),
        ("csaf-empty-vulnerabilities", 3 * MB),  # 100k+ empty vulnerabilities (was 363 s)
        ("epss-gzip-garbage-lines", 3 * MB),  # 3 MB of short garbage lines, gzip (was 1M problems)
        ("spdx-tv-many-lines", 16 * MB),
        ("osv-empty-records", 16 * MB),
    ],
)
def test_hostile_input_is_refused_within_memory_bound(
    case: str, size: int, tmp_path: Path, record_property: pytest.RecordProperty
) -> None:
    result = run_case(CASES[case], size, tmp_path)
    record_property("peak_mb", round(result.peak_mb))
    record_property("seconds", round(result.seconds, 2))
    assert result.outcome == "refused", result.detail
    assert 0 < result.peak_mb < LIMIT_MB


@pytest.mark.parametrize("encoding", ["UTF-7", "cp037", "shift_jis", "x-no-such"])
def test_odd_xml_encoding_is_refused_cleanly(encoding: str) -> None:
    data = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components/></bom>'
    ).encode()
    with pytest.raises(DocumentError) as info:
        parse_sbom(data, source="odd.xml")
    assert "encoding" in info.value.detail and encoding.lower() in info.value.detail
    assert info.value.location == "line 1"


@pytest.mark.parametrize("encoding", ["UTF-8", "ISO-8859-1", "us-ascii"])
def test_native_xml_encodings_are_still_read(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>'
        '<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>'
        '<component type="library"><name>zlib</name><version>1.3</version></component>'
        "</components></bom>"
    )
    sbom = parse_sbom(text.encode(), source="enc.xml")
    assert [c.name for c in sbom.components] == ["zlib"]


def test_xml_component_without_name_is_refused_with_its_place() -> None:
    data = (
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>'
        b'<component type="library"><name>a</name></component><component type="library"/>'
        b"</components></bom>"
    )
    with pytest.raises(DocumentError) as info:
        parse_sbom(data, source="x.xml")
    assert info.value.location == "/bom/components/component[2]"


def test_json_with_too_many_containers_is_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = b'{"bomFormat":"CycloneDX","specVersion":"1.5","components":[' + b",".join(
        [b'{"type":"library","name":"a"}'] * 50
    )
    data += b"]}"
    with pytest.raises(DocumentTooLarge, match="limit is 40"):
        _common.check_json_depth(data, source="x.json", max_depth=64, max_containers=40)
    _common.check_json_depth(data, source="x.json", max_depth=64, max_containers=60)


def test_schema_errors_report_the_first_one_only_and_clipped() -> None:
    items = b",".join([b"{}"] * 2000)
    data = b'{"bomFormat":"CycloneDX","specVersion":"1.5","components":[' + items + b"]}"
    with pytest.raises(DocumentError) as info:
        parse_sbom(data, source="x.json")
    assert "schema" in info.value.detail
    assert len(info.value.detail) < 400


def test_csaf_with_too_many_vulnerabilities_is_refused_before_validation() -> None:
    head = (
        b'{"document":{"category":"csaf_base","csaf_version":"2.0","title":"t"},"vulnerabilities":['
    )
    data = head + b",".join([b"{}"] * (MAX_VULNERABILITIES + 1)) + b"]}"
    with pytest.raises(DocumentTooLarge) as info:
        read_csaf(data, source="v.json")
    assert info.value.location == "/vulnerabilities"


def test_epss_garbage_rows_stop_after_the_cap() -> None:
    body = b"cve,epss,percentile\n" + b"ab\n" * (MAX_PROBLEMS + 50)
    problems: list[FeedProblem] = []
    with pytest.raises(DocumentError) as info:
        parse_epss(gzip.compress(body), source="e.csv.gz", problems=problems)
    assert len(problems) == MAX_PROBLEMS
    assert info.value.location == f"line {MAX_PROBLEMS + 2}"


def test_epss_a_few_bad_rows_are_reported_and_skipped() -> None:
    body = b"cve,epss,percentile\nCVE-2024-0001,0.5,0.9\nbad\r\nCVE-2024-0002,0.1,0.2\n"
    problems: list[FeedProblem] = []
    scores, _ = parse_epss(body, source="e.csv", problems=problems)
    assert [s.cve_id for s in scores] == ["CVE-2024-0001", "CVE-2024-0002"]
    assert [p.location for p in problems] == ["line 3"]
