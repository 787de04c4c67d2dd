"""The risk policy: exploitability × severity of patient harm → risk level and acceptability region.

A policy is an ordered list of exploitability levels (rows), an ordered list of severity levels
(columns, ISO 14971 harm), an ordered list of risk-level names, and one cell per (row, column)
giving a risk level and an acceptability region. Policies are data (``to_dict``/``from_dict``) and
are validated: every cell defined, names known, and **monotonic** — moving to a higher severity or
a higher exploitability never gives a lower risk level nor a more acceptable region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from medsec.errors import InvalidInput


def refuse(rule: str, message: str) -> InvalidInput:
    """An InvalidInput whose message starts with the broken rule's name in brackets."""
    return InvalidInput(f"[{rule}] {message}")


class Exploitability(StrEnum):
    """Default exploitability scale (FDA: exploitability replaces probability for cyber risk)."""

    VERY_LOW = "very_low"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


class Severity(StrEnum):
    """Default severity-of-harm scale (ISO 14971 style, five levels)."""

    NEGLIGIBLE = "negligible"
    MINOR = "minor"
    SERIOUS = "serious"
    CRITICAL = "critical"
    CATASTROPHIC = "catastrophic"


class Region(StrEnum):
    """Acceptability region of a matrix cell; ALARP = acceptable only with a written rationale."""

    ACCEPTABLE = "acceptable"
    ALARP = "alarp"
    UNACCEPTABLE = "unacceptable"


REGION_RANK = {Region.ACCEPTABLE: 0, Region.ALARP: 1, Region.UNACCEPTABLE: 2}

# Default matrix, rows = exploitability very_low..very_high, columns = negligible..catastrophic.
# A = acceptable, L = ALARP, U = unacceptable.
_DEFAULT_REGIONS = (
    "AAALL",
    "AALLU",
    "ALLUU",
    "ALUUU",
    "LLUUU",
)
_CODE = {"A": Region.ACCEPTABLE, "L": Region.ALARP, "U": Region.UNACCEPTABLE}


@dataclass(frozen=True, slots=True)
class Cell:
    """One matrix cell: its risk level name and acceptability region."""

    level: str
    region: Region


