"""NVD applicability on small hand-written criteria and configurations."""

from __future__ import annotations

import pytest

from medsec.core.cpe import parse_cpe
from medsec.ingest.vuln_model import CpeConfiguration, CpeMatch, CpeNode, VulnRecord
from medsec.matching.cpe import (
    CpeComponent,
    CpeIndex,
    criterion_matches,
    evaluate_configurations,
    evaluate_for_component,
)


def name(vendor: str, product: str, version: str, part: str = "a", **extra: str) -> str:
    attrs = {"update": "*", "edition": "*", "language": "*", "sw_edition": "*"}
    attrs |= {"target_sw": "*", "target_hw": "*", "other": "*"} | extra
    return f"cpe:2.3:{part}:{vendor}:{product}:{version}:" + ":".join(attrs.values())


def hit(criterion: CpeMatch, cpe: str) -> bool:
    return criterion_matches(criterion, parse_cpe(cpe)) is not None


ZLIB = CpeMatch(name("zlib", "zlib", "1.2.11"))
RANGE = CpeMatch(
    name("acme", "pump_fw", "*", part="o"),
    version_start_including="1.0",
    version_end_excluding="2.0",
)


@pytest.mark.parametrize(
    ("cpe", "expected"),
    [
        (name("zlib", "zlib", "1.2.11"), True),
        (name("ZLib", "ZLIB", "1.2.11"), True),  # case-insensitive
        (name("zlib", "zlib", "1.2.11.0"), True),  # generic comparator: 1.2.11 == 1.2.11.0
        (name("zlib", "zlib", "1.2.12"), False),
        (name("zlib", "zlib", "*"), False),  # unknown version does not satisfy a concrete one
        (name("zlib", "zlib", "-"), False),
        (name("zlib", "zlib_ng", "1.2.11"), False),  # no fuzzy product names
        (name("gnu", "zlib", "1.2.11"), False),
        (name("zlib", "zlib", "1.2.11", part="o"), False),
        (name("zlib", "zlib", "1.2.11", update="p1"), True),  # criterion update ANY
    ],
)
def test_concrete_version_criterion(cpe: str, expected: bool) -> None:
    assert hit(ZLIB, cpe) is expected


@pytest.mark.parametrize(
    ("version", "update", "expected"),
    [
        ("1.0", "*", True),  # start including
        ("1.5", "*", True),
        ("1.10", "*", True),  # numeric, not text, order
        ("1.9.9", "*", True),
        ("2.0", "*", False),  # end excluding
        ("2.0.0", "*", False),
        ("0.9", "*", False),
        ("1.0rc1", "*", False),  # a pre-release of the start bound is below it
        ("2.0", "beta1", True),  # update folded in: 2.0-beta1 < 2.0
        ("2.0", "sp1", False),
        ("1.0", "-", True),  # update NA is not folded
        ("*", "*", False),  # ANY version never satisfies bounds
        ("-", "*", False),  # NA version never satisfies bounds
        ("1.*", "*", False),  # a wildcard in a name is undefined
    ],
)
def test_bounded_criterion(version: str, update: str, expected: bool) -> None:
    assert hit(RANGE, name("acme", "pump_fw", version, part="o", update=update)) is expected


def test_bounds_including_and_excluding() -> None:
    incl = CpeMatch(name("acme", "hub", "*"), version_end_including="3.1")
    excl = CpeMatch(name("acme", "hub", "*"), version_start_excluding="3.1")
    assert hit(incl, name("acme", "hub", "3.1"))
    assert not hit(incl, name("acme", "hub", "3.1.1"))
    assert not hit(excl, name("acme", "hub", "3.1"))
    assert hit(excl, name("acme", "hub", "3.1.1"))
    dash = CpeMatch(
        name("acme", "hub", "*"), version_start_including="-", version_end_excluding="2"
    )
    assert hit(dash, name("acme", "hub", "0.1"))
    assert not hit(dash, name("acme", "hub", "2"))


def test_update_named_by_a_bounded_criterion_is_not_folded() -> None:
    sp1 = CpeMatch(name("acme", "hub", "*", update="sp1"), version_end_including="2.0")
    assert hit(sp1, name("acme", "hub", "2.0", update="sp1"))
    assert not hit(sp1, name("acme", "hub", "2.0", update="sp2"))
    assert not hit(sp1, name("acme", "hub", "2.0"))


