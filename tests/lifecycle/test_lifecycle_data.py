"""The real endoflife.date files and the real SBOMs: every product file is read, known cycles
have their published dates, and the support horizon of every SBOM in sboms/ is computed."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from medsec.errors import MedsecError
from medsec.ingest.endoflife import LifecycleProduct, parse_product
from medsec.ingest.sbom import parse_sbom
from medsec.lifecycle import rules

pytestmark = pytest.mark.shared_data
D = date.fromisoformat
ON = D("2025-08-01")
SBOM_SUFFIXES = {".json", ".xml", ".spdx", ".yaml", ".yml"}


@pytest.fixture(scope="module")
def eol_products(shared_data) -> list[LifecycleProduct]:
    folder = shared_data / "lifecycle" / "endoflife-date" / "products"
    out = []
    for f in sorted(folder.glob("*.md")):
        product, _ = parse_product(f.read_bytes(), source=f.name)
        assert product is not None, f
        out.append(product)
    return out


@pytest.fixture(scope="module")
def table(eol_products) -> rules.MappingTable:
    return rules.build_mapping(eol_products)


def _cycle(products: list[LifecycleProduct], slug: str, cycle: str):
    (product,) = [p for p in products if p.slug == slug]
    (found,) = [c for c in product.cycles if c.cycle == cycle]
    return found


def test_every_product_file_is_read_and_only_warnings_remain(shared_data):
    folder = shared_data / "lifecycle" / "endoflife-date" / "products"
    files = sorted(folder.glob("*.md"))
    assert len(files) == 464
    unusable = []
    undated = 0
    for f in files:
        product, problems = parse_product(f.read_bytes(), source=f.name)
        assert product is not None and product.cycles, f.name
        unusable += [p for p in problems if not p.kept]
        undated += sum("eol is true without a date" in p.message for p in problems)
    assert unusable == []
    assert undated == 479  # every `eol: true` of the data set, reported per entry


def test_published_dates_of_known_cycles(eol_products):
    assert _cycle(eol_products, "openssl", "1.1.1").eol == D("2023-09-11")
    assert _cycle(eol_products, "python", "3.7").eol == D("2023-06-27")
    assert _cycle(eol_products, "python", "3.8").eol == D("2024-10-07")
    assert _cycle(eol_products, "nodejs", "16").eol == D("2023-09-11")
    debian = _cycle(eol_products, "debian", "11")
    assert debian.eol == D("2024-08-14") and debian.extended_until == D("2026-08-31")


@pytest.mark.parametrize(
    ("purl", "cpe", "version", "product", "end"),
    [
        (
            "pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u5",
            None,
            "1.1.1n-0+deb11u5",
            "openssl",
            "2023-09-11",
        ),
        (
            "pkg:rpm/almalinux/openssl@1.1.1k-9.el8_7",
            None,
            "1:1.1.1k-9.el8_7",
            "openssl",
            "2023-09-11",
        ),
        (None, "cpe:2.3:a:openssl:openssl:1.1.1w:*:*:*:*:*:*:*", "1.1.1w", "openssl", "2023-09-11"),
        (None, "cpe:2.3:a:python:python:3.7.3:*:*:*:*:*:*:*", "3.7.3", "python", "2023-06-27"),
        ("pkg:deb/ubuntu/python3.7@3.7.5-2", None, "3.7.5-2", "python", "2023-06-27"),
        ("pkg:pypi/django@3.2.25", None, "3.2.25", "django", "2024-04-01"),
    ],
)
def test_known_components_get_their_end_of_support(
    eol_products, table, purl, cpe, version, product, end
):
    cycles = {p.slug: p.cycles for p in eol_products}
    facts = rules.ComponentFacts(ref="c", name="c", version=version, purl=purl, cpe=cpe)
    (s,) = rules.assess_components([facts], ON, table, cycles)
    assert (s.product, s.end_of_support, s.source) == (product, D(end), "endoflife.date")
    assert s.level == "end_of_support"


def _sboms(shared_data: Path) -> list[Path]:
    root = shared_data / "sboms"
    return [f for f in sorted(root.rglob("*")) if f.is_file() and f.suffix in SBOM_SUFFIXES]


@pytest.fixture(scope="module")
def horizons(shared_data, eol_products, table) -> dict[str, rules.Horizon]:
    cycles = {p.slug: p.cycles for p in eol_products}
    out: dict[str, rules.Horizon] = {}
    for f in _sboms(shared_data):
        try:
            parsed = parse_sbom(f.read_bytes(), source=str(f), strict=False)
        except MedsecError:
            continue  # SPDX 3, invalid conformance files, non-SBOM JSON: refused by the reader
        facts = [
            rules.ComponentFacts(
                ref=c.ref or str(i),
                name=c.name,
                version=c.version,
                purl=c.purl,
                cpe=c.cpe,
                stated_level=c.support_level,
                stated_end=c.end_of_support,
                stated_source="sbom" if c.support_level or c.end_of_support else None,
            )
            for i, c in enumerate(parsed.components)
        ]
        supports = rules.assess_components(facts, ON, table, cycles)
        key = str(f.relative_to(shared_data / "sboms"))
        out[key] = rules.horizon(supports, rules.ReleaseDates(), ON)
    return out


def test_the_horizon_of_every_sbom_is_computed(horizons):
    assert len(horizons) >= 120  # every SBOM the reader accepts
    with_horizon = {k: h for k, h in horizons.items() if h.end is not None}
    assert len(with_horizon) >= 20  # 21 on the data set of 2026-12
    for h in horizons.values():
        assert h.counted >= h.with_date
        if h.end is not None:
            assert all(c.end_of_support == h.end for c in h.components)
            assert h.with_date >= 1


@pytest.mark.parametrize(
    ("sbom", "component", "product", "end"),
    [
        (
            "cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
            "ant 1.8.4",
            "apache-ant",
            "2013-03-07",
        ),
        (
            "cyclonedx-examples/SBOM/laravel-7.12.0/bom.1.4.json",
            "framework v7.30.6",
            "laravel",
            "2021-03-03",
        ),
        (
            "cyclonedx-examples/SBOM/protonmail-webclient-v4-0912dff/bom.json",
            "angular 1.8.0",
            "angularjs",
            "2021-12-31",
        ),
        (
            "spdx-examples/presentations/SBOMS-SPDX-Now-and-Future/ACME-v2.3.spdx.json",
            "OpenSSL 3.0.4",
            "openssl",
            "2026-09-07",
        ),
    ],
)
def test_known_horizons(horizons, sbom, component, product, end):
    h = horizons[sbom]
    assert h.end == D(end)
    assert [f"{c.name} {c.version}" for c in h.components][:1] == [component]
    assert h.components[0].product == product


def test_the_same_bom_in_json_and_xml_has_the_same_horizon(horizons):
    pairs: dict[str, dict[str, date | None]] = defaultdict(dict)
    for key, h in horizons.items():
        if key.startswith("cyclonedx-examples/SBOM/") and key.endswith((".json", ".xml")):
            stem, _, ext = key.rpartition(".")
            pairs[stem][ext] = h.end
    both = {k: v for k, v in pairs.items() if len(v) == 2}
    assert len(both) >= 10
    assert all(v["json"] == v["xml"] for v in both.values())


def test_medical_device_sbom_statements_take_precedence(shared_data, eol_products, table):
    f = shared_data / "sboms" / "medical-device" / "sboms" / "case-study" / "extended.sbom.json"
    parsed = parse_sbom(f.read_bytes(), source=str(f), strict=False)
    by_name = {c.name: c for c in parsed.components}
    c = by_name["Common.Logging"]
    facts = rules.ComponentFacts(
        ref="x",
        name=c.name,
        version=c.version,
        purl=c.purl,
        cpe=c.cpe,
        stated_level=c.support_level,
        stated_source="sbom",
    )
    cycles = {p.slug: p.cycles for p in eol_products}
    (s,) = rules.assess_components([facts], ON, table, cycles)
    assert (s.level, s.source) == ("no_longer_maintained", "sbom")
