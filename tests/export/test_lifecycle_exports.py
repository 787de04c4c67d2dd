"""The lifecycle notice (HTML, English and Japanese) and the timeline SVG: facts in, hostile
text escaped, the action first, the responsibilities at end of support, the milestones drawn."""

from __future__ import annotations

from datetime import date
from xml.etree import ElementTree

import pytest

from medsec.export.lifecycle_notice import NoticeFacts, render_lifecycle_notice
from medsec.export.lifecycle_timeline import TimelineRow, timeline_svg

D = date.fromisoformat
HOSTILE = '<script>alert("x")</script>'


def _facts(milestone: str = "eos", **kw) -> NoticeFacts:
    base = {
        "manufacturer": f"Maker {HOSTILE}",
        "product": "Pump",
        "release": "2.0",
        "milestone": milestone,
        "milestone_date": D("2027-06-30"),
        "issued_on": D("2026-12-30"),
        "eol": D("2026-06-30"),
        "eos": D("2027-06-30"),
        "eos_announced_on": D("2025-06-30"),
        "controls": ((f"VLAN {HOSTILE}", D("2027-01-31")),),
    }
    return NoticeFacts(**(base | kw))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_hostile_text_stays_text(lang):
    html = render_lifecycle_notice(_facts(component=HOSTILE, milestone="component_eos"), lang)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_english_eos_notice_puts_the_action_first_and_lists_responsibilities():
    html = render_lifecycle_notice(_facts(), "en")
    assert html.index("What to do") < html.index("Lifecycle of this device")
    assert "Cybersecurity support for Pump 2.0 ends on 2027-06-30" in html
    assert "2027-06-30 (announced on 2025-06-30)" in html and "2026-06-30 (planned)" in html
    assert "pass to you, the healthcare provider" in html
    assert "until 2027-01-31" in html


def test_japanese_eol_notice_is_in_japanese():
    html = render_lifecycle_notice(_facts("eol", milestone_date=D("2026-06-30")), "ja")
    assert '<html lang="ja">' in html
    assert "製品寿命終了（EOL）のお知らせ：Pump 2.0" in html
    assert "2026年6月30日です" in html and "2027年6月30日にすべてのサポートが終了します" in html
    assert "2027年6月30日（2025年6月30日に公表）" in html
    assert "（2027年1月31日まで）" in html
    assert "Noto Sans CJK JP" in html
    with pytest.raises(ValueError, match="language 'fr'"):
        render_lifecycle_notice(_facts(), "fr")  # type: ignore[arg-type]


def test_timeline_draws_each_phase_the_horizon_and_the_date():
    rows = [
        TimelineRow(
            HOSTILE,
            D("2023-03-15"),
            D("2025-12-31"),
            D("2026-12-31"),
            D("2021-12-31"),
            "mbedtls 2.16.6",
            "at_risk",
        ),
        TimelineRow("2.1.0", D("2024-06-03"), None, None),
    ]
    svg = timeline_svg(rows, on=D("2025-11-14"), title="Pump <lifecycle>")
    root = ElementTree.fromstring(svg)  # well-formed, labels escaped
    ns = "{http://www.w3.org/2000/svg}"
    classes = [e.get("class") for e in root.iter(f"{ns}rect")]
    assert classes.count("tl-supported") == 2
    assert classes.count("tl-limited") == 1 and classes.count("tl-legacy") == 1
    assert len(list(root.iter(f"{ns}path"))) >= 2  # the horizon mark and its legend
    assert 'data-status="at_risk"' in svg and "2025-11-14" in svg
    assert "&lt;script&gt;" in svg and "Pump &lt;lifecycle&gt;" in svg
