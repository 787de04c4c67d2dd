"""Typed shapes of the software updates API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import ReadModel


class AddressedIn(BaseModel):
    """A finding the update addresses and how: fixed, risk_reduced or cyber_hygiene."""

    model_config = ConfigDict(extra="forbid")

    finding: int = Field(ge=1, le=2**31 - 1)
    effect: str = Field(default="fixed", max_length=20)


class UpdateCreate(BaseModel):
    """A software update of a product (seed 6.4, Tables 2 and 3)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    method: str = Field(min_length=1, max_length=30)
    release: str | None = Field(default=None, min_length=1, max_length=200)
    addresses: list[AddressedIn] = Field(default_factory=list, max_length=1000)
    cyber_hygiene: bool = False
    other_impact: bool = False
    description: str | None = Field(default=None, max_length=10_000)
    planned: date | None = None


class AddressedRead(ReadModel):
    """A finding an update addresses."""

    finding: int
    effect: str


class UpdateRead(ReadModel):
    """A recorded update with its method and the oversight level derived from its findings."""

    id: int
    name: str
    release: str | None = None
    method: str
    method_title: str
    user_responsibility: str
    description: str | None = None
    cyber_hygiene: bool
    planned: str | None = None
    addressed: list[AddressedRead]
    oversight: str
    oversight_reasons: list[str]
    created_by: str
    created_at: str
