"""Every row of every SSVC table against the published tables (STANDARDS.md §7, CISA guide)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from medsec.risk.ssvc import decide
from medsec.risk.ssvc_tables import TABLES

STANDARDS = Path(__file__).resolve().parents[2].parent / "shared/docs/STANDARDS.md"

# Transcribed from STANDARDS.md §7 exactly as printed there.
# Deployer: E/EXP/A : Human Impact low, medium, high, very high.
DEPLOYER_TEXT = """
none/small/no: D D S S        none/small/yes: D S S S        none/controlled/no: D S S S
none/controlled/yes: S S S S  none/open/no: D S S S          none/open/yes: S S S O
poc/small/no: D S S S         poc/small/yes: S S S S         poc/controlled/no: D S S S
poc/controlled/yes: S S S O   poc/open/no: S S S O           poc/open/yes: S S O O
active/small/no: S S O O      active/small/yes: S O O O      active/controlled/no: S S O O
active/controlled/yes: O O O O active/open/no: S O O I       active/open/yes: O O I I
"""
# Supplier: E/U : TI/PSI = partial/min, partial/sig, total/min, total/sig.
SUPPLIER_TEXT = """
none/laborious: D S S O      none/efficient: S O S O        none/super effective: S O O O
poc/laborious: S O S I       poc/efficient: S I O I         poc/super effective: O I O I
active/laborious: O I O I    active/efficient: O I O I      active/super effective: I I I I
"""

Rows = dict[tuple[str, ...], str]
_CELL = re.compile(r"([a-z]+(?:/[a-z ]+?)+):((?: [DSOI])+)")


def _parse(text: str, last: Sequence[tuple[str, ...]]) -> Rows:
    rows: Rows = {}
    for head, cells in _CELL.findall(text):
        lead = tuple(p.strip() for p in head.split("/"))
        for tail, out in zip(last, cells.split(), strict=True):
            rows[lead + tail] = out
    return rows


HI_ORDER = [("low",), ("medium",), ("high",), ("very high",)]
TI_PSI_ORDER = [
    ("partial", "minimal"),
    ("partial", "significant"),
    ("total", "minimal"),
    ("total", "significant"),
]
DEPLOYER_ROWS = _parse(DEPLOYER_TEXT, HI_ORDER)
SUPPLIER_ROWS = _parse(SUPPLIER_TEXT, TI_PSI_ORDER)


def test_transcriptions_are_complete() -> None:
    assert len(DEPLOYER_ROWS) == 72
    assert len(SUPPLIER_ROWS) == 36


@pytest.mark.skipif(not STANDARDS.exists(), reason="../shared/docs/STANDARDS.md is absent")
def test_transcriptions_match_standards_md() -> None:
    section = STANDARDS.read_text(encoding="utf-8").split("## 7. SSVC")[1].split("## 8.")[0]
    blocks = re.findall(r"```\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    assert _parse(blocks[0], HI_ORDER) == DEPLOYER_ROWS
    assert _parse(blocks[1], TI_PSI_ORDER) == SUPPLIER_ROWS


@pytest.mark.parametrize(("row", "expected"), sorted(DEPLOYER_ROWS.items()))
def test_deployer_row(row: tuple[str, ...], expected: str) -> None:
    e, exp, a, hi = row
    d = decide("deployer", exploitation=e, system_exposure=exp, automatable=a, human_impact=hi)
    assert d.outcome.key == expected


@pytest.mark.parametrize(("row", "expected"), sorted(SUPPLIER_ROWS.items()))
def test_supplier_row(row: tuple[str, ...], expected: str) -> None:
    e, u, ti, psi = row
    d = decide("supplier", exploitation=e, utility=u, technical_impact=ti, public_safety_impact=psi)
    assert d.outcome.key == expected


# Derived tables, from the prose of STANDARDS.md §7.
PSI_ROWS: Rows = {
    ("negligible",): "minimal",
    ("marginal",): "significant",
    ("critical",): "significant",
    ("catastrophic",): "significant",
}
UTILITY_ROWS: Rows = {
    ("no", "diffuse"): "laborious",
    ("no", "concentrated"): "efficient",
    ("yes", "diffuse"): "efficient",
    ("yes", "concentrated"): "super effective",
}
_MI = ("degraded", "mef support crippled", "mef failure", "mission failure")
HI_ROWS: Rows = {
    **{
        (si, mi): out
        for si in ("negligible", "marginal")
        for mi, out in zip(_MI, ("low", "low", "medium", "very high"), strict=True)
    },
    **{
        ("critical", mi): out
        for mi, out in zip(_MI, ("medium", "high", "high", "very high"), strict=True)
    },
    **{("catastrophic", mi): "very high" for mi in _MI},
}
# CISA SSVC Guide (2022), Table 8: Mission Prevalence x Public Well-being Impact.
MWI_ROWS: Rows = {
    ("minimal", "minimal"): "low",
    ("minimal", "material"): "medium",
    ("minimal", "irreversible"): "high",
    ("support", "minimal"): "medium",
    ("support", "material"): "medium",
    ("support", "irreversible"): "high",
    ("essential", "minimal"): "high",
    ("essential", "material"): "high",
    ("essential", "irreversible"): "high",
}
# CISA SSVC Guide (2022), Figure 1: E, Automatable, TI -> outcomes for MWI low/medium/high.
_CISA_TEXT = {
    ("none", "no", "partial"): "track track track",
    ("none", "no", "total"): "track track track*",
    ("none", "yes", "partial"): "track track attend",
    ("none", "yes", "total"): "track track attend",
    ("public poc", "no", "partial"): "track track track*",
    ("public poc", "no", "total"): "track track* attend",
    ("public poc", "yes", "partial"): "track track attend",
    ("public poc", "yes", "total"): "track track* attend",
    ("active", "no", "partial"): "track track attend",
    ("active", "no", "total"): "track attend act",
    ("active", "yes", "partial"): "attend attend act",
    ("active", "yes", "total"): "attend act act",
}
CISA_ROWS: Rows = {
    (*head, mwi): out
    for head, cells in _CISA_TEXT.items()
    for mwi, out in zip(("low", "medium", "high"), cells.split(), strict=True)
}

DERIVED: list[tuple[str, tuple[str, ...], Rows]] = [
    ("public_safety_impact", ("safety_impact",), PSI_ROWS),
    ("utility", ("automatable", "value_density"), UTILITY_ROWS),
    ("human_impact", ("safety_impact", "mission_impact"), HI_ROWS),
    ("mission_well_being", ("mission_prevalence", "public_well_being_impact"), MWI_ROWS),
    (
        "cisa_coordinator",
        ("exploitation", "automatable", "technical_impact", "mission_well_being_impact"),
        CISA_ROWS,
    ),
]
DERIVED_CASES = [
    (table, params, row, out) for table, params, rows in DERIVED for row, out in rows.items()
]


@pytest.mark.parametrize(("table", "params", "row", "expected"), DERIVED_CASES)
def test_derived_and_cisa_row(
    table: str, params: tuple[str, ...], row: tuple[str, ...], expected: str
) -> None:
    assert decide(table, dict(zip(params, row, strict=True))).priority == expected


def test_expected_tables_cover_every_combination() -> None:
    sizes: dict[str, tuple[Rows, int]] = {
        "deployer": (DEPLOYER_ROWS, 72),
        "supplier": (SUPPLIER_ROWS, 36),
        "public_safety_impact": (PSI_ROWS, 4),
        "utility": (UTILITY_ROWS, 4),
        "human_impact": (HI_ROWS, 16),
        "mission_well_being": (MWI_ROWS, 9),
        "cisa_coordinator": (CISA_ROWS, 36),
    }
    assert set(sizes) == set(TABLES)
    for name, (rows, count) in sizes.items():
        table = TABLES[name]
        assert len(rows) == count == len(table.rows), name
        combos = itertools.product(*[[v.key for v in dp.values] for dp in table.inputs])
        assert set(combos) == set(table.rows), name


def test_deployer_from_safety_and_mission_impact_matches_table() -> None:
    for (si, mi), hi in HI_ROWS.items():
        for row, expected in DEPLOYER_ROWS.items():
            if row[3] != hi:
                continue
            e, exp, a, _ = row
            d = decide(
                "deployer",
                exploitation=e,
                system_exposure=exp,
                automatable=a,
                safety_impact=si,
                mission_impact=mi,
            )
            assert d.outcome.key == expected
            assert d.derived[0].priority == hi


def test_supplier_from_automatable_value_density_and_safety_matches_table() -> None:
    for (a, vd), u in UTILITY_ROWS.items():
        for (si,), psi in PSI_ROWS.items():
            for ti in ("partial", "total"):
                for e in ("none", "poc", "active"):
                    d = decide(
                        "supplier",
                        exploitation=e,
                        automatable=a,
                        value_density=vd,
                        technical_impact=ti,
                        safety_impact=si,
                    )
                    assert d.outcome.key == SUPPLIER_ROWS[(e, u, ti, psi)]


def test_cisa_from_prevalence_and_well_being_matches_tree() -> None:
    for (mp, pwi), mwi in MWI_ROWS.items():
        for (e, a, ti, m), expected in CISA_ROWS.items():
            if m != mwi:
                continue
            d = decide(
                "cisa",
                exploitation=e,
                automatable=a,
                technical_impact=ti,
                mission_prevalence=mp,
                public_well_being_impact=pwi,
            )
            assert d.priority == expected
