"""The shape of a jurisdiction profile file (``medsec/data/jurisdictions/<code>.json``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The document kinds and section ids of the document generator (h-docs branch,
# ``medsec.documents.sections``; listed in /work/helpers/doc_sections.md). A profile may choose
# any ordered subset per kind; an unknown kind or id is refused.
SECTION_IDS: dict[str, tuple[str, ...]] = {
    "design": ("design.device", "design.system_model", "design.interfaces", "design.controls"),
    "risk": ("risk.threat_model", "risk.risks", "risk.safety_effects", "risk.acceptance"),
    "test": ("test.evidence", "test.traceability", "test.vuln_xref", "test.references"),
    "tplc": (
        "tplc.monitoring",
        "tplc.disclosure",
        "tplc.updates",
        "tplc.recovery",
        "tplc.sharing",
        "tplc.end_of_support",
    ),
    "labeling": (
        "labeling.recommended_controls",
        "labeling.backup_restore",
        "labeling.ports_interfaces",
        "labeling.system_diagram",
    ),
    "customer": (
        "customer.recommended_controls",
        "customer.backup_restore",
        "customer.ports_interfaces",
        "customer.system_diagram",
        "customer.infrastructure",
        "customer.hardening",
        "customer.incident_response",
        "customer.security_events",
        "customer.configuration_backup",
        "customer.update_procedure",
        "customer.end_of_support",
        "customer.sbom",
    ),
}
CVD_KEYS = (
    "acknowledge_business_days",
    "triage_business_days",
    "uncontrolled_communicate_days",
    "uncontrolled_remediate_days",
    "controlled_remediate_days",
    "disclosure_days",
)
VOCABULARY_KEYS = ("controlled", "uncontrolled", "routine_update")

_STRICT = ConfigDict(extra="forbid", frozen=True)


class DayCount(BaseModel):
    """A regulator's day count for one CVD deadline (``days`` null: this regulator sets none)."""

    model_config = _STRICT

    days: int | None = Field(ge=0, le=3650)
    source: str = Field(min_length=1)
    verified: bool
    note: str | None = None


class Term(BaseModel):
    """A word in English and Japanese, with where it comes from."""

    model_config = _STRICT

    en: str = Field(min_length=1)
    ja: str = Field(min_length=1)
    source: str = Field(min_length=1)
    verified: bool


class Requirement(BaseModel):
    """One thing the regulator asks (premarket content, customer documents, recalls)."""

    model_config = _STRICT

    topic: Literal["premarket", "customer", "recall", "postmarket"]
    text: str = Field(min_length=1)
    source: str = Field(min_length=1)
    verified: bool


class JapaneseTerm(BaseModel):
    """A Japanese term to use for a concept in Japanese output (STANDARDS.md 9.7)."""

    model_config = _STRICT

    concept: str = Field(min_length=1)
    term: str = Field(min_length=1)
    note: str = ""


class Due(BaseModel):
    """When a reporting obligation falls due (units as in the incidents obligations file)."""

    model_config = _STRICT

    amount: int = Field(ge=0)
    unit: Literal["hours", "calendar_days", "business_days", "months", "none"]


class ReportingObligation(BaseModel):
    """A regulator report (read by ``medsec.incidents.obligations``, which checks conditions)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(min_length=1)
    jurisdiction: str
    recipient: str
    authority: str
    title: str
    group: str
    when: list[dict[str, Any]] = Field(min_length=1)
    due: Due
    source: str = Field(min_length=1)
    verified: bool
    note: str | None = None


class Profile(BaseModel):
    """One jurisdiction profile."""

    model_config = _STRICT

    about: str = ""
    code: str = Field(pattern=r"^[a-z]{2,3}$")
    name: str
    name_ja: str
    regulator: str
    incident_jurisdiction: Literal["US", "EU", "JP", "CA"]
    document_sections: dict[str, list[str]]
    cvd: dict[str, DayCount]
    vocabulary: dict[str, Term]
    requirements: list[Requirement] = Field(default_factory=list)
    terms_ja: list[JapaneseTerm] = Field(default_factory=list)
    reporting_obligations: list[ReportingObligation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        """Known section ids, every CVD key and word, obligations of this jurisdiction."""
        for kind, ids in self.document_sections.items():
            known = SECTION_IDS.get(kind)
            if known is None:
                raise ValueError(f"/document_sections/{kind}: unknown document kind {kind!r}")
            stray = [i for i in ids if i not in known]
            if stray:
                raise ValueError(f"/document_sections/{kind}: unknown section ids {stray}")
            if len(set(ids)) != len(ids):
                raise ValueError(f"/document_sections/{kind}: a section is listed twice")
        if set(self.cvd) != set(CVD_KEYS):
            raise ValueError(f"/cvd: needs exactly the keys {', '.join(CVD_KEYS)}")
        if set(self.vocabulary) != set(VOCABULARY_KEYS):
            raise ValueError(f"/vocabulary: needs exactly the keys {', '.join(VOCABULARY_KEYS)}")
        for n, ob in enumerate(self.reporting_obligations):
            if ob.jurisdiction != self.incident_jurisdiction:
                raise ValueError(
                    f"/reporting_obligations/{n}/jurisdiction: {ob.jurisdiction!r} is not "
                    f"{self.incident_jurisdiction!r}"
                )
        return self


class DeadlineChoice(BaseModel):
    """One CVD deadline setting for a product's markets: the days and which profile set them."""

    model_config = _STRICT

    key: str
    days: int | None
    market: str | None
    source: str
    verified: bool


class ProfileSummary(BaseModel):
    """A profile as `jurisdictions list` shows it."""

    model_config = _STRICT

    code: str
    name: str
    regulator: str
    unverified_facts: int


class ProfileRead(Profile):
    """A profile as `jurisdictions show --format json` prints it: without `about`, with the JSON
    pointers of its unverified facts."""

    about: str = Field(default="", exclude=True)
    unverified: list[str]
