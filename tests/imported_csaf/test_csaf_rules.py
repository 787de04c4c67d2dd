"""Pure rules of the CSAF import: vers ranges, tracking-version order, product mapping on DTOs."""

from __future__ import annotations

from datetime import UTC, datetime

import _csaf_docs as docs
import pytest

from medsec.core.versions.vers import vers_contains
from medsec.imported_csaf import rules, versions
from medsec.ingest.csaf import read_csaf


@pytest.mark.parametrize(
    ("vers", "version", "inside"),
    [
        ("vers:all/*", "0.0.1", True),
        ("vers:generic/>=2.9|<=4.1", "2.9", True),
        ("vers:generic/>=2.9|<=4.1", "4.1", True),
        ("vers:generic/>=2.9|<=4.1", "4.1.1", False),
        ("vers:generic/>=2.9|<=4.1", "2.10", True),
        ("vers:generic/>=2.9|<=4.1", "2.8", False),
        ("vers:generic/>4.2", "4.2", False),
        ("vers:generic/>4.2", "4.10", True),
        ("vers:npm/>=2.2.0|<2.3.0", "2.2.9", True),
        ("vers:npm/>=2.2.0|<2.3.0", "2.3.0", False),
        ("vers:generic/1.0|>=3.0", "1.0", True),
        ("vers:generic/1.0|>=3.0", "2.0", False),
        ("vers:generic/<1.0|>=3.0|<4.0", "0.5", True),
        ("vers:generic/<1.0|>=3.0|<4.0", "3.5", True),
        ("vers:generic/<1.0|>=3.0|<4.0", "4.0", False),
        ("vers:generic/>=1.0|!=1.5|<2.0", "1.5", False),
        ("vers:generic/>=1.0|!=1.5|<2.0", "1.6", True),
    ],
)
def test_vers_ranges_contain_what_the_spec_says(vers: str, version: str, inside: bool) -> None:
    assert vers_contains(vers, version) is inside


@pytest.mark.parametrize("bad", ["<=4.1", "vers:nosuchscheme/>=1", "vers:generic/>=|<2"])
def test_ranges_that_are_not_simple_vers_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        vers_contains(bad, "1.0")


def test_tracking_versions_order_by_integer_or_semver_then_by_date() -> None:
    day1, day2 = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    order = versions.version_order
    assert order("2", day1) > order("1", day2)
    assert order("10", day1) > order("9", day1)
    assert order("1.0.0", day1) > order("1.0.0-rc.1", day2)
    assert order("1.10.0", day1) > order("1.9.3", day1)
    assert order("1.0.0-rc.10", day1) > order("1.0.0-rc.2", day1)
    assert order("3", day2) > order("3", day1)


def test_the_test_advisory_maps_nothing_against_an_empty_catalog_and_says_why() -> None:
    doc = read_csaf(docs.as_bytes(docs.advisory()), source="acme.json")
    empty = rules.Catalog([], [])
    reasons = {p.product_id: rules.map_product(p, empty).reason for p in doc.products}
    assert reasons["P-PURL"] == "no SBOM component has purl pkg:npm/lodash@4.17.20"
    assert reasons["P-REL"] == "vendor 'Acme Medical' is no known manufacturer"
    assert reasons["P-FW"] == f"no component or release has cpe {docs.FW_CPE}"
    assert reasons["P-MODEL"] == "no product is named like model number(s) InfuPump 3000"
    of = rules.map_product(doc.products[0], empty)
    rel = rules.map_relationship(doc.products[0].product_id, "default_component_of", of)
    assert rel.targets == () and "which is unmapped" in (rel.reason or "")


def test_branch_mapping_is_exact_after_case_and_whitespace_only() -> None:
    release = rules.KnownRelease(70, "2.2")
    known = rules.KnownProduct(7, "InfuPump  3000", "acme MEDICAL", (release,))
    cat = rules.Catalog([known], [])
    doc = read_csaf(docs.as_bytes(docs.advisory()), source="acme.json")
    got = {p.product_id: rules.map_product(p, cat) for p in doc.products}
    assert [(t.kind, t.release_id) for t in got["P-REL"].targets] == [("release", 70)]
    assert [(t.kind, t.release_id) for t in got["P-RANGE"].targets] == [("release", 70)]
    assert [t.kind for t in got["P-ALL"].targets] == ["product"]
    assert got["P-NEAR"].targets == ()


def test_statements_carry_flags_threats_remediations_and_scores_per_product() -> None:
    doc = read_csaf(docs.as_bytes(docs.advisory()), source="acme.json")
    found = {s.product_id: s for s in rules.statements(doc, doc.vulnerabilities[0])}
    assert found["P-RTOS"].flag == "vulnerable_code_not_in_execute_path"
    assert found["P-RTOS"].original == "known_not_affected"
    assert found["P-REL"].impact == "Pump settings could be changed."
    assert [m["category"] for m in found["P-PURL"].remediations] == ["vendor_fix"]
    assert found["P-PKG"].remediations == () and found["P-PKG"].scores == ()
    assert len(found) == 14
