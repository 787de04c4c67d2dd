"""The customer notice as a hospital's clinical engineer reads it, for the demo advisory in
English and Japanese (text from the PDF with pdftotext): the action first, one row per affected
release, the update method once, reasons for "not affected", how to find the running release,
no internal term, two pages at most; a Japanese CSAF advisory that still validates; publication
refused with the placeholder namespace or without a note on patient care a person wrote."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import orjson
import pytest
from _seed import READY

from medsec.advisories import distribution, publish, service
from medsec.db.uow import unit_of_work
from medsec.demo import service as demo
from medsec.errors import Conflict, InvalidInput
from medsec.export.notice import grouped
from medsec.ingest.csaf import validate_csaf
from medsec.models import SecurityAdvisoryRevision

pytestmark = pytest.mark.db

FORBIDDEN = (
    "under_investigation",
    "known_affected",
    "known_not_affected",
    "first_affected",
    "vendor_fix",
    "no_fix_planned",
    "none_available",
    "very_high",
    "vulnerable_code",
    "component_not_present",
    "inline_mitigations",
    "csaf_",
    "product_status",
    "uncontrolled",
)
HEADINGS = {
    "en": (
        "What to do now",
        "How the update is installed",
        "What needs no action, and why",
        "Which release does your device run?",
        "What this means for patient care",
        "The vulnerabilities",
        "Contact",
    ),
    "ja": (
        "今すぐ行うこと",
        "アップデートの適用方法",
        "対応が不要なものとその理由",
        "お使いの機器のリリースを確認するには",
        "患者への診療への影響",
        "対象の脆弱性",
        "お問い合わせ先",
    ),
}


def _pdf_text(path: Path) -> tuple[str, int]:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True)
    pages = int(re.search(rb"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    return " ".join(text.stdout.decode().split()), pages


def _action_table(html: str) -> str:
    start = html.index("<table>", html.index("What to do now") if "What to do now" in html else 0)
    return html[start : html.index("</table>", start)]


def test_demo_notice_in_english_and_japanese(session_factory, tmp_path: Path) -> None:
    with unit_of_work(session_factory) as s:
        report = demo.build(s, tmp_path)
        (adv,) = service.list_advisories(s, product="InfuGuard 500")
        doc = distribution.notice_document(s, tracking_id=adv.tracking_id)
        html = {
            lang: distribution.notice_html(s, tracking_id=adv.tracking_id, lang=lang)
            for lang in ("en", "ja")
        }
        with pytest.raises(InvalidInput, match="unknown language 'fr'"):
            distribution.notice_html(s, tracking_id=adv.tracking_id, lang="fr")
    assert adv.namespace == "https://psirt.example-medical.test"
    affected = {release: ids for release, ids in grouped(doc).items() if ids}
    assert list(affected) == ["Example Medical Devices Inc. InfuGuard 500 2.0.0"]
    for lang in ("en", "ja"):
        page = html[lang]
        table = _action_table(page)
        assert table.count("<tr>") == 1 + len(affected)  # the header and one row per release
        assert "InfuGuard 500 2.0.0" in table and "2.1.0</strong>" not in table
        positions = [page.index(f"<h2>{h}</h2>") for h in HEADINGS[lang]]
        assert positions == sorted(positions)  # the action first
        method = (
            "<strong>Service visit</strong>" if lang == "en" else "<strong>サービス訪問</strong>"
        )
        assert page.count(method) == 1  # the update method paragraph once
        assert "Update method:" not in page and "アップデート方法：" not in page
        for token in FORBIDDEN:
            assert token not in page, (lang, token)
    assert "The vulnerable code is never executed by the product." in html["en"]
    assert "脆弱なコードは製品で実行されることがありません。" in html["ja"]
    assert "製造販売業者" in html["ja"] and 'lang="ja"' in html["ja"]
    pdfs = {p.name: p for p in report.advisory_files if p.suffix == ".pdf"}
    assert len(pdfs) == 2, report.notes
    for name, path in pdfs.items():
        lang = "ja" if name.endswith("-ja.pdf") else "en"
        text, pages = _pdf_text(path)
        assert pages <= 2, (name, pages)
        found = [text.find(h) for h in HEADINGS[lang]]
        assert -1 not in found and found == sorted(found), (name, found)
        actions = text[found[0] : found[1]]  # the action table, before the update method
        assert "InfuGuard 500 2.0.0" in actions and "CVE-2021-3711" in actions
        for token in FORBIDDEN:
            assert token not in text, (name, token)
        assert "psirt.example-medical.test" in text


def test_japanese_advisory_validates_and_publishes(session_factory, tmp_path: Path) -> None:
    with unit_of_work(session_factory) as s:
        demo.build(s, tmp_path)
        adv = service.create(
            s,
            product="InfuGuard 500",
            title="InfuGuard 500 の脆弱性",
            actor="demo:psirt",
            vulnerabilities=service.decided_vulnerabilities(s, product="InfuGuard 500"),
            lang="ja",
            **READY,
        )
        rev = publish.publish(s, tracking_id=adv.tracking_id, summary="初版", actor="demo:reviewer")
        page = distribution.notice_html(s, tracking_id=adv.tracking_id)
    assert validate_csaf(rev.csaf, source="ja.json").valid
    doc = orjson.loads(rev.csaf)["document"]
    assert doc["lang"] == "ja"
    titles = {n.get("title") for n in doc["notes"]}
    assert {"概要", "患者への診療への影響"} <= titles
    summary = next(n["text"] for n in doc["notes"] if n["category"] == "summary")
    assert "脆弱性の状況を公表します" in summary and "_" not in summary
    remediations = [
        r["details"]
        for v in orjson.loads(rev.csaf)["vulnerabilities"]
        for r in v.get("remediations", [])
    ]
    assert any("アップデート方法：サービス訪問。" in d for d in remediations)
    assert any(d.startswith("補完的対策：") for d in remediations)
    assert 'lang="ja"' in page and "今すぐ行うこと" in page
    assert "Compensating control" not in page and "Update method" not in page


def test_publication_refused_without_a_note_or_with_the_placeholder(session_factory, tmp_path):
    with unit_of_work(session_factory) as s:
        demo.build(s, tmp_path)
        adv = service.create(s, product="InfuGuard 500", title="No note yet", actor="demo:psirt")
        tid = adv.tracking_id
        general = [n for n in adv.draft["document"]["notes"] if n["category"] == "general"]
        assert general == []  # nothing written for clinicians by the machine
        assert "Keep using the device" not in orjson.dumps(adv.draft).decode()
        draft = distribution.notice_html(s, tracking_id=tid)
        assert "has not yet written the note on patient care" in draft
    for kwargs, reason in (
        ({}, "note on patient care is not written"),
        ({"clinician_note": READY["clinician_note"]}, "psirt.example.com is a placeholder"),
        ({"namespace": "https://psirt.sub.example.net"}, "example.net is a placeholder"),
    ):
        with unit_of_work(session_factory) as s:
            if kwargs:
                service.edit(s, tracking_id=tid, actor="demo:psirt", **kwargs)
        with pytest.raises(Conflict, match=reason), unit_of_work(session_factory) as s:
            publish.publish(s, tracking_id=tid, summary="First.", actor="demo:reviewer")
    with unit_of_work(session_factory) as s:
        stored = s.query(SecurityAdvisoryRevision).filter_by(advisory_id=adv.id).count()
        assert stored == 0
        service.edit(s, tracking_id=tid, actor="demo:psirt", namespace=READY["namespace"])
        assert service.summary(s, service.get(s, tid)).incomplete == []
        publish.publish(s, tracking_id=tid, summary="First.", actor="demo:reviewer")
    with pytest.raises(InvalidInput, match="unknown language"), unit_of_work(session_factory) as s:
        service.edit(s, tracking_id=tid, actor="demo:psirt", lang="de")
