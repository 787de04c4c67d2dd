"""Pure parts of the document generator: request checks, hashes, file names, the section diff,
plan edits, the section registry, and the Japanese catalog covering every message."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract
from babel.messages.pofile import read_po

from medsec.core.i18n import catalog_path
from medsec.core.updates import UPDATE_METHODS
from medsec.documents import content, rules
from medsec.documents.sections import KINDS, SECTIONS, SUBMISSION_KINDS, section_ids
from medsec.errors import InvalidInput
from medsec.tplc import rules as plan_rules

SRC = Path(content.__file__).parent


def test_every_section_has_a_builder_and_unique_ids():
    ids = [s.id for secs in SECTIONS.values() for s in secs]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(content.BUILDERS)
    assert all(s.id.startswith(kind + ".") for kind, secs in SECTIONS.items() for s in secs)
    assert section_ids("submission") == [i for k in SUBMISSION_KINDS for i in section_ids(k)]
    assert set(KINDS) == set(content.KIND_TITLES)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("manual", "en", "html"), "unknown document kind 'manual'; one of design"),
        (("design", "fr", "html"), "unknown language 'fr'; one of en, ja"),
        (("design", "en", "docx"), "unknown format 'docx'; one of html, pdf"),
        (("design", "en", "html", ["risk.risks"]), "not sections of 'design': risk.risks"),
    ],
)
def test_bad_requests_are_refused_naming_what_is_known(args, message):
    with pytest.raises(InvalidInput, match=message):
        rules.check_request(*args)


def test_inputs_digest_is_canonical_and_sensitive():
    a = rules.inputs_digest({"kind": "risk", "lang": "en"}, {"x": "1", "y": "2"})
    b = rules.inputs_digest({"lang": "en", "kind": "risk"}, {"y": "2", "x": "1"})
    assert a == b and len(a) == 64
    assert rules.inputs_digest({"kind": "risk", "lang": "ja"}, {"x": "1", "y": "2"}) != a
    assert rules.inputs_digest({"kind": "risk", "lang": "en"}, {"x": "1", "y": "3"}) != a


def test_filename_is_safe():
    assert rules.filename("../Pump <1>", "2.0/x", "design", "ja", "pdf") == (
        "Pump-1-2.0-x-design-ja.pdf"
    )


def test_section_diff_says_what_changed_and_where():
    base = {"a": "# A\nline one\nline two", "b": "# B\nsame", "c": "# C\ngone"}
    other = {"a": "# A\nline one\nline 2", "b": "# B\nsame", "d": "# D\nnew"}
    out = {k: (s, d) for k, s, d in rules.section_diff(base, other)}
    assert out["a"] == ("changed", ["@@ -3 +3 @@", "-line two", "+line 2"])
    assert out["b"] == ("same", [])
    assert out["c"] == ("removed", [])
    assert out["d"] == ("added", ["# D", "new"])
    assert [k for k, _, _ in rules.section_diff(base, other)] == ["a", "b", "c", "d"]


def test_plan_changes_clear_split_and_refuse_unknown_fields():
    known = frozenset({"recovery_plan", "isao_memberships"})
    after = plan_rules.apply_changes(
        {"recovery_plan": "old", "isao_memberships": []},
        {"recovery_plan": "  ", "isao_memberships": "H-ISAC, MedISAO\n"},
        known,
    )
    assert after == {"recovery_plan": None, "isao_memberships": ["H-ISAC", "MedISAO"]}
    assert plan_rules.changed_fields({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == ["b", "c"]
    with pytest.raises(InvalidInput, match="unknown field"):
        plan_rules.apply_changes({}, {"cadence": "x"}, known)


def _messages() -> set[str]:
    ids: set[str] = set()
    with (SRC / "content.py").open("rb") as fh:
        ids |= {m[1] for m in extract("python", fh, keywords={"_": None, "N_": None})}
    with (SRC / "templates" / "document.html").open("rb") as fh:
        ids |= {
            m[1]
            for m in extract(
                "jinja2.ext:babel_extract",
                fh,
                keywords={"_": None},
                options={"extensions": "jinja2.ext.i18n"},
            )
        }
    ids |= {s.title for secs in SECTIONS.values() for s in secs}
    ids |= set(content.KIND_TITLES.values())
    ids |= {t for i in UPDATE_METHODS.values() for t in (i.title, i.user_responsibility)}
    return ids


def test_the_japanese_catalog_translates_every_message_of_the_documents():
    with catalog_path("ja", "documents").open("rb") as fh:
        catalog = read_po(fh)
    have = {m.id for m in catalog if m.id and m.string}
    found = _messages()
    assert len(found) > 150
    assert sorted(found - have) == []


def test_profiles_name_the_document_sections_of_the_registry() -> None:
    """The jurisdiction profiles validate section ids against their own copy of the registry:
    the copy must equal the registry, or a profile could choose a section no document has."""
    from medsec.documents.sections import SECTIONS
    from medsec.jurisdictions.schemas import SECTION_IDS

    assert {k: tuple(s.id for s in v) for k, v in SECTIONS.items()} == SECTION_IDS


def test_markets_choose_the_sections_their_profiles_list() -> None:
    from medsec.documents.sections import SECTIONS
    from medsec.documents.service import market_sections
    from medsec.jurisdictions import profiles

    assert market_sections([]) is None
    chosen = market_sections(["jp"])
    assert chosen is not None
    jp = profiles.get("jp").document_sections
    assert [i for i in chosen if i.startswith("customer.")] == jp["customer"]
    every = [s.id for v in SECTIONS.values() for s in v]
    assert set(chosen) <= set(every)
