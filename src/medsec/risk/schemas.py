"""Typed request and response shapes of the assessment API: patient-harm risk records and their
acceptance, CVSS rescoring (environmental metrics or the MITRE rubric), SSVC, the heat map."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import ReadModel

SsvcSelectionList = dict[str, Any]
"""A CERT/CC SSVC SelectionList 2.0.0 object (an external format, checked against its JSON
schema) as parsed JSON: an outbound document other SSVC tools read, so it stays a document."""


class RiskControlIn(BaseModel):
    """A risk control and its effect in steps down the exploitability and severity scales."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    exploitability_steps: int = Field(default=1, ge=0, le=10)
    severity_steps: int = Field(default=0, ge=0, le=10)
    verified: bool = True


class RiskAssessCreate(BaseModel):
    """A new version of a finding's risk record (exploitability derived unless overridden)."""

    model_config = ConfigDict(extra="forbid")

    hazardous_situation: str = Field(min_length=1, max_length=10_000)
    harm: str = Field(min_length=1, max_length=10_000)
    severity: str = Field(min_length=1, max_length=40)
    controls: list[RiskControlIn] = Field(default_factory=list, max_length=100)
    exploitability: str | None = Field(default=None, max_length=40)
    override_reason: str | None = Field(default=None, max_length=10_000)
    rationale: str | None = Field(default=None, max_length=10_000)


class RiskAcceptCreate(BaseModel):
    """A reviewer's sign-off of a finding's residual risk (a rationale is needed for ALARP)."""

    model_config = ConfigDict(extra="forbid")

    rationale: str | None = Field(default=None, max_length=10_000)


class RiskRecordRead(ReadModel):
    """One version of a finding's risk record, as `medsec findings show --format json` has it."""

    version: int
    hazardous_situation: str
    harm: str
    severity: str
    exploitability: str
    exploitability_reasons: list[str]
    exploitability_override: str | None = None
    controls: list[dict[str, Any]]
    risk_before: str
    residual: str
    region: str
    acceptable: bool | None = None
    fda_class: str
    status: str
    rationale: str | None = None
    changed_by: str
    changed_at: str
    accepted_by: str | None = None
    accepted_at: str | None = None
    evaluation: dict[str, Any]


class RescoreCreate(BaseModel):
    """Rescore a finding: environmental metrics on its source vector, or the rubric's answers."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=10_000)
    environmental: dict[str, str] = Field(default_factory=dict, max_length=30)
    rubric_answers: dict[str, str] = Field(default_factory=dict, max_length=100)
    rubric_rationales: dict[str, str] = Field(default_factory=dict, max_length=100)


class RubricQuestionRead(BaseModel):
    """One question of the MITRE medical-device rubric and the answers it takes."""

    id: str
    metric: str
    category: str | None = None
    text: str
    answers: list[str]


class RubricStepRead(BaseModel):
    """The questions still to answer, or (when none remain) the vector the answers give."""

    questions: list[RubricQuestionRead]
    vector: str | None = None
    score: float | None = None
    severity: str | None = None
    answers: str | None = None
    ignored: list[str] = Field(default_factory=list)


class RubricAnswers(BaseModel):
    """Rubric answers given so far (question id -> yes, no or unknown)."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, str] = Field(default_factory=dict, max_length=100)


class SsvcSuggestionRead(BaseModel):
    """A decision point's suggested value with where it came from."""

    value: str
    source: str
    reason: str


class SsvcPointRead(BaseModel):
    """One decision point of an SSVC tree: its values and medsec's suggestion (when known)."""

    point: str
    name: str
    values: list[str]
    suggested: SsvcSuggestionRead | None = None


class SsvcSuggestionsRead(BaseModel):
    """The decision points of a role's SSVC tree for one finding."""

    finding_id: int
    role: str
    points: list[SsvcPointRead]


class SsvcOverrideIn(BaseModel):
    """A decision point's value set by a person, with the reason."""

    model_config = ConfigDict(extra="forbid")

    value: str = Field(min_length=1, max_length=60)
    reason: str = Field(min_length=1, max_length=10_000)


class SsvcCreate(BaseModel):
    """Decide SSVC for a finding: the suggestions, then the overrides given."""

    model_config = ConfigDict(extra="forbid")

    role: str = Field(default="supplier", max_length=20)
    overrides: dict[str, SsvcOverrideIn] = Field(default_factory=dict, max_length=10)


class HeatMapCellRead(ReadModel):
    """How many current risk records fall into one exploitability x severity cell."""

    exploitability: str
    severity: str
    count: int


class HeatMapRead(ReadModel):
    """A product's risk heat map before and after controls (`policy`: the risk policy's JSON)."""

    policy: dict[str, Any]
    exploitability_levels: list[str]
    severity_levels: list[str]
    before: list[HeatMapCellRead]
    residual: list[HeatMapCellRead]
    records: int


class RiskCellFindingRead(ReadModel):
    """A risk record counted in a heat-map cell, with its levels: a finding's (its id,
    component and vulnerability) or a threat's (`threat`: its key; `vulnerability`: its title)."""

    finding_id: int | None
    threat: str | None = None
    release: str
    component: str
    vulnerability: str
    severity: str
    exploitability: str
    residual_severity: str
    residual_exploitability: str
    region: str
    status: str


class RiskCellPage(ReadModel):
    """One page of the findings a heat-map cell counts."""

    total: int
    offset: int
    limit: int
    items: list[RiskCellFindingRead]
