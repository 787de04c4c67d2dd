"""SSVC API: validation, monotonicity, vectors, explanation and SelectionList export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medsec.errors import InvalidInput
from medsec.risk.ssvc import decide, explain, parse_vector, selection_list
from medsec.risk.ssvc_tables import DERIVATIONS, TABLES, DecisionPoint, DecisionTable


def _leaves(table: DecisionTable) -> list[DecisionPoint]:
    """The inputs of a table with every derivable input replaced by its table's inputs."""
    out: list[DecisionPoint] = []
    for dp in table.inputs:
        if dp.key in DERIVATIONS:
            out.extend(p for p in _leaves(DERIVATIONS[dp.key]) if p not in out)
        elif dp not in out:
            out.append(dp)
    return out


# (table, input points): each table by its direct inputs, and the tables that derive inputs
# through their leaf inputs (deployer via SI+MI, supplier via A+VD+SI, CISA via MP+PWI).
SHAPES = [(t, list(t.inputs)) for t in TABLES.values()] + [
    (t, _leaves(t)) for t in TABLES.values() if any(dp.key in DERIVATIONS for dp in t.inputs)
]


@st.composite
def _case(draw: st.DrawFn) -> tuple[DecisionTable, list[DecisionPoint], list[int]]:
    table, points = draw(st.sampled_from(SHAPES))
    idx = [draw(st.integers(0, len(dp.values) - 1)) for dp in points]
    return table, points, idx


def _run(table: DecisionTable, points: list[DecisionPoint], idx: list[int]) -> int:
    values = {dp.param: dp.values[i].name for dp, i in zip(points, idx, strict=True)}
    return decide(table.name, values).rank


@settings(max_examples=400, deadline=None)
@given(_case(), st.data())
def test_raising_any_input_never_lowers_priority(
    case: tuple[DecisionTable, list[DecisionPoint], list[int]], data: st.DataObject
) -> None:
    table, points, idx = case
    pos = data.draw(st.integers(0, len(points) - 1))
    top = len(points[pos].values) - 1
    if idx[pos] == top:
        idx[pos] -= 1
    higher = list(idx)
    higher[pos] = data.draw(st.integers(idx[pos] + 1, top))
    assert _run(table, points, higher) >= _run(table, points, idx)


def test_monotone_exhaustively_on_direct_inputs() -> None:
    for table in TABLES.values():
        for row, out in table.rows.items():
            for pos, dp in enumerate(table.inputs):
                r = dp.rank(row[pos])
                if r + 1 < len(dp.values):
                    up = (*row[:pos], dp.values[r + 1].key, *row[pos + 1 :])
                    assert table.outcome.rank(table.rows[up]) >= table.outcome.rank(out)


@settings(max_examples=300, deadline=None)
@given(
    _case(),
    st.one_of(
        st.none(),
        st.datetimes(
            min_value=datetime(2000, 1, 1),
            max_value=datetime(2100, 1, 1),
            timezones=st.just(UTC),
        ),
    ),
)
def test_vector_round_trip(
    case: tuple[DecisionTable, list[DecisionPoint], list[int]], ts: datetime | None
) -> None:
    table, points, idx = case
    values = {dp.param: dp.values[i].name for dp, i in zip(points, idx, strict=True)}
    d = decide(table.name, values, timestamp=ts)
    parsed = parse_vector(d.vector)
    assert parsed.table == table.name
    assert parsed.outcome == d.priority
    again = decide(parsed.table, parsed.values, timestamp=parsed.timestamp)
    assert again.vector == d.vector
    assert again.outcome == d.outcome
    if ts is not None:
        assert parsed.timestamp == ts.replace(microsecond=0)


def test_vector_format_as_documented() -> None:
    # active/open/yes reads "O O I I" over low..very high in STANDARDS.md §7
    d = decide("deployer", E="active", EXP="open", A="yes", HI="high")
    assert d.vector == "SSVCv2/E:A/EXP:O/A:Y/HI:H/DSOI:I/"
    ts = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    stamped = decide("deployer", E="A", EXP="O", A="Y", HI="M", timestamp=ts)
    assert stamped.vector == "SSVCv2/E:A/EXP:O/A:Y/HI:M/DSOI:O/2024-05-01T12:00:00Z/"
    cisa = decide("cisa", E="active", A="yes", TI="total", MWI="high")
    assert cisa.vector == "SSVCv2/E:A/A:Y/TI:T/MWI:H/CISA:AC/"


