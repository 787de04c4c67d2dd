"""Pure CVD deadlines: business-day arithmetic and the SLA clock of a case.

Defaults (``DeadlinePolicy``) are policy choices, configurable, not ISO requirements; IMDRF N60
and ISO/IEC 29147/30111 set no day counts (STANDARDS.md §11):

- acknowledge: 5 business days after receipt. ISO/IEC 29147 clause 6 requires acknowledging
  receipt but gives no number ("set and publish an SLA"); seed 6.3.1 asks manufacturers to
  acknowledge "within a specified period". 5 business days is the project default.
- triage: 10 business days after receipt (project default; no standard gives a number).
- communicate / remediate, uncontrolled risk: 30 / 60 calendar days after receipt (the date the
  manufacturer learned of it), the FDA postmarket cybersecurity guidance (2016) figures for
  uncontrolled risk (customer communication within 30 days, fix within 60 days).
- remediate, controlled risk: no deadline by default; fixed in the regular update cycle (FDA
  postmarket guidance; §524B "regular cycle"). Set ``controlled_remediate_days`` to track one.
- disclose: the agreed embargo date, else 90 calendar days after receipt. CERT/CC and CISA
  disclose as early as 45 days after first contact with an unresponsive vendor; 90 days is the
  common industry coordination window (e.g. Google Project Zero) and leaves a medical device
  maker time for the verification, validation and regulatory steps a fix needs, while still
  ending after the FDA 60-day fix target.

A case not yet risk-assessed is treated as uncontrolled (conservative) unless
``unassessed_as_uncontrolled`` is False. Cases triaged as not valid get only the acknowledge and
triage deadlines. A deadline is overdue when unmet and ``now`` is strictly after ``due``; one met
after its due time is ``late``. All datetimes must be timezone-aware.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from medsec.cvd.rules import NOT_VALID, TriageOutcome, refuse

SATURDAY = 5


class RiskLevel(StrEnum):
    """FDA postmarket guidance risk class of a vulnerability's patient-harm risk."""

    CONTROLLED = "controlled"
    UNCONTROLLED = "uncontrolled"


@dataclass(frozen=True, slots=True)
class DeadlinePolicy:
    """Configurable SLA figures; see the module docstring for each default's source."""

    acknowledge_business_days: int = 5
    triage_business_days: int = 10
    uncontrolled_communicate_days: int = 30
    uncontrolled_remediate_days: int = 60
    controlled_remediate_days: int | None = None
    disclosure_days: int = 90
    holidays: frozenset[date] = field(default_factory=frozenset)
    unassessed_as_uncontrolled: bool = True


DEFAULT_POLICY = DeadlinePolicy()

SOURCES = {
    "acknowledge": "ISO/IEC 29147 cl. 6 (acknowledge; SLA set by policy), seed 6.3.1",
    "triage": "ISO/IEC 30111 verification phase (target set by policy)",
    "communicate": "FDA postmarket cybersecurity guidance: uncontrolled risk, 30 days",
    "remediate": "FDA postmarket cybersecurity guidance: uncontrolled risk 60 days / "
    "controlled risk regular cycle",
    "disclose": "agreed embargo date, else policy default (90 days)",
}


def _aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise refuse("cvd.deadlines.naive_datetime", f"{name} must be timezone-aware")


def is_business_day(day: date, holidays: Collection[date] = ()) -> bool:
    """True for Monday–Friday dates not in ``holidays``."""
    return day.weekday() < SATURDAY and day not in holidays


