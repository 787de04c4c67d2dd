"""SSVC decisions from our own decision tables (pure): lookup, vector, explanation, export.

Tables and sources: see :mod:`medsec.risk.ssvc_tables` (CERT/CC SSVC via STANDARDS.md §7; CISA
SSVC Guide 2022). ``decide("deployer", exploitation="active", system_exposure="open",
automatable="yes", human_impact="high")`` returns a :class:`Decision`. Inputs may be named by
keyword (``system_exposure``) or SSVC key (``EXP``); values by name (``"public poc"``, also
``"poc"``), or key (``"P"``), case-insensitively; a derived input may be replaced by the inputs
of its table (``safety_impact`` + ``mission_impact`` for ``human_impact``; ``automatable`` +
``value_density`` for ``utility``; ``safety_impact`` for ``public_safety_impact``;
``mission_prevalence`` + ``public_well_being_impact`` for ``mission_well_being_impact``).

Vector format (ours, in the style of the SSVC v2 vectors)::

    SSVCv2/<input key>:<value key>/.../<outcome group key>:<outcome key>/[<timestamp>/]

inputs in table order, e.g. ``SSVCv2/E:A/EXP:O/A:Y/HI:H/DSOI:O/`` or, with a timestamp,
``SSVCv2/E:A/EXP:O/A:Y/HI:H/DSOI:O/2024-05-01T12:00:00Z/`` (UTC, RFC 3339). The sequence of
keys identifies the table; :func:`parse_vector` reads it back.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from medsec.errors import InvalidInput
from medsec.risk.schemas import SsvcSelectionList
from medsec.risk.ssvc_medical import (
    Suggestion,
    exploitation_from,
    exposure_from,
    safety_impact_from_harm,
)
from medsec.risk.ssvc_tables import DERIVATIONS, TABLES, DecisionPoint, DecisionTable, Value

__all__ = [
    "Decision",
    "ParsedVector",
    "Suggestion",
    "decide",
    "explain",
    "exploitation_from",
    "exposure_from",
    "parse_value",
    "parse_vector",
    "safety_impact_from_harm",
    "selection_list",
]

_TABLE_ALIASES = {"cisa": "cisa_coordinator", "coordinator": "cisa_coordinator"}
_BY_SIGNATURE = {
    tuple(dp.key for dp in (*t.inputs, t.outcome)): t for t in TABLES.values()
}  # fmt: skip


@dataclass(frozen=True)
class Decision:
    """The outcome of one table for given inputs, with the sub-decisions that derived inputs."""

    table: DecisionTable
    outcome: Value
    inputs: tuple[tuple[DecisionPoint, Value], ...]
    derived: tuple[Decision, ...] = ()
    timestamp: datetime | None = None

    @property
    def priority(self) -> str:
        """The outcome's name (e.g. ``out-of-cycle``, ``track*``)."""
        return self.outcome.name

    @property
    def rank(self) -> int:
        """The outcome's position in its group, 0 = lowest priority."""
        return self.table.outcome.rank(self.outcome.key)

    @property
    def vector(self) -> str:
        """The SSVC vector string (format in the module docstring)."""
        parts = [f"{dp.key}:{v.key}" for dp, v in self.inputs]
        parts.append(f"{self.table.outcome.key}:{self.outcome.key}")
        if self.timestamp is not None:
            parts.append(_rfc3339(self.timestamp))
        return "SSVCv2/" + "/".join(parts) + "/"

    def values(self) -> dict[str, str]:
        """Every input used (derived sources included) as keyword name -> value name."""
        out: dict[str, str] = {}
        for sub in self.derived:
            out.update(sub.values())
        out.update({dp.param: v.name for dp, v in self.inputs})
        return out


@dataclass(frozen=True)
class ParsedVector:
    """A vector read back: the table, its inputs (keyword -> value name), outcome, timestamp."""

    table: str
    values: dict[str, str]
    outcome: str
    timestamp: datetime | None


