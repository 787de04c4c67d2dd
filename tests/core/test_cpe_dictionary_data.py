"""CPE bindings against NVD's own data: the CPE dictionary page, CVE criteria and cpematch names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medsec.core.cpe import ATTRIBUTES, parse_cpe

pytestmark = pytest.mark.shared_data

RESPONSES = Path("nvd/nvd-api2-pages/nvd-api/testdata/responses")


def _load(shared_data: Path, name: str) -> dict:
    return json.loads((shared_data / RESPONSES / name).read_bytes())


@pytest.fixture(scope="module")
def dictionary_names(shared_data: Path) -> list[str]:
    products = _load(shared_data, "cpes-2023.json")["products"]
    return [p["cpe"]["cpeName"] for p in products]


@pytest.fixture(scope="module")
def criteria(shared_data: Path) -> list[str]:
    out = []
    for page in ("cves-1999.json", "cves-2023.json"):
        for item in _load(shared_data, page)["vulnerabilities"]:
            for cfg in item["cve"].get("configurations", []):
                for node in cfg["nodes"]:
                    out.extend(m["criteria"] for m in node["cpeMatch"])
    return out


def test_dictionary_page_is_what_we_expect(dictionary_names: list[str]) -> None:
    assert len(dictionary_names) == 10_000
    assert any("\\" in n for n in dictionary_names)  # escaped names such as g\+\+


def test_every_dictionary_name_round_trips(dictionary_names: list[str]) -> None:
    bad = [n for n in dictionary_names if parse_cpe(n).to_fs() != n]
    assert bad == []


def test_every_dictionary_name_round_trips_through_a_uri(dictionary_names: list[str]) -> None:
    bad = [n for n in dictionary_names if parse_cpe(parse_cpe(n).to_uri()) != parse_cpe(n)]
    assert bad == []


def test_unescaped_text_has_no_quoting_left(dictionary_names: list[str]) -> None:
    for n in dictionary_names:
        if "\\+" in n:
            assert "+" in parse_cpe(n).text("product") + parse_cpe(n).text("vendor")
            assert "\\" not in parse_cpe(n).text("product")


def test_every_cve_criterion_round_trips(criteria: list[str]) -> None:
    assert len(criteria) > 1000
    assert [c for c in criteria if parse_cpe(c).to_fs() != c] == []


def test_cpematch_names_round_trip_and_split_into_eleven(shared_data: Path) -> None:
    data = _load(shared_data, "cpematch-CVE-2022-32223.json")
    names = [
        m["cpeName"] for s in data["matchStrings"] for m in s["matchString"].get("matches", [])
    ]
    assert len(names) > 50
    for n in names:
        c = parse_cpe(n)
        assert c.to_fs() == n
        assert [getattr(c, a) for a in ATTRIBUTES] == list(c.values())
