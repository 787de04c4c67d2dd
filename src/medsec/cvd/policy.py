"""Install-wide CVD deadline policy from a JSON file (``MEDSEC_CVD_POLICY``), validated, and
the policy of one product's markets (``for_markets``).

The file is one JSON object whose keys are ``DeadlinePolicy`` fields; any key left out keeps
its default (see ``medsec.cvd.deadlines`` for each default's source). ``holidays`` is a list of
ISO dates; ``controlled_remediate_days`` may be null (no deadline). Errors name the file and key.

For a product, each setting comes from: the install file when it sets the key (the
manufacturer's own policy); else the strictest day count the regulators of the product's
markets set (jurisdiction profiles; no market recorded: the FDA profile, which gives today's
30/60-day figures); else the default. The FDA profile therefore reproduces the defaults exactly.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from pathlib import Path
from typing import Any

from medsec.config import get_settings
from medsec.cvd.deadlines import DEFAULT_POLICY, SOURCES, DeadlinePolicy
from medsec.errors import InvalidInput
from medsec.jurisdictions import profiles as jurisdictions
from medsec.jurisdictions import rules as jurisdiction_rules

POLICY_ENV = "MEDSEC_CVD_POLICY"
_INT_KEYS = frozenset(
    {
        "acknowledge_business_days",
        "triage_business_days",
        "uncontrolled_communicate_days",
        "uncontrolled_remediate_days",
        "disclosure_days",
    }
)
_MAX_DAYS = 3650

_SETTING_SOURCE = {
    "acknowledge_business_days": "acknowledge",
    "triage_business_days": "triage",
    "uncontrolled_communicate_days": "communicate",
    "uncontrolled_remediate_days": "remediate",
    "controlled_remediate_days": "remediate",
    "disclosure_days": "disclose",
}


@dataclass(frozen=True, slots=True)
class PolicyInForce:
    """The deadline policy in force, the file it came from, and which keys the file set."""

    policy: DeadlinePolicy
    path: str | None = None
    overridden: frozenset[str] = frozenset()

    def source_of(self, key: str) -> str:
        """Where the value of one policy setting comes from (the file, or the default's source)."""
        if key in self.overridden:
            return f"install policy file {self.path}"
        topic = _SETTING_SOURCE.get(key)
        return f"default: {SOURCES[topic]}" if topic else "default"


def _fail(source: str, key: str, message: str) -> InvalidInput:
    return InvalidInput(f"{source}: {key}: {message}")


def _days(source: str, key: str, value: Any, *, nullable: bool = False) -> int | None:
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(source, key, f"must be a whole number of days, not {value!r}")
    if not 0 <= value <= _MAX_DAYS:
        raise _fail(source, key, f"must be between 0 and {_MAX_DAYS}, not {value}")
    return value


def _holidays(source: str, value: Any) -> frozenset[date]:
    if not isinstance(value, list):
        raise _fail(source, "holidays", "must be a list of ISO dates (YYYY-MM-DD)")
    days = set()
    for index, item in enumerate(value):
        try:
            days.add(date.fromisoformat(item))
        except (TypeError, ValueError):
            where = f"holidays[{index}]"
            raise _fail(source, where, f"{item!r} is not a YYYY-MM-DD date") from None
    return frozenset(days)


def parse_policy(data: bytes | str, *, source: str) -> PolicyInForce:
    """Validate a policy document; InvalidInput names ``source`` and the key at fault."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{source}: not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise InvalidInput(f"{source}: must be a JSON object of policy settings")
    known = {f.name for f in fields(DeadlinePolicy)}
    values: dict[str, Any] = {}
    for key, value in doc.items():
        if key not in known:
            raise _fail(source, key, f"unknown setting (one of: {', '.join(sorted(known))})")
        if key in _INT_KEYS:
            values[key] = _days(source, key, value)
        elif key == "controlled_remediate_days":
            values[key] = _days(source, key, value, nullable=True)
        elif key == "holidays":
            values[key] = _holidays(source, value)
        elif not isinstance(value, bool):
            raise _fail(source, key, f"must be true or false, not {value!r}")
        else:
            values[key] = value
    return PolicyInForce(replace(DEFAULT_POLICY, **values), source, frozenset(values))


def load_policy(path: str | None) -> PolicyInForce:
    """The policy from the file at ``path``, or the defaults when ``path`` is empty or None."""
    if not path:
        return PolicyInForce(DEFAULT_POLICY)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read the CVD policy file ({exc.strerror})") from None
    return parse_policy(data, source=path)


def policy_from_env(environ: Mapping[str, str] | None = None) -> PolicyInForce:
    """The policy named by ``MEDSEC_CVD_POLICY`` (read at call time), else the defaults."""
    if environ is None:
        return load_policy(get_settings().cvd_policy)
    return load_policy(environ.get(POLICY_ENV))


@dataclass(frozen=True, slots=True)
class MarketPolicy:
    """The deadline policy for one product's markets and where each deadline comes from."""

    policy: DeadlinePolicy
    sources: dict[str, str]
    markets: tuple[str, ...]


TOPIC_OF_KEY = {**_SETTING_SOURCE, "controlled_remediate_days": "remediate_controlled"}


def for_markets(
    in_force: PolicyInForce, markets: list[str] | tuple[str, ...] | None
) -> MarketPolicy:
    """The policy of a product sold in ``markets`` (see the module docstring for the order)."""
    profiles = jurisdictions.for_markets(markets)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for key, choice in jurisdiction_rules.cvd_choices(profiles).items():
        if key in in_force.overridden or choice.days is None:
            continue
        values[key] = choice.days
        name = next(p.name for p in profiles if p.code == choice.market)
        said = f"{name}: {choice.source}" + ("" if choice.verified else " (unverified)")
        topic = TOPIC_OF_KEY[key]
        sources[topic] = f"agreed embargo date, else {said}" if topic == "disclose" else said
    return MarketPolicy(
        replace(in_force.policy, **values), sources, tuple(p.code for p in profiles)
    )