def add_business_days(start: datetime, days: int, holidays: Collection[date] = ()) -> datetime:
    """``start`` moved forward by ``days`` business days, keeping its wall-clock time.

    Counting starts the day after ``start``: Friday + 1 → Monday, Saturday + 1 → Monday.
    """
    if days < 0:
        raise refuse("cvd.deadlines.negative_days", "business days must be >= 0")
    day = start.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_business_day(day, holidays):
            counted += 1
    return start.replace(year=day.year, month=day.month, day=day.day)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What is known about a case's timeline (all datetimes timezone-aware)."""

    received_at: datetime
    acknowledged_at: datetime | None = None
    triaged_at: datetime | None = None
    outcome: TriageOutcome | None = None
    risk: RiskLevel | None = None
    customers_notified_at: datetime | None = None
    remediated_at: datetime | None = None
    embargo_until: datetime | None = None
    disclosed_at: datetime | None = None

    def __post_init__(self) -> None:
        """Refuse naive datetimes, events before receipt and an outcome without triage."""
        for name in (
            "received_at",
            "acknowledged_at",
            "triaged_at",
            "customers_notified_at",
            "remediated_at",
            "embargo_until",
            "disclosed_at",
        ):
            value = getattr(self, name)
            _aware(name, value)
            if name != "received_at" and value is not None and value < self.received_at:
                raise refuse("cvd.facts.before_receipt", f"{name} is before received_at")
        if self.outcome is not None and self.triaged_at is None:
            raise refuse("cvd.facts.outcome_without_triage", "an outcome needs triaged_at")


@dataclass(frozen=True, slots=True)
class Deadline:
    """One SLA deadline of a case as seen at a given ``now``."""

    name: str
    due: datetime
    met_at: datetime | None
    overdue: bool
    source: str = ""

    @property
    def late(self) -> bool:
        """True when the deadline was met, but after it was due."""
        return self.met_at is not None and self.met_at > self.due


def _risk(case: CaseFacts, policy: DeadlinePolicy) -> RiskLevel | None:
    if case.risk is None and policy.unassessed_as_uncontrolled:
        return RiskLevel.UNCONTROLLED
    return case.risk


def deadlines(
    case: CaseFacts,
    now: datetime,
    *,
    policy: DeadlinePolicy = DEFAULT_POLICY,
    sources: Mapping[str, str] | None = None,
) -> list[Deadline]:
    """The case's deadlines (acknowledge, triage, communicate, remediate, disclose) at ``now``.

    ``sources`` names where each deadline comes from (default ``SOURCES``); its key
    ``remediate_controlled`` is used for the remediate deadline of a controlled risk.
    """
    _aware("now", now)
    received = case.received_at
    plan: list[tuple[str, datetime, datetime | None]] = [
        (
            "acknowledge",
            add_business_days(received, policy.acknowledge_business_days, policy.holidays),
            case.acknowledged_at,
        ),
        (
            "triage",
            add_business_days(received, policy.triage_business_days, policy.holidays),
            case.triaged_at,
        ),
    ]
    if case.outcome not in NOT_VALID:
        risk = _risk(case, policy)
        if risk is RiskLevel.UNCONTROLLED:
            plan.append(
                (
                    "communicate",
                    received + timedelta(days=policy.uncontrolled_communicate_days),
                    case.customers_notified_at,
                )
            )
            fix_days: int | None = policy.uncontrolled_remediate_days
        else:
            fix_days = policy.controlled_remediate_days if risk is RiskLevel.CONTROLLED else None
        if fix_days is not None:
            plan.append(("remediate", received + timedelta(days=fix_days), case.remediated_at))
        plan.append(("disclose", disclosure_due(case, policy), case.disclosed_at))
    said = {**SOURCES, **(sources or {})}
    if _risk(case, policy) is RiskLevel.CONTROLLED and "remediate_controlled" in said:
        said["remediate"] = said["remediate_controlled"]
    return [
        Deadline(name, due, met, overdue=met is None and now > due, source=said[name])
        for name, due, met in plan
    ]


def disclosure_due(case: CaseFacts, policy: DeadlinePolicy = DEFAULT_POLICY) -> datetime:
    """The agreed embargo date, else receipt + ``policy.disclosure_days`` calendar days."""
    if case.embargo_until is not None:
        return case.embargo_until
    return case.received_at + timedelta(days=policy.disclosure_days)


def overdue(
    case: CaseFacts, now: datetime, *, policy: DeadlinePolicy = DEFAULT_POLICY
) -> list[Deadline]:
    """Deadlines unmet and past due at ``now``."""
    return [d for d in deadlines(case, now, policy=policy) if d.overdue]
