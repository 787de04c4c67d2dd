"""``vers`` ranges (the version-range-spec): comparators joined by ``|``, e.g.
``vers:pypi/>=1.0|<2.0``, evaluated with medsec's own version schemes (``compare``)."""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable

from medsec.core.versions import canonical_scheme, compare
from medsec.core.versions._base import InvalidVersion

_CONSTRAINT = re.compile(r"^(>=|<=|!=|<|>|=)?([0-9A-Za-z].*)$")


def vers_contains(vers: str, version: str) -> bool:
    """True when ``version`` is inside the ``vers:<scheme>/<constraints>`` range."""
    if not vers.startswith("vers:") or "/" not in vers:
        raise ValueError("not a vers: range")
    scheme_text, _, body = vers[5:].partition("/")
    if body.strip() == "*":
        return True
    try:
        scheme = canonical_scheme(scheme_text)
        cons = []
        for raw in body.split("|"):
            m = _CONSTRAINT.match(raw.strip())
            if m is None:
                raise ValueError(f"constraint {raw!r}")
            cons.append((m[1] or "=", m[2].strip()))

        def cmp(a: str, b: str) -> int:
            return compare(scheme, a, b)

        return _contains(cons, version, cmp)
    except InvalidVersion as exc:
        raise ValueError(str(exc)) from None


def _ok(op: str, c: int) -> bool:
    return {"=": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]


def _contains(cons: list[tuple[str, str]], version: str, c: Callable[[str, str], int]) -> bool:
    """The vers containment algorithm (version-range-spec) for comparator constraints."""
    for op, v in cons:
        if op == "=" and c(version, v) == 0:
            return True
        if op == "!=" and c(version, v) == 0:
            return False

    def by_version(a: tuple[str, str], b: tuple[str, str]) -> int:
        return c(a[1], b[1])

    rest = sorted(
        ((op, v) for op, v in cons if op not in ("=", "!=")), key=functools.cmp_to_key(by_version)
    )
    if not rest:
        return all(op == "!=" for op, _ in cons)
    if rest[0][0] in ("<", "<=") and _ok(rest[0][0], c(version, rest[0][1])):
        return True
    if rest[-1][0] in (">", ">=") and _ok(rest[-1][0], c(version, rest[-1][1])):
        return True
    return any(
        op1 in (">", ">=")
        and op2 in ("<", "<=")
        and _ok(op1, c(version, v1))
        and _ok(op2, c(version, v2))
        for (op1, v1), (op2, v2) in itertools.pairwise(rest)
    )
