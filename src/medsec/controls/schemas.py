"""Read and write models of security controls."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class PrincipleRead(BaseModel):
    """A design principle of the seed's Table 1 and its points."""

    id: str
    name: str
    points: list[str]


class ControlCreate(BaseModel):
    """A new control of a product."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    name: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=20_000)
    principles: list[str] = Field(default_factory=list, max_length=7)
    rationale: str | None = Field(default=None, max_length=20_000)
    owner: str | None = Field(default=None, max_length=200)
    side_effects: str | None = Field(default=None, max_length=20_000)
    selectors: list[str] = Field(default_factory=list, max_length=100)


class ControlResultRead(BaseModel):
    """A result that verifies (or fails) a control on a release."""

    kind: str
    key: str
    name: str
    outcome: str
    source_name: str


class ControlRead(BaseModel):
    """A control with, for one release, its verification status and linked results."""

    id: int
    product: str
    key: str
    name: str
    description: str | None
    principles: list[str]
    rationale: str | None
    owner: str | None
    side_effects: str | None
    selectors: list[str]
    threats: list[str]
    findings: list[int]
    release: str | None = None
    verification: str | None = None  # verified | unverified | failing, on ``release``
    results: list[ControlResultRead] = Field(default_factory=list)
    updated_by: str
    updated_at: datetime


class ControlLinkCreate(BaseModel):
    """Links to add to a control."""

    model_config = ConfigDict(extra="forbid")

    release: str | None = Field(default=None, max_length=100)
    threats: list[str] = Field(default_factory=list, max_length=1000)
    findings: list[int] = Field(default_factory=list, max_length=1000)
    selectors: list[str] = Field(default_factory=list, max_length=100)
