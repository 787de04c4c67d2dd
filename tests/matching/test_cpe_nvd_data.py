"""NVD applicability against NVD's own data: CVE pages, the CPE dictionary and cpematch."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from medsec.core.cpe import ANY, NA, Cpe, has_wildcard, parse_cpe
from medsec.ingest.nvd import parse_nvd
from medsec.ingest.vuln_model import CpeConfiguration, CpeMatch, VulnRecord
from medsec.matching.cpe import (
    CpeComponent,
    CpeIndex,
    criterion_matches,
    evaluate_configurations,
    evaluate_for_component,
)

pytestmark = pytest.mark.shared_data

NVD = Path("nvd")
RESPONSES = NVD / "nvd-api2-pages/nvd-api/testdata/responses"
PAGES = ("cves-1999.json", "cves-2023.json")


def _records(path: Path) -> list[VulnRecord]:
    return parse_nvd(path.read_bytes(), source=path.name)


@pytest.fixture(scope="module")
def page_records(shared_data: Path) -> list[VulnRecord]:
    return [r for page in PAGES for r in _records(shared_data / RESPONSES / page)]


@pytest.fixture(scope="module")
def all_records(shared_data: Path, page_records: list[VulnRecord]) -> list[VulnRecord]:
    vunnel = shared_data / NVD / "vunnel-fixtures/tests/unit/providers/nvd/test-fixtures"
    osv = sorted((shared_data / NVD / "osv-dev-fixtures/vulnfeeds/test_data/nvdcve-2.0").glob("*"))
    extra = [vunnel / "full-page.json", vunnel / "single-entry.json", *osv]
    records = page_records + [r for p in extra for r in _records(p)]
    return [r for r in records if r.configurations]


@pytest.fixture(scope="module")
def dictionary(shared_data: Path) -> list[str]:
    products = json.loads((shared_data / RESPONSES / "cpes-2023.json").read_bytes())["products"]
    return [p["cpe"]["cpeName"] for p in products]


def _bound(value: str | None) -> str | None:
    return None if value in (None, "", ANY, NA) else value


def _with_version(crit: Cpe, version: str) -> Cpe:
    quoted = "".join(c if c.isalnum() or c == "_" else "\\" + c for c in version)
    return replace(crit, version=version if version in (ANY, NA) else quoted)


def _cases(m: CpeMatch) -> tuple[Cpe | None, list[tuple[Cpe, bool]]]:
    """A name the criterion must match (None if it has wildcards), and boundary names + verdicts."""
    crit = parse_cpe(m.criteria)
    if any(has_wildcard(v) for v in crit.values()):
        return None, []
    si, se = _bound(m.version_start_including), _bound(m.version_start_excluding)
    ei, ee = _bound(m.version_end_including), _bound(m.version_end_excluding)
    if not (si or se or ei or ee):
        version = "1.0" if crit.version == ANY else crit.version
        inside = replace(crit, version=version)
        return inside, [(inside, True)]
    edges = [(v, ok) for v, ok in ((si, True), (se, False), (ei, True), (ee, False)) if v]
    boundary = [(_with_version(crit, v), ok) for v, ok in edges]
    inside_version = si or ei or (_below(ee) if ee else None)
    inside = _with_version(crit, inside_version) if inside_version else None
    return inside, boundary


def _below(version: str) -> str | None:
    """A version just below ``version``: its last non-zero number decremented (3.2.3 -> 3.2.2)."""
    runs = list(re.finditer(r"[0-9]+", version))
    for run in reversed(runs):
        if int(run.group()) > 0:
            lower = str(int(run.group()) - 1).zfill(len(run.group()))
            return version[: run.start()] + lower + version[run.end() :]
    return None


def _criteria(cfgs: tuple[CpeConfiguration, ...]) -> list[CpeMatch]:
    return [m for c in cfgs for n in c.nodes for m in n.matches]


def _platform(cfgs: tuple[CpeConfiguration, ...]) -> list[Cpe]:
    """Names for every criterion of the AND configurations: the release's other components."""
    ands = tuple(c for c in cfgs if c.operator == "AND")
    return [inside for m in _criteria(ands) if (inside := _cases(m)[0]) is not None]


def test_every_record_matches_names_built_from_its_criteria(all_records: list[VulnRecord]) -> None:
    checked = boundaries = 0
    for rec in all_records:
        platform = _platform(rec.configurations)
        for m in _criteria(rec.configurations):
            if not m.vulnerable:
                continue
            inside, boundary = _cases(m)
            for cpe, expected in boundary:
                assert (criterion_matches(m, cpe) is not None) is expected, (rec.id, m, cpe)
                boundaries += 1
                named = evaluate_for_component(rec.configurations, cpe, platform)
                assert (m in {v.criterion for v in named}) is expected, (rec.id, m, cpe)
            if inside is None:
                continue
            verdicts = evaluate_for_component(rec.configurations, inside, platform)
            assert m in {v.criterion for v in verdicts}, (rec.id, m.criteria, inside.to_fs())
            assert all(v.cpe == inside.to_fs() for v in verdicts)
            checked += 1
    assert len(all_records) > 400
    assert checked > 1500
    assert boundaries > 1000


def test_same_vendor_other_product_never_matches(all_records: list[VulnRecord]) -> None:
    for rec in all_records:
        platform = _platform(rec.configurations)
        for m in _criteria(rec.configurations):
            inside = _cases(m)[0] if m.vulnerable else None
            if inside is None:
                continue
            other = replace(inside, product=inside.product + "_other")
            assert evaluate_for_component(rec.configurations, other, platform) == [], rec.id
            cousin = replace(inside, product=inside.product[:-1] or "x")  # a prefix is no match
            assert evaluate_for_component(rec.configurations, cousin, platform) == [], rec.id


