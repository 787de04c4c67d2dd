"""Read and write models of the hospital workspace."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RolloutFeedbackMessage = dict[str, Any]
"""A medsec-rollout-feedback/1 message (an outbound document, read back by
`ingest.rollout_feedback`): the update, method, target version, failed installations and
validations; never a site's asset tag, serial, address or person."""


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class AssetRead(_Read):
    """One installed device and what it maps to."""

    asset_tag: str
    manufacturer: str
    model: str
    software_version: str | None
    serial: str | None
    location: str | None
    department: str | None
    network_segment: str | None
    ip_address: str | None
    mac_address: str | None
    clinical_criticality: str | None
    owner: str | None
    home_use: bool
    implant: bool
    install_date: date | None
    replacement_cost: float | None = None
    target: str | None = Field(
        description="release:<id>, or csaf: and a JSON [vendor, product, version]"
    )
    target_label: str | None
    mapped_by: str | None
    updated_at: datetime


class AssetChangeRead(_Read):
    """One entry of an asset's configuration history."""

    action: str
    changes: dict[str, list[object]]
    by: str
    at: datetime


class ImportIssue(_Read):
    """A row that was refused (or skipped), with where and why."""

    row: int
    column: str | None
    message: str


class ImportResult(_Read):
    """What an inventory import did (or, as a preview, would do)."""

    source: str
    encoding: str
    rows: int
    created: int
    changed: int
    unchanged: int
    mapped: int
    skipped: list[ImportIssue]
    unknown_columns: list[str]
    empty_rows: list[int]
    committed: bool


class SuggestionRead(_Read):
    """A possible target for an inventory entry, never applied without confirmation."""

    target: str
    label: str
    score: float
    reason: str


class UnmappedGroup(_Read):
    """Assets sharing one manufacturer/model/version that map to nothing yet."""

    manufacturer: str
    model: str
    software_version: str
    assets: list[str]
    suggestions: list[SuggestionRead]


class ControlRead(_Read):
    """A compensating control and its state on a date."""

    id: int
    scope: str
    kind: str
    description: str
    covers: list[str]
    owner: str
    verified_on: date | None
    expires_on: date | None
    evidence: str | None
    state: str


class ExposureItem(_Read):
    """One vulnerability on one asset, after the vendor's VEX and the hospital's controls."""

    vulnerability: str
    aliases: list[str]
    component: str | None
    state: str  # exposed | mitigated | cleared
    vendor_status: str | None
    vendor_statement: str | None
    remediations: list[str]
    source: str
    severity: str | None
    cvss: float | None
    kev: bool
    epss: float | None
    ssvc: str | None
    ssvc_vector: str | None
    controls: list[int]


class AssetExposure(_Read):
    """One asset's exposure."""

    asset_tag: str
    department: str | None
    network_segment: str | None
    target_label: str | None
    worst: str | None
    exposed: int
    mitigated: int
    cleared: int
    items: list[ExposureItem]


class PortfolioCell(_Read):
    """Exposed assets of one department or segment, by their most urgent SSVC outcome."""

    group: str
    assets: int
    by_outcome: dict[str, int]


class ExposureReport(_Read):
    """Exposure of the assets asked for, and the portfolio view."""

    on: date
    assets: list[AssetExposure]
    unmapped: list[str]
    by_department: list[PortfolioCell]
    by_segment: list[PortfolioCell]


class SegmentRead(_Read):
    """A network segment."""

    name: str
    exposure: str
    description: str | None
    assets: int


class VendorRead(_Read):
    """A vendor's security contact and service levels."""

    manufacturer: str
    contact: str
    psirt_url: str | None
    response_days: int | None
    patch_days: int | None
    notes: str | None


class AgreementRead(_Read):
    """Who does what for one product line of a vendor (seed 6.4.2 b)."""

    manufacturer: str
    product_line: str
    duties: dict[str, str] = Field(description="duty -> manufacturer, hospital or shared")
    agreed_on: date | None
    reference: str | None


class RolloutItemRead(_Read):
    """One asset in a rollout."""

    asset_tag: str
    status: str
    note: str | None
    by: str
    at: datetime


class ValidationRead(_Read):
    """A regression validation before rollout."""

    result: str
    summary: str
    performed_on: date
    performed_by: str


class RolloutRead(_Read):
    """An update rolled out across a group of assets."""

    name: str
    update_name: str
    method: str
    target_version: str
    validations: list[ValidationRead]
    items: list[RolloutItemRead]
    counts: dict[str, int]


class TrainingRead(_Read):
    """A training record and whether it has expired."""

    person: str
    role: str
    topic: str
    completed_on: date
    expires_on: date | None
    expired: bool


class PlanQuarterRead(BaseModel):
    """Devices whose release reaches end of life or end of support in one quarter."""

    quarter: str
    end_of_life: list[str] = Field(default_factory=list)
    end_of_support: list[str] = Field(default_factory=list)
    budget: float = 0.0
    missing_costs: int = 0


class AssetLegacyRead(_Read):
    """A device that is legacy (past end of support) or at risk, and why."""

    asset_tag: str
    runs: str
    department: str | None
    status: str
    reasons: list[str]
    protected_until: date | None
    replacement_cost: float | None


class AssetPlanRead(_Read):
    """The hospital's end-of-support plan."""

    on: date
    years: int
    quarters: list[PlanQuarterRead]
    legacy: list[AssetLegacyRead]
    without_dates: list[str]
    timeline_svg: str | None


class VendorMds2Read(_Read):
    """A vendor's MDS2 statement filed against a release, with the answers that matter most to
    the hospital first (exposure, patchability, compensating controls, SBOM)."""

    id: int
    product: str
    release: str
    target: str
    source: str
    sha256: str
    filed_by: str
    filed_at: datetime
    counts: dict[str, int] = Field(description="answers by value: Yes, No, N/A, other")
    highlights: list[dict[str, str]] = Field(
        description="id, question, answer, note of the questions a hospital reads first"
    )
    answers: list[dict[str, object]]
    unknown: list[dict[str, object]]
    warnings: list[str]
