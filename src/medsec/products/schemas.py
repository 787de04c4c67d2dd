"""Pydantic input/output shapes for products and releases."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import IsoDate

UseEnvironment = Literal["hospital", "home", "both"]


class NetworkInterface(BaseModel):
    """A network interface or port of a release (seed 5.5.1; labeling's ports list)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    protocol: str | None = Field(default=None, max_length=50)
    port: int | None = Field(default=None, ge=0, le=65535)
    direction: Literal["inbound", "outbound", "both"] | None = None
    purpose: str | None = Field(default=None, max_length=1000)


class ProductCreate(BaseModel):
    """A new device model."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    manufacturer: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)


class ReleaseCreate(BaseModel):
    """A new release of a device model."""

    model_config = ConfigDict(extra="forbid")

    version: str = Field(min_length=1, max_length=100)
    release_date: date | None = None
    use_environment: UseEnvironment = "hospital"
    clinical_function: str | None = Field(default=None, max_length=10_000)
    essential_performance: str | None = Field(default=None, max_length=10_000)
    interfaces: list[NetworkInterface] = Field(default_factory=list, max_length=500)


class ReleaseRead(ReleaseCreate):
    """A stored release as shown to users."""

    product: str
    current_sbom_revision: int | None = None
    component_count: int | None = None


class ProductRead(BaseModel):
    """A stored product as shown to users."""

    name: str
    manufacturer: str
    description: str | None = None
    releases: list[str] = Field(default_factory=list)
    markets: list[str] = Field(default_factory=list)  # jurisdiction profile codes; empty: fda


class ReleaseLineRead(BaseModel):
    """A release as `medsec release list|show --format json` prints it (interfaces as stored)."""

    product: str
    version: str
    release_date: IsoDate | None = None
    use_environment: str
    clinical_function: str | None = None
    essential_performance: str | None = None
    interfaces: list[dict[str, Any]] = Field(default_factory=list)


class ProductUpdate(BaseModel):
    """Changes to a device model: only the fields given change."""

    model_config = ConfigDict(extra="forbid")

    manufacturer: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10_000)
    markets: list[str] | None = Field(default=None, max_length=10)  # fda, jp, eu, ca


class ReleaseUpdate(BaseModel):
    """Changes to a release: only the fields given change (``interfaces`` replaces the list)."""

    model_config = ConfigDict(extra="forbid")

    release_date: date | None = None
    use_environment: UseEnvironment | None = None
    clinical_function: str | None = Field(default=None, max_length=10_000)
    essential_performance: str | None = Field(default=None, max_length=10_000)
    interfaces: list[NetworkInterface] | None = Field(default=None, max_length=500)


class ProductRename(BaseModel):
    """A product's new name."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
