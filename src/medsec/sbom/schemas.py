"""Pydantic output shapes of the SBOM domain."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


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
