"""Shared helpers for the SBOM readers: limits, JSON loading, dates, identifiers, support info."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import orjson
from packageurl import PackageURL

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest.sbom_model import ParseWarning

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_DEPTH = 64
# JSON objects + arrays in one document. Each costs Python ~60-400 bytes once parsed, so this
# bounds the parsed size (under 1 GB) whatever the byte limit; real SBOMs have ~10 per component
# and ~100 bytes per container (airflow: 1,749 components, 1.8 MB, 18,712), so a real 64 MiB
# SBOM stays under it.
DEFAULT_MAX_CONTAINERS = 1_000_000

_STRING_RE = re.compile(rb'"[^"]*"')
# Keep only quotes and brackets, with every bracket folded onto "[" / "]": depth is all we count.
_FOLD = bytes.maketrans(b"{}", b"[]")
_NOT_STRUCTURE = bytes(b for b in range(256) if b not in b'"[]{}')


def check_size(data: bytes, *, source: str, max_bytes: int) -> None:
    """Refuse documents larger than ``max_bytes`` and empty ones."""
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            f"document is {len(data)} bytes, limit is {max_bytes}", source=source
        )
    if not data.strip():
        raise DocumentError("empty document", source=source, location="byte 0")


def strip_bom(data: bytes) -> bytes:
    """Drop a UTF-8 byte-order mark and leading whitespace."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.lstrip()


def check_json_depth(
    data: bytes, *, source: str, max_depth: int, max_containers: int = DEFAULT_MAX_CONTAINERS
) -> None:
    """Refuse JSON nested deeper than ``max_depth`` or with too many objects/arrays, unparsed.

    Strings are blanked out, then matched bracket pairs are peeled one level per pass (C-speed
    byte passes); needing more than ``max_depth`` passes means the nesting is too deep. What is
    left before peeling is two brackets per object or array: more than ``max_containers`` of
    them would cost more memory to parse than any real document needs.
    """
    # Drop escaped backslashes and quotes, keep only quotes and brackets, then drop strings.
    if b"\\" in data:
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = data.translate(_FOLD, _NOT_STRUCTURE)
    # Removing '""' first is safe: it is an empty string or two strings that now merge.
    brackets = _STRING_RE.sub(b"", skeleton.replace(b'""', b""))
    if len(brackets) > 2 * max_containers:
        raise DocumentTooLarge(
            f"about {len(brackets) // 2} JSON objects and arrays, limit is {max_containers}",
            source=source,
        )
    for _ in range(max_depth):
        if not brackets:
            return
        # bytes.replace does not rescan what it produced: exactly one level goes per pass.
        peeled = brackets.replace(b"[]", b"")
        if len(peeled) == len(brackets):
            return  # unbalanced (truncated/malformed): the parser reports it
        brackets = peeled
    if b"[]" in brackets:
        raise DocumentTooLarge(f"JSON nesting deeper than {max_depth} levels", source=source)


def _line_col(data: bytes, pos: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, pos) + 1
    col = pos - (data.rfind(b"\n", 0, pos) + 1) + 1
    return line, col


def load_json(data: bytes, *, source: str, max_depth: int) -> Any:
    """Parse JSON with orjson after a depth check; errors give line and column."""
    check_json_depth(data, source=source, max_depth=max_depth)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        line, col = _line_col(data, exc.pos)
        msg = exc.msg
        if "recursion" in msg.lower():
            raise DocumentTooLarge("JSON nesting too deep", source=source) from None
        if exc.pos >= len(data.rstrip()) - 1 and "trailing" not in msg.lower():
            msg = f"truncated document ({msg})"
        raise DocumentError(
            f"malformed JSON: {msg}", source=source, location=f"line {line} column {col}"
        ) from None


def parse_datetime(value: Any) -> datetime | None:
    """Parse an ISO 8601 timestamp (``Z`` allowed); None when absent or unparsable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_YM_RE = re.compile(r"^(\d{4})-(\d{2})$")
_Y_RE = re.compile(r"^(\d{4})$")


def parse_date(value: Any) -> date | None:
    """Parse a date: ISO date or timestamp, ``YYYY-MM`` (last day) or ``YYYY`` (31 December)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    stamp = parse_datetime(text)
    if stamp is not None:
        return stamp.date()
    if m := _YM_RE.match(text):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            nxt = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
    if m := _Y_RE.match(text):
        return date(int(m.group(1)), 12, 31)
    return None


