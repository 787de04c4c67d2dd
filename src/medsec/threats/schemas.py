"""Read models of threats and their risk records."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class ThreatRiskRead(BaseModel):
    """The current patient-harm risk record of a threat."""

    id: int
    version: int
    hazardous_situation: str
    harm: str
    severity: str
    exploitability: str
    risk_before: str
    residual: str
    region: str
    acceptable: bool
    fda_class: str
    status: str
    rationale: str | None
    accepted_by: str | None
    accepted_at: datetime | None


class ThreatRead(BaseModel):
    """A threat of a release."""

    id: int
    product: str
    release: str
    key: str
    library_id: str | None
    category: str
    category_name: str
    title: str
    description: str | None
    target_kind: str
    target_id: str | None
    status: str
    severity: str | None
    origin: str
    stale: bool
    principles: list[str]
    rationale: str | None
    updated_by: str
    updated_at: datetime
    risk: ThreatRiskRead | None = None


class GenerateRead(BaseModel):
    """What threat generation did."""

    product: str
    release: str
    model_version: int | None
    created: int
    kept: int
    stale: int
    total: int


class ThreatEdit(BaseModel):
    """New values for a threat (absent fields keep their value)."""

    status: str | None = Field(default=None, max_length=20)
    severity: str | None = Field(default=None, max_length=20)
    title: str | None = Field(default=None, min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=20_000)
    rationale: str | None = Field(default=None, max_length=20_000)


class FourQuestionsRead(BaseModel):
    """The four questions of threat modelling (seed 5.2) for one release."""

    product: str
    release: str
    what_are_we_building: str
    what_can_go_wrong: str
    what_are_we_going_to_do: str
    did_we_do_enough: str
    enough: bool


class ThreatCreate(BaseModel):
    """A threat written by hand (one the library does not give)."""

    key: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9@._:-]*$")
    title: str = Field(min_length=1, max_length=2000)
    category: str = Field(pattern=r"^[STRIDE]$", description="a STRIDE letter")
    description: str | None = Field(default=None, max_length=20_000)
    target_id: str | None = Field(default=None, max_length=300)
    severity: str | None = Field(default=None, max_length=20)
