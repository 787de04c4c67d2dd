"""Hostile-text handling for public vulnerability reports: decode, clean, escape.

Text is stored as text, never interpreted: HTML or script in a report (an XSS proof of concept
is a normal thing to receive) stays verbatim and is escaped by ``render_safe`` on output.
Cleaning: strict UTF-8 (bytes, or str holding lone surrogates, are refused naming the field),
CR/CRLF → LF, control characters removed except newline and tab, bidirectional override and
isolate characters removed (they make text display differently from what is stored, the
"Trojan Source" trick), then Unicode NFC normalisation.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

from medsec.errors import InvalidInput

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_KEEP = frozenset("\n\t")


class ReportRejected(InvalidInput):
    """A public report refused at intake; ``field`` names the form field at fault."""

    code = "invalid-report"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field


class ReportTooLarge(ReportRejected):
    """A report field, the whole report or an attachment exceeds a size limit."""

    status = 413
    code = "report-too-large"


def to_text(field: str, value: Any) -> str:
    """``value`` as a str: bytes are decoded as strict UTF-8; anything else is refused."""
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise ReportRejected(
                field, f"is not valid UTF-8 (byte {exc.start}: {exc.reason})"
            ) from None
    if not isinstance(value, str):
        raise ReportRejected(field, f"must be text, not {type(value).__name__}")
    try:
        value.encode("utf-8", errors="strict")
    except UnicodeEncodeError as exc:
        raise ReportRejected(
            field, f"is not valid UTF-8 (character {exc.start}: {exc.reason})"
        ) from None
    return value


def _keep(char: str) -> bool:
    if char in _KEEP:
        return True
    if char in _BIDI:
        return False
    return unicodedata.category(char) != "Cc"


def clean_text(field: str, value: Any, *, multiline: bool = True) -> str:
    """Decoded, control-stripped, NFC-normalised and trimmed text of one field."""
    text = to_text(field, value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if _keep(ch))
    text = unicodedata.normalize("NFC", text).strip()
    if not multiline and ("\n" in text or "\t" in text):
        raise ReportRejected(field, "must be a single line")
    return text


def render_safe(text: str) -> str:
    """``text`` escaped for HTML element content or a quoted attribute (no markup survives).

    Newlines are kept as they are; show the result in an element with ``white-space: pre-wrap``.
    """
    return html.escape(text, quote=True)


_EMAIL = re.compile(r"[^@\s<>()\[\]\\,;:\"]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}")


def clean_email(field: str, value: Any) -> str:
    """A plausible single address (local@domain.tld, at most 254 characters), domain lowercased."""
    text = clean_text(field, value, multiline=False)
    if len(text) > 254 or _EMAIL.fullmatch(text) is None:  # RFC 5321 path limit
        raise ReportRejected(field, "is not a valid e-mail address")
    local, _, domain = text.rpartition("@")
    if ".." in domain or domain.startswith(("-", ".")):
        raise ReportRejected(field, "is not a valid e-mail address")
    return f"{local}@{domain.lower()}"