# Plain purls that packageurl-python always accepts (checked against it in the tests):
# a type, an optional npm scope, path segments, an optional version, simple qualifiers.
_SEG = r"[A-Za-z0-9._~%+!-]+"
_QUAL = r"[A-Za-z.\-_][A-Za-z0-9.\-_]*=[A-Za-z0-9._~%+!:/,-]*"
_PLAIN_PURL_RE = re.compile(
    rf"^pkg:[A-Za-z.\-_][A-Za-z0-9.\-_]*/(?:@{_SEG}/)?(?:{_SEG}/)*{_SEG}"
    rf"(?:@[A-Za-z0-9._~%+!:-]+)?(?:\?{_QUAL}(?:&{_QUAL})*)?$"
)


def purl_error(purl: str) -> str | None:
    """Why ``purl`` is not a valid package URL, or None when it is."""
    if _PLAIN_PURL_RE.match(purl):
        return None
    return _purl_error_slow(purl)


@lru_cache(maxsize=65536)
def _purl_error_slow(purl: str) -> str | None:
    try:
        PackageURL.from_string(purl)
    except ValueError as exc:
        return str(exc) or "invalid package URL"
    return None


# CPE 2.3 formatted string (NISTIR 7695 §6.2, as in the SPDX 2.3 annex) and CPE 2.2 URI binding.
_CPE23_ESC = r"""(\\[\\\*\?!"#$$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~])"""
_CPE23_VALUE = rf"(((\?*|\*?)([a-zA-Z0-9\-\._]|{_CPE23_ESC})+(\?*|\*?))|[\*\-])"
_CPE23_RE = re.compile(
    r"^cpe:2\.3:[aho\*\-]"
    + rf"(:{_CPE23_VALUE}){{5}}"
    + r"(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))"
    + rf"(:{_CPE23_VALUE}){{4}}$"
)
_CPE22_RE = re.compile(r"^[c][pP][eE]:/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6}$")


def cpe_is_valid(cpe: str) -> bool:
    """True when ``cpe`` is a CPE 2.3 formatted string or a CPE 2.2 URI."""
    return bool(_CPE23_RE.match(cpe) or _CPE22_RE.match(cpe))


# Hex digest lengths per algorithm (CycloneDX names); None = variable length.
HASH_HEX_LENGTHS: dict[str, int | None] = {
    "MD2": 32,
    "MD4": 32,
    "MD5": 32,
    "MD6": None,
    "SHA-1": 40,
    "SHA-224": 56,
    "SHA-256": 64,
    "SHA-384": 96,
    "SHA-512": 128,
    "SHA3-224": 56,
    "SHA3-256": 64,
    "SHA3-384": 96,
    "SHA3-512": 128,
    "BLAKE2b-256": 64,
    "BLAKE2b-384": 96,
    "BLAKE2b-512": 128,
    "BLAKE3": None,
    "ADLER32": 8,
    "Streebog-256": 64,
    "Streebog-512": 128,
}
_HEX_RE = re.compile(r"^[0-9a-fA-F]+$")


def hash_error(alg: str, content: str) -> str | None:
    """Why ``content`` is not a valid hex digest for ``alg``, or None when it is."""
    if not _HEX_RE.match(content):
        return f"hash value for {alg} is not hexadecimal"
    expected = HASH_HEX_LENGTHS.get(alg)
    if expected is not None and len(content) != expected:
        return f"{alg} hash has {len(content)} hex digits, expected {expected}"
    return None


def json_path(parts: Any) -> str:
    """A JSON path (``$.packages[0].name``) from a validator's instance path."""
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