def test_verdict_explains_the_versions_compared() -> None:
    verdict = criterion_matches(RANGE, parse_cpe(name("acme", "pump_fw", "1.5", part="o")))
    assert verdict is not None
    assert verdict.version == "1.5"
    assert "1.5 >= 1.0" in verdict.rule and "1.5 < 2.0" in verdict.rule
    assert RANGE.criteria in verdict.explanation
    assert verdict.cpe == name("acme", "pump_fw", "1.5", part="o")
    exact = criterion_matches(ZLIB, parse_cpe(name("zlib", "zlib", "1.2.11.0")))
    assert exact is not None and "1.2.11.0 == 1.2.11" in exact.rule


def test_other_attributes_follow_nistir_7696() -> None:
    lts = CpeMatch(name("nodejs", "node.js", "*", sw_edition="lts"), version_end_excluding="17")
    assert hit(lts, name("nodejs", "node.js", "16.1", sw_edition="lts"))
    assert not hit(lts, name("nodejs", "node.js", "16.1", sw_edition="-"))
    assert not hit(lts, name("nodejs", "node.js", "16.1"))  # ANY in the name is not "lts"
    any_sw = CpeMatch(name("lodash", "lodash", "4.17.20"))
    assert hit(any_sw, name("lodash", "lodash", "4.17.20", target_sw="node.js"))
    beta = CpeMatch(name("acme", "hub", "2.0", update="beta1"))
    assert hit(beta, name("acme", "hub", "2.0", update="BETA1"))
    assert not hit(beta, name("acme", "hub", "2.0"))
    assert not hit(beta, name("acme", "hub", "2.0", update="beta2"))


def test_version_any_na_and_wildcards_without_bounds() -> None:
    any_v = CpeMatch(name("acme", "hub", "*"))
    na_v = CpeMatch(name("acme", "hub", "-"))
    wild = CpeMatch(name("acme", "hub", "1.2.*"))
    assert hit(any_v, name("acme", "hub", "7")) and hit(any_v, name("acme", "hub", "-"))
    assert hit(na_v, name("acme", "hub", "-")) and not hit(na_v, name("acme", "hub", "7"))
    assert hit(wild, name("acme", "hub", "1.2.3")) and not hit(wild, name("acme", "hub", "1.3"))


def test_wildcard_or_any_vendor_product_never_match() -> None:
    assert not hit(CpeMatch(name("zli*", "zlib", "1.2.11")), name("zlib", "zlib", "1.2.11"))
    assert not hit(CpeMatch(name("*", "zlib", "1.2.11")), name("zlib", "zlib", "1.2.11"))
    assert not hit(CpeMatch(name("zlib", "*", "1.2.11")), name("zlib", "zlib", "1.2.11"))
    assert not hit(CpeMatch("cpe:2.3:a:broken"), name("zlib", "zlib", "1.2.11"))


# ------------------------------------------------------------------ configurations

APP = CpeMatch(name("acme", "infusion_app", "*"), version_end_excluding="5.0")
OS = CpeMatch(name("acme", "rtos", "-", part="o"), vulnerable=False)
OTHER_OS = CpeMatch(name("bigco", "os", "*", part="o"), vulnerable=False)


def cfg(operator: str, *nodes: CpeNode, negate: bool = False) -> CpeConfiguration:
    return CpeConfiguration(operator, negate, nodes)


def node(*matches: CpeMatch, operator: str = "OR", negate: bool = False) -> CpeNode:
    return CpeNode(operator, negate, matches)


APP_4 = parse_cpe(name("acme", "infusion_app", "4.2"))
OS_NA = parse_cpe(name("acme", "rtos", "-", part="o"))
BIGCO = parse_cpe(name("bigco", "os", "9", part="o"))


def test_running_on_needs_the_platform() -> None:
    running_on = [cfg("AND", node(APP), node(OS))]
    verdicts = evaluate_configurations(running_on, [APP_4, OS_NA])
    assert [v.cpe for v in verdicts] == [APP_4.to_fs()]
    assert (verdicts[0].configuration, verdicts[0].node, verdicts[0].match) == (0, 0, 0)
    assert OS.criteria in verdicts[0].platforms[0]
    assert "with " + OS.criteria in verdicts[0].explanation
    assert evaluate_configurations(running_on, [APP_4]) == []
    assert evaluate_configurations(running_on, [OS_NA]) == []  # platform is never "affected"
    assert evaluate_for_component(running_on, APP_4, [OS_NA, BIGCO]) != []
    assert evaluate_for_component(running_on, APP_4, [BIGCO]) == []
    assert evaluate_for_component(running_on, OS_NA, [APP_4]) == []


