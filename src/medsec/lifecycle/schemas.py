"""Pydantic input/output shapes of the lifecycle domain (stable JSON keys)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ControlIn(BaseModel):
    """A compensating control with the last day it is in force (none: open-ended)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=500)
    until: date | None = None


class ReleaseLifecycleUpdate(BaseModel):
    """New EOL/EOS dates of a release; fields left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    eol_planned: date | None = None
    eol_announced: date | None = None
    eol_announced_on: date | None = None
    eos_planned: date | None = None
    eos_announced: date | None = None
    eos_announced_on: date | None = None
    patchable: bool | None = None
    controls: list[ControlIn] | None = Field(default=None, max_length=100)


class ControlRead(BaseModel):
    """A compensating control."""

    name: str
    until: date | None = None


class ReleaseLifecycleRead(BaseModel):
    """A release's lifecycle dates (planned and announced), the ones in force, its controls."""

    product: str
    release: str
    release_date: date | None = None
    eol_planned: date | None = None
    eol_announced: date | None = None
    eol_announced_on: date | None = None
    eos_planned: date | None = None
    eos_announced: date | None = None
    eos_announced_on: date | None = None
    eol: date | None = None
    eos: date | None = None
    patchable: bool = False
    controls: list[ControlRead] = Field(default_factory=list)


class ComponentSupportRead(BaseModel):
    """A component's support on a date and where it comes from."""

    ref: str
    name: str
    version: str | None = None
    level: str
    end_of_support: date | None = None
    ended_without_date: bool = False
    limited_support_from: date | None = None
    source: str | None = None
    lifecycle_product: str | None = None
    lifecycle_cycle: str | None = None
    matched_by: str | None = None
    conflict: str | None = None


class HorizonRead(BaseModel):
    """A release's support horizon on a date."""

    product: str
    release: str
    on: date
    horizon: date | None = None
    set_by: list[ComponentSupportRead] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    components: int = 0
    components_with_end_of_support: int = 0
    ended: list[ComponentSupportRead] = Field(default_factory=list)
    conflicts: list[ComponentSupportRead] = Field(default_factory=list)


class LegacyRead(BaseModel):
    """Legacy determination: legacy, at_risk, not_legacy or unknown, with the reasons."""

    status: Literal["legacy", "at_risk", "not_legacy", "unknown"]
    reasons: list[str] = Field(default_factory=list)
    controls: list[ControlRead] = Field(default_factory=list)
    protected_until: date | None = None


class ReleaseStatusRead(BaseModel):
    """A release on a date: phase, dates, horizon summary and legacy determination."""

    product: str
    release: str
    on: date
    phase: str | None = None
    phase_words: str
    lifecycle: ReleaseLifecycleRead
    horizon: date | None = None
    horizon_set_by: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    legacy: LegacyRead


class NoticeRead(BaseModel):
    """A customer notice that is due."""

    product: str
    release: str
    key: str
    milestone: Literal["eol", "eos", "component_eos"]
    milestone_date: date
    months_before: int
    due_on: date
    subject: str
    component: ComponentSupportRead | None = None


class QuarterRead(BaseModel):
    """What reaches a milestone in one calendar quarter."""

    quarter: str
    end_of_life: list[str] = Field(default_factory=list)
    end_of_support: list[str] = Field(default_factory=list)
    component_end_of_support: list[str] = Field(default_factory=list)


class PlanRead(BaseModel):
    """Planning view of a product family: milestones by quarter, legacy and at-risk releases."""

    product: str
    on: date
    quarters: list[QuarterRead] = Field(default_factory=list)
    releases: list[ReleaseStatusRead] = Field(default_factory=list)
    assets: Literal["not available"] = "not available"


class ProblemRead(BaseModel):
    """A problem in a lifecycle file, with the file and place."""

    source: str
    location: str
    message: str
    kept: bool = False


class LifecycleImportRead(BaseModel):
    """What a lifecycle import stored and what it reported."""

    products: int
    new: int
    replaced: int
    unchanged: int
    cycles: int
    problems: list[ProblemRead] = Field(default_factory=list)


class LifecycleProductRead(BaseModel):
    """An imported endoflife.date product."""

    slug: str
    title: str
    cycles: int
    purls: list[str] = Field(default_factory=list)
    cpes: list[str] = Field(default_factory=list)


class MappingRead(BaseModel):
    """A user mapping row."""

    purl_type: str
    name: str
    product: str
