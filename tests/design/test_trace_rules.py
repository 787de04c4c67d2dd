"""Matrix gaps and outputs (pure rules)."""

from __future__ import annotations

import csv
import io

from medsec.trace import export, rules

T = rules.ThreatCell("GEN-S@pump", "=HYPERLINK(evil)", "S", "open", "pump")


def _control(v: str) -> rules.ControlCell:
    res = (
        ()
        if v == "unverified"
        else (
            rules.ResultCell("junit", "t::a", "a", "pass" if v == "verified" else "fail", "r.xml"),
        )
    )
    return rules.ControlCell("C-1", "Mutual TLS", v, res)


def test_gaps_per_row() -> None:
    risk_draft = rules.RiskCell(1, "overdose", "medium", "alarp", "draft", "controlled")
    risk_ok = rules.RiskCell(2, "overdose", "low", "acceptable", "accepted", "controlled")
    m = rules.build(
        [
            (T, [], []),
            (rules.ThreatCell("b", "b", "T", "accepted", None), [risk_ok], []),
            (
                rules.ThreatCell("c", "c", "T", "mitigated", None),
                [risk_draft],
                [_control("unverified")],
            ),
            (rules.ThreatCell("d", "d", "T", "mitigated", None), [risk_ok], [_control("failing")]),
            (rules.ThreatCell("e", "e", "T", "mitigated", None), [risk_ok], [_control("verified")]),
        ]
    )
    assert [r.gaps for r in m.rows] == [
        ("threat-without-control",),
        (),  # an accepted threat needs no control
        ("control-without-evidence", "risk-not-accepted"),
        ("failing-evidence",),
        (),
    ]
    assert m.gap_counts == {
        "threat-without-control": 1,
        "control-without-evidence": 1,
        "failing-evidence": 1,
        "risk-not-accepted": 1,
    }
    assert m.gaps[0] == "1 threats without a control"


def test_csv_and_xlsx_keep_hostile_text_as_text() -> None:
    m = rules.build([(T, [], [_control("verified")])])
    rows = list(csv.DictReader(io.StringIO(export.to_csv(m).decode())))
    assert rows[0]["threat_title"] == "'=HYPERLINK(evil)"
    assert rows[0]["results"] == "junit:t::a=pass"
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.to_xlsx(m, "pump 1.0")))
    sheet = wb["matrix"]
    assert sheet.cell(row=3, column=2).value == "'=HYPERLINK(evil)"
    assert sheet.cell(row=3, column=9).value == "verified"


def test_results_linked_to_a_threat_directly() -> None:
    """A failing result that verifies a threat directly is failing evidence; a passing one is
    shown (and flattened) without closing the threat-without-control gap."""
    ok = rules.ResultCell("pentest", "PT-1", "replay refused", "pass", "pt.json")
    bad = rules.ResultCell("junit", "t::replay", "replay", "fail", "j.xml")
    verified = rules.ThreatCell("v", "v", "T", "mitigated", None)
    failing = rules.ThreatCell("f", "f", "T", "accepted", None)
    m = rules.build(
        [(verified, [], [_control("verified")]), (failing, [], []), (T, [], [])],
        {"v": [ok], "f": [bad]},
    )
    assert [(r.gaps, r.verified_by) for r in m.rows] == [
        ((), (ok,)),
        (("failing-evidence",), (bad,)),
        (("threat-without-control",), ()),
    ]
    flat = rules.flatten(m)
    assert flat[0]["verified_by"] == "pentest:PT-1=pass" and flat[2]["verified_by"] == ""
    assert list(flat[0]) == list(rules.FLAT_COLUMNS)