def test_or_configuration_of_nodes() -> None:
    either = [cfg("OR", node(APP), node(CpeMatch(name("zlib", "zlib", "1.2.11"))))]
    assert len(evaluate_configurations(either, [APP_4])) == 1


def test_and_node_needs_every_criterion() -> None:
    lib = CpeMatch(name("zlib", "zlib", "1.2.11"), vulnerable=False)
    both = [cfg("OR", node(APP, lib, operator="AND"))]
    assert evaluate_configurations(both, [APP_4]) == []
    assert (
        len(evaluate_configurations(both, [APP_4, parse_cpe(name("zlib", "zlib", "1.2.11"))])) == 1
    )


def test_negated_node_excludes_a_platform() -> None:
    not_on_bigco = [cfg("AND", node(APP), node(OTHER_OS, negate=True))]
    assert len(evaluate_configurations(not_on_bigco, [APP_4, OS_NA])) == 1
    assert evaluate_configurations(not_on_bigco, [APP_4, BIGCO]) == []
    vulnerable_but_negated = [cfg("OR", node(APP, negate=True))]
    assert evaluate_configurations(vulnerable_but_negated, [APP_4]) == []


def test_negated_configuration_names_nothing() -> None:
    assert evaluate_configurations([cfg("OR", node(APP), negate=True)], [APP_4]) == []


def test_vulnerable_criterion_matched_only_by_the_platform_is_not_the_components() -> None:
    running_on = [cfg("AND", node(APP), node(OS))]
    zlib = parse_cpe(name("zlib", "zlib", "1.2.11"))
    assert evaluate_for_component(running_on, zlib, [APP_4, OS_NA]) == []


def test_several_criteria_can_name_the_same_component() -> None:
    twice = [cfg("OR", node(APP, CpeMatch(name("acme", "infusion_app", "4.2"))))]
    verdicts = evaluate_configurations(twice, [APP_4])
    assert sorted(v.match for v in verdicts if v.match is not None) == [0, 1]


# ------------------------------------------------------------------ index

RECORDS = [
    VulnRecord("nvd", "CVE-0000-0001", configurations=(cfg("AND", node(APP), node(OS)),)),
    VulnRecord("nvd", "CVE-0000-0002", configurations=(cfg("OR", node(ZLIB)),)),
    VulnRecord("nvd", "CVE-0000-0003", configurations=(cfg("OR", node(CpeMatch("cpe:2.3:a:x"))),)),
]


def test_index_matches_components_with_their_release_platform() -> None:
    index = CpeIndex.build(RECORDS)
    assert any("CVE-0000-0003" in p for p in index.invalid_criteria)
    release = (APP_4.to_fs(), OS_NA.to_fs(), "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*")
    report = index.match(
        [
            CpeComponent("app", APP_4.to_fs(), release),
            CpeComponent("zlib", "cpe:/a:zlib:zlib:1.2.11", release),
            CpeComponent("app-alone", APP_4.to_fs(), ()),
            CpeComponent("fw", None, release),
            CpeComponent("bad", "cpe:2.3:a:acme", release),
            CpeComponent("new", name("acme", "new_product", "1"), release),
        ]
    )
    assert {(h.component_id, h.record_id) for h in report.hits} == {
        ("app", "CVE-0000-0001"),
        ("zlib", "CVE-0000-0002"),
    }
    reasons = {m.component_id: m.reason for m in report.unmatched}
    assert set(reasons) == {"app-alone", "fw", "bad", "new"}
    assert "no configuration applies" in reasons["app-alone"]
    assert reasons["fw"].startswith("no CPE")
    assert "invalid CPE" in reasons["bad"] and "11 attributes" in reasons["bad"]
    assert "acme:new_product" in reasons["new"]
    app_hit = next(h for h in report.hits if h.component_id == "app")
    assert app_hit.source == "nvd"
    assert "4.2 < 5.0" in app_hit.verdicts[0].explanation