@pytest.mark.parametrize(
    "vector",
    [
        "SSVCv2/E:A/EXP:O/A:Y/HI:H/DSOI:O/",  # outcome disagrees with the table (I)
        "SSVCv2/E:A/EXP:O/A:Y/HI:H/",  # no outcome: no table has this signature
        "SSVCv2/E:X/EXP:O/A:Y/HI:H/DSOI:I/",  # unknown value key
        "SSVCv1/E:A/EXP:O/A:Y/HI:H/DSOI:I/",
        "SSVCv2/E:A/EXP:O/A:Y/HI:H/DSOI:I/2024-13-45T00:00:00Z/",
        "not a vector",
    ],
)
def test_bad_vectors_are_refused(vector: str) -> None:
    with pytest.raises(InvalidInput):
        parse_vector(vector)


def test_value_spellings_are_accepted() -> None:
    a = decide("supplier", exploitation="Public PoC", utility="super_effective", TI="T", PSI="S")
    b = decide("supplier", E="p", U="s", technical_impact=" TOTAL ", public_safety_impact="M")
    assert a.priority == "immediate"
    assert b.priority == "out-of-cycle"
    assert decide("deployer", E="n", EXP="s", A=False, HI="very_high").priority == "scheduled"


def test_unknown_value_names_point_and_allowed_values() -> None:
    with pytest.raises(InvalidInput) as err:
        decide("deployer", E="weaponised", EXP="open", A="yes", HI="high")
    msg = str(err.value)
    assert "Exploitation" in msg
    assert "ssvc:E:1.1.0" in msg
    assert "none, public poc, active" in msg
    with pytest.raises(InvalidInput, match=r"Public Safety Impact.*minimal, significant"):
        decide("supplier", E="P", U="S", TI="T", PSI="sig")


@pytest.mark.parametrize(
    ("table", "values", "fragment"),
    [
        ("patching", {}, "unknown SSVC table"),
        ("deployer", {"E": "A", "EXP": "O", "A": "Y"}, "missing Human Impact"),
        ("deployer", {"E": "A", "EXP": "O", "A": "Y", "HI": "H", "TI": "T"}, "unknown decision"),
        ("deployer", {"E": "A", "exploitation": "A", "EXP": "O", "A": "Y", "HI": "H"}, "twice"),
        (
            "deployer",
            {"E": "A", "EXP": "O", "A": "Y", "HI": "low", "SI": "catastrophic", "MI": "D"},
            "Human Impact: given 'low' but its inputs give 'very high'",
        ),
        ("deployer", {"E": "A", "EXP": "O", "A": "Y", "SI": "critical"}, "or give"),
        ("utility", {"A": 1, "VD": "D"}, "Automatable"),
        (
            "deployer",
            {"E": "A", "EXP": "O", "A": "Y", "HI": "L", "SI": "R"},
            "safety_impact unused",
        ),
    ],
)
def test_invalid_requests(table: str, values: dict[str, object], fragment: str) -> None:
    with pytest.raises(InvalidInput) as err:
        decide(table, values)
    assert fragment in str(err.value)


def test_mapping_and_keywords_combine_but_not_twice() -> None:
    d = decide("utility", {"automatable": "yes"}, value_density="concentrated")
    assert d.priority == "super effective"
    with pytest.raises(InvalidInput, match="twice"):
        decide("utility", {"VD": "diffuse", "A": "no"}, VD="diffuse")


def test_consistent_direct_and_derived_input_is_accepted() -> None:
    d = decide("deployer", E="A", EXP="O", A="Y", HI="very high", SI="catastrophic", MI="D")
    assert d.priority == "immediate"
    assert d.derived[0].table.name == "human_impact"


