"""SSVC decision points and decision tables, written as our own data (pure, no dependencies).

Sources and versions (transcribed by hand; nothing is imported or copied from ``certcc-ssvc``,
whose material is CC BY-NC 4.0):

- Decision points, ids ``namespace:key:version`` and value keys: the public SSVC documentation
  (https://certcc.github.io/SSVC/) as summarised in docs/STANDARDS.md §7: Exploitation
  ``ssvc:E:1.1.0``, System Exposure ``ssvc:EXP:1.0.1``, Automatable ``ssvc:A:2.0.0``, Value
  Density ``ssvc:VD:1.0.0``, Technical Impact ``ssvc:TI:1.0.0``, Safety Impact ``ssvc:SI:2.0.1``,
  Mission Impact ``ssvc:MI:2.0.0``, Human Impact ``ssvc:HI:2.0.2``, Public Safety Impact
  ``ssvc:PSI:2.0.1``, Utility ``ssvc:U:1.0.1``, outcome group ``ssvc:DSOI:1.0.0``.
- Deployer (Patch Application Priority 1.0.0, 72 rows), Supplier (Patch Development Priority
  1.0.0, 36 rows) and the derived tables PSI(SI), U(A, VD), HI(SI, MI): STANDARDS.md §7.
- CISA Coordinator tree (36 rows) and Mission & Well-being (Mission Prevalence x Public
  Well-being Impact): CISA, "Stakeholder-Specific Vulnerability Categorization Guide" (November
  2022, US government work, Figure 1 / Tables 8-9), with the ids CERT/CC's SSVC site gives them:
  ``cisa:MP:1.0.0``, ``ssvc:PWI:1.1.0``, ``ssvc:MWI:1.0.0``, outcomes ``cisa:CISA:1.1.0``
  (Track T, Track* T*, Attend AT, Act AC); table version 2.0.3 as CERT/CC numbers it.
- The table ids (``ssvc:DT_DP:1.0.0`` ...) are our labels in CERT/CC's style; only decision-point
  ids reach exported documents (vectors, SelectionLists).

Every decision point lists its values from least to most severe; outcomes likewise. Compact
tables read like the printed ones: the key names values of the leading inputs, the cell lists
outcome keys over the product of the remaining inputs (last input varying fastest).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field

from medsec.errors import InvalidInput


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").split())


@dataclass(frozen=True)
class Value:
    """One value of a decision point: short key, display name and accepted aliases."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class DecisionPoint:
    """A decision point (or outcome group) with ordered values, least severe first."""

    namespace: str
    key: str
    version: str
    name: str
    values: tuple[Value, ...]
    param: str = ""  # the keyword name decide() accepts (snake_case)

    @property
    def id(self) -> str:
        """The SSVC id ``namespace:key:version``."""
        return f"{self.namespace}:{self.key}:{self.version}"

    def value(self, key: str) -> Value:
        """The value whose key is ``key`` (KeyError when absent)."""
        for v in self.values:
            if v.key == key:
                return v
        raise KeyError(key)

    def parse(self, raw: object) -> Value:
        """The value named by ``raw``: name, alias or key (any case); a bool for no/yes points."""
        keys = [v.key for v in self.values]
        if isinstance(raw, bool) and keys == ["N", "Y"]:
            return self.values[int(raw)]
        if isinstance(raw, str):
            wanted = _norm(raw)
            for v in self.values:
                if wanted in (_norm(v.name), *(_norm(a) for a in v.aliases)):
                    return v
            for v in self.values:
                if raw.strip().upper() == v.key.upper():
                    return v
        allowed = ", ".join(v.name for v in self.values)
        raise InvalidInput(
            f"{self.name} ({self.id}): unknown value {raw!r}; allowed: {allowed} "
            f"(keys {', '.join(keys)})"
        )

    def rank(self, key: str) -> int:
        """The position of value ``key`` in severity order (0 = least severe)."""
        return [v.key for v in self.values].index(key)


@dataclass(frozen=True)
class DecisionTable:
    """A complete decision table: every combination of input values maps to one outcome key."""

    name: str
    namespace: str
    key: str
    version: str
    title: str
    inputs: tuple[DecisionPoint, ...]
    outcome: DecisionPoint
    rows: Mapping[tuple[str, ...], str] = field(repr=False)

    @property
    def id(self) -> str:
        """The SSVC id ``namespace:key:version`` of the table."""
        return f"{self.namespace}:{self.key}:{self.version}"


