"""Pydantic output shapes of the SBOM domain."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict

from medsec.core.schemas import IsoDate


class ComponentRead(BaseModel):
    """A stored component with its support information (FDA premarket guidance)."""

    model_config = ConfigDict(from_attributes=True)

    ref: str
    type: str
    group: str | None = None
    name: str
    version: str | None = None
    supplier: str | None = None
    purl: str | None = None
    cpe: str | None = None
    licenses: list[str] = []
    support_level: str | None = None
    end_of_support: date | None = None
    support_source: str | None = None


class ComponentPage(BaseModel):
    """One page of a release's components (current SBOM revision)."""

    product: str
    release: str
    sbom_revision: int
    total: int
    offset: int
    limit: int
    items: list[ComponentRead]


class QualityGapRead(BaseModel):
    """An element missing on some components of an uploaded SBOM."""

    element: str
    required: bool
    components_missing: int


class SbomDiffRead(BaseModel):
    """Counts of what changed against the previous revision of the release."""

    previous_revision: int
    added: int
    removed: int
    changed: int
    unchanged: int


class SbomWarningRead(BaseModel):
    """Something valid but incomplete in the document (the import went ahead)."""

    location: str
    message: str


class SbomUploadRead(BaseModel):
    """What an SBOM upload stored: the new revision, its quality and the diff to the last one."""

    product: str
    release: str
    revision: int
    format: str
    spec_version: str
    component_count: int
    created_product: bool
    created_release: bool
    quality_score: float
    quality_gaps: list[QualityGapRead]
    diff: SbomDiffRead | None = None
    warnings: list[SbomWarningRead]


class HashRead(BaseModel):
    """One hash of a component: the algorithm as CycloneDX names it and the lowercase hex."""

    alg: str
    content: str


class ParsedComponentRead(BaseModel):
    """A component of an SBOM revision as `medsec sbom show --format json` prints it."""

    ref: str
    type: str
    group: str | None = None
    name: str
    version: str | None = None
    supplier: str | None = None
    author: str | None = None
    purl: str | None = None
    cpe: str | None = None
    hashes: list[HashRead] = []
    licenses: list[str] = []
    parent_ref: str | None = None
    scope: str | None = None
    support_level: str | None = None
    end_of_support: IsoDate | None = None
    support_source: str | None = None


class StoredPrimary(BaseModel):
    """The primary (described) component of an SBOM as stored in ``sbom.primary`` (JSON)."""

    model_config = ConfigDict(frozen=True)

    ref: str
    type: str
    name: str
    group: str | None = None
    version: str | None = None
    supplier: str | None = None
    author: str | None = None
    purl: str | None = None
    cpe: str | None = None
    hashes: list[tuple[str, str]] = []
    licenses: list[str] = []
    parent_ref: str | None = None
    description: str | None = None
    scope: str | None = None
    support_level: str | None = None
    end_of_support: IsoDate | None = None
    properties: list[tuple[str, str]] = []
