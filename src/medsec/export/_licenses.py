"""License strings -> SPDX ids, SPDX expressions or plain names (shared by the SBOM writers).

The SPDX license and exception ids are the enum CycloneDX ships with its schemas
(``cyclonedx/schema/_res/spdx.SNAPSHOT.schema.json``), so an id we emit as ``license.id`` is one the
CycloneDX schema accepts. An expression is accepted only if it parses under the SPDX grammar
(``AND``/``OR``/``WITH``, parentheses, ``+``) with known ids or ``LicenseRef-``/``DocumentRef-``
references.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Literal

LicenseKind = Literal["id", "expression", "name"]

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_REF = re.compile(r"^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")
_OPERATORS = {"AND", "OR", "WITH"}
_MAX_TOKENS = 200


@lru_cache(maxsize=1)
def spdx_ids() -> dict[str, str]:
    """Known SPDX license and exception ids, keyed by lower case, valued by canonical case."""
    res = resources.files("cyclonedx.schema._res").joinpath("spdx.SNAPSHOT.schema.json")
    ids: list[str] = json.loads(res.read_text(encoding="utf-8"))["enum"]
    return {i.lower(): i for i in ids}


class _Parser:
    """Recursive-descent check of one SPDX license expression; builds its canonical form."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.ids = spdx_ids()

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def expr(self, depth: int) -> str:
        parts = [self.term(depth)]
        while (tok := self.peek()) is not None and tok.upper() in {"AND", "OR"}:
            parts.append(self.take().upper())
            parts.append(self.term(depth))
        return " ".join(parts)

    def term(self, depth: int) -> str:
        if depth > 20:
            raise ValueError("too deep")
        tok = self.peek()
        if tok is None:
            raise ValueError("unexpected end")
        if tok == "(":
            self.take()
            inner = self.expr(depth + 1)
            if self.peek() != ")":
                raise ValueError("missing )")
            self.take()
            out = f"({inner})"
        else:
            out = self.atom(self.take())
        if (nxt := self.peek()) is not None and nxt.upper() == "WITH":
            self.take()
            exc = self.peek()
            if exc is None or exc.lower() not in self.ids:
                raise ValueError("unknown exception")
            out = f"{out} WITH {self.ids[self.take().lower()]}"
        return out

    def atom(self, tok: str) -> str:
        if tok in {"(", ")"} or tok.upper() in _OPERATORS:
            raise ValueError(f"unexpected {tok}")
        if _REF.match(tok):
            return tok
        plus = tok.endswith("+")
        canonical = self.ids.get(tok[:-1].lower() if plus else tok.lower())
        if canonical is None:
            raise ValueError(f"unknown license id {tok}")
        return canonical + ("+" if plus else "")


@lru_cache(maxsize=4096)
def classify(text: str) -> tuple[LicenseKind, str]:
    """Classify a license string as ("id", id), ("expression", normalised) or ("name", text)."""
    stripped = text.strip()
    known = spdx_ids().get(stripped.lower())
    if known is not None:
        return "id", known
    tokens = _TOKEN.findall(stripped)
    if not tokens or len(tokens) > _MAX_TOKENS:
        return "name", text
    parser = _Parser(tokens)
    try:
        normalised = parser.expr(0)
    except (ValueError, IndexError):
        return "name", text
    if parser.pos != len(tokens):
        return "name", text
    return "expression", normalised


def is_compound(expression: str) -> bool:
    """True if an expression has a top-level operator and needs parentheses inside a larger one."""
    return any(tok in _OPERATORS for tok in expression.split())