def _dp(
    ns: str, key: str, ver: str, name: str, param: str, *vals: tuple[str, ...]
) -> DecisionPoint:
    values = tuple(Value(v[0], v[1], tuple(v[2:])) for v in vals)
    return DecisionPoint(ns, key, ver, name, values, param)


E = _dp("ssvc", "E", "1.1.0", "Exploitation", "exploitation",
        ("N", "none"), ("P", "public poc", "poc", "public_poc"), ("A", "active"))  # fmt: skip
EXP = _dp("ssvc", "EXP", "1.0.1", "System Exposure", "system_exposure",
          ("S", "small"), ("C", "controlled"), ("O", "open", "unavoidable"))  # fmt: skip
A = _dp("ssvc", "A", "2.0.0", "Automatable", "automatable", ("N", "no"), ("Y", "yes"))
VD = _dp("ssvc", "VD", "1.0.0", "Value Density", "value_density",
         ("D", "diffuse"), ("C", "concentrated"))  # fmt: skip
TI = _dp("ssvc", "TI", "1.0.0", "Technical Impact", "technical_impact",
         ("P", "partial"), ("T", "total"))  # fmt: skip
SI = _dp("ssvc", "SI", "2.0.1", "Safety Impact", "safety_impact",
         ("N", "negligible"), ("M", "marginal"), ("R", "critical"),
         ("C", "catastrophic"))  # fmt: skip
MI = _dp("ssvc", "MI", "2.0.0", "Mission Impact", "mission_impact",
         ("D", "degraded"), ("MSC", "mef support crippled"), ("MEF", "mef failure"),
         ("MF", "mission failure"))  # fmt: skip
HI = _dp("ssvc", "HI", "2.0.2", "Human Impact", "human_impact",
         ("L", "low"), ("M", "medium"), ("H", "high"),
         ("VH", "very high", "very_high"))  # fmt: skip
PSI = _dp("ssvc", "PSI", "2.0.1", "Public Safety Impact", "public_safety_impact",
          ("M", "minimal"), ("S", "significant"))  # fmt: skip
U = _dp("ssvc", "U", "1.0.1", "Utility", "utility",
        ("L", "laborious"), ("E", "efficient"),
        ("S", "super effective", "super_effective"))  # fmt: skip
MP = _dp("cisa", "MP", "1.0.0", "Mission Prevalence", "mission_prevalence",
         ("M", "minimal"), ("S", "support"), ("E", "essential"))  # fmt: skip
PWI = _dp("ssvc", "PWI", "1.1.0", "Public Well-Being Impact", "public_well_being_impact",
          ("M", "minimal"), ("MA", "material"), ("I", "irreversible"))  # fmt: skip
MWI = _dp("ssvc", "MWI", "1.0.0", "Mission and Well-Being Impact", "mission_well_being_impact",
          ("L", "low"), ("M", "medium"), ("H", "high"))  # fmt: skip
DSOI = _dp("ssvc", "DSOI", "1.0.0", "Defer, Scheduled, Out-of-Cycle, Immediate", "priority",
           ("D", "defer"), ("S", "scheduled"), ("O", "out-of-cycle", "out of cycle"),
           ("I", "immediate"))  # fmt: skip
CISA = _dp("cisa", "CISA", "1.1.0", "CISA Levels", "cisa_level",
           ("T", "track"), ("T*", "track*", "track star"),
           ("AT", "attend"), ("AC", "act"))  # fmt: skip

DECISION_POINTS: tuple[DecisionPoint, ...] = (E, EXP, A, VD, TI, SI, MI, HI, PSI, U, MP, PWI, MWI)
OUTCOME_GROUPS: tuple[DecisionPoint, ...] = (DSOI, CISA)


def _expand(
    inputs: tuple[DecisionPoint, ...], lead: int, compact: Mapping[str, str]
) -> dict[tuple[str, ...], str]:
    """Expand a compact table ("K1/K2": "o o o o") into one row per input combination."""
    rest = [[v.key for v in dp.values] for dp in inputs[lead:]]
    rows: dict[tuple[str, ...], str] = {}
    for head, cells in compact.items():
        keys = tuple(head.split("/"))
        outs = cells.split()
        tails = list(itertools.product(*rest))
        if len(keys) != lead or len(outs) != len(tails):
            raise ValueError(f"malformed compact row {head!r}")
        for tail, out in zip(tails, outs, strict=True):
            rows[keys + tail] = out
    return rows


