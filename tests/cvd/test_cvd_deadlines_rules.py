"""CVD deadlines: business days across weekends/holidays, defaults, overdue at exact boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsec.cvd.deadlines import (
    CaseFacts,
    DeadlinePolicy,
    RiskLevel,
    add_business_days,
    deadlines,
    disclosure_due,
    is_business_day,
    overdue,
)
from medsec.cvd.rules import TriageOutcome
from medsec.errors import InvalidInput

FRI = datetime(2024, 3, 1, 15, 0, tzinfo=UTC)  # Friday 1 March 2024


def test_business_days_skip_weekend() -> None:
    assert add_business_days(FRI, 0) == FRI
    assert add_business_days(FRI, 1) == datetime(2024, 3, 4, 15, 0, tzinfo=UTC)  # Monday
    assert add_business_days(FRI, 5) == datetime(2024, 3, 8, 15, 0, tzinfo=UTC)  # next Friday
    assert add_business_days(FRI, 6) == datetime(2024, 3, 11, 15, 0, tzinfo=UTC)
    saturday = datetime(2024, 3, 2, 9, 30, tzinfo=UTC)
    assert add_business_days(saturday, 1) == datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


def test_business_days_skip_holidays() -> None:
    assert add_business_days(FRI, 1, {date(2024, 3, 4)}) == datetime(2024, 3, 5, 15, tzinfo=UTC)
    christmas = {date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)}
    start = datetime(2024, 12, 24, 8, tzinfo=UTC)  # Tuesday
    # Fri 27, Mon 30, Tue 31, (Wed 1 Jan holiday), Thu 2 Jan
    assert add_business_days(start, 4, christmas) == datetime(2025, 1, 2, 8, tzinfo=UTC)
    assert not is_business_day(date(2024, 12, 25), christmas)
    assert is_business_day(date(2024, 12, 27), christmas)
    assert not is_business_day(date(2024, 12, 28))


def test_business_days_keep_wall_clock_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2024, 3, 29, 9, 0, tzinfo=berlin)  # Friday before the DST change
    result = add_business_days(start, 1)
    assert (result.date(), result.hour) == (date(2024, 4, 1), 9)
    assert result.utcoffset() != start.utcoffset()


def test_negative_business_days_refused() -> None:
    with pytest.raises(InvalidInput, match="negative_days"):
        add_business_days(FRI, -1)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(min_value=1, max_value=60),
    st.sets(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 6, 1)), max_size=5),
)
def test_business_days_property(start: datetime, days: int, holidays: set[date]) -> None:
    aware = start.replace(tzinfo=UTC)
    result = add_business_days(aware, days, holidays)
    assert result.time() == aware.time() and is_business_day(result.date(), holidays)
    counted, day = 0, aware.date()
    while day < result.date():
        day += timedelta(days=1)
        counted += day.weekday() < 5 and day not in holidays
    assert counted == days


def test_default_deadlines_of_an_unassessed_case() -> None:
    case = CaseFacts(received_at=FRI)
    got = {d.name: d.due for d in deadlines(case, FRI)}
    assert got == {
        "acknowledge": datetime(2024, 3, 8, 15, tzinfo=UTC),  # 5 business days
        "triage": datetime(2024, 3, 15, 15, tzinfo=UTC),  # 10 business days
        "communicate": datetime(2024, 3, 31, 15, tzinfo=UTC),  # 30 calendar days
        "remediate": datetime(2024, 4, 30, 15, tzinfo=UTC),  # 60 calendar days
        "disclose": datetime(2024, 5, 30, 15, tzinfo=UTC),  # 90 calendar days
    }
    assert all(d.source and not d.overdue and d.met_at is None for d in deadlines(case, FRI))


def test_overdue_exact_boundary() -> None:
    case = CaseFacts(received_at=FRI)
    due = datetime(2024, 3, 8, 15, tzinfo=UTC)
    assert not any(d.overdue for d in deadlines(case, due))
    assert [d.name for d in overdue(case, due + timedelta(microseconds=1))] == ["acknowledge"]
    late = datetime(2024, 5, 30, 15, 0, 1, tzinfo=UTC)
    assert [d.name for d in overdue(case, late)] == [
        "acknowledge",
        "triage",
        "communicate",
        "remediate",
        "disclose",
    ]


def test_met_deadlines_are_not_overdue_but_may_be_late() -> None:
    ack = datetime(2024, 3, 8, 15, 0, 1, tzinfo=UTC)  # one second late
    case = CaseFacts(received_at=FRI, acknowledged_at=ack)
    d = {x.name: x for x in deadlines(case, datetime(2024, 3, 20, tzinfo=UTC))}
    assert d["acknowledge"].met_at == ack and not d["acknowledge"].overdue
    assert d["acknowledge"].late
    assert d["triage"].overdue and not d["triage"].late
    on_time = CaseFacts(received_at=FRI, acknowledged_at=datetime(2024, 3, 8, 15, tzinfo=UTC))
    assert not deadlines(on_time, FRI)[0].late


def test_not_valid_case_only_has_acknowledge_and_triage() -> None:
    t = FRI + timedelta(days=2)
    for outcome in (TriageOutcome.DUPLICATE, TriageOutcome.OUT_OF_SCOPE):
        case = CaseFacts(received_at=FRI, acknowledged_at=t, triaged_at=t, outcome=outcome)
        assert [d.name for d in deadlines(case, FRI + timedelta(days=365))] == [
            "acknowledge",
            "triage",
        ]
        assert overdue(case, FRI + timedelta(days=365)) == []


def test_risk_levels() -> None:
    controlled = CaseFacts(received_at=FRI, risk=RiskLevel.CONTROLLED)
    assert [d.name for d in deadlines(controlled, FRI)] == ["acknowledge", "triage", "disclose"]
    policy = DeadlinePolicy(controlled_remediate_days=180)
    due = {d.name: d.due for d in deadlines(controlled, FRI, policy=policy)}
    assert due["remediate"] == FRI + timedelta(days=180) and "communicate" not in due
    uncontrolled = CaseFacts(received_at=FRI, risk=RiskLevel.UNCONTROLLED)
    assert "communicate" in {d.name for d in deadlines(uncontrolled, FRI)}
    lenient = DeadlinePolicy(unassessed_as_uncontrolled=False)
    names = [d.name for d in deadlines(CaseFacts(received_at=FRI), FRI, policy=lenient)]
    assert names == ["acknowledge", "triage", "disclose"]


def test_embargo_and_disclosure_policy() -> None:
    embargo = datetime(2024, 7, 1, tzinfo=UTC)
    case = CaseFacts(received_at=FRI, embargo_until=embargo)
    assert disclosure_due(case) == embargo
    assert not any(d.name == "disclose" for d in overdue(case, embargo))
    assert any(d.name == "disclose" for d in overdue(case, embargo + timedelta(seconds=1)))
    cert_cc = DeadlinePolicy(disclosure_days=45)
    assert disclosure_due(CaseFacts(received_at=FRI), cert_cc) == datetime(
        2024, 4, 15, 15, tzinfo=UTC
    )
    disclosed = CaseFacts(received_at=FRI, disclosed_at=embargo)
    assert {d.name: d.met_at for d in deadlines(disclosed, embargo)}["disclose"] == embargo


def test_holidays_in_policy_move_acknowledge_deadline() -> None:
    policy = DeadlinePolicy(holidays=frozenset({date(2024, 3, 4), date(2024, 3, 5)}))
    ack = deadlines(CaseFacts(received_at=FRI), FRI, policy=policy)[0]
    assert ack.due == datetime(2024, 3, 12, 15, tzinfo=UTC)


def test_case_facts_validation() -> None:
    with pytest.raises(InvalidInput, match="naive"):
        CaseFacts(received_at=datetime(2024, 3, 1))
    with pytest.raises(InvalidInput, match="before_receipt"):
        CaseFacts(received_at=FRI, acknowledged_at=FRI - timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="outcome_without_triage"):
        CaseFacts(received_at=FRI, outcome=TriageOutcome.VALID)
    with pytest.raises(InvalidInput, match="naive"):
        deadlines(CaseFacts(received_at=FRI), datetime(2024, 3, 2))
