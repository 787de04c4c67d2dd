"""All ORM tables; importing this module registers every mapper."""

from medsec.models.assessment import (
    Account,
    CvssRescore,
    RiskPolicyRow,
    RiskRecord,
    SsvcDecisionRow,
    Update,
    VexDecision,
)
from medsec.models.asset import (
    Asset,
    AssetChange,
    CompensatingControl,
    ModelMapping,
    NetworkSegment,
    ResponsibilityAgreement,
    Rollout,
    RolloutAsset,
    RolloutValidation,
    TrainingRecord,
    VendorContact,
)
from medsec.models.audit import AuditEvent
from medsec.models.base import Base
from medsec.models.cvd import CvdAttachment, CvdCase, CvdCoordination, CvdEvent, CvdLink
from medsec.models.finding import Finding, FindingEvent, MatchState
from medsec.models.imported_csaf import (
    ImportedCsaf,
    ImportedCsafMapping,
    ImportedCsafProduct,
    ImportedCsafStatement,
    ImportedCsafVulnerability,
)
from medsec.models.product import Manufacturer, Product, Release
from medsec.models.publication import SecurityAdvisory, SecurityAdvisoryRevision
from medsec.models.sbom import Component, Sbom
from medsec.models.vulnerability import (
    Advisory,
    AdvisoryKey,
    EpssRow,
    FeedCursor,
    FeedSnapshot,
    KevEntryRow,
    VulnAlias,
    Vulnerability,
)
from medsec.models.web import AccountPassword, ApiToken, WebSession

__all__ = [
    "Account",
    "AccountPassword",
    "Advisory",
    "AdvisoryKey",
    "ApiToken",
    "Asset",
    "AssetChange",
    "AuditEvent",
    "Base",
    "CompensatingControl",
    "Component",
    "CvdAttachment",
    "CvdCase",
    "CvdCoordination",
    "CvdEvent",
    "CvdLink",
    "CvssRescore",
    "EpssRow",
    "FeedCursor",
    "FeedSnapshot",
    "Finding",
    "FindingEvent",
    "ImportedCsaf",
    "ImportedCsafMapping",
    "ImportedCsafProduct",
    "ImportedCsafStatement",
    "ImportedCsafVulnerability",
    "KevEntryRow",
    "Manufacturer",
    "MatchState",
    "ModelMapping",
    "NetworkSegment",
    "Product",
    "Release",
    "ResponsibilityAgreement",
    "RiskPolicyRow",
    "RiskRecord",
    "Rollout",
    "RolloutAsset",
    "RolloutValidation",
    "Sbom",
    "SecurityAdvisory",
    "SecurityAdvisoryRevision",
    "SsvcDecisionRow",
    "TrainingRecord",
    "Update",
    "VendorContact",
    "VexDecision",
    "VulnAlias",
    "Vulnerability",
    "WebSession",
]