@dataclass(frozen=True, slots=True)
class RiskPolicy:
    """A configurable exploitability × severity risk matrix with acceptability regions."""

    name: str
    exploitability_levels: tuple[str, ...]
    severity_levels: tuple[str, ...]
    risk_levels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]  # cells[exploitability][severity]

    def __post_init__(self) -> None:
        _validate(self)

    @classmethod
    def default(cls) -> RiskPolicy:
        """The default 5 × 5 policy (ISO 14971 / AAMI TIR57 style).

        Rationale: exploitability takes the place of probability (FDA premarket V.A.2, seed 5.2).
        Negligible harm is acceptable unless exploitation is very likely (then ALARP); catastrophic
        harm is unacceptable as soon as exploitability is above very low, and ALARP even then,
        because a cyber attack is not a random failure and cannot be argued away statistically.
        Between those corners the ALARP band runs diagonally, so exploitability and severity weigh
        equally. Risk levels: acceptable cells are "low", ALARP cells "medium", unacceptable cells
        "high", and unacceptable cells with high/very high exploitability and critical or
        catastrophic harm "very_high" (these go first in the work list).
        """
        rows: list[tuple[Cell, ...]] = []
        for e, codes in enumerate(_DEFAULT_REGIONS):
            row = []
            for s, code in enumerate(codes):
                region = _CODE[code]
                level = {"A": "low", "L": "medium", "U": "high"}[code]
                if region is Region.UNACCEPTABLE and e >= 3 and s >= 3:
                    level = "very_high"
                row.append(Cell(level, region))
            rows.append(tuple(row))
        return cls(
            name="default-5x5",
            exploitability_levels=tuple(x.value for x in Exploitability),
            severity_levels=tuple(x.value for x in Severity),
            risk_levels=("low", "medium", "high", "very_high"),
            cells=tuple(rows),
        )

    def cell(self, exploitability: str, severity: str) -> Cell:
        """The cell for an exploitability and a severity (both must be levels of this policy)."""
        return self.cells[self.exploitability_rank(exploitability)][self.severity_rank(severity)]

    def exploitability_rank(self, level: str) -> int:
        """Position of an exploitability level (0 = lowest); refuses unknown levels."""
        if level not in self.exploitability_levels:
            raise refuse(
                "risk.exploitability.unknown",
                f"exploitability {level!r} is not one of {list(self.exploitability_levels)}",
            )
        return self.exploitability_levels.index(level)

    def severity_rank(self, level: str) -> int:
        """Position of a severity level (0 = lowest); refuses unknown levels."""
        if level not in self.severity_levels:
            raise refuse(
                "risk.severity.unknown",
                f"severity {level!r} is not one of {list(self.severity_levels)}",
            )
        return self.severity_levels.index(level)

    def level_rank(self, level: str) -> int:
        """Position of a risk level name (0 = lowest)."""
        return self.risk_levels.index(level)

    def scale_exploitability(self, level: Exploitability | str) -> str:
        """Map a level of the default 5-step scale onto this policy's scale (proportional rank)."""
        rank = tuple(Exploitability).index(Exploitability(level))
        n = len(self.exploitability_levels)
        return self.exploitability_levels[round(rank * (n - 1) / 4)]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready); ``from_dict(to_dict())`` gives an equal policy."""
        return {
            "name": self.name,
            "exploitability_levels": list(self.exploitability_levels),
            "severity_levels": list(self.severity_levels),
            "risk_levels": list(self.risk_levels),
            "cells": [
                [{"level": c.level, "region": c.region.value} for c in r] for r in self.cells
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RiskPolicy:
        """Build and validate a policy from plain data; refuses anything incomplete or odd."""
        try:
            rows = [
                tuple(Cell(str(c["level"]), Region(c["region"])) for c in row)
                for row in data["cells"]
            ]
            return cls(
                name=str(data.get("name", "custom")),
                exploitability_levels=tuple(str(x) for x in data["exploitability_levels"]),
                severity_levels=tuple(str(x) for x in data["severity_levels"]),
                risk_levels=tuple(str(x) for x in data["risk_levels"]),
                cells=tuple(rows),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise refuse("risk.policy.shape", f"risk policy is malformed: {exc!r}") from exc


def _validate(p: RiskPolicy) -> None:
    for label, names in (
        ("exploitability_levels", p.exploitability_levels),
        ("severity_levels", p.severity_levels),
        ("risk_levels", p.risk_levels),
    ):
        if len(names) < 2 or len(set(names)) != len(names) or not all(names):
            raise refuse(
                "risk.policy.levels", f"{label} needs at least 2 distinct, non-empty names"
            )
    if len(p.cells) != len(p.exploitability_levels) or any(
        len(row) != len(p.severity_levels) for row in p.cells
    ):
        raise refuse(
            "risk.policy.cells",
            f"every cell must be defined: {len(p.exploitability_levels)} rows × "
            f"{len(p.severity_levels)} columns",
        )
    for e, row in enumerate(p.cells):
        for s, c in enumerate(row):
            where = f"({p.exploitability_levels[e]}, {p.severity_levels[s]})"
            if c.level not in p.risk_levels:
                raise refuse("risk.policy.cells", f"cell {where} has unknown level {c.level!r}")
            for de, ds in ((e - 1, s), (e, s - 1)):
                if de < 0 or ds < 0:
                    continue
                lower = p.cells[de][ds]
                if REGION_RANK[c.region] < REGION_RANK[lower.region] or p.level_rank(
                    c.level
                ) < p.level_rank(lower.level):
                    raise refuse(
                        "risk.policy.monotonic",
                        f"cell {where} is more acceptable than the cell with lower severity or "
                        "exploitability next to it",
                    )
