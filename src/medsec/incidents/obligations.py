"""Pure notification rules: which reporting obligations an incident has, and when each is due.

The obligations are data: the regulators' reports in the jurisdiction profiles
(``medsec/data/jurisdictions/<code>.json``) and the ones of every jurisdiction in
``medsec/data/incidents/reporting_obligations.json``, each fact with its source and whether
STANDARDS.md verified it; the units and the condition language are documented in that file.
Deadlines count from the incident's detection time.
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib import resources
from typing import Any

from medsec.errors import InvalidInput
from medsec.incidents.rules import PrivacyImpact, SafetyImpact, at_least
from medsec.jurisdictions import profiles

UNITS = ("hours", "calendar_days", "business_days", "months", "none")
FLAGS = ("remedial_action", "uncontrolled_risk", "criminal", "nis2_significant")
JURISDICTIONS = ("US", "EU", "JP", "CA")
RECIPIENTS = (
    "regulator_safety",
    "privacy_authority",
    "csirt",
    "law_enforcement",
    "customers",
    "patients",
)


@dataclass(frozen=True, slots=True)
class Condition:
    """One alternative of an obligation's ``when``: every part must hold."""

    safety_at_least: SafetyImpact | None = None
    privacy_in: frozenset[PrivacyImpact] | None = None
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Obligation:
    """One reporting obligation of one jurisdiction (``*``: every jurisdiction)."""

    key: str
    jurisdiction: str
    recipient: str
    authority: str
    title: str
    group: str
    when: tuple[Condition, ...]
    amount: int
    unit: str
    source: str
    verified: bool
    note: str = ""

    @property
    def period(self) -> str:
        """The deadline in words ("15 calendar days", "as soon as possible")."""
        if self.unit == "none":
            return "as soon as possible"
        return f"{self.amount} {self.unit.replace('_', ' ')}"


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the obligations read from an incident."""

    detected_at: datetime
    jurisdictions: frozenset[str]
    safety: SafetyImpact = SafetyImpact.UNASSESSED
    privacy: PrivacyImpact = PrivacyImpact.UNASSESSED
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Due:
    """An obligation that applies, with its deadline (None: as soon as possible)."""

    obligation: Obligation
    due_at: datetime | None


def _condition(raw: dict[str, Any], where: str) -> Condition:
    unknown = set(raw) - {"safety_at_least", "privacy_in", "flags"}
    if unknown:
        raise InvalidInput(f"{where}: unknown condition {sorted(unknown)}")
    flags = frozenset(raw.get("flags", []))
    if flags - set(FLAGS):
        raise InvalidInput(f"{where}/flags: unknown flag {sorted(flags - set(FLAGS))}")
    safety = raw.get("safety_at_least")
    privacy = raw.get("privacy_in")
    return Condition(
        SafetyImpact(safety) if safety else None,
        frozenset(PrivacyImpact(p) for p in privacy) if privacy is not None else None,
        flags,
    )


def parse(data: dict[str, Any], source: str = "reporting_obligations.json") -> list[Obligation]:
    """The obligations of a data file; InvalidInput naming the JSON pointer of a bad entry."""
    out = []
    for index, raw in enumerate(data.get("obligations", [])):
        where = f"{source}: /obligations/{index}"
        try:
            due = raw["due"]
            unit = due["unit"]
            if unit not in UNITS:
                raise InvalidInput(f"{where}/due/unit: {unit!r} is not one of {', '.join(UNITS)}")
            if raw["recipient"] not in RECIPIENTS:
                raise InvalidInput(f"{where}/recipient: {raw['recipient']!r} is unknown")
            when = tuple(_condition(c, f"{where}/when/{n}") for n, c in enumerate(raw["when"]))
            out.append(
                Obligation(
                    key=raw["key"],
                    jurisdiction=raw["jurisdiction"],
                    recipient=raw["recipient"],
                    authority=raw["authority"],
                    title=raw["title"],
                    group=raw["group"],
                    when=when,
                    amount=int(due["amount"]),
                    unit=unit,
                    source=raw["source"],
                    verified=bool(raw["verified"]),
                    note=raw.get("note", ""),
                )
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"{where}: {exc!r}") from None
    keys = [o.key for o in out]
    if len(set(keys)) != len(keys):
        raise InvalidInput(f"{source}: obligation keys are not unique")
    return out


@cache
def catalogue() -> tuple[Obligation, ...]:
    """The obligations shipped with medsec: each jurisdiction profile's regulator reports (the
    single source of those, ``medsec/data/jurisdictions``), then the ones of every jurisdiction."""
    regulators = [
        o.model_dump(mode="json", exclude_none=True)
        for p in profiles.all_profiles()
        for o in p.reporting_obligations
    ]
    text = (
        resources.files("medsec")
        .joinpath("data/incidents/reporting_obligations.json")
        .read_text(encoding="utf-8")
    )
    common = json.loads(text)
    return tuple(parse({"obligations": regulators + common["obligations"]}))


def by_key(key: str) -> Obligation:
    """One obligation of the catalogue; InvalidInput listing the keys otherwise."""
    for item in catalogue():
        if item.key == key:
            return item
    raise InvalidInput(
        f"unknown obligation {key!r} (one of: {', '.join(o.key for o in catalogue())})"
    )


def _holds(cond: Condition, facts: IncidentFacts) -> bool:
    if cond.safety_at_least is not None and not at_least(facts.safety, cond.safety_at_least):
        return False
    if cond.privacy_in is not None and facts.privacy not in cond.privacy_in:
        return False
    return cond.flags <= facts.flags


def add_business_days(start: datetime, days: int) -> datetime:
    """``days`` weekdays after ``start`` at the same time of day (holidays not modelled)."""
    at = start
    left = days
    while left > 0:
        at += timedelta(days=1)
        if at.weekday() < 5:
            left -= 1
    return at


def add_months(start: datetime, months: int) -> datetime:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def due_at(obligation: Obligation, detected_at: datetime) -> datetime | None:
    """When the obligation falls due for an incident detected at ``detected_at``."""
    if detected_at.tzinfo is None:
        raise InvalidInput("detected_at must be timezone-aware")
    n = obligation.amount
    if obligation.unit == "hours":
        return detected_at + timedelta(hours=n)
    if obligation.unit == "calendar_days":
        return detected_at + timedelta(days=n)
    if obligation.unit == "business_days":
        return add_business_days(detected_at, n)
    if obligation.unit == "months":
        return add_months(detected_at, n)
    return None


def applicable(facts: IncidentFacts, catalogue_: Iterable[Obligation] | None = None) -> list[Due]:
    """The obligations that apply, the tightest of each group, soonest first."""
    items = catalogue() if catalogue_ is None else tuple(catalogue_)
    best: dict[str, Due] = {}
    for item in items:
        if item.jurisdiction != "*" and item.jurisdiction not in facts.jurisdictions:
            continue
        if not any(_holds(c, facts) for c in item.when):
            continue
        due = Due(item, due_at(item, facts.detected_at))
        kept = best.get(item.group)
        if kept is None or _sooner(due, kept):
            best[item.group] = due
    return sorted(best.values(), key=_order)


def _sooner(a: Due, b: Due) -> bool:
    if a.due_at is None:
        return False
    return b.due_at is None or a.due_at < b.due_at


def _order(d: Due) -> tuple[int, str, str]:
    return (0 if d.due_at else 1, d.due_at.isoformat() if d.due_at else "", d.obligation.key)


def overdue(due: Due, *, sent_at: datetime | None, now: datetime) -> bool:
    """True when the deadline passed (strictly) and nothing was sent by then."""
    if due.due_at is None or sent_at is not None:
        return False
    return now > due.due_at


def parse_jurisdictions(values: Sequence[str]) -> list[str]:
    """Upper-cased, known jurisdiction codes; InvalidInput naming an unknown one."""
    out = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            if not code:
                continue
            if code not in JURISDICTIONS:
                raise InvalidInput(
                    f"jurisdiction {part.strip()!r} is not one of {', '.join(JURISDICTIONS)}"
                )
            if code not in out:
                out.append(code)
    return out
