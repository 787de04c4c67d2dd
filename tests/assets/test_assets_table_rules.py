"""The inventory reader and the hospital rules, pure: encodings, headers, row errors, CSV
injection, mapping suggestions, control states, SSVC deployer inputs, rollout moves."""

from __future__ import annotations

import io
from datetime import date

import orjson
import pytest
from openpyxl import Workbook

from medsec.assets import rules
from medsec.errors import DocumentError
from medsec.ingest.assets_table import COLUMNS, csv_safe, read_csv, read_json, read_table

AESPIRE = rules.csaf_key("GE", "GE Aespire", "7100 | 7900")
HEADER = "asset_tag,manufacturer,model,software_version,department,install_date\n"


def test_the_documented_header_reads_every_column():
    row = [
        "T-1", "Acme", "Pump", "1.0", "SN1", "B1", "ICU", "clinical", "10.0.0.5",
        "00-1B-63-84-45-E6", "High", "CE", "yes", "no", "2024-05-01",
    ]  # fmt: skip
    table = read_csv((",".join(COLUMNS) + "\n" + ",".join(row) + "\n").encode(), "inv.csv")
    assert table.errors == () and table.unknown_columns == ()
    (got,) = table.rows
    assert got.row == 2
    assert got.mac_address == "00:1b:63:84:45:e6"
    assert got.clinical_criticality == "high"
    assert got.home_use is True and got.implant is False
    assert got.install_date == date(2024, 5, 1)


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b""), ("shift_jis", b"")],
)
def test_encodings_are_detected(encoding, prefix):
    model = "ポンプ５００" if encoding == "shift_jis" else "Pompe à perfusion"
    if encoding == "cp1252":
        model = "Pompe à perfusion – 500"  # an en dash: cp1252, not Latin-1
    text = HEADER + f"T-1,Acme,{model},1.0,ICU,2024-05-01\n"
    table = read_csv(prefix + text.encode(encoding), "inv.csv")
    assert table.rows[0].model == model
    assert table.encoding == (
        "utf-8-sig" if prefix else {"shift_jis": "cp932"}.get(encoding, encoding)
    )


def test_headers_are_matched_loosely_and_renamed_by_the_user():
    data = b"Asset Tag;Vendor;Model;Colour\nT-1;Acme;Pump;red\n"
    with pytest.raises(DocumentError, match=r"row 1: missing required column\(s\) manufacturer"):
        read_csv(data, "inv.csv")
    table = read_csv(data, "inv.csv", {"Vendor": "manufacturer"})
    assert table.rows[0].manufacturer == "Acme"
    assert table.unknown_columns == ("Colour",)


def test_every_bad_value_is_reported_with_its_row_and_empty_rows_are_counted():
    text = HEADER + (
        "T-1,Acme,Pump,1.0,ICU,01/02/2024\n"
        ",,,,,\n"
        "T-2,,Pump,1.0,ICU,2024-13-01\n"
        "t-1,Acme,Pump,1.0,ICU,\n"
        "T-3,Acme,Pump,1.0,ICU,2024.02.03\n"
    )
    table = read_csv(text.encode(), "inv.csv")
    messages = [str(e) for e in table.errors]
    assert messages == [
        "row 2, column install_date: '01/02/2024' is ambiguous (day/month or month/day?); "
        "write YYYY-MM-DD",
        "row 4, column manufacturer: is empty; it is required",
        "row 4, column install_date: '2024-13-01' is not a date; write YYYY-MM-DD",
    ]
    assert table.empty_rows == (3,)
    # T-1 was refused, so t-1 (case-insensitive duplicate) on row 5 is the first good T-1
    assert [r.asset_tag for r in table.rows] == ["t-1", "T-3"]
    assert table.rows[1].install_date == date(2024, 2, 3)


def test_duplicate_tags_are_refused_on_the_later_row():
    text = HEADER + "T-1,Acme,Pump,1,ICU,\nT-1,Acme,Pump,2,ICU,\n"
    table = read_csv(text.encode(), "inv.csv")
    assert [str(e) for e in table.errors] == ["row 3, column asset_tag: 'T-1' already on row 2"]


def test_formula_looking_cells_stay_text_and_are_escaped_on_export():
    text = HEADER + 'T-1,"=HYPERLINK(""http://x"")",+cmd,-1,@SUM(A1),\n'
    (row,) = read_csv(text.encode(), "inv.csv").rows
    assert row.manufacturer == '=HYPERLINK("http://x")'
    assert row.model == "+cmd" and row.software_version == "-1"
    assert [csv_safe(v) for v in (row.manufacturer, row.model, "Pump", "@x")] == [
        '\'=HYPERLINK("http://x")',
        "'+cmd",
        "Pump",
        "'@x",
    ]


def test_xlsx_reads_the_first_sheet_and_never_runs_a_formula():
    book = Workbook()
    sheet = book.active
    sheet.append(["Asset Tag", "Manufacturer", "Model", "Install Date", "Home Use"])
    sheet.append(["T-1", "Acme", "Pump", date(2024, 5, 1), True])
    sheet.append(["T-2", "Acme", "=1+1", None, None])
    sheet.append([None, None, None, None, None])
    buf = io.BytesIO()
    book.save(buf)
    table = read_table(buf.getvalue(), "inv.xlsx")
    assert table.encoding == "xlsx"
    assert [r.asset_tag for r in table.rows] == ["T-1"]
    assert table.rows[0].install_date == date(2024, 5, 1) and table.rows[0].home_use is True
    # openpyxl keeps no cached value for a formula it did not compute: the model is empty
    assert [str(e) for e in table.errors] == ["row 3, column model: is empty; it is required"]
    assert table.empty_rows == (4,)


