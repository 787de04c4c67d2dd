"""Notification deadlines per jurisdiction from the data file: each obligation at its boundary
(due, one second before and after), business days over weekends, months at month end, the
tightest obligation of a group, conditions, and the data file's own checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from importlib import resources

import pytest

from medsec.errors import InvalidInput
from medsec.incidents import obligations as ob
from medsec.incidents.rules import PrivacyImpact as Pr
from medsec.incidents.rules import SafetyImpact as Sa

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
FRIDAY = datetime(2026, 3, 6, 16, 0, tzinfo=UTC)
ALL = frozenset(ob.JURISDICTIONS)


def _facts(
    safety: Sa, privacy: Pr = Pr.NONE, flags: set[str] | None = None, *, at=MONDAY, where=ALL
):
    return ob.IncidentFacts(at, frozenset(where), safety, privacy, frozenset(flags or set()))


def _due(facts: ob.IncidentFacts) -> dict[str, datetime | None]:
    return {d.obligation.key: d.due_at for d in ob.applicable(facts)}


# key -> (facts that make it the binding obligation of its group, expected due from MONDAY)
BOUNDARIES = {
    "us.fda.mdr-30": (_facts(Sa.POTENTIAL, where={"US"}), MONDAY + timedelta(days=30)),
    "us.fda.mdr-5": (
        _facts(Sa.POTENTIAL, flags={"remedial_action"}, where={"US"}),
        datetime(2026, 3, 9, 9, 30, tzinfo=UTC),  # 5 business days: Mon → next Mon
    ),
    "us.fda.customers-30": (
        _facts(Sa.NONE, flags={"uncontrolled_risk"}, where={"US"}),
        MONDAY + timedelta(days=30),
    ),
    "eu.mdr.serious-15": (_facts(Sa.SERIOUS, where={"EU"}), MONDAY + timedelta(days=15)),
    "eu.mdr.death-10": (_facts(Sa.DEATH, where={"EU"}), MONDAY + timedelta(days=10)),
    "eu.mdr.public-health-2": (_facts(Sa.PUBLIC_HEALTH, where={"EU"}), MONDAY + timedelta(days=2)),
    "eu.gdpr.breach-72h": (_facts(Sa.NONE, Pr.BREACH, where={"EU"}), MONDAY + timedelta(hours=72)),
    "eu.nis2.early-warning-24h": (
        _facts(Sa.NONE, flags={"nis2_significant"}, where={"EU"}),
        MONDAY + timedelta(hours=24),
    ),
    "eu.nis2.notification-72h": (
        _facts(Sa.NONE, flags={"nis2_significant"}, where={"EU"}),
        MONDAY + timedelta(hours=72),
    ),
    "eu.nis2.final-1m": (
        _facts(Sa.NONE, flags={"nis2_significant"}, where={"EU"}),
        datetime(2026, 4, 2, 9, 30, tzinfo=UTC),
    ),
    "jp.pmda.malfunction-15": (_facts(Sa.SERIOUS, where={"JP"}), MONDAY + timedelta(days=15)),
    "jp.pmda.malfunction-30": (_facts(Sa.POTENTIAL, where={"JP"}), MONDAY + timedelta(days=30)),
    "ca.hc.preliminary-10": (_facts(Sa.SERIOUS, where={"CA"}), MONDAY + timedelta(days=10)),
    "ca.hc.preliminary-30": (_facts(Sa.POTENTIAL, where={"CA"}), MONDAY + timedelta(days=30)),
}


def test_every_obligation_with_a_deadline_has_a_boundary_case() -> None:
    timed = {o.key for o in ob.catalogue() if o.unit != "none"}
    assert timed == set(BOUNDARIES)


@pytest.mark.parametrize("key", sorted(BOUNDARIES))
def test_deadline_boundary(key: str) -> None:
    facts, expected = BOUNDARIES[key]
    (due,) = [d for d in ob.applicable(facts) if d.obligation.key == key]
    assert due.due_at == expected
    second = timedelta(seconds=1)
    assert not ob.overdue(due, sent_at=None, now=expected - second)
    assert not ob.overdue(due, sent_at=None, now=expected)  # due at that instant, not yet late
    assert ob.overdue(due, sent_at=None, now=expected + second)
    assert not ob.overdue(due, sent_at=expected + timedelta(days=9), now=expected + second)


def test_open_ended_obligations_are_never_overdue() -> None:
    facts = _facts(Sa.SERIOUS, Pr.BREACH, {"criminal"})
    open_ended = [d for d in ob.applicable(facts) if d.due_at is None]
    assert {d.obligation.key for d in open_ended} == {
        "all.customers",
        "all.patients",
        "all.law-enforcement",
    }
    far = MONDAY + timedelta(days=3650)
    assert not any(ob.overdue(d, sent_at=None, now=far) for d in open_ended)


def test_business_days_skip_weekends() -> None:
    assert ob.add_business_days(FRIDAY, 1) == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)
    assert ob.add_business_days(FRIDAY, 5) == datetime(2026, 3, 13, 16, 0, tzinfo=UTC)
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=UTC)
    assert ob.add_business_days(saturday, 1) == datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
    facts = _facts(Sa.POTENTIAL, flags={"remedial_action"}, at=FRIDAY, where={"US"})
    assert _due(facts)["us.fda.mdr-5"] == datetime(2026, 3, 13, 16, 0, tzinfo=UTC)


def test_months_clamp_to_the_end_of_a_shorter_month() -> None:
    jan31 = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
    assert ob.add_months(jan31, 1) == datetime(2026, 2, 28, 12, 0, tzinfo=UTC)
    assert ob.add_months(datetime(2026, 12, 15, tzinfo=UTC), 1) == datetime(2027, 1, 15, tzinfo=UTC)


def test_the_tightest_obligation_of_a_group_applies() -> None:
    due = _due(_facts(Sa.PUBLIC_HEALTH, where={"EU"}))
    assert "eu.mdr.public-health-2" in due
    assert not {"eu.mdr.serious-15", "eu.mdr.death-10"} & set(due)
    due = _due(_facts(Sa.SERIOUS, where={"US", "JP", "CA"}))
    assert {"us.fda.mdr-30", "jp.pmda.malfunction-15", "ca.hc.preliminary-10"} <= set(due)
    assert not {"jp.pmda.malfunction-30", "ca.hc.preliminary-30"} & set(due)
    keys = [d.obligation.key for d in ob.applicable(_facts(Sa.SERIOUS, where={"US", "JP", "CA"}))]
    assert keys.index("ca.hc.preliminary-10") < keys.index("jp.pmda.malfunction-15")


def test_conditions_and_jurisdictions() -> None:
    assert _due(_facts(Sa.UNASSESSED, Pr.UNASSESSED)) == {}
    assert _due(_facts(Sa.NONE, Pr.NONE)) == {}
    only_us = _due(_facts(Sa.SERIOUS, where={"US"}))
    assert not any(k.startswith(("eu.", "jp.", "ca.")) for k in only_us)
    assert "all.customers" in _due(_facts(Sa.NONE, Pr.POSSIBLE, where=set()))
    assert "eu.gdpr.breach-72h" not in _due(_facts(Sa.NONE, Pr.POSSIBLE))


def test_facts_standards_md_marks_unverified_say_so() -> None:
    unverified = {o.key for o in ob.catalogue() if not o.verified}
    assert {"jp.pmda.malfunction-15", "jp.pmda.malfunction-30", "eu.gdpr.breach-72h"} == unverified
    for o in ob.catalogue():
        assert o.source.strip()
        if not o.verified:
            assert o.note.strip(), o.key


def test_data_file_errors_name_the_json_pointer() -> None:
    raw = json.loads(
        resources.files("medsec")
        .joinpath("data/incidents/reporting_obligations.json")
        .read_text(encoding="utf-8")
    )
    raw["obligations"][2]["due"]["unit"] = "fortnights"
    with pytest.raises(InvalidInput, match=r"/obligations/2/due/unit: 'fortnights'"):
        ob.parse(raw)
    raw["obligations"][2]["due"]["unit"] = "hours"
    raw["obligations"][1]["when"][0]["flags"] = ["cosmic_rays"]
    with pytest.raises(InvalidInput, match=r"/obligations/1/when/0/flags"):
        ob.parse(raw)


def test_jurisdiction_codes() -> None:
    assert ob.parse_jurisdictions(["us, eu", "JP", "US"]) == ["US", "EU", "JP"]
    with pytest.raises(InvalidInput, match="'UK'"):
        ob.parse_jurisdictions(["UK"])
