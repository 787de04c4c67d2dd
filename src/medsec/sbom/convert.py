"""Translate between the parsed SBOM DTOs and stored rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from operator import attrgetter
from typing import Any

import orjson

from medsec.core.cpe import cpe_key
from medsec.core.purl import purl_identity
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom
from medsec.models import Component, Sbom
from medsec.sbom.schemas import StoredPrimary

COMPONENT_COLUMNS = (
    "sbom_id",
    "ref",
    "parent_ref",
    "type",
    "name",
    "group",
    "version",
    "supplier",
    "author",
    "purl",
    "cpe",
    "hashes",
    "licenses",
    "description",
    "scope",
    "support_level",
    "end_of_support",
    "support_source",
    "support_note",
    "properties",
    "pkg_space",
    "pkg_name",
    "cpe_key",
)


# The DTO fields stored as they are, in COMPONENT_COLUMNS order (one C call instead of ten).
_VERBATIM = attrgetter(*COMPONENT_COLUMNS[1:11])


def component_row(
    sbom_id: int, c: ParsedComponent, manual: Component | None = None
) -> tuple[Any, ...]:
    """The insert values of one component in COMPONENT_COLUMNS order (JSON serialised).

    ``manual`` is the same component in the previous revision when its support information
    was set by hand; that information is carried forward.
    """
    level, eos, source, note = c.support_level, c.end_of_support, None, None
    if level or eos:
        source = "sbom"
    if manual is not None:
        level, eos, source, note = (
            manual.support_level,
            manual.end_of_support,
            "manual",
            manual.support_note,
        )
    return (
        sbom_id,
        *_VERBATIM(c),
        _json(c.hashes) if c.hashes else "[]",
        _json(c.licenses) if c.licenses else "[]",
        c.description,
        c.scope,
        level,
        eos.isoformat() if eos else None,
        source,
        note,
        _json(c.properties) if c.properties else "[]",
        *(package_key(c.purl) if c.purl else _NO_KEY),
        cpe_key(c.cpe) if c.cpe else None,
    )


_NO_KEY = (None, None)

# Nullable columns without a server default: leaving one out of the INSERT stores NULL.
_NULL_BY_DEFAULT = frozenset(
    c.name for c in Component.__table__.columns if c.nullable and c.server_default is None
)


def drop_null_columns(
    columns: Sequence[str], rows: list[tuple[Any, ...]]
) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """``columns`` and ``rows`` without the columns that are NULL in every row and NULL by
    default anyway (support notes, parents, scopes...): fewer values for the driver to bind."""
    if not rows:
        return tuple(columns), rows
    by_column = list(zip(*rows, strict=True))
    n = len(rows)
    keep = [
        i
        for i, (name, values) in enumerate(zip(columns, by_column, strict=True))
        if name not in _NULL_BY_DEFAULT or values.count(None) < n
    ]
    if len(keep) == len(columns):
        return tuple(columns), rows
    return tuple(columns[i] for i in keep), list(zip(*(by_column[i] for i in keep), strict=True))


def package_key(purl: str | None) -> tuple[str | None, str | None]:
    """(OSV ecosystem family, normalised name) of a purl: the lookup key shared with advisories."""
    ident = purl_identity(purl) if purl else None
    return (ident.family, ident.name) if ident else (None, None)


def _json(value: tuple[Any, ...]) -> str:
    return orjson.dumps(value).decode()


def to_component(row: Component) -> ParsedComponent:
    """A stored component back as a DTO (for checks, diffs and exports)."""
    return ParsedComponent(
        ref=row.ref,
        type=row.type,
        name=row.name,
        group=row.group,
        version=row.version,
        supplier=row.supplier,
        author=row.author,
        purl=row.purl,
        cpe=row.cpe,
        hashes=tuple((a, v) for a, v in row.hashes),
        licenses=tuple(row.licenses),
        parent_ref=row.parent_ref,
        description=row.description,
        scope=row.scope,
        support_level=row.support_level,
        end_of_support=row.end_of_support,
        properties=tuple((n, v) for n, v in row.properties),
    )


def primary_to_json(c: ParsedComponent | None) -> StoredPrimary | None:
    """The primary (described) component in its stored form (``model_dump(mode="json")``)."""
    return None if c is None else StoredPrimary.model_validate(asdict(c))


def primary_from_json(data: dict[str, Any] | None) -> ParsedComponent | None:
    """The primary component back from its stored JSON."""
    if not data:
        return None
    values = dict(data)
    for key in ("hashes", "properties"):
        values[key] = tuple(tuple(x) for x in values.get(key) or ())
    values["licenses"] = tuple(values.get("licenses") or ())
    eos = values.get("end_of_support")
    values["end_of_support"] = date.fromisoformat(eos) if eos else None
    return ParsedComponent(**values)


def to_parsed(sbom: Sbom, components: list[Component], edges: list[tuple[str, str]]) -> ParsedSbom:
    """A stored SBOM revision back as a ParsedSbom."""
    return ParsedSbom(
        format=sbom.format,
        spec_version=sbom.spec_version,
        encoding=sbom.encoding,
        serial_number=sbom.serial_number,
        document_version=sbom.document_version,
        name=sbom.document_name,
        created=sbom.document_created,
        authors=tuple(sbom.authors),
        tools=tuple(sbom.tools),
        primary=primary_from_json(sbom.primary),
        components=tuple(to_component(c) for c in components),
        dependencies=tuple(edges),
    )


def identity(c: Component | ParsedComponent) -> tuple[str | None, ...]:
    """The key that carries manual support information from one revision to the next."""
    if c.purl:
        return ("purl", c.purl)
    return ("name", c.group, c.name, c.version)
