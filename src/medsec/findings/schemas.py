"""Pydantic input/output shapes of findings for the API.

Findings themselves are the same JSON as `medsec findings list|show --format json` (built by
`listing`/`detail`), kept as objects here so the two never drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class FindingsPage(BaseModel):
    """One page of findings (each as `medsec findings list --format json` gives it)."""

    total: int
    offset: int
    limit: int
    items: list[dict[str, Any]]


class TriageCreate(BaseModel):
    """A VEX triage decision on a finding (as `medsec findings triage`)."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(min_length=1, max_length=60)
    reason: str = Field(min_length=1, max_length=10_000)
    justification: str | None = Field(default=None, max_length=80)
    vocabulary: str = Field(default="canonical", max_length=20)
    action_statement: str | None = Field(default=None, max_length=10_000)
    impact_statement: str | None = Field(default=None, max_length=10_000)
    scope: str = Field(default="release", max_length=20)


class VexDecisionRead(BaseModel):
    """A recorded VEX decision (as in a finding's `vex_history`)."""

    status: str
    justification: str | None
    scope: str
    original: dict[str, Any]
    action_statement: str | None
    impact_statement: str | None
    reason: str
    by: str
    at: str


class ReleaseSummary(BaseModel):
    """A release with its SBOM revision and findings counts."""

    version: str
    release_date: str | None
    use_environment: str
    sbom_revision: int | None
    components: int
    findings: int
    open: int
    kev: int
    by_state: dict[str, int]
    by_severity: dict[str, int]


class ProductOverview(BaseModel):
    """A product with its releases and their counts."""

    name: str
    manufacturer: str
    description: str | None
    releases: list[ReleaseSummary]
