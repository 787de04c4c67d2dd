"""Read models and export inputs of the sharing domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

StixBundle = dict[str, Any]
"""A STIX 2.1 bundle (an external document: OASIS STIX 2.1 JSON, checked against its schemas)
as parsed JSON; medsec never reads into it beyond `id`, `objects` and each object's `type`."""

StixObject = dict[str, Any]
"""One STIX 2.1 object (an external document: OASIS STIX 2.1 JSON) as parsed JSON, e.g. a TLP
2.0 marking definition; it stays a document because `stix2.parse` and partners read it."""


class BuiltStix(NamedTuple):
    """A STIX bundle built for a partner: the bundle, the incidents it holds, its strictest TLP
    and the incidents withheld ("INC-…: why no agreement allows it")."""

    bundle: StixBundle
    incidents: list[str]
    tlp: str
    withheld: list[str]


@dataclass(frozen=True, slots=True)
class IndicatorOut:
    """An indicator as the incident recorded it."""

    name: str
    pattern: str
    shareable: bool


@dataclass(frozen=True, slots=True)
class RemedyOut:
    """A patch (a linked update) or a mitigation (a linked finding's VEX action statement)."""

    kind: str  # patch | mitigation
    name: str
    description: str
    cves: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentOut:
    """What the STIX export may read of one incident (before redaction)."""

    ref: str
    product: str | None
    releases: tuple[str, ...]
    detected_at: datetime
    share_summary: str
    tlp: str
    cves: tuple[str, ...]
    indicators: tuple[IndicatorOut, ...]
    known: tuple[str, ...] = field(default=())  # identifying values (redaction rule R3)
    remedies: tuple[RemedyOut, ...] = field(default=())  # courses of action (rule R7)


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExportRead(_Read):
    """What an export wrote."""

    path: str
    bundle_id: str
    incidents: list[str]
    objects: int
    counts: dict[str, int]
    tlp: str
    partner: str
    withheld: list[str] = []  # "INC-…: why no agreement allows it"


class SharedObjectRead(_Read):
    """An indicator or vulnerability received, with what it was linked to."""

    stix_id: str
    stix_type: str
    name: str
    pattern: str | None
    cves: list[str]
    products: list[str]
    findings: list[int]


class ImportRead(_Read):
    """One STIX document imported."""

    id: int
    source_name: str
    sha256: str
    bundle_id: str | None
    object_count: int
    counts: dict[str, int]
    imported_at: datetime
    objects: list[SharedObjectRead]


class AgreementRead(_Read):
    """A written sharing agreement."""

    id: int
    partner: str
    scope: str
    tlp: str
    signed_on: date
    expires_on: date | None
