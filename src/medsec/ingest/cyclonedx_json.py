"""CycloneDX JSON reader: official-schema validation, then a mapping shared with the XML reader."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson

from medsec.errors import DocumentError, UnsupportedFormat
from medsec.ingest._common import (
    Warnings,
    cpe_is_valid,
    hash_error,
    parse_datetime,
    purl_error,
    support_from_properties,
)
from medsec.ingest.sbom_model import (
    COMPONENT_TYPES,
    ParsedComponent,
    ParsedSbom,
    make_component,
)

JSON_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_SHARED_SCHEMAS = (
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
    "cryptography-defs.SNAPSHOT.schema.json",
)
_TYPES = frozenset(COMPONENT_TYPES)
AUTO_PREFIX = "medsec:auto:"

# step(base, key, index) -> location of item ``index`` (0-based) of list ``key`` under ``base``.
Step = Callable[[str, str, int | None], str]


def json_step(base: str, key: str, index: int | None) -> str:
    """JSON path of ``base.key[index]``."""
    return f"{base}.{key}" if index is None else f"{base}.{key}[{index}]"


def _load_schema(name: str) -> Any:
    res = resources.files("cyclonedx.schema._res").joinpath(name)
    return orjson.loads(res.read_bytes())


@cache
def _validator(spec_version: str) -> Any:
    """The compiled official JSON schema validator for a spec version (built once)."""
    registry = jsonschema_rs.Registry(
        [(f"http://cyclonedx.org/schema/{n}", _load_schema(n)) for n in _SHARED_SCHEMAS]
    )
    schema = _load_schema(f"bom-{spec_version}.SNAPSHOT.schema.json")
    # iri-reference is not checked: real BOMs carry unexpanded Maven URLs like ``${project.url}``.
    formats = {"iri-reference": _any_string}
    return jsonschema_rs.validator_for(
        schema, registry=registry, validate_formats=True, formats=formats
    )


def _any_string(value: str) -> bool:
    return True


def _json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def validate_schema(doc: Any, spec_version: str, *, source: str) -> None:
    """Raise DocumentError naming the first schema errors (with JSON paths)."""
    errors = []
    for err in _validator(spec_version).iter_errors(doc):
        errors.append(err)
        if len(errors) == 3:
            break
    if errors:
        first = _json_path(errors[0].instance_path)
        detail = "; ".join(f"{_json_path(e.instance_path)}: {e.message[:200]}" for e in errors)
        raise DocumentError(
            f"not valid CycloneDX {spec_version} (schema): {detail}", source=source, location=first
        )


def read_cyclonedx_json(
    doc: dict[str, Any], *, source: str, spec_version: str, strict: bool = True
) -> ParsedSbom:
    """Validate a parsed CycloneDX JSON document against its schema and map it to a ParsedSbom."""
    if spec_version not in JSON_VERSIONS:
        raise UnsupportedFormat(
            f"CycloneDX JSON {spec_version} is not supported ({', '.join(JSON_VERSIONS)} are)",
            source=source,
            location="$.specVersion",
        )
    validate_schema(doc, spec_version, source=source)
    return map_cyclonedx(
        doc,
        source=source,
        spec_version=spec_version,
        encoding="json",
        root="$",
        step=json_step,
        strict=strict,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    return value.strip() or None


def _licenses(items: Any) -> tuple[str, ...]:
    out: list[str] = []
    for item in items or ():
        if not isinstance(item, dict):
            continue
        if expr := _text(item.get("expression")):
            out.append(expr)
        lic = item.get("license")
        if isinstance(lic, dict) and (value := _text(lic.get("id")) or _text(lic.get("name"))):
            out.append(value)
    return tuple(out)


def _names(items: Any) -> list[str]:
    return [
        name
        for item in items or ()
        if isinstance(item, dict) and (name := _text(item.get("name")) or _text(item.get("email")))
    ]


def _tool_names(tools: Any) -> tuple[str, ...]:
    if isinstance(tools, dict):  # 1.5+: {"components": [...], "services": [...]}
        items = list(tools.get("components") or ()) + list(tools.get("services") or ())
    else:
        items = list(tools or ())
    out = []
    for t in items:
        if isinstance(t, dict):
            vendor = (
                t.get("vendor")
                or t.get("group")
                or (t.get("publisher") if "vendor" not in t else None)
            )
            parts = [_text(vendor), _text(t.get("name")), _text(t.get("version"))]
            if label := " ".join(p for p in parts if p):
                out.append(label)
    return tuple(out)


class _Mapper:
    """Turns CycloneDX component dicts (from JSON, or XML converted to the same shape) into DTOs."""

    def __init__(self, *, source: str, step: Step, strict: bool, fast: bool = True) -> None:
        self.source = source
        self.step = step
        self.strict = strict
        self.fast = fast
        self.warnings = Warnings()
        self.refs: dict[str, str] = {}  # ref -> location
        self.auto = 0

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
        purl = _text(get("purl"))
        if purl is not None and purl_error(purl):
            return None
        cpe = None if (raw := get("cpe")) is None else _text(raw)
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
        name = _text(get("name")) or ""
        if not name:
            self.warnings.add("noname", loc, "component without a name")
        version = _text(get("version"))
        if version is None:
            self.warnings.add("noversion", loc, "component without a version")
        supplier = get("supplier") or get("manufacturer")
        supplier_name = (
            _text(supplier.get("name")) if isinstance(supplier, dict) else None
        ) or _text(get("publisher"))
        if supplier_name is None:
            self.warnings.add("nosupplier", loc, "component without a supplier (or publisher)")
        author = None if (raw := get("author")) is None else _text(raw)
        if author is None and (authors := get("authors")):
            author = ", ".join(_names(authors)) or None
        return make_component(
            (  # in ParsedComponent's field order
                ref,
                ctype,
                name,
                None if (raw := get("group")) is None else _text(raw),
                version,
                supplier_name,
                author,
                purl,
                cpe,
                hashes,
                _licenses(raw) if (raw := get("licenses")) else (),
                parent,
                None if (raw := get("description")) is None else _text(raw),
                None if (raw := get("scope")) is None else _text(raw),
                level,
                eos,
                props,
            )
        )

    def component(self, c: dict[str, Any], loc: str, parent: str | None) -> ParsedComponent:
        step = self.step
        ref = _text(c.get("bom-ref"))
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
        purl = _text(c.get("purl"))
        if purl is not None and (why := purl_error(purl)):
            self.invalid(f"invalid purl {purl!r}: {why}", step(loc, "purl", None))
            bad.append(("medsec:invalid-purl", purl))
            purl = None
        cpe = _text(c.get("cpe"))
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
        supplier = c.get("supplier") or c.get("manufacturer")
        authors = c.get("authors")
        author = _text(c.get("author")) or (", ".join(_names(authors)) or None if authors else None)
        name = _text(c.get("name")) or ""
        if not name:
            self.warnings.add("noname", loc, "component without a name")
        version = _text(c.get("version"))
        if version is None:
            self.warnings.add("noversion", loc, "component without a version")
        supplier_name = (
            _text(supplier.get("name")) if isinstance(supplier, dict) else None
        ) or _text(c.get("publisher"))
        if supplier_name is None:
            self.warnings.add("nosupplier", loc, "component without a supplier (or publisher)")
        return ParsedComponent(
            ref=ref,
            type=ctype,
            name=name,
            group=_text(c.get("group")),
            version=version,
            supplier=supplier_name,
            author=author,
            purl=purl,
            cpe=cpe,
            hashes=tuple(hashes),
            licenses=_licenses(c.get("licenses")),
            parent_ref=parent,
            description=_text(c.get("description")),
            scope=_text(c.get("scope")),
            support_level=level,
            end_of_support=eos,
            properties=props,
        )

    def invalid(self, message: str, location: str) -> None:
        """Refuse (strict) or warn about an invalid identifier or hash (lenient: it is dropped)."""
        if self.strict:
            raise DocumentError(message, source=self.source, location=location)
        self.warnings.add(
            f"invalid:{location}", location, f"{message} (dropped, kept in properties)"
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
            if children := seq[i].get("components"):
                stack.append((list(children), 0, loc, comp.ref))


def map_cyclonedx(
    doc: dict[str, Any],
    *,
    source: str,
    spec_version: str,
    encoding: str,
    root: str,
    step: Step,
    strict: bool = True,
    fast: bool = True,
) -> ParsedSbom:
    """Map a CycloneDX document (JSON shape) to a ParsedSbom; semantic checks included.

    ``fast=False`` maps every component through the general path (the reference in the tests).
    """
    m = _Mapper(source=source, step=step, strict=strict, fast=fast)
    meta = doc.get("metadata") or {}
    meta_loc = step(root, "metadata", None)
    components: list[ParsedComponent] = []
    primary = None
    if isinstance(meta.get("component"), dict):
        ploc = step(meta_loc, "component", None)
        pdict = meta["component"]
        pref = _text(pdict.get("bom-ref"))
        primary = m.component({**pdict, "bom-ref": pref or f"{AUTO_PREFIX}primary"}, ploc, None)
        m.walk(pdict.get("components"), ploc, primary.ref, components)
    primary_ref = primary.ref if primary else None
    if primary_ref is not None:
        m.refs.pop(primary_ref, None)  # a component may restate the primary (cdxgen does)
    top: list[ParsedComponent] = []
    m.walk(doc.get("components"), root, None, top)
    if primary_ref is not None and any(c.ref == primary_ref for c in top):
        m.warnings.add(
            "primary-dup",
            meta_loc,
            f"metadata.component bom-ref {primary_ref!r} also names a component",
        )
    components.extend(top)
    known = set(m.refs)
    if primary_ref:
        known.add(primary_ref)
    first: dict[tuple[str, str], int] = {}  # each edge once, with its first dependency's index
    for i, dep in enumerate(doc.get("dependencies") or ()):
        ref = _text(dep.get("ref")) or ""
        for target in dep.get("dependsOn") or ():
            first.setdefault((ref, target if target.__class__ is str else str(target)), i)
    edges: list[tuple[str, str]] = []
    for edge, i in first.items():
        if edge[0] in known and edge[1] in known:
            edges.append(edge)
            continue
        missing = edge[0] if edge[0] not in known else edge[1]
        m.warnings.add(
            "dangling",
            step(root, "dependencies", i),
            f"dependency on unknown bom-ref {missing!r} ignored",
        )
    if not components and not primary:
        m.warnings.add("empty", root, "document declares no components")
    version = doc.get("version")
    return ParsedSbom(
        format="cyclonedx",
        spec_version=spec_version,
        encoding=encoding,
        serial_number=_text(doc.get("serialNumber")),
        document_version=int(version)
        if isinstance(version, int | str) and str(version).isdigit()
        else None,
        name=primary.name if primary else None,
        created=parse_datetime(meta.get("timestamp")),
        authors=tuple(_names(meta.get("authors"))),
        tools=_tool_names(meta.get("tools")),
        primary=primary,
        components=tuple(components),
        dependencies=tuple(edges),
        warnings=m.warnings.result(),
    )