def _rfc3339(ts: datetime) -> str:
    """UTC RFC 3339 with a Z; a naive datetime is taken as UTC."""
    ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
    return ts.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_value(dp: DecisionPoint, raw: object) -> Value:
    """The value of ``dp`` named by ``raw`` (name, alias or key; booleans for no/yes points)."""
    return dp.parse(raw)


def _table(name: str) -> DecisionTable:
    table = TABLES.get(_TABLE_ALIASES.get(name, name))
    if table is None:
        raise InvalidInput(f"unknown SSVC table {name!r}; known: {', '.join(sorted(TABLES))}")
    return table


def _points(table: DecisionTable) -> list[DecisionPoint]:
    """Every decision point a table accepts: its inputs and, recursively, derivation inputs."""
    found: list[DecisionPoint] = []
    for dp in table.inputs:
        found.append(dp)
        if dp.key in DERIVATIONS:
            found.extend(p for p in _points(DERIVATIONS[dp.key]) if p not in found)
    return found


# keyword or key -> decision point, per table
_NAMES = {t.name: {n: dp for dp in _points(t) for n in (dp.param, dp.key)} for t in TABLES.values()}


def _resolve(table: DecisionTable, given: Mapping[DecisionPoint, Value]) -> Decision:
    chosen: list[tuple[DecisionPoint, Value]] = []
    derived: list[Decision] = []
    for dp in table.inputs:
        sub_table = DERIVATIONS.get(dp.key)
        sub = None
        if sub_table is not None and all(_derivable(p, given) for p in sub_table.inputs):
            sub = _resolve(sub_table, given)
            derived.append(sub)
        direct = given.get(dp)
        if sub is not None and direct is not None and direct != sub.outcome:
            raise InvalidInput(
                f"{dp.name}: given {direct.name!r} but its inputs give {sub.outcome.name!r}"
            )
        value = direct or (sub.outcome if sub is not None else None)
        if value is None:
            how = f" (or give {', '.join(p.param for p in sub_table.inputs)})" if sub_table else ""
            allowed = ", ".join(v.name for v in dp.values)
            raise InvalidInput(
                f"{table.title}: missing {dp.name} ({dp.param}; allowed: {allowed}){how}"
            )
        chosen.append((dp, value))
    outcome = table.outcome.value(table.rows[tuple(v.key for _, v in chosen)])
    return Decision(table, outcome, tuple(chosen), tuple(derived))


def _derivable(dp: DecisionPoint, given: Mapping[DecisionPoint, Value]) -> bool:
    if dp in given:
        return True
    sub = DERIVATIONS.get(dp.key)
    return sub is not None and all(_derivable(p, given) for p in sub.inputs)


def decide(
    table_name: str,
    values: Mapping[str, object] | None = None,
    /,
    *,
    timestamp: datetime | None = None,
    **kwargs: Any,
) -> Decision:
    """Look up ``table_name`` (deployer, supplier, cisa, utility, ...) for the given values.

    Values come as keywords, or as a mapping (handy for stored selections), or both.
    """
    merged = dict(values or {})
    for name in kwargs:
        if name in merged:
            raise InvalidInput(f"decision point {name!r} given twice")
    merged.update(kwargs)
    decision = _decide(_table(table_name), merged)
    if timestamp is None:
        return decision
    return Decision(decision.table, decision.outcome, decision.inputs, decision.derived, timestamp)


def _decide(table: DecisionTable, values: Mapping[str, Any]) -> Decision:
    names = _NAMES[table.name]
    given: dict[DecisionPoint, Value] = {}
    for name, raw in values.items():
        dp = names.get(name)
        if dp is None:
            accepted = ", ".join(p.param for p in _points(table))
            raise InvalidInput(f"{table.title}: unknown decision point {name!r}; use {accepted}")
        if dp in given:
            raise InvalidInput(f"{dp.name} given twice")
        given[dp] = parse_value(dp, raw)
    decision = _resolve(table, given)
    used = {dp for dp, _ in _selections(decision)}
    unused = [dp.param for dp in given if dp not in used]
    if unused:
        raise InvalidInput(f"{table.title}: {', '.join(unused)} unused (incomplete derivation?)")
    return decision