def test_json_inventories_and_their_errors():
    data = orjson.dumps({"assets": [{"asset_tag": "T-1", "manufacturer": "A", "model": "M"}]})
    assert read_table(data, "inv.json").rows[0].model == "M"
    with pytest.raises(DocumentError, match=r"inv\.json: /1: each asset must be an object"):
        read_json(b'[{"asset_tag": "x"}, 3]', "inv.json")
    with pytest.raises(DocumentError, match="malformed JSON"):
        read_json(b"[{", "inv.json")


def test_garbage_bytes_and_empty_files_are_refused_with_the_file_named():
    with pytest.raises(DocumentError, match=r"inv\.csv: the file is empty"):
        read_csv(b"", "inv.csv")
    with pytest.raises(DocumentError, match="not a readable XLSX"):
        read_table(b"PK\x03\x04garbage", "inv.xlsx")


def test_mapping_keys_and_loose_comparison():
    key = rules.csaf_key("GE", "Aestiva | Aespire", "7100")
    assert rules.csaf_names(key) == ("GE", "Aestiva | Aespire", "7100")
    assert rules.csaf_names("release:1") is None and rules.csaf_names("csaf:[1") is None
    assert rules.parse_key("release:7") == ("release", "7")
    with pytest.raises(ValueError, match="not a target key"):
        rules.parse_key("asset:1")
    assert rules.squash("InfuGuard-500") == rules.squash("infuguard 500")
    assert rules.version_tuple("v2.0") == rules.version_tuple("2.0.0") == ("2",)
    assert rules.version_tuple("2.10") != rules.version_tuple("2.1")


def test_suggestions_rank_the_right_release_first_and_never_list_unrelated_products():
    cands = [
        rules.Candidate("release:1", "ExampleMedic", "InfuGuard 500", "2.0.0", "release"),
        rules.Candidate("release:2", "ExampleMedic", "InfuGuard 500", "2.1.0", "release"),
        rules.Candidate("release:3", "Northwind", "NW Ultrasound 7", "4.2", "release"),
        rules.Candidate(AESPIRE, "GE", "GE Aespire", "7100 | 7900", "csaf"),
    ]
    got = rules.suggest("ExampleMedic", "InfuGuard-500", "v2.0", cands)
    assert [s.candidate.key for s in got] == ["release:1", "release:2"]
    assert got[0].score > got[1].score and "same version" in got[0].reason
    listed = rules.suggest("GE Healthcare", "Aespire", "7900", cands)
    assert listed[0].candidate.key == AESPIRE and "version listed" in listed[0].reason
    assert rules.exact("ExampleMedic", "InfuGuard 500", "2.0.0", cands) == ["release:1"]
    assert rules.exact("ExampleMedic", "InfuGuard-500", "2.0.0", cands) == []


@pytest.mark.parametrize(
    ("verified", "expires", "state"),
    [
        (None, None, "unverified"),
        (date(2026, 1, 2), None, "unverified"),  # verified in the future
        (date(2026, 1, 1), None, "active"),
        (date(2025, 1, 1), date(2026, 1, 1), "active"),  # expires at the end of that day
        (date(2025, 1, 1), date(2025, 12, 31), "expired"),
    ],
)
def test_control_state_around_its_dates(verified, expires, state):
    assert rules.control_state(verified, expires, date(2026, 1, 1)) == state


def test_deployer_inputs():
    assert rules.exploitation(True, False, False, None) == "active"
    assert rules.exploitation(False, True, False, 0.0) == "active"
    assert rules.exploitation(False, False, True, None) == "public poc"
    assert rules.exploitation(False, False, False, 0.1) == "public poc"
    assert rules.exploitation(False, False, False, 0.09) == "none"
    assert rules.exposure("isolated", False) == "small"
    assert rules.exposure("isolated", True) == "open"  # at home nobody manages the network
    assert rules.exposure(None, False) == "open"
    assert rules.automatable("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == "yes"
    assert rules.automatable("CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") == "no"
    assert rules.automatable(None) == "yes"
    assert rules.human_impact("critical", False) == "very high"
    assert rules.human_impact("low", True) == "high"
    assert rules.human_impact(None, False) == "high"
    assert rules.control_covers([], ["CVE-1"]) is True
    assert rules.control_covers(["cve-1"], ["GHSA-x", "CVE-1"]) is True
    assert rules.control_covers(["CVE-2"], ["CVE-1"]) is False


def test_rollout_moves():
    rules.rollout_move("planned", "validated")
    rules.rollout_move("validated", "installed")
    rules.rollout_move("installed", "rolled_back")
    with pytest.raises(ValueError, match="an asset planned can move to validated, failed"):
        rules.rollout_move("planned", "installed")
    with pytest.raises(ValueError, match="unknown state"):
        rules.rollout_move("planned", "done")


@pytest.mark.parametrize(
    ("raw", "value"), [("12000", 12000.0), ("12,000.50", 12000.5), ("¥1,200,000", 1200000.0)]
)
def test_replacement_costs_are_read_as_amounts(raw, value):
    from medsec.ingest.assets_table import parse_cost

    assert parse_cost(raw) == value


@pytest.mark.parametrize("raw", ["twelve", "-5", "nan", "1e13"])
def test_nonsense_costs_are_refused(raw):
    from medsec.ingest.assets_table import parse_cost

    with pytest.raises(ValueError, match="not"):
        parse_cost(raw)
