"""CPE names: parse CPE 2.3 formatted strings and 2.2 URIs, bind back, and NISTIR 7696 matching.

Attribute values are kept in one canonical *quoted* form (close to a NISTIR 7695 WFN value):
``ANY`` is ``"*"``, ``NA`` is ``"-"``; otherwise letters, digits and ``_`` stand for themselves,
every other literal character is preceded by a backslash (``node\\.js``, ``g\\+\\+``), and an
unquoted ``*`` or ``?`` at the start or end of a value is a wildcard (match criteria only).
Case is kept as written; every comparison is case-insensitive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from operator import attrgetter

from medsec.errors import InvalidInput

ANY = "*"
NA = "-"
MAX_CPE_LENGTH = 2048
ATTRIBUTES = (
    *("part", "vendor", "product", "version", "update", "edition", "language"),
    *("sw_edition", "target_sw", "target_hw", "other"),
)
_PARTS = frozenset({"a", "o", "h", ANY})
_PLAIN = re.compile(r"[A-Za-z0-9._-]+")
_QUOTE_PLAIN = re.compile(r"([.-])")
_PAIR = re.compile(r"\\(.)")
_GET = attrgetter(*ATTRIBUTES)


class InvalidCpe(InvalidInput, ValueError):
    """A string is not a valid CPE 2.3 formatted string or CPE 2.2 URI."""


class Relation(Enum):
    """NISTIR 7696 relation of a source attribute value to a target value."""

    EQUAL = "equal"
    SUPERSET = "superset"
    SUBSET = "subset"
    DISJOINT = "disjoint"
    UNDEFINED = "undefined"


@dataclass(frozen=True, slots=True)
class Cpe:
    """A CPE name or match pattern; attribute values in the module's quoted form."""

    part: str = ANY
    vendor: str = ANY
    product: str = ANY
    version: str = ANY
    update: str = ANY
    edition: str = ANY
    language: str = ANY
    sw_edition: str = ANY
    target_sw: str = ANY
    target_hw: str = ANY
    other: str = ANY

    def values(self) -> tuple[str, ...]:
        """All eleven attribute values in CPE 2.3 order."""
        return _GET(self)

    def text(self, attribute: str) -> str:
        """The attribute value without quoting backslashes (``node\\.js`` gives ``node.js``)."""
        return unquote(getattr(self, attribute))

    def to_fs(self) -> str:
        """Bind to a CPE 2.3 formatted string."""
        return "cpe:2.3:" + ":".join(_bind_fs(v) for v in self.values())

    def to_uri(self) -> str:
        """Bind to a CPE 2.2 URI (the last five attributes are packed into the edition)."""
        v = self.values()
        edition = _bind_uri(self.edition)
        if any(x != ANY for x in v[7:]):
            edition = "~" + "~".join(_bind_uri(x) for x in (self.edition, *v[7:]))
        comps = [*(_bind_uri(x) for x in v[:5]), edition, _bind_uri(self.language)]
        while comps and comps[-1] == "":
            comps.pop()
        return "cpe:/" + ":".join(comps)

    def __str__(self) -> str:
        return self.to_fs()


@lru_cache(maxsize=65536)
def unquote(value: str) -> str:
    """Drop quoting backslashes from a quoted value (wildcards stay as written)."""
    return _PAIR.sub(r"\1", value) if "\\" in value else value


def has_wildcard(value: str) -> bool:
    """True when a quoted value holds an unquoted ``*`` or ``?`` (ANY itself excluded)."""
    if value == ANY or ("*" not in value and "?" not in value):
        return False
    return any(c in "*?" for c in _PAIR.sub("", value))


@lru_cache(maxsize=65536)
def _bind_fs(value: str) -> str:
    if value in (ANY, NA) or "\\" not in value:
        return value
    if value == "\\-":  # a literal lone hyphen must not read back as NA
        return value
    return _PAIR.sub(lambda m: m[1] if m[1] in ".-_" else m[0], value)


