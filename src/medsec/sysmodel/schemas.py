"""Read models of system models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class SystemModelRead(BaseModel):
    """One version of a release's system model, with its file form."""

    product: str
    release: str
    version: int
    is_current: bool
    name: str
    source_format: str
    source_name: str | None
    unmapped: list[str]
    note: str | None
    counts: dict[str, int]
    created_by: str
    created_at: datetime
    document: dict[str, Any] = Field(description="the model in medsec's file form")


class ModelChangeRead(BaseModel):
    """One difference between two versions of a model."""

    kind: str
    id: str
    change: str
    fields: list[str]


class ElementEdit(BaseModel):
    """New values for one element of the model (absent fields keep their value)."""

    name: str | None = Field(default=None, min_length=1, max_length=500)
    type: str | None = Field(default=None, max_length=30)
    boundary: str | None = Field(default=None, max_length=300)
    description: str | None = Field(default=None, max_length=10_000)
    note: str | None = Field(default=None, max_length=2000)
