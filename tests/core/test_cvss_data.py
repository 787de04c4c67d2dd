"""CVSS scoring against real data: the RedHat conformance vectors, CISA CSAF and NVD scores."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from medsec.core.cvss import CvssResult, as_json, parse

pytestmark = pytest.mark.shared_data

VECTORS = Path("cvss/redhat-vectors/tests")
V3_FILES = ["vectors_simple3", "vectors_simple31", "vectors_calculator3", "vectors_cvsslib3"]
V4_FILES = ["vectors_simple4", "vectors_security4", "vectors_supplemental4", "vectors_threat4"]
V2_FILES = ["vectors_simple2", "vectors_calculator2", "vectors_cvsslib2"]

# Published scores that are wrong in the source data: (file, vector) -> reason. None found so far;
# a mismatch that is not listed here fails the test and names itself.
KNOWN_WRONG: dict[tuple[str, str], str] = {}


def _expected(text: str) -> tuple[float | None, ...]:
    """`(9.8, 9.8, 9.8)`, `(9.2,)` or `7.3` as a tuple of floats (None kept)."""
    text = text.strip().strip("()")
    return tuple(
        None if part.strip() == "None" else float(part) for part in text.split(",") if part.strip()
    )


def _read(shared_data: Path, name: str) -> list[tuple[str, tuple[float | None, ...]]]:
    rows = []
    for line in (shared_data / VECTORS / name).read_text().splitlines():
        if line.strip():
            vector, _, scores = line.rpartition(" - ")
            rows.append((vector.strip(), _expected(scores)))
    return rows


def _fails(rows: list[tuple[str, tuple[float | None, ...]]], check: Any) -> list[str]:
    return [f"{v}: expected {exp}, {problem}" for v, exp in rows if (problem := check(v, exp))]


@pytest.mark.parametrize("name", V3_FILES)
def test_v3_vectors_score_as_expected(shared_data: Path, name: str) -> None:
    rows = _read(shared_data, name)

    def check(vector: str, exp: tuple[float | None, ...]) -> str | None:
        r = parse(vector)
        got = (r.base_score, r.temporal_score, r.environmental_score)
        if got != exp:
            return f"got {got}"
        want_overall = {"environmental": exp[2], "temporal": exp[1], "base": exp[0]}
        if r.overall_score != want_overall[r.nomenclature]:
            return f"overall {r.overall_score} ({r.nomenclature})"
        return None

    assert len(rows) > 1
    assert _fails(rows, check) == []


@pytest.mark.parametrize("name", V4_FILES)
def test_v4_vectors_score_as_expected(shared_data: Path, name: str) -> None:
    rows = _read(shared_data, name)

    def check(vector: str, exp: tuple[float | None, ...]) -> str | None:
        r = parse(vector)
        if r.overall_score != exp[0]:
            return f"got {r.overall_score}"
        named = {"CVSS-B": r.base_score, "CVSS-BT": r.temporal_score}
        if r.nomenclature in named and named[r.nomenclature] != exp[0]:
            return f"{r.nomenclature} {named[r.nomenclature]}"
        return None

    assert len(rows) > 1
    assert _fails(rows, check) == []


@pytest.mark.parametrize("name", V2_FILES)
def test_v2_vectors_score_as_expected(shared_data: Path, name: str) -> None:
    rows = _read(shared_data, name)

    def check(vector: str, exp: tuple[float | None, ...]) -> str | None:
        r = parse(vector)
        got = (r.base_score, r.temporal_score, r.environmental_score)
        return None if got == exp else f"got {got}"  # -0.0 == 0.0

    assert len(rows) > 1
    assert _fails(rows, check) == []


def _roundup(x: float) -> float:
    """CVSS v3.1 Appendix A Roundup, written here from the specification."""
    i = round(x * 100000)
    return i / 100000.0 if i % 10000 == 0 else (math.floor(i / 10000) + 1) / 10.0


_W = {
    "AV": {"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2},
    "AC": {"L": 0.77, "H": 0.44},
    "UI": {"N": 0.85, "R": 0.62},
    "CIA": {"H": 0.56, "L": 0.22, "N": 0.0},
}


def _spec_base(vector: str) -> float:
    """CVSS v3.1 base score from the specification's formula (an oracle independent of `cvss`)."""
    m = dict(f.split(":") for f in vector.split("/")[1:])
    changed = m["S"] == "C"
    pr = {"N": 0.85, "L": 0.68 if changed else 0.62, "H": 0.5 if changed else 0.27}[m["PR"]]
    c, i, a = (_W["CIA"][m[k]] for k in "CIA")
    iss = 1 - (1 - c) * (1 - i) * (1 - a)
    impact = 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 if changed else 6.42 * iss
    expl = 8.22 * _W["AV"][m["AV"]] * _W["AC"][m["AC"]] * pr * _W["UI"][m["UI"]]
    if impact <= 0:
        return 0.0
    total = 1.08 * (impact + expl) if changed else impact + expl
    return _roundup(min(total, 10))


