"""Pydantic input/output shapes of findings for the API.

Findings are the same JSON as `medsec findings list|show --format json` (built by
`listing`/`detail`); `FindingRead` and `FindingDetailRead` name and type its fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import ReadModel


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


class SsvcRead(ReadModel):
    """The SSVC decision in force on a finding."""

    outcome: str | None = None
    vector: str | None = None


class FindingRead(ReadModel):
    """One finding as `medsec findings list --format json` gives it."""

    id: int
    product: str
    release: str
    component: dict[str, Any]
    vulnerability: dict[str, Any]
    status: str
    first_seen: str
    last_seen: str
    resolved_at: str | None = None
    matched_by: Any = None
    vex: VexDecisionRead | None = None
    risk: dict[str, Any] | None = None
    ssvc: SsvcRead | None = None
    priority: dict[str, Any]


class CvssRescoreRead(ReadModel):
    """A CVSS rescoring of the finding in the device's context."""

    source_vector: str | None = None
    source: str | None = None
    vector: str
    score: float
    severity: str
    rubric: Any = None
    reason: str
    by: str
    at: str


class SsvcDecisionRead(ReadModel):
    """An SSVC decision recorded on the finding."""

    role: str
    outcome: str
    vector: str | None = None
    inputs: Any = None
    by: str
    at: str


class FindingEventRead(ReadModel):
    """A match event of the finding (first seen, resolved, reopened, ...)."""

    event: str
    at: str
    details: Any = None


class FindingDetailRead(FindingRead):
    """Everything about one finding, as `medsec findings show --format json` gives it."""

    signals: dict[str, Any]
    vex_history: list[VexDecisionRead]
    cvss_rescores: list[CvssRescoreRead]
    ssvc_decisions: list[SsvcDecisionRead]
    risk_history: list[dict[str, Any]]
    events: list[FindingEventRead]


class FindingsPage(BaseModel):
    """One page of findings (each as `medsec findings list --format json` gives it)."""

    total: int
    offset: int
    limit: int
    items: list[FindingRead]


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
    markets: list[str] = []  # jurisdiction profile codes as recorded (empty: the FDA profile)
