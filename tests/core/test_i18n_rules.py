"""The translation catalogs: every message translated, placeholders kept, loaded through Babel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from medsec.core import i18n

LOCALE = Path(i18n.__file__).resolve().parents[1] / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\((\w+)\)s|\{(\w+)\}")


def _names(text: str) -> set[str]:
    return {a or b for a, b in PLACEHOLDER.findall(text)}


def test_there_are_catalogs() -> None:
    assert any(path.stem == "common" for path in CATALOGS)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_every_message_is_translated_with_its_placeholders(path: Path) -> None:
    with path.open("rb") as handle:
        catalog = read_po(handle)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strs):
            problems.append(f"line {message.lineno}: not translated: {ids[0]!r}")
            continue
        if any(_names(s) != _names(ids[0]) for s in strs):
            problems.append(f"line {message.lineno}: placeholders differ: {ids[0]!r}")
    assert problems == []


def test_japanese_is_read_from_the_catalog_and_english_is_the_source() -> None:
    assert i18n.gettext_for("ja", "common")("Japanese") == "日本語"
    page = i18n.gettext_for("ja", "common")("Page %(page)s of %(pages)s")
    assert page % {"page": 1, "pages": 2} == "2 ページ中 1 ページ"
    assert i18n.gettext_for("en", "common")("Japanese") == "Japanese"


def test_unknown_language_and_missing_catalog_are_refused() -> None:
    with pytest.raises(i18n.UnknownLanguage, match="use one of en, ja"):
        i18n.check_lang("fr")
    with pytest.raises(FileNotFoundError, match="no ja catalog for 'nothing'"):
        i18n.translations("ja", "nothing")


def test_jinja_templates_translate_through_the_catalog() -> None:
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    i18n.install_jinja(env, "ja", "common")
    html = env.from_string("{{ _('Page %(page)s of %(pages)s', page=3, pages=4) }}").render()
    assert html == "4 ページ中 3 ページ"
