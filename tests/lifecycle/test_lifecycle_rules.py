"""Pure lifecycle rules on dates around each boundary: phase, component support, horizon,
legacy, notices due; the endoflife.date reader's per-entry problems; the mapping table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from medsec.ingest.endoflife import LifecycleCycle, LifecycleProduct, parse_product
from medsec.lifecycle import rules
from medsec.lifecycle.rules import ComponentFacts, Control, NoticeRule, ReleaseDates

D = date.fromisoformat
ONE = timedelta(days=1)
EOL, EOS = D("2027-03-31"), D("2028-03-31")
DATES = ReleaseDates(release_date=D("2024-06-03"), eol_planned=EOL, eos_planned=EOS)


# --- phase ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "phase"),
    [
        (EOL - ONE, "supported"),
        (EOL, "limited_support"),
        (EOS - ONE, "limited_support"),
        (EOS, "end_of_support"),
        (EOS + ONE, "end_of_support"),
    ],
)
def test_phase_changes_on_the_milestone_day(on, phase):
    assert rules.phase_on(DATES, on) == phase


def test_announced_dates_override_planned_ones_and_no_dates_give_no_phase():
    d = ReleaseDates(
        eol_planned=EOL, eol_announced=EOL + 10 * ONE, eol_announced_on=D("2025-01-01")
    )
    assert d.eol == EOL + 10 * ONE
    assert rules.phase_on(d, EOL + ONE) == "supported"
    assert rules.phase_on(ReleaseDates(), D("2030-01-01")) is None


def test_inconsistent_release_dates_are_named():
    bad = ReleaseDates(
        release_date=D("2024-06-03"), eol_planned=D("2026-01-01"), eos_planned=D("2025-01-01")
    )
    problems = rules.check_dates(bad)
    assert any("end of support 2025-01-01 is before the end of life" in p for p in problems)
    assert rules.check_dates(ReleaseDates(eol_announced=EOL)) == [
        "the announced end of life needs the date it was announced"
    ]
    assert rules.check_dates(DATES) == []


# --- version -> cycle, mapping -----------------------------------------------------------------

CYCLES = (
    LifecycleCycle("3.10", eol=D("2026-10-31")),
    LifecycleCycle("3.1", eol=D("2012-04-09")),
    LifecycleCycle("1.1.1", eol=D("2023-09-11")),
    LifecycleCycle("1.1.0", eol=D("2019-09-11")),
)


@pytest.mark.parametrize(
    ("version", "cycle"),
    [
        ("3.10.2", "3.10"),
        ("3.1.4", "3.1"),
        ("1.1.1n-0+deb11u5", "1.1.1"),
        ("1:1.1.1k-9.el8_7", "1.1.1"),
        ("v1.1.1w", "1.1.1"),
        ("1.1.10", None),
        ("3.11.0", None),
        (None, None),
    ],
)
def test_version_belongs_to_the_longest_cycle_at_a_boundary(version, cycle):
    found = rules.cycle_for(version, CYCLES)
    assert (found.cycle if found else None) == cycle


def test_purl_and_cpe_keys():
    assert rules.purl_key("pkg:deb/debian/openssl@1.1.1n?distro=debian-11") == ("deb", "openssl")
    assert rules.purl_key("pkg:maven/org.springframework/spring-core@5.0.9") == (
        "maven",
        "org.springframework/spring-core",
    )
    assert rules.purl_key("pkg:alpine/openssl@3.0.4") == ("apk", "openssl")
    assert rules.purl_key("not a purl") is None
    assert rules.cpe_key("cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*") == "openssl:openssl"
    assert rules.cpe_key("cpe:/a:python:python") == "python:python"
    assert rules.cpe_key("cpe:2.3:a:*") is None


def _products() -> list[LifecycleProduct]:
    return [
        LifecycleProduct(
            "openssl",
            "OpenSSL",
            cpes=("cpe:/a:openssl:openssl",),
            repology=("openssl",),
            cycles=CYCLES[2:],
        ),
        LifecycleProduct("graal-a", "A", repology=("graalvm",)),
        LifecycleProduct("graal-b", "B", repology=("graalvm",)),
        LifecycleProduct("django", "Django", purls=("pkg:pypi/django",)),
    ]


def test_a_key_two_products_claim_is_ambiguous_and_maps_to_nothing():
    table = rules.build_mapping(_products())
    assert table.product_for("pkg:deb/debian/graalvm@21", None) is None
    assert "deb/graalvm" in table.ambiguous
    assert table.ambiguous["deb/graalvm"] == ("graal-a", "graal-b")
    assert table.product_for("pkg:rpm/redhat/openssl@1.1.1k", None) == (
        "openssl",
        "purl rpm/openssl (repology name)",
    )
    assert table.product_for(None, "cpe:2.3:a:openssl:openssl:1.1.1:*:*:*:*:*:*:*") == (
        "openssl",
        "CPE openssl:openssl",
    )


def test_user_rows_come_first_and_a_row_fitting_two_products_is_refused():
    prods = _products()
    table = rules.build_mapping(prods, [("npm", "my-ssl", "openssl")])
    assert table.product_for("pkg:npm/my-ssl@1.1.1", None) == (
        "openssl",
        "purl npm/my-ssl (your mapping)",
    )
    assert rules.check_user_mapping("npm", "my-ssl", "openssl", prods) == []
    refused = rules.check_user_mapping("pypi", "django", "openssl", prods)
    assert refused and "already maps to 'django'" in refused[0]
    assert (
        "fits several products" in rules.check_user_mapping("deb", "graalvm", "graal-a", prods)[0]
    )
    assert "unknown product" in rules.check_user_mapping("npm", "x", "nope", prods)[0]


# --- component support -------------------------------------------------------------------------

OPENSSL_111 = LifecycleCycle("1.1.1", eol=D("2023-09-11"), active_until=D("2019-09-11"))


def _support(on: date, **facts) -> rules.ComponentSupport:
    f = ComponentFacts(ref="c", name="openssl", version="1.1.1n", **facts)
    return rules.component_support(f, on, cycle=OPENSSL_111, product="openssl")


@pytest.mark.parametrize(
    ("on", "level"),
    [
        (D("2019-09-10"), "actively_maintained"),
        (D("2019-09-11"), "limited_support"),
        (D("2023-09-10"), "limited_support"),
        (D("2023-09-11"), "end_of_support"),
    ],
)
def test_component_level_is_computed_for_the_date(on, level):
    assert _support(on).level == level
    assert _support(on).source == "endoflife.date"


def test_a_stale_sbom_label_is_overridden_by_the_date_and_shown_as_a_conflict():
    s = _support(D("2024-06-03"), stated_level="actively_maintained")
    assert s.level == "end_of_support"
    assert s.conflict and "actively maintained" in s.conflict and "2023-09-11" in s.conflict


def test_the_sbom_end_of_support_takes_precedence_and_a_disagreement_is_a_conflict():
    s = _support(D("2024-01-01"), stated_end=D("2024-12-31"), stated_source="sbom")
    assert s.end_of_support == D("2024-12-31") and s.source == "sbom"
    assert s.level in ("limited_support", "actively_maintained") and not s.ended
    assert "SBOM says support ends 2024-12-31" in (s.conflict or "")
    same = _support(D("2024-01-01"), stated_end=D("2023-09-11"), stated_source="manual")
    assert same.conflict is None and same.ended and same.source == "manual"


def test_no_lifecycle_data_and_no_statement_is_unknown_never_supported():
    f = ComponentFacts(ref="x", name="x", version="1")
    assert rules.component_support(f, D("2025-01-01")).level == "unknown"
    dated = ComponentFacts(ref="x", name="x", stated_end=D("2025-01-01"), stated_source="sbom")
    assert rules.component_support(dated, D("2024-12-31")).level == "actively_maintained"
    assert rules.component_support(dated, D("2025-01-01")).level == "end_of_support"


def test_eol_true_without_a_date_counts_as_ended():
    cycle = LifecycleCycle("1.0", eol=True)
    s = rules.component_support(
        ComponentFacts(ref="x", name="x", version="1.0.3"),
        D("2020-01-01"),
        cycle=cycle,
        product="p",
    )
    assert s.ended and s.ended_undated and s.end_of_support is None


# --- horizon ------------------------------------------------------------------------------------


def _comp(name: str, end: date | None) -> rules.ComponentSupport:
    f = ComponentFacts(ref=name, name=name, version="1", stated_end=end, stated_source="sbom")
    return rules.component_support(f, D("2024-06-03"))


def test_horizon_is_the_earliest_end_and_warns_at_each_boundary():
    shipped = DATES.release_date
    assert shipped is not None
    comps = [
        _comp("ended-before", shipped - ONE),
        _comp("ended-on-ship-day", shipped),
        _comp("ends-after-ship", shipped + ONE),
        _comp("ends-before-eos", EOS - ONE),
        _comp("ends-on-eos", EOS),
        _comp("no-date", None),
    ]
    h = rules.horizon(comps, DATES, D("2024-06-03"))
    assert h.end == shipped - ONE and [c.name for c in h.components] == ["ended-before"]
    text = "\n".join(h.warnings)
    assert "ended-before 1: support had already ended" in text
    assert "ended-on-ship-day 1: support had already ended" in text
    assert "ends-after-ship 1: support ends" in text and "before the release's end of" in text
    assert "ends-before-eos 1: support ends" in text
    assert "ends-on-eos" not in text and "no-date" not in text
    assert h.counted == 6 and h.with_date == 5
    assert {c.name for c in h.ended} == {"ended-before", "ended-on-ship-day"}


# --- legacy -------------------------------------------------------------------------------------


def test_legacy_from_the_end_of_support_day_on():
    ended = [("openssl 1.1.1n", D("2023-09-11"))]
    before = rules.legacy(eos=EOS, ended=[], controls=[], on=EOS - ONE)
    assert before.status == "not_legacy"
    on = rules.legacy(eos=EOS, ended=ended, controls=[], on=EOS)
    assert on.status == "legacy" and "residual risk passes to the provider" in on.reasons[0]


def test_at_risk_with_controls_until_they_expire():
    ended = [("openssl 1.1.1n", D("2023-09-11"))]
    ctrl = [Control("VLAN isolation", D("2026-06-30"))]
    last_day = rules.legacy(eos=EOS, ended=ended, controls=ctrl, on=D("2026-06-30"))
    assert last_day.status == "at_risk" and last_day.protected_until == D("2026-06-30")
    assert "reasonably protected by compensating controls until 2026-06-30" in last_day.reasons
    after = rules.legacy(eos=EOS, ended=ended, controls=ctrl, on=D("2026-07-01"))
    assert after.status == "at_risk" and not after.controls
    assert "expired: VLAN isolation on 2026-06-30" in after.reasons[-1]
    assert (
        rules.legacy(eos=EOS, ended=ended, controls=[], on=D("2026-07-01"), patchable=True).status
        == "not_legacy"
    )
    assert rules.legacy(eos=None, ended=[], controls=[], on=D("2026-07-01")).status == "unknown"


# --- notices ------------------------------------------------------------------------------------


def test_months_before_clamps_to_the_end_of_the_month():
    assert rules.months_before(D("2027-03-31"), 1) == D("2027-02-28")
    assert rules.months_before(D("2027-03-31"), 24) == D("2025-03-31")
    assert rules.months_before(D("2024-01-15"), 13) == D("2022-12-15")


@pytest.mark.parametrize(
    ("on", "due"),
    [
        (D("2026-03-30"), False),  # the day before 12 months before EOL
        (D("2026-03-31"), True),
        (D("2026-03-31") + timedelta(days=89), True),
        (D("2026-03-31") + timedelta(days=90), False),  # the window has passed
    ],
)
def test_a_notice_is_due_from_its_day_for_the_window(on, due):
    found = rules.notices_due(
        DATES, [], [NoticeRule("eol", 12)], on, window_days=90, release="2.1.0"
    )
    assert bool(found) is due
    if due:
        assert found[0].key == "eol-12m-2.1.0" and found[0].due_on == D("2026-03-31")


def test_component_notices_once_per_component_version():
    comps = [_comp("python3.9", D("2025-10-31")), _comp("python3.9", D("2025-10-31"))]
    found = rules.notices_due(DATES, comps, rules.DEFAULT_SCHEDULE, D("2025-10-31"))
    assert [n.subject for n in found] == ["python3.9@1"]
    assert found[0].milestone == "component_eos"
    assert rules.notices_due(DATES, comps, rules.DEFAULT_SCHEDULE, D("2025-10-30")) == []


def test_schedule_errors_name_the_place():
    rules_, window = rules.parse_schedule(
        {"notices": [{"milestone": "eos", "months_before": 3}], "window_days": 30}, source="s.json"
    )
    assert rules_ == (NoticeRule("eos", 3),) and window == 30
    with pytest.raises(ValueError, match=r"s.json: /notices/1/milestone"):
        rules.parse_schedule(
            {"notices": [{"milestone": "eol"}, {"milestone": "x"}]}, source="s.json"
        )
    with pytest.raises(ValueError, match=r"/notices/0/months_before"):
        rules.parse_schedule({"notices": [{"milestone": "eol", "months_before": -1}]}, source="s")
    with pytest.raises(ValueError, match=r"/window_days"):
        rules.parse_schedule({"notices": [], "window_days": 0}, source="s")


# --- the endoflife.date reader -----------------------------------------------------------------

BAD = """---
title: Example
identifiers:
  - purl: pkg:generic/example
