"""Pydantic input/output shapes of findings for the API.

Findings are the same JSON as `medsec findings list|show --format json` (built by
`listing`/`detail`); `FindingRead` and `FindingDetailRead` name and type its fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import ReadModel

SarifLog = dict[str, Any]
"""A SARIF 2.1.0 log (an external format, schema sarif-2.1.0.json) as parsed JSON: an outbound
document for code-scanning dashboards, so it stays a document."""


class FindingPart(ReadModel):
    """A part of a finding as read; its JSON form (`model_dump(mode="json")`, the API,
    `--format json`) keeps the keys it always had."""


class ComponentRead(FindingPart):
    """The component of a finding: its identity key and, while it is in the current SBOM, its
    SBOM fields (all None once the component left the SBOM)."""

    key: str | None = None
    ref: str | None = None
    group: str | None = None
    name: str | None = None
    version: str | None = None
    purl: str | None = None
    cpe: str | None = None


class SeverityRead(FindingPart):
    """One source's severity of the vulnerability, scored by the one CVSS scorer."""

    source: str | None = None
    type: str
    vector: str | None = None
    score: float | None = None
    severity: str | None = None
    error: str | None = None  # why a stated vector could not be scored


class KevRead(FindingPart):
    """The CISA KEV entry of one of the vulnerability's CVE ids."""

    cve: str
    date_added: str
    due_date: str | None = None
    known_ransomware: bool = False


class EpssRead(FindingPart):
    """The highest FIRST EPSS score among the vulnerability's CVE ids."""

    cve: str
    score: float
    percentile: float
    date: str | None = None


class SourceRecordRead(FindingPart):
    """One record of one source (OSV, NVD, ...) about the vulnerability."""

    source: str
    id: str
    modified: str | None = None
    withdrawn: bool = False


class VulnerabilityRead(FindingPart):
    """The vulnerability of a finding: every id, every source's severity, KEV and EPSS."""

    id: str
    aliases: list[str] = Field(default_factory=list)
    summary: str | None = None
    severity: str | None = None
    cvss_score: float | None = None
    severities: list[SeverityRead] = Field(default_factory=list)
    kev: KevRead | None = None
    epss: EpssRead | None = None
    records: list[SourceRecordRead] = Field(default_factory=list)


class VexOriginalRead(FindingPart):
    """A VEX decision as it was stated (vocabulary, status and justification before mapping)."""

    vocabulary: str
    status: str | None = None
    justification: str | None = None


class VexDecisionRead(FindingPart):
    """A recorded VEX decision (the one in force, or one of a finding's `vex_history`)."""

    status: str
    justification: str | None
    scope: str
    original: VexOriginalRead
    action_statement: str | None
    impact_statement: str | None
    reason: str
    by: str
    at: str


class RiskRead(FindingPart):
    """One version of a finding's risk record (ISO 14971 estimate, controls, residual risk)."""

    version: int
    hazardous_situation: str
    harm: str
    severity: str
    exploitability: str
    exploitability_reasons: list[str] = Field(default_factory=list)
    exploitability_override: str | None = None
    controls: list[dict[str, Any]] = Field(default_factory=list)
    risk_before: str
    residual: str
    region: str
    acceptable: bool
    fda_class: str
    status: str
    rationale: str | None = None
    changed_by: str
    changed_at: str
    accepted_by: str | None = None
    accepted_at: str | None = None
    evaluation: dict[str, Any] = Field(default_factory=dict)


class SsvcRead(FindingPart):
    """The SSVC decision in force on a finding."""

    outcome: str | None = None
    vector: str | None = None


class PriorityRead(FindingPart):
    """The finding's place in the work list: the sort key (`findings.priority`) and why."""

    key: list[float]
    why: list[str]


class SignalsRead(FindingPart):
    """Inputs of the finding's assessment, each with where it came from."""

    finding_id: int
    ids: list[str] = Field(default_factory=list)
    kev: bool = False
    kev_date: str | None = None
    epss: float | None = None
    epss_percentile: float | None = None
    cvss_vector: str | None = None
    cvss_score: float | None = None
    cvss_source: str | None = None
    cvss_exploitability: float | None = None
    rescored: bool = False
    ssvc_outcome: str | None = None
    ssvc_exploitation: str | None = None
    ssvc_vector: str | None = None


class FindingRead(FindingPart):
    """One finding as `medsec findings list --format json` gives it."""

    id: int
    product: str
    release: str
    component: ComponentRead
    vulnerability: VulnerabilityRead
    status: str
    first_seen: str
    last_seen: str
    resolved_at: str | None = None
    matched_by: list[dict[str, Any]] = Field(default_factory=list)
    vex: VexDecisionRead | None = None
    risk: RiskRead | None = None
    ssvc: SsvcRead | None = None
    priority: PriorityRead


class CvssRescoreRead(FindingPart):
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


class SsvcDecisionRead(FindingPart):
    """An SSVC decision recorded on the finding."""

    role: str
    outcome: str
    vector: str | None = None
    inputs: Any = None
    by: str
    at: str


class FindingEventRead(FindingPart):
    """A match event of the finding (first seen, resolved, reopened, ...)."""

    event: str
    at: str
    details: Any = None


class FindingDetailRead(FindingRead):
    """Everything about one finding, as `medsec findings show --format json` gives it."""

    signals: SignalsRead
    vex_history: list[VexDecisionRead]
    cvss_rescores: list[CvssRescoreRead]
    ssvc_decisions: list[SsvcDecisionRead]
    risk_history: list[RiskRead]
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


class ReleaseSummary(FindingPart):
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


class ProductOverview(FindingPart):
    """A product with its releases and their counts."""

    name: str
    manufacturer: str
    description: str | None
    releases: list[ReleaseSummary]
    markets: list[str] = Field(default_factory=list)  # profile codes (empty: the FDA profile)


class PortfolioCountsRead(ReadModel):
    """Open findings counted by SSVC outcome and by residual-risk region ("none": not decided),
    KEV hits, findings first seen per month ("YYYY-MM") and open findings in all."""

    ssvc: dict[str, int] = Field(default_factory=dict)
    residual: dict[str, int] = Field(default_factory=dict)
    kev: int = 0
    months: dict[str, int] = Field(default_factory=dict)
    open: int = 0


class PortfolioRead(ReadModel):
    """The portfolio charts' counts per product (by name) and in total."""

    products: dict[str, PortfolioCountsRead]
    total: PortfolioCountsRead


class NotEvaluatedRead(ReadModel):
    """Components the matcher could not evaluate, by reason."""

    reason: str
    components: int


class MatchRead(ReadModel):
    """What a re-match did."""

    scope: str
    releases: int
    releases_full: int
    releases_incremental: int
    components: int
    records: int
    new: int
    reopened: int
    resolved: int
    active: int
    not_evaluated: list[NotEvaluatedRead]
    seconds: float
