"""Pure decisions of the document generator: checking a request, hashing inputs, naming files
and the section-level diff of two revisions' inputs."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from medsec.core.i18n import LANGS
from medsec.documents.sections import KINDS, section_ids
from medsec.errors import InvalidInput

FORMATS = ("html", "pdf")


def check_request(kind: str, lang: str, fmt: str, chosen: list[str] | None = None) -> None:
    """Refuse an unknown kind, language, format or section id, naming the known ones."""
    if kind not in KINDS:
        raise InvalidInput(f"kind: unknown document kind {kind!r}; one of {', '.join(KINDS)}")
    if lang not in LANGS:
        raise InvalidInput(f"lang: unknown language {lang!r}; one of {', '.join(LANGS)}")
    if fmt not in FORMATS:
        raise InvalidInput(f"format: unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    unknown = sorted(set(chosen or ()) - set(section_ids(kind)))
    if unknown:
        raise InvalidInput(f"sections: not sections of {kind!r}: {', '.join(unknown)}")


def inputs_digest(meta: Mapping[str, Any], inputs: Mapping[str, str]) -> str:
    """SHA-256 of the canonical JSON of what a document was made from."""
    blob = json.dumps({"meta": dict(meta), "sections": dict(inputs)}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def filename(product: str, release: str, kind: str, lang: str, fmt: str) -> str:
    """A safe file name for a document."""
    slug = re.sub(r"[^A-Za-z0-9._]+", "-", f"{product}-{release}").strip("-.") or "document"
    return f"{slug}-{kind}-{lang}.{fmt}"


def section_diff(
    base: Mapping[str, str], other: Mapping[str, str]
) -> list[tuple[str, str, list[str]]]:
    """(section id, added|removed|changed|same, unified diff lines) in the order of the base."""
    out: list[tuple[str, str, list[str]]] = []
    for key in [*base, *(k for k in other if k not in base)]:
        if key not in other:
            out.append((key, "removed", []))
        elif key not in base:
            out.append((key, "added", other[key].splitlines()))
        elif base[key] == other[key]:
            out.append((key, "same", []))
        else:
            lines = difflib.unified_diff(
                base[key].splitlines(), other[key].splitlines(), lineterm="", n=0
            )
            out.append((key, "changed", [x for x in lines if not x.startswith(("---", "+++"))]))
    return out
