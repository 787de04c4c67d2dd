"""Read and write models of the TPLC cybersecurity management plan (seed 5.4) and the customer
security facts a person writes for the labeling (seed 5.5)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.updates import UpdateMethod

TEXT = 20_000


class PlanContent(BaseModel):
    """What people write into the plan; everything else is read from medsec's records."""

    model_config = ConfigDict(extra="forbid")

    monitoring_review: str | None = Field(
        default=None, max_length=TEXT, description="How new findings are reviewed, and by whom."
    )
    disclosure_policy_url: str | None = Field(default=None, max_length=2000)
    disclosure_contact: str | None = Field(default=None, max_length=500)
    update_cadence: str | None = Field(
        default=None, max_length=TEXT, description="Regular update cycle (e.g. every quarter)."
    )
    update_methods: list[UpdateMethod] = Field(default_factory=list, max_length=3)
    update_validation: str | None = Field(default=None, max_length=TEXT)
    recovery_plan: str | None = Field(default=None, max_length=TEXT)
    isao_memberships: list[str] = Field(default_factory=list, max_length=50)
    end_of_support_policy: str | None = Field(default=None, max_length=TEXT)
    # customer security documentation (seed 5.5.1, 5.5.2): facts only a person can state
    recommended_controls: str | None = Field(default=None, max_length=TEXT)
    backup_restore: str | None = Field(default=None, max_length=TEXT)
    infrastructure: str | None = Field(default=None, max_length=TEXT)
    hardening: str | None = Field(default=None, max_length=TEXT)
    incident_response: str | None = Field(default=None, max_length=TEXT)
    security_events: str | None = Field(default=None, max_length=TEXT)
    configuration_backup: str | None = Field(default=None, max_length=TEXT)
    update_procedure: str | None = Field(default=None, max_length=TEXT)


class PlanEdit(BaseModel):
    """Fields to change (absent ones keep their value; an empty string clears one)."""

    model_config = ConfigDict(extra="forbid")

    changes: dict[str, object] = Field(default_factory=dict)
    note: str | None = Field(default=None, max_length=2000)


class MonitoringSourceRead(BaseModel):
    """A source medsec monitors, from the jobs it runs and the feeds it has imported."""

    name: str
    title: str
    every_seconds: int | None
    last_run: datetime | None


class PlanRead(BaseModel):
    """One version of a product's plan, with the facts read from the other records."""

    product: str
    version: int
    content: PlanContent
    note: str | None
    created_by: str
    created_at: datetime
    monitoring: list[MonitoringSourceRead]
    cvd_deadlines: dict[str, int | None]
    cvd_policy_source: str
    updates: list[dict[str, str | None]]
    end_of_support: list[dict[str, str | None]]


class PlanVersionRead(BaseModel):
    """A version of the plan in its history: who changed what and when."""

    version: int
    created_by: str
    created_at: datetime
    note: str | None
    changed: list[str]