def test_v31_base_scores_match_the_specification_formula(shared_data: Path) -> None:
    rows = _read(shared_data, "vectors_simple31")
    bad = [v for v, _ in rows if parse(v).base_score != _spec_base(v)]
    assert len(rows) == 2592
    assert bad == []


def _walk(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind, cvss data) for every CSAF `cvss_v3` and NVD `cvssMetricV2/V30/V31` entry."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "cvss_v3" and isinstance(value, dict):
                yield "csaf", value
            elif key in ("cvssMetricV2", "cvssMetricV30", "cvssMetricV31"):
                for metric in value:
                    yield key, metric["cvssData"]
            else:
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _published(shared_data: Path, folder: str) -> list[tuple[str, str, dict[str, Any]]]:
    out = []
    for path in sorted((shared_data / folder).rglob("*.json")):
        doc = json.loads(path.read_bytes())
        out += [(str(path.relative_to(shared_data)), k, d) for k, d in _walk(doc)]
    return out


def _mismatches(items: list[tuple[str, str, dict[str, Any]]]) -> dict[tuple[str, str], str]:
    wrong = {}
    for where, _kind, data in items:
        r = parse(data["vectorString"])
        sev = data.get("baseSeverity")
        if r.base_score != data["baseScore"] or (
            sev and r.version != "2.0" and sev.lower() != r.base_severity
        ):
            wrong[(where, data["vectorString"])] = f"published {data['baseScore']} {sev}"
    return wrong


def test_cisa_csaf_base_scores_recompute(shared_data: Path) -> None:
    items = _published(shared_data, "csaf/cisa")
    assert len(items) >= 391  # 391 cvss_v3 scores in 128 advisories when written
    assert {k for _, k, _ in items} == {"csaf"}
    assert _mismatches(items) == KNOWN_WRONG


def test_nvd_base_scores_recompute(shared_data: Path) -> None:
    items = _published(shared_data, "nvd")
    kinds = {k for _, k, _ in items}
    assert {"cvssMetricV2", "cvssMetricV30", "cvssMetricV31"} <= kinds
    assert len([k for _, k, _ in items if k != "cvssMetricV2"]) >= 479
    assert _mismatches(items) == KNOWN_WRONG


@pytest.mark.parametrize("version", ["v30", "v31"])
def test_nvd_go_score_lists_recompute(shared_data: Path, version: str) -> None:
    path = shared_data / f"nvd/nvd-api2-pages/cvss/{version}/testdata/{version}-scores.json"
    rows = json.loads(path.read_bytes())
    bad = [
        row
        for row in rows
        if (parse(row["vector"]).base_score, parse(row["vector"]).base_severity)
        != (row["score"], row["severity"].lower())
    ]
    assert len(rows) > 1
    assert bad == []


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("cvss-v3.0.json", ["vectors_simple3", "vectors_calculator3", "vectors_cvsslib3"]),
        ("cvss-v3.1.json", ["vectors_simple31"]),
        ("cvss-v4.0.json", V4_FILES),
        ("cvss-v2.0.json", V2_FILES),
    ],
)
def test_as_json_is_valid_against_first_schema(
    shared_data: Path, schema: str, files: list[str]
) -> None:
    doc = json.loads((shared_data / VECTORS / "schemas" / schema).read_bytes())
    validator = jsonschema_rs.validator_for(doc)
    scores = {f"{g}{s}" for g in ("base", "threat", "environmental") for s in ("Score", "Severity")}
    known = set(doc["properties"]) | (scores if "v4" in schema else set())  # v4 lists no scores
    results: list[CvssResult] = [parse(v) for f in files for v, _ in _read(shared_data, f)]
    errors = [(r.vector, e.message) for r in results for e in validator.iter_errors(as_json(r))]
    unknown = {key for r in results for key in as_json(r)} - known
    assert len(results) > 1
    assert errors[:5] == []
    assert unknown == set()  # the schemas allow extra properties: misnamed ones would pass