class Warnings:
    """Collects warnings, folding repeats of the same kind into one entry with a count."""

    def __init__(self) -> None:
        self._items: dict[str, list[Any]] = {}

    def add(self, key: str, location: str, message: str) -> None:
        """Record a warning; repeats with the same ``key`` are counted, first location kept."""
        item = self._items.get(key)
        if item is None:
            self._items[key] = [location, message, 1]
        else:
            item[2] += 1

    def result(self) -> tuple[ParseWarning, ...]:
        """The collected warnings, in first-seen order."""
        out = []
        for location, message, count in self._items.values():
            text = message if count == 1 else f"{message} ({count} occurrences, first here)"
            out.append(ParseWarning(location=location, message=text))
        return tuple(out)


# Free-text "level of support" -> SUPPORT_LEVELS. Keys are lowercased, non-letters removed.
_LEVEL_WORDS: dict[str, str] = {
    "activelymaintained": "actively_maintained",
    "active": "actively_maintained",
    "maintained": "actively_maintained",
    "supported": "actively_maintained",
    "fullsupport": "actively_maintained",
    "support": "actively_maintained",
    "development": "actively_maintained",
    "limitedsupport": "limited_support",
    "limited": "limited_support",
    "securityfixesonly": "limited_support",
    "securityonly": "limited_support",
    "maintenanceonly": "limited_support",
    "nolongermaintained": "no_longer_maintained",
    "notmaintained": "no_longer_maintained",
    "unmaintained": "no_longer_maintained",
    "inactive": "no_longer_maintained",
    "deprecated": "no_longer_maintained",
    "nosupport": "no_longer_maintained",
    "abandoned": "abandoned",
    "endoflife": "end_of_support",
    "eol": "end_of_support",
    "endofsupport": "end_of_support",
    "eos": "end_of_support",
    "nolongersupported": "end_of_support",
    "unsupported": "end_of_support",
    "outofsupport": "end_of_support",
    "unknown": "unknown",
    "noassertion": "unknown",
    "deployed": "unknown",
    "na": "unknown",
}
_LEVEL_KEYS = {"levelofsupport", "supportlevel", "supportstatus"}
# End-of-support property names by precedence (lower wins): the explicit end of support,
# then the end of guaranteed support (earlier, conservative), then end of life.
_EOS_KEYS = {
    "endofsupport": 0,
    "endofsupportdate": 0,
    "eos": 0,
    "eosdate": 0,
    "supportenddate": 0,
    "validuntildate": 0,
    "endofguaranteedsupport": 1,
    "endoflife": 2,
    "endoflifedate": 2,
    "eol": 2,
    "eoldate": 2,
}
_NON_LETTERS = re.compile(r"[^a-z]")


def _norm(text: str) -> str:
    return _NON_LETTERS.sub("", text.lower())


def map_support_level(text: str) -> str | None:
    """Map free text ("Actively maintained", "End of life", ...) to a SUPPORT_LEVELS value."""
    return _LEVEL_WORDS.get(_norm(text))


def support_from_properties(
    props: Iterable[tuple[str, str]], *, location: str, warnings: Warnings
) -> tuple[str | None, date | None]:
    """Read (support_level, end_of_support) from FDA-style and ``cdx:lifecycle`` properties.

    The property name's last ``:`` segment is matched case- and punctuation-insensitively, so
    ``Level of Support``, ``levelOfSupport`` and ``cdx:lifecycle:milestone:endOfSupport`` all
    count. A level stated explicitly wins over one implied by end-of-support text.
    """
    level: str | None = None
    implied: str | None = None
    best: tuple[int, date] | None = None
    for name, value in props:
        key = _norm(name.rsplit(":", 1)[-1])
        if key in _LEVEL_KEYS:
            mapped = map_support_level(value)
            if mapped is None:
                mapped = "unknown"
                warnings.add(
                    f"level:{value}", location, f"unrecognised level of support {value!r} → unknown"
                )
            level = mapped
        elif key in _EOS_KEYS:
            when = parse_date(value)
            if when is not None:
                rank = _EOS_KEYS[key]
                if best is None or rank < best[0]:
                    best = (rank, when)
            elif (mapped := map_support_level(value)) is not None and mapped != "unknown":
                implied = mapped
            elif _norm(value) not in _LEVEL_WORDS:
                warnings.add(
                    f"eos:{value}", location, f"{name} {value!r} is not a date (kept in properties)"
                )
    return level or implied, best[1] if best else None