_VECTOR = re.compile(r"^SSVCv2/((?:[A-Za-z0-9_]+:[A-Za-z0-9_*]+/)+)(?:([0-9TZ:+.\-]+)/)?$")


def parse_vector(vector: str) -> ParsedVector:
    """Read one of our vectors back; the outcome must agree with the table."""
    m = _VECTOR.match(vector.strip())
    if m is None:
        raise InvalidInput(f"not an SSVCv2 vector: {vector!r}")
    pairs = [p.split(":") for p in m.group(1).rstrip("/").split("/")]
    table = _BY_SIGNATURE.get(tuple(k for k, _ in pairs))
    if table is None:
        raise InvalidInput(f"vector keys match no SSVC table: {vector!r}")
    points = (*table.inputs, table.outcome)
    vals = [_by_key(dp, raw) for dp, (_, raw) in zip(points, pairs, strict=True)]
    ts = None
    if m.group(2):
        try:
            ts = datetime.fromisoformat(m.group(2).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput(f"bad vector timestamp {m.group(2)!r}") from None
    values = {dp.param: v.name for dp, v in zip(table.inputs, vals, strict=False)}
    expected = _decide(table, values).outcome
    if expected != vals[-1]:
        raise InvalidInput(f"vector says {vals[-1].name!r}, {table.title} gives {expected.name!r}")
    return ParsedVector(table.name, values, vals[-1].name, ts)


def _by_key(dp: DecisionPoint, key: str) -> Value:
    try:
        return dp.value(key)
    except KeyError:
        keys = ", ".join(v.key for v in dp.values)
        raise InvalidInput(f"{dp.name} ({dp.id}): unknown key {key!r}; allowed: {keys}") from None


def explain(decision: Decision, indent: str = "") -> str:
    """A readable account of a decision: table, outcome, each input and how it was derived."""
    t = decision.table
    lines = [f"{indent}{t.title} ({t.id}) -> {decision.outcome.name} [{decision.outcome.key}]"]
    subs = {d.table.outcome.key: d for d in decision.derived}
    for dp, v in decision.inputs:
        lines.append(f"{indent}  {dp.name} ({dp.id}) = {v.name} [{v.key}]")
        if dp.key in subs:
            lines.append(f"{indent}    derived:")
            lines.append(explain(subs[dp.key], indent + "      "))
    if not indent:
        lines.append(f"Vector: {decision.vector}")
    return "\n".join(lines)


def _selections(decision: Decision) -> list[tuple[DecisionPoint, Value]]:
    out: list[tuple[DecisionPoint, Value]] = []
    for sub in decision.derived:
        out.extend(s for s in _selections(sub) if s not in out)
    out.extend(s for s in decision.inputs if s not in out)
    return out


def selection_list(
    decision: Decision,
    timestamp: datetime,
    target_ids: Sequence[str] = (),
    *,
    include_outcome: bool = True,
) -> SsvcSelectionList:
    """The decision as an SSVC SelectionList 2.0.0 JSON object (derived sources included)."""
    picks = _selections(decision)
    if include_outcome:
        picks.append((decision.table.outcome, decision.outcome))
    doc: dict[str, Any] = {"schemaVersion": "2.0.0", "timestamp": _rfc3339(timestamp)}
    ids = list(dict.fromkeys(str(i).strip() for i in target_ids if str(i).strip()))
    if ids:
        doc["target_ids"] = ids
    doc["selections"] = [
        {
            "namespace": dp.namespace,
            "key": dp.key,
            "version": dp.version,
            "name": dp.name,
            "values": [{"key": v.key, "name": v.name}],
        }
        for dp, v in picks
    ]
    return doc