def _pct(c: str) -> str:
    return c if c.isalnum() or c in "._-" else f"%{ord(c):02x}"


def _bind_uri(value: str) -> str:
    if value == ANY:
        return ""
    if value == NA:
        return NA
    out: list[str] = []
    i = 0
    while i < len(value):
        c = value[i]
        if c == "\\":
            out.append(_pct(value[i + 1]))
            i += 2
            continue
        out.append({"*": "%02", "?": "%01"}.get(c, c))
        i += 1
    return "".join(out)


def _check_char(c: str, where: str) -> None:
    if not ("!" <= c <= "~"):
        raise InvalidCpe(f"{where}: character {c!r} is not allowed (printable ASCII, no spaces)")


def _check_wildcards(out: list[str], raw: str, where: str) -> str:
    """Join pieces; unquoted ``*``/``?`` only as a leading/trailing ``*`` or run of ``?``."""
    if out == ["*"]:
        return ANY
    wild = [p in ("*", "?") for p in out]
    if all(wild):
        raise InvalidCpe(f"{where}: value {raw!r} is only wildcards")
    first = wild.index(False)
    last = len(wild) - 1 - wild[::-1].index(False)
    if any(wild[first : last + 1]):
        raise InvalidCpe(f"{where}: embedded unquoted wildcard in {raw!r}")
    for run in (out[:first], out[last + 1 :]):
        if "*" in run and len(run) > 1:
            raise InvalidCpe(f"{where}: bad wildcard run in {raw!r}")
    return "".join(out)


def _unbind_fs_value(raw: str, where: str) -> str:
    if raw in (ANY, NA):
        return raw
    if not raw:
        raise InvalidCpe(f"{where}: empty value (use * for ANY)")
    if _PLAIN.fullmatch(raw):
        return _QUOTE_PLAIN.sub(r"\\\1", raw)
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        _check_char(c, where)
        if c == "\\":
            if i + 1 >= len(raw):
                raise InvalidCpe(f"{where}: dangling escape in {raw!r}")
            nxt = raw[i + 1]
            _check_char(nxt, where)
            out.append(nxt if nxt.isalnum() or nxt == "_" else "\\" + nxt)
            i += 2
            continue
        out.append(c if c.isalnum() or c in "_*?" else "\\" + c)
        i += 1
    return _check_wildcards(out, raw, where)


def _split_fs(body: str) -> list[str]:
    comps: list[str] = []
    start = i = 0
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body[i] == ":":
            comps.append(body[start:i])
            start = i + 1
        i += 1
    comps.append(body[start:])
    return comps


def _decode_uri_value(raw: str, where: str) -> str:
    if raw == "":
        return ANY
    if raw == NA:
        return NA
    out: list[str] = []
    i = 0
    while i < len(raw):
        c = raw[i]
        _check_char(c, where)
        if c == "%":
            code = raw[i + 1 : i + 3]
            if len(code) != 2 or not all(h in "0123456789abcdefABCDEF" for h in code):
                raise InvalidCpe(f"{where}: bad percent-encoding in {raw!r}")
            n = int(code, 16)
            if n in (1, 2):
                out.append("?" if n == 1 else "*")
            else:
                ch = chr(n)
                _check_char(ch, where)
                out.append(ch if ch.isalnum() or ch == "_" else "\\" + ch)
            i += 3
            continue
        out.append(c if c.isalnum() or c == "_" else "\\" + c)
        i += 1
    return _check_wildcards(out, raw, where)


