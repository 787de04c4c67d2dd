"""Text from outside (SBOMs, CSAF, feeds, product names) shown so that it cannot steer the
reader's screen: bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069)
and C0/C1 control characters (ESC sequences among them) are shown as a visible marker such as
``<U+202E>``; the stored value stays exact. Tab and newline are kept (and CR in pages).
"""

from __future__ import annotations

import re

_BIDI = "\u202a-\u202e\u2066-\u2069"
_HIDDEN = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_HIDDEN_HTML = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")  # CR is no harm there


def _marker(found: re.Match[str]) -> str:
    return f"<U+{ord(found.group()):04X}>"


def _html_marker(found: re.Match[str]) -> str:
    return f"&lt;U+{ord(found.group()):04X}&gt;"


def has_hidden(text: str) -> bool:
    """True when the text holds a character that ``visible`` would mark."""
    return _HIDDEN.search(text) is not None


def visible(text: str) -> str:
    """The text with each bidi control and control character shown as ``<U+XXXX>`` (a CR
    before a newline dropped: a terminal shows nothing of it)."""
    if not _HIDDEN.search(text):
        return text
    return _HIDDEN.sub(_marker, text.replace("\r\n", "\n"))


def visible_html(html: str) -> str:
    """``visible`` for text already escaped as HTML (the marker escaped too; CR kept)."""
    return _HIDDEN_HTML.sub(_html_marker, html)