def _table(
    name: str, ident: str, title: str, inputs: tuple[DecisionPoint, ...],
    outcome: DecisionPoint, lead: int, compact: Mapping[str, str],
) -> DecisionTable:  # fmt: skip
    ns, key, ver = ident.split(":")
    return DecisionTable(name, ns, key, ver, title, inputs, outcome, _expand(inputs, lead, compact))


# E/EXP/A : HI (low, medium, high, very high)
DEPLOYER = _table("deployer", "ssvc:DT_DP:1.0.0", "Deployer Patch Application Priority",
                  (E, EXP, A, HI), DSOI, 3, {
    "N/S/N": "D D S S", "N/S/Y": "D S S S", "N/C/N": "D S S S", "N/C/Y": "S S S S",
    "N/O/N": "D S S S", "N/O/Y": "S S S O",
    "P/S/N": "D S S S", "P/S/Y": "S S S S", "P/C/N": "D S S S", "P/C/Y": "S S S O",
    "P/O/N": "S S S O", "P/O/Y": "S S O O",
    "A/S/N": "S S O O", "A/S/Y": "S O O O", "A/C/N": "S S O O", "A/C/Y": "O O O O",
    "A/O/N": "S O O I", "A/O/Y": "O O I I",
})  # fmt: skip

# E/U : TI x PSI (partial/minimal, partial/significant, total/minimal, total/significant)
SUPPLIER = _table("supplier", "ssvc:DT_SP:1.0.0", "Supplier Patch Development Priority",
                  (E, U, TI, PSI), DSOI, 2, {
    "N/L": "D S S O", "N/E": "S O S O", "N/S": "S O O O",
    "P/L": "S O S I", "P/E": "S I O I", "P/S": "O I O I",
    "A/L": "O I O I", "A/E": "O I O I", "A/S": "I I I I",
})  # fmt: skip

PUBLIC_SAFETY_IMPACT = _table("public_safety_impact", "ssvc:DT_PSI:1.0.0",
                              "Public Safety Impact", (SI,), PSI, 1,
                              {"N": "M", "M": "S", "R": "S", "C": "S"})  # fmt: skip

# A : VD (diffuse, concentrated)
UTILITY = _table("utility", "ssvc:DT_U:1.0.0", "Utility", (A, VD), U, 1,
                 {"N": "L E", "Y": "E S"})  # fmt: skip

# SI : MI (degraded, MEF support crippled, MEF failure, mission failure)
HUMAN_IMPACT = _table("human_impact", "ssvc:DT_HI:1.0.0", "Human Impact", (SI, MI), HI, 1, {
    "N": "L L M VH", "M": "L L M VH", "R": "M H H VH", "C": "VH VH VH VH",
})  # fmt: skip

# MP : PWI (minimal, material, irreversible) -- CISA guide Table 8
MISSION_WELL_BEING = _table("mission_well_being", "cisa:DT_MWI:1.0.0",
                            "Mission and Well-Being Impact", (MP, PWI), MWI, 1,
                            {"M": "L M H", "S": "M M H", "E": "H H H"})  # fmt: skip

# E/A/TI : MWI (low, medium, high) -- CISA guide Figure 1 / Table 9
CISA_COORDINATOR = _table("cisa_coordinator", "cisa:DT_CO:2.0.3", "CISA Coordinator",
                          (E, A, TI, MWI), CISA, 3, {
    "N/N/P": "T T T", "N/N/T": "T T T*", "N/Y/P": "T T AT", "N/Y/T": "T T AT",
    "P/N/P": "T T T*", "P/N/T": "T T* AT", "P/Y/P": "T T AT", "P/Y/T": "T T* AT",
    "A/N/P": "T T AT", "A/N/T": "T AT AC", "A/Y/P": "AT AT AC", "A/Y/T": "AT AC AC",
})  # fmt: skip

TABLES: dict[str, DecisionTable] = {
    t.name: t
    for t in (DEPLOYER, SUPPLIER, PUBLIC_SAFETY_IMPACT, UTILITY, HUMAN_IMPACT,
              MISSION_WELL_BEING, CISA_COORDINATOR)
}  # fmt: skip

# Which derived table supplies an input that the caller did not give directly.
DERIVATIONS: dict[str, DecisionTable] = {
    t.outcome.key: t for t in (PUBLIC_SAFETY_IMPACT, UTILITY, HUMAN_IMPACT, MISSION_WELL_BEING)
}
