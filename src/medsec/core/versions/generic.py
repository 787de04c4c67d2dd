"""A generic version order for firmware, vendor and CPE versions that follow no known scheme.

Algorithm (our own, after the ideas documented for libversion):

1. Lower-case the string and cut it into numeric and alphabetic runs. Any other character
   (``.`` ``-`` ``_`` ``+`` ``~`` space ...) only separates, and all separators are equal:
   ``1.0-1 == 1.0.1``. A letter/digit boundary also separates: ``1.0rc1`` is ``1 0 rc 1``.
2. Each run becomes a component of one rank, lowest first:

   * PRE   pre-release words: ``dev`` < ``snapshot`` < ``alpha`` < ``beta`` < ``pre`` < ``rc``,
     then any unknown word, alphabetically. ``a``/``b``/``c`` directly between a number and
     a number are ``alpha``/``beta``/``rc`` (``1.0a1 == 1.0alpha1``); ``preview`` is ``pre``.
   * ZERO  the number 0, and the release words ``final``, ``ga``, ``release``, ``stable``.
   * POST  post-release words (``patch``, ``post``, ``p``, ``pl``, ``sp``, ``update``, ``u``,
     ``r``, ``rev``, ``build``, ``hotfix``, ``errata``), then a *letter suffix*: one letter, or
     letters that are no keyword, right after a number and not followed by a digit (OpenSSL
     ``1.0.2k``, ``0.9.8za``), compared as text, so ``2.0 < 2.0a < 2.0b < 2.0z < 2.0za``.
   * NUM   a number above zero, compared as an integer (``1.10 > 1.9``, ``01 == 1``).

3. Versions compare component by component; a missing component counts as ZERO. So
   ``1.0 == 1.0.0``, ``1.0alpha < 1.0 < 1.0patch1 < 1.0.1`` and ``2.0 < 2.0a < 2.0.1``.

``generic_key`` turns that padded comparison into a plain tuple so keys sort and compare
directly: each run of ZERO components is folded into the next non-zero component
(``(-1, zeros, ...)`` below ZERO, ``(1, -zeros, ...)`` above it) and ``(0,)`` ends the key.
"""

from __future__ import annotations

import re
from functools import lru_cache

PRE, ZERO, POST, NUM = 0, 1, 2, 3
_TOKEN = re.compile(r"[0-9]+|[a-z]+")
_PRE_ORDER = {"dev": 0, "snapshot": 1, "alpha": 2, "beta": 3, "pre": 4, "rc": 5}
_PRE_ALIAS = {"preview": "pre", "a": "alpha", "b": "beta", "c": "rc"}
_RELEASE = frozenset({"final", "ga", "release", "stable"})
_POST = frozenset(
    {"patch", "post", "p", "pl", "sp", "update", "u", "r", "rev", "build", "hotfix", "errata"}
)

_KEYWORDS = _RELEASE | _POST | _PRE_ORDER.keys() | _PRE_ALIAS.keys()

Component = tuple[int, int | tuple[int, str]]
"""A ranked component: (rank, value); value is an int for NUM and ZERO, (order, word) else."""


def tokenize(version: str) -> tuple[Component, ...]:
    """The ranked components of a version string, before ZERO padding is applied."""
    text = version.lower()
    out: list[Component] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isdecimal():
            n = int(tok)
            out.append((NUM, n) if n else (ZERO, 0))
            continue
        start, end = m.span()
        after_digit = start > 0 and text[start - 1].isdecimal()
        before_digit = end < len(text) and text[end].isdecimal()
        suffix = after_digit and not before_digit
        if tok in _RELEASE:
            out.append((ZERO, 0))
        elif suffix and (len(tok) == 1 or tok not in _KEYWORDS):
            out.append((POST, (1, tok)))
        elif tok in _POST:
            out.append((POST, (0, tok)))
        else:
            if tok in _PRE_ALIAS and (len(tok) > 1 or (after_digit and before_digit)):
                tok = _PRE_ALIAS[tok]
            out.append((PRE, (_PRE_ORDER.get(tok, len(_PRE_ORDER)), tok)))
    return tuple(out)


@lru_cache(maxsize=65536)
def generic_key(version: str) -> tuple:
    """A sort key: ``generic_key(a) < generic_key(b)`` iff version a is older than b."""
    key: list[tuple] = []
    zeros = 0
    for rank, value in tokenize(version):
        if rank == ZERO:
            zeros += 1
            continue
        key.append((-1, zeros, rank, value) if rank == PRE else (1, -zeros, rank, value))
        zeros = 0
    key.append((0,))
    return tuple(key)


def compare_generic(a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` is older than, equal to or newer than ``b``."""
    ka, kb = generic_key(a), generic_key(b)
    return (ka > kb) - (ka < kb)