releases:
  - releaseCycle: "2.0"
    releaseDate: 2024-01-10
    eol: 2026-13-01
  - releaseCycle: "1.9"
    releaseDate: 2025-05-01
    eol: 2027-01-01
  - releaseCycle: "1.8"
    releaseDate: 2022-01-01
    eol: true
  - releaseCycle: "1.7"
    releaseDate: 2021-01-01
    eol: 2020-01-01
  - releaseDate: 2020-01-01
    eol: 2021-01-01
  - releaseCycle: "1.8"
    releaseDate: 2019-01-01
    eol: 2020-01-01
  - releaseCycle: 3.10
    releaseDate: 2018-01-01
    eol: false
---
text
"""


def test_bad_entries_are_reported_each_with_its_place():
    product, problems = parse_product(BAD.encode(), source="products/example.md")
    assert product is not None and product.purls == ("pkg:generic/example",)
    where = {(p.location, p.kept) for p in problems}
    assert ("/releases/0/eol", False) in where  # invalid date: left out
    assert ("/releases/1/releaseDate", True) in where  # out of order: kept
    assert ("/releases/2/eol", True) in where  # eol true without a date: kept
    assert ("/releases/3/eol", False) in where  # eol before the release date
    assert ("/releases/4/releaseCycle", False) in where  # no cycle name
    assert ("/releases/5", False) in where  # duplicate cycle
    assert [c.cycle for c in product.cycles] == ["1.9", "1.8", "3.10"]  # 3.10 stays text
    assert product.cycles[1].eol is True and product.cycles[2].eol is False
    assert all(str(p).startswith("products/example.md: /releases/") for p in problems)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("no front matter", "line 1"),
        ("---\ntitle: [unclosed\n---\n", "line 3"),
        ("---\nreleases: []\n---\n", "/title"),
        ("---\ntitle: X\n---\n", "/releases"),
    ],
)
def test_a_file_that_is_not_a_product_is_reported(text, location):
    product, problems = parse_product(text.encode(), source="x.md")
    assert product is None
    assert [p.location for p in problems] == [location]