def test_real_running_on_configurations_need_their_platform(
    all_records: list[VulnRecord],
) -> None:
    seen = 0
    for rec in all_records:
        for cfg in rec.configurations:
            platform_nodes = [n for n in cfg.nodes if not any(m.vulnerable for m in n.matches)]
            if cfg.operator != "AND" or not platform_nodes:
                continue
            platform = _platform((cfg,))
            for m in _criteria((cfg,)):
                inside = _cases(m)[0] if m.vulnerable else None
                if inside is None:
                    continue
                assert evaluate_for_component([cfg], inside, platform) != [], rec.id
                assert evaluate_for_component([cfg], inside, []) == [], rec.id
                seen += 1
            assert all(evaluate_for_component([cfg], p, []) == [] for p in platform)
    assert seen > 50


def test_dictionary_names_match_only_records_that_name_them(
    page_records: list[VulnRecord], dictionary: list[str]
) -> None:
    index = CpeIndex.build(page_records)
    report = index.match(CpeComponent(str(i), n) for i, n in enumerate(dictionary))
    by_id = {r.id: r for r in page_records}
    assert len(report.hits) > 100
    hit_ids = {h.component_id for h in report.hits}
    miss_ids = {m.component_id for m in report.unmatched}
    assert hit_ids.isdisjoint(miss_ids)
    assert hit_ids | miss_ids == {str(i) for i in range(len(dictionary))}
    for h in report.hits:
        name = parse_cpe(dictionary[int(h.component_id)])
        key = (name.part, name.vendor, name.product)
        vulnerable = [m for m in _criteria(by_id[h.record_id].configurations) if m.vulnerable]
        named = {parse_cpe(m.criteria) for m in vulnerable}
        assert key in {(c.part, c.vendor, c.product) for c in named}, h
        for v in h.verdicts:
            crit = parse_cpe(v.criterion.criteria)
            assert v.criterion.vulnerable and (crit.part, crit.vendor, crit.product) == key
            assert v.cpe == name.to_fs()
    hits = {(dictionary[int(h.component_id)], h.record_id) for h in report.hits}
    # what NISTIR 7696 says must match: ANY-version criteria in plain OR configurations
    expected = set()
    names_by_key: dict[tuple[str, str, str], list[str]] = {}
    for n in dictionary:
        c = parse_cpe(n)
        names_by_key.setdefault((c.part, c.vendor, c.product), []).append(n)
    for rec in page_records:
        for cfg in rec.configurations:
            if cfg.operator == "AND" or cfg.negate or any(n.negate for n in cfg.nodes):
                continue
            for m in _criteria((cfg,)):
                c = parse_cpe(m.criteria)
                plain = all(v == ANY for v in c.values()[3:]) and m.vulnerable
                if plain and not any(_bound(b) for b in _bounds(m)):
                    expected |= {(n, rec.id) for n in names_by_key.get(c.values()[:3], [])}
    assert len(expected) > 50
    assert expected <= hits


def _bounds(m: CpeMatch) -> tuple[str | None, ...]:
    return (
        m.version_start_including,
        m.version_start_excluding,
        m.version_end_including,
        m.version_end_excluding,
    )


def test_cpematch_expansions_agree_with_nvd(shared_data: Path) -> None:
    data = json.loads((shared_data / RESPONSES / "cpematch-CVE-2022-32223.json").read_bytes())
    strings = [s["matchString"] for s in data["matchStrings"]]
    everyone = {m["cpeName"] for s in strings for m in s.get("matches", [])}
    for s in strings:
        criterion = CpeMatch(
            s["criteria"],
            version_start_including=s.get("versionStartIncluding"),
            version_start_excluding=s.get("versionStartExcluding"),
            version_end_including=s.get("versionEndIncluding"),
            version_end_excluding=s.get("versionEndExcluding"),
        )
        listed = {m["cpeName"] for m in s.get("matches", [])}
        ours = {n for n in everyone if criterion_matches(criterion, parse_cpe(n)) is not None}
        assert ours == listed, s["criteria"]


def test_evaluate_configurations_over_a_whole_device(all_records: list[VulnRecord]) -> None:
    rec = next(r for r in all_records if any(c.operator == "AND" for c in r.configurations))
    device = _platform(rec.configurations)
    verdicts = evaluate_configurations(rec.configurations, device)
    vulnerable = {m for m in _criteria(rec.configurations) if m.vulnerable}
    assert verdicts and {v.criterion for v in verdicts} <= vulnerable
    assert all(v.configuration is not None and v.explanation for v in verdicts)


def test_speed_of_index_and_criteria(page_records: list[VulnRecord], dictionary: list[str]) -> None:
    parse_cpe.cache_clear()
    start = time.perf_counter()
    index = CpeIndex.build(page_records)
    report = index.match(CpeComponent(str(i), n) for i, n in enumerate(dictionary))
    elapsed = time.perf_counter() - start
    criteria = [m for r in page_records for m in _criteria(r.configurations)]
    pairs = [(m, cpe) for m in criteria for cpe, _ in _cases(m)[1]] * 5
    start = time.perf_counter()
    found = sum(criterion_matches(m, c) is not None for m, c in pairs)
    rate = len(pairs) / (time.perf_counter() - start)
    print(f"\nindex+match 10,000 dictionary CPEs: {elapsed:.2f} s; {rate:,.0f} criteria/s")
    assert report.hits and 0 < found < len(pairs)
