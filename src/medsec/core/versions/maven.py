"""Maven ``ComparableVersion`` order (Maven 3.9 rules), as an ordered, hashable key.

The version is cut into items: numbers, qualifiers and nested lists (opened by ``-`` and by
a digit/letter switch). Comparison pads the shorter list with "nothing", which equals ``0``,
the release qualifier ``""`` (aliases ``ga``, ``final``, ``release``) and an empty list at
the same time; that padding rule has no plain-tuple form, so the key is a small class over a
flat token tuple (a nested list is flattened behind a ``LIST`` marker; lists are always the last
item of their parent, so the flat order is exact).
"""

from __future__ import annotations

from typing import Any

_QUALIFIERS = ("alpha", "beta", "milestone", "rc", "snapshot", "", "sp")
_ALIASES = {"ga": "", "final": "", "release": "", "cr": "rc"}
_SHORT = {"a": "alpha", "b": "beta", "m": "milestone"}
_RELEASE = _QUALIFIERS.index("")

# token ranks; a token is (rank, int value, qualifier order tuple)
STR, LIST, INT = 0, 1, 2
_LIST_TOKEN = (LIST, 0, ())


def _qualifier(text: str, followed_by_digit: bool) -> tuple:
    if followed_by_digit and len(text) == 1:
        text = _SHORT.get(text, text)
    text = _ALIASES.get(text, text)
    if text in _QUALIFIERS:
        return (_QUALIFIERS.index(text), "")
    return (len(_QUALIFIERS), text)  # unknown qualifiers: after "sp", alphabetically


def _is_null(item: Any) -> bool:
    if isinstance(item, list):
        return len(item) == 0
    rank, value, qual = item
    return (rank == INT and value == 0) or (rank == STR and qual[0] == _RELEASE)


def _normalize(items: list) -> None:
    i = len(items) - 1
    while i >= 0:
        if _is_null(items[i]):
            del items[i]
        elif not isinstance(items[i], list):
            break
        i -= 1


def _parse(version: str) -> list:
    text = version.lower()
    root: list = []
    stack = [root]
    cur = root
    start = 0
    is_digit = False

    def item(part: str, digit: bool, followed_by_digit: bool = False) -> tuple:
        if digit:
            return (INT, int(part), ())
        return (STR, 0, _qualifier(part, followed_by_digit))

    for i, c in enumerate(text):
        if c in ".-":
            cur.append((INT, 0, ()) if i == start else item(text[start:i], is_digit))
            start = i + 1
            if c == "-":
                new: list = []
                cur.append(new)
                stack.append(new)
                cur = new
        elif c.isdecimal():
            if not is_digit and i > start:
                cur.append(item(text[start:i], False, True))
                start = i
                new = []
                cur.append(new)
                stack.append(new)
                cur = new
            is_digit = True
        else:
            if is_digit and i > start:
                cur.append(item(text[start:i], True))
                start = i
                new = []
                cur.append(new)
                stack.append(new)
                cur = new
            is_digit = False
    if len(text) > start:
        cur.append(item(text[start:], is_digit))
    while stack:
        _normalize(stack.pop())
    return root


def _flatten(items: list, out: list) -> None:
    for it in items:
        if isinstance(it, list):
            out.append(_LIST_TOKEN)
            _flatten(it, out)
        else:
            out.append(it)


def _vs_null(tok: tuple) -> int:
    rank, value, qual = tok
    if rank == INT:
        return 1 if value else 0
    if rank == STR:
        return (qual > (_RELEASE, "")) - (qual < (_RELEASE, ""))
    return 0  # a list marker: its items decide


def _cmp(a: tuple, b: tuple) -> int:
    for x, y in zip(a, b, strict=False):
        if x != y:
            if x[0] != y[0]:
                return 1 if x[0] > y[0] else -1
            return 1 if x > y else -1
    if len(a) == len(b):
        return 0
    rest, sign = (a[len(b) :], 1) if len(a) > len(b) else (b[len(a) :], -1)
    for tok in rest:
        r = _vs_null(tok)
        if r:
            return r * sign
    return 0


class MavenKey:
    """Sort key for one Maven version; equal keys are equal versions."""

    __slots__ = ("tokens",)

    def __init__(self, tokens: tuple) -> None:
        self.tokens = tokens

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MavenKey) and _cmp(self.tokens, other.tokens) == 0

    def __hash__(self) -> int:
        return hash(self.tokens)

    def __lt__(self, other: MavenKey) -> bool:
        return _cmp(self.tokens, other.tokens) < 0

    def __le__(self, other: MavenKey) -> bool:
        return _cmp(self.tokens, other.tokens) <= 0

    def __gt__(self, other: MavenKey) -> bool:
        return _cmp(self.tokens, other.tokens) > 0

    def __ge__(self, other: MavenKey) -> bool:
        return _cmp(self.tokens, other.tokens) >= 0

    def __repr__(self) -> str:
        return f"MavenKey({self.tokens!r})"


def maven_key(version: str) -> MavenKey:
    """Maven ComparableVersion key; every string is a Maven version, so this never fails."""
    tokens: list = []
    _flatten(_parse(version.strip()), tokens)
    # trailing tokens equal to padding carry no weight: strip them so equality is identity
    while tokens and _vs_null(tokens[-1]) == 0:
        tokens.pop()
    return MavenKey(tuple(tokens))