def test_explain_names_table_inputs_derivation_and_vector() -> None:
    d = decide("deployer", E="active", EXP="controlled", A="no", SI="critical", MI="mef failure")
    text = explain(d)
    assert d.priority == "out-of-cycle"
    assert text.splitlines()[0].startswith("Deployer Patch Application Priority")
    assert "-> out-of-cycle [O]" in text
    assert "System Exposure (ssvc:EXP:1.0.1) = controlled [C]" in text
    assert "Human Impact (ssvc:HI:2.0.2) = high [H]" in text
    assert "Safety Impact (ssvc:SI:2.0.1) = critical [R]" in text
    assert "Mission Impact (ssvc:MI:2.0.0) = mef failure [MEF]" in text
    assert text.endswith("Vector: SSVCv2/E:A/EXP:C/A:N/HI:H/DSOI:O/")
    assert d.values() == {
        "safety_impact": "critical",
        "mission_impact": "mef failure",
        "exploitation": "active",
        "system_exposure": "controlled",
        "automatable": "no",
        "human_impact": "high",
    }


# A hand-written subset of SelectionList_2_0_0.schema.json (required fields, key/version
# patterns, no extra properties).
_KEY = r"^(([a-zA-Z0-9])|([a-zA-Z0-9][a-zA-Z0-9_]*[a-zA-Z0-9])|(T\*))$"
SCHEMA = {
    "type": "object",
    "required": ["timestamp", "schemaVersion", "selections"],
    "additionalProperties": False,
    "properties": {
        "timestamp": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
        "schemaVersion": {"const": "2.0.0"},
        "target_ids": {
            "type": "array",
            "items": {"type": "string"},
            "minItems": 1,
            "uniqueItems": True,
        },
        "selections": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["namespace", "key", "version", "values"],
                "properties": {
                    "namespace": {"type": "string", "pattern": "^[a-z][a-z0-9]{2,}$"},
                    "key": {"type": "string", "pattern": _KEY},
                    "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
                    "name": {"type": "string", "minLength": 1},
                    "values": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["key"],
                            "properties": {
                                "key": {"type": "string", "pattern": _KEY},
                                "name": {"type": "string", "minLength": 1},
                            },
                        },
                    },
                },
            },
        },
    },
}
VALIDATOR = jsonschema_rs.validator_for(SCHEMA)


def test_selection_list_shape_and_content() -> None:
    d = decide(
        "cisa", E="poc", A="no", TI="total", mission_prevalence="support",
        public_well_being_impact="material",
    )  # fmt: skip
    ts = datetime(2024, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=-4)))
    doc = selection_list(d, ts, ["CVE-2024-0001", "CVE-2024-0001", "VU#1"])
    VALIDATOR.validate(doc)
    assert doc["timestamp"] == "2024-05-01T13:30:00Z"
    assert doc["target_ids"] == ["CVE-2024-0001", "VU#1"]
    got = [
        (s["namespace"], s["key"], s["version"], s["values"][0]["key"]) for s in doc["selections"]
    ]
    assert got == [
        ("cisa", "MP", "1.0.0", "S"),
        ("ssvc", "PWI", "1.1.0", "MA"),
        ("ssvc", "E", "1.1.0", "P"),
        ("ssvc", "A", "2.0.0", "N"),
        ("ssvc", "TI", "1.0.0", "T"),
        ("ssvc", "MWI", "1.0.0", "M"),
        ("cisa", "CISA", "1.1.0", "T*"),
    ]
    bare = selection_list(d, datetime(2024, 5, 1), include_outcome=False)
    VALIDATOR.validate(bare)
    assert "target_ids" not in bare
    assert bare["timestamp"] == "2024-05-01T00:00:00Z"
    assert [s["key"] for s in bare["selections"]][-1] == "MWI"


@settings(max_examples=100, deadline=None)
@given(_case())
def test_every_selection_list_validates(
    case: tuple[DecisionTable, list[DecisionPoint], list[int]],
) -> None:
    table, points, idx = case
    values = {dp.param: dp.values[i].name for dp, i in zip(points, idx, strict=True)}
    doc = selection_list(decide(table.name, values), datetime(2025, 1, 1, tzinfo=UTC), ["X"])
    VALIDATOR.validate(doc)
    keys = [s["key"] for s in doc["selections"]]
    assert len(keys) == len(set(keys))
    assert set(keys) >= {dp.key for dp in points}
