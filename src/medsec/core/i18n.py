"""Translations: gettext catalogs (``.po``, one per domain) read through Babel when first used.

The catalogs live in ``medsec/locale/<lang>/LC_MESSAGES/<domain>.po`` and are written by people:
nothing is translated by a machine at run time. English is the source language (the msgids), so
``en`` needs no catalog. A ``.po`` file is compiled in memory on first use (Babel ``read_po`` →
``write_mo``) and cached, so no generated binary is committed and none can go stale.
"""

from __future__ import annotations

import gettext
from functools import cache
from importlib import resources
from io import BytesIO
from typing import Any, Literal, get_args

Lang = Literal["en", "ja"]
LANGS: tuple[Lang, ...] = get_args(Lang)


class UnknownLanguage(ValueError):
    """A language medsec has no catalogs for."""


def check_lang(lang: str) -> Lang:
    """`lang` as a supported language, or `UnknownLanguage` naming the supported ones."""
    if lang not in LANGS:
        raise UnknownLanguage(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def catalog_path(lang: str, domain: str) -> Any:
    """The packaged ``.po`` file of one language and domain (it may not exist)."""
    return resources.files("medsec") / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"


@cache
def translations(lang: str, domain: str) -> gettext.NullTranslations:
    """The translations of `domain` into `lang` (English and missing catalogs: identity)."""
    check_lang(lang)
    if lang == "en":
        return gettext.NullTranslations()
    path = catalog_path(lang, domain)
    if not path.is_file():
        raise FileNotFoundError(f"no {lang} catalog for {domain!r}: {path}")
    from babel.messages.mofile import write_mo  # imported on use: Babel is not needed at startup
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=domain)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(lang: str, domain: str) -> Any:
    """A ``gettext(message)`` function for one language and domain."""
    return translations(lang, domain).gettext


def install_jinja(env: Any, lang: str, domain: str) -> None:
    """Install the catalog in a Jinja2 environment that has the ``jinja2.ext.i18n`` extension."""
    env.install_gettext_translations(translations(lang, domain), newstyle=True)
