"""Frozen DTOs that every SBOM reader produces and every SBOM writer consumes.

The readers (CycloneDX JSON/XML, SPDX JSON/tag-value) turn a document into a ``ParsedSbom``;
storage, quality checks, diffs and exports work from it. No I/O, no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

# Canonical component types: the CycloneDX vocabulary (SPDX purposes are mapped onto it).
COMPONENT_TYPES = (
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
    "cryptographic-asset",
    "source",
    "archive",
    "install",
    "other",
)

# Canonical FDA "level of support" values (premarket guidance V.A.4; SPDX 3 supportLevel).
SUPPORT_LEVELS = (
    "actively_maintained",
    "limited_support",
    "no_longer_maintained",
    "abandoned",
    "end_of_support",
    "unknown",
)


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something valid but incomplete or odd in a document; the import still goes ahead."""

    location: str
    message: str


@dataclass(frozen=True, slots=True)
class ParsedComponent:
    """One component of an SBOM, whatever the source format."""

    ref: str  # bom-ref / SPDXID, unique in the document (readers generate one when absent)
    type: str  # one of COMPONENT_TYPES
    name: str
    group: str | None = None  # CycloneDX group / Maven groupId / npm scope
    version: str | None = None
    supplier: str | None = None
    author: str | None = None
    purl: str | None = None  # canonical form as given (validated)
    cpe: str | None = None  # CPE 2.2 URI or 2.3 formatted string (validated)
    hashes: tuple[tuple[str, str], ...] = ()  # (algorithm as CycloneDX names it, lowercase hex)
    licenses: tuple[str, ...] = ()  # SPDX ids or expressions, or license names
    parent_ref: str | None = None  # the component this one is nested in (CycloneDX nesting)
    description: str | None = None
    scope: str | None = None  # required | optional | excluded
    support_level: str | None = None  # one of SUPPORT_LEVELS
    end_of_support: date | None = None
    properties: tuple[tuple[str, str], ...] = ()  # name/value pairs kept verbatim


_COMPONENT_SETTERS = tuple(
    getattr(ParsedComponent, f.name).__set__ for f in fields(ParsedComponent)
)


def make_component(values: tuple[Any, ...]) -> ParsedComponent:
    """A ParsedComponent from all its field values in declaration order, without ``__init__``.

    A frozen dataclass's ``__init__`` costs ~3 µs (keywords and a guarded ``__setattr__`` per
    field), the slot setters half that: the readers' fast paths build components this way.
    """
    obj = object.__new__(ParsedComponent)
    for setter, value in zip(_COMPONENT_SETTERS, values, strict=True):
        setter(obj, value)
    return obj


@dataclass(frozen=True, slots=True)
class ParsedSbom:
    """A whole SBOM document: metadata, components (nested ones flattened) and the graph."""

    format: str  # "cyclonedx" | "spdx"
    spec_version: str  # "1.4", "SPDX-2.3", ...
    encoding: str  # "json" | "xml" | "tag-value" | "yaml"
    serial_number: str | None = None  # CycloneDX serialNumber / SPDX documentNamespace
    document_version: int | None = None
    name: str | None = None  # document name (SPDX) or metadata.component name
    created: datetime | None = None
    authors: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    primary: ParsedComponent | None = (
        None  # metadata.component / the package the document DESCRIBES
    )
    components: tuple[
        ParsedComponent, ...
    ] = ()  # every component, nested ones included, document order
    dependencies: tuple[
        tuple[str, str], ...
    ] = ()  # (ref, depends-on ref); refs may name the primary
    warnings: tuple[ParseWarning, ...] = field(default=())

    @property
    def declared_count(self) -> int:
        """Number of components the document declares (nested included, primary excluded)."""
        return len(self.components)
