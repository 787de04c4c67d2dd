"""CycloneDX components (JSON shape, also XML converted to it) to DTOs: general and lean path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest._common import (
    Warnings,
    cpe_is_valid,
    hash_error,
    purl_error,
    support_from_properties,
)
from medsec.ingest.sbom_model import COMPONENT_TYPES, ParsedComponent, make_component

_TYPES = frozenset(COMPONENT_TYPES)
AUTO_PREFIX = "medsec:auto:"

# step(base, key, index) -> location of item ``index`` (0-based) of list ``key`` under ``base``.
Step = Callable[[str, str, int | None], str]


def text(value: Any) -> str | None:
    """The stripped string form of a value; None when absent or blank."""
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    return value.strip() or None


def licenses(items: Any) -> tuple[str, ...]:
    """License ids, names or expressions of a CycloneDX ``licenses`` list."""
    out: list[str] = []
    for item in items or ():
        if not isinstance(item, dict):
            continue
        if expr := text(item.get("expression")):
            out.append(expr)
        lic = item.get("license")
        if isinstance(lic, dict) and (value := text(lic.get("id")) or text(lic.get("name"))):
            out.append(value)
    return tuple(out)


def names(items: Any) -> list[str]:
    """Names (else e-mails) of CycloneDX organisational entities or contacts."""
    return [
        name
        for item in items or ()
        if isinstance(item, dict) and (name := text(item.get("name")) or text(item.get("email")))
    ]


# Components in one document: bounds the mapped size (real 64 MiB SBOMs hold ~65,000).
MAX_COMPONENTS = 250_000


class Mapper:
    """Turns CycloneDX component dicts (from JSON, or XML converted to the same shape) into DTOs."""

    def __init__(self, *, source: str, step: Step, strict: bool, fast: bool = True) -> None:
        self.source = source
        self.step = step
        self.strict = strict
        self.fast = fast
        self.warnings = Warnings()
        self.refs: dict[str, str] = {}  # ref -> location
        self.auto = 0
        self.count = 0

    def lean(self, c: dict[str, Any], loc: str, parent: str | None) -> ParsedComponent | None:
        """``component`` for the common shape, in fewer steps; None sends ``c`` to ``component``.

        It gives up, before changing any state, on what needs the general path's bookkeeping:
        a missing or repeated bom-ref, an unknown type, an invalid or unusual purl, CPE or hash.
        """
        get = c.get
        ref = get("bom-ref")
        if ref.__class__ is not str or not (ref := ref.strip()) or ref in self.refs:
            return None
        ctype = get("type") or "library"
        if ctype not in _TYPES:
            return None
        purl = text(get("purl"))
        if purl is not None and purl_error(purl):
            return None
        cpe = None if (raw := get("cpe")) is None else text(raw)
        if cpe is not None and not cpe_is_valid(cpe):
            return None
        hashes: tuple[tuple[str, str], ...] = ()
        if raw := get("hashes"):
            pairs = []
            for h in raw:
                alg, content = h.get("alg"), h.get("content")
                if alg.__class__ is not str or content.__class__ is not str:
                    return None
                if hash_error(alg, content):
                    return None
                pairs.append((alg, content.lower()))
            hashes = tuple(pairs)
        self.refs[ref] = loc
        props: tuple[tuple[str, str], ...] = ()
        level = eos = None
        if raw := get("properties"):
            props = tuple(
                (str(p.get("name", "")), str(p.get("value", "")))
                for p in raw
                if isinstance(p, dict)
            )
            if props:
                level, eos = support_from_properties(props, location=loc, warnings=self.warnings)
        return self.assemble(get, loc, ref, ctype, purl, cpe, hashes, parent, level, eos, props)

    def assemble(
        self,
        get: Callable[[str], Any],
        loc: str,
        ref: str,
        ctype: str,
        purl: str | None,
        cpe: str | None,
        hashes: tuple[tuple[str, str], ...],
        parent: str | None,
        level: str | None,
        eos: Any,
        props: tuple[tuple[str, str], ...],
    ) -> ParsedComponent:
        """The component from its checked identifiers and the plain fields read here: the one
        field table of both paths (a new field is added here once)."""
        name = text(get("name")) or ""
        if not name:
            self.warnings.add("noname", loc, "component without a name")
        version = text(get("version"))
        if version is None:
            self.warnings.add("noversion", loc, "component without a version")
        supplier = get("supplier") or get("manufacturer")
        supplier_name = (
            text(supplier.get("name")) if isinstance(supplier, dict) else None
        ) or text(get("publisher"))
        if supplier_name is None:
            self.warnings.add("nosupplier", loc, "component without a supplier (or publisher)")
        author = None if (raw := get("author")) is None else text(raw)
        if author is None and (authors := get("authors")):
            author = ", ".join(names(authors)) or None
        return make_component(
            (  # in ParsedComponent's field order
                ref,
                ctype,
                name,
                None if (raw := get("group")) is None else text(raw),
                version,
                supplier_name,
                author,
                purl,
                cpe,
                hashes,
                licenses(raw) if (raw := get("licenses")) else (),
                parent,
                None if (raw := get("description")) is None else text(raw),
                None if (raw := get("scope")) is None else text(raw),
                level,
                eos,
                props,
            )
        )

    def component(self, c: dict[str, Any], loc: str, parent: str | None) -> ParsedComponent:
        step = self.step
        ref = text(c.get("bom-ref"))
        if ref is None:
            self.auto += 1
            ref = f"{AUTO_PREFIX}{self.auto}"
        elif ref in self.refs:
            raise DocumentError(
                f"duplicate bom-ref {ref!r} (also at {self.refs[ref]})",
                source=self.source,
                location=loc,
            )
        self.refs[ref] = loc
        ctype = c.get("type") or "library"
        if ctype not in _TYPES:
            self.warnings.add(f"type:{ctype}", loc, f"unknown component type {ctype!r} → other")
            ctype = "other"
        bad: list[tuple[str, str]] = []
        purl = text(c.get("purl"))
        if purl is not None and (why := purl_error(purl)):
            self.invalid(f"invalid purl {purl!r}: {why}", step(loc, "purl", None))
            bad.append(("medsec:invalid-purl", purl))
            purl = None
        cpe = text(c.get("cpe"))
        if cpe is not None and not cpe_is_valid(cpe):
            self.invalid(f"invalid CPE {cpe!r}", step(loc, "cpe", None))
            bad.append(("medsec:invalid-cpe", cpe))
            cpe = None
        hashes = []
        for i, h in enumerate(c.get("hashes") or ()):
            alg, content = h.get("alg"), h.get("content")
            if not isinstance(alg, str) or not isinstance(content, str):
                continue
            if why := hash_error(alg, content):
                self.invalid(why, step(loc, "hashes", i))
                bad.append(("medsec:invalid-hash", f"{alg}:{content}"))
                continue
            hashes.append((alg, content.lower()))
        props = tuple(
            (str(p.get("name", "")), str(p.get("value", "")))
            for p in c.get("properties") or ()
            if isinstance(p, dict)
        ) + tuple(bad)
        level, eos = (
            support_from_properties(props, location=loc, warnings=self.warnings)
            if props
            else (None, None)
        )
        get = c.get
        return self.assemble(
            get, loc, ref, ctype, purl, cpe, tuple(hashes), parent, level, eos, props
        )

    def invalid(self, message: str, location: str) -> None:
        """Refuse (strict) or warn about an invalid identifier or hash (lenient: it is dropped)."""
        if self.strict:
            raise DocumentError(message, source=self.source, location=location)
        self.warnings.add(
            f"invalid:{location}",
            location,
            f"{message} (kept verbatim as medsec:invalid-*, flagged invalid, never matched)",
        )

    def walk(self, items: Any, base: str, parent: str | None, out: list[ParsedComponent]) -> None:
        """Flatten nested components in document order (explicit stack, no recursion)."""
        stack: list[tuple[list[Any], int, str, str | None]] = [(list(items or ()), 0, base, parent)]
        while stack:
            seq, i, where, par = stack.pop()
            if i >= len(seq):
                continue
            stack.append((seq, i + 1, where, par))
            loc = self.step(where, "components", i)
            comp = (self.lean(seq[i], loc, par) if self.fast else None) or self.component(
                seq[i], loc, par
            )
            out.append(comp)
            self.count += 1
            if self.count > MAX_COMPONENTS:
                raise DocumentTooLarge(
                    f"more than {MAX_COMPONENTS} components", source=self.source, location=loc
                )
            if children := seq[i].get("components"):
                stack.append((list(children), 0, loc, comp.ref))