def _parse_uri(s: str) -> Cpe:
    comps = s[5:].split(":")
    if len(comps) > 7:
        raise InvalidCpe(f"CPE 2.2 URI has {len(comps)} components after 'cpe:/', at most 7: {s!r}")
    comps += [""] * (7 - len(comps))
    names = ATTRIBUTES[:7]
    values = {
        n: _decode_uri_value(c, n) for n, c in zip(names, comps, strict=True) if n != "edition"
    }
    edition = comps[5]
    if edition.startswith("~"):
        packed = edition.split("~")
        if len(packed) != 6:
            raise InvalidCpe(f"edition: packed edition needs 5 '~'-separated fields: {edition!r}")
        for name, raw in zip(("edition", *ATTRIBUTES[7:]), packed[1:], strict=True):
            values[name] = _decode_uri_value(raw, name)
    else:
        values["edition"] = _decode_uri_value(edition, "edition")
    return _build(values, s)


def _build(values: dict[str, str], s: str) -> Cpe:
    part = values["part"].lower()
    if part not in _PARTS:
        raise InvalidCpe(f"part must be a, o, h or *, not {values['part']!r}: {s!r}")
    values["part"] = part
    return Cpe(**values)


@lru_cache(maxsize=65536)
def parse_cpe(s: str) -> Cpe:
    """Parse a CPE 2.3 formatted string or a CPE 2.2 URI; raise InvalidCpe with the reason."""
    s = s.strip()
    if len(s) > MAX_CPE_LENGTH:
        raise InvalidCpe(f"CPE longer than {MAX_CPE_LENGTH} characters")
    head = s[:8].lower()
    if head.startswith("cpe:/"):
        return _parse_uri(s)
    if head != "cpe:2.3:":
        raise InvalidCpe(f"not a CPE 2.3 string ('cpe:2.3:...') or 2.2 URI ('cpe:/...'): {s!r}")
    comps = s[8:].split(":") if "\\" not in s else _split_fs(s[8:])
    if len(comps) != 11:
        raise InvalidCpe(f"CPE 2.3 string needs 11 attributes after 'cpe:2.3:', got {len(comps)}")
    values = {n: _unbind_fs_value(c, n) for n, c in zip(ATTRIBUTES, comps, strict=True)}
    return _build(values, s)


def is_valid_cpe(s: str) -> bool:
    """True when ``s`` parses as a CPE 2.3 formatted string or a CPE 2.2 URI."""
    try:
        parse_cpe(s)
    except InvalidCpe:
        return False
    return True


@lru_cache(maxsize=8192)
def _pattern(value: str) -> re.Pattern[str]:
    parts: list[str] = []
    for m in re.finditer(r"\\(.)|(.)", value):
        if m[1] is not None:
            parts.append(re.escape(m[1]))
        else:
            parts.append({"*": ".*", "?": "."}.get(m[2], re.escape(m[2])))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def compare_attribute(source: str, target: str) -> Relation:
    """NISTIR 7696 attribute comparison of a source (criterion) value to a target (name) value."""
    if source == ANY:
        return Relation.EQUAL if target == ANY else Relation.SUPERSET
    if target == ANY:
        return Relation.SUBSET
    if source == NA or target == NA:
        return Relation.EQUAL if source == target else Relation.DISJOINT
    if has_wildcard(target):
        return Relation.UNDEFINED
    if has_wildcard(source):
        hit = _pattern(source).fullmatch(unquote(target))
        return Relation.SUPERSET if hit else Relation.DISJOINT
    return Relation.EQUAL if source.lower() == target.lower() else Relation.DISJOINT


def name_matches(source: Cpe, target: Cpe) -> bool:
    """NISTIR 7696 CPE_Name_Match: every attribute relation is SUPERSET or EQUAL."""
    ok = (Relation.SUPERSET, Relation.EQUAL)
    return all(
        compare_attribute(s, t) in ok for s, t in zip(source.values(), target.values(), strict=True)
    )


def cpe_key(cpe: str) -> str | None:
    """``vendor:product`` (lower case, CPE-quoted) of a CPE, or None when it does not parse."""
    try:
        parsed = parse_cpe(cpe)
    except InvalidCpe:
        return None
    return f"{parsed.vendor.lower()}:{parsed.product.lower()}"
