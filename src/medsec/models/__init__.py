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
from medsec.models.audit import AuditCheckpoint, AuditEvent
from medsec.models.base import Base
from medsec.models.cvd import CvdAttachment, CvdCase, CvdCoordination, CvdEvent, CvdLink
from medsec.models.design import (
    ControlLink,
    EvidenceImport,
    EvidenceResultRow,
    SecurityControl,
    SystemModelRow,
    ThreatRow,
)
from medsec.models.documents import DocumentRevision, TplcPlanVersion
from medsec.models.feedback import RolloutFeedback
from medsec.models.finding import Finding, FindingEvent, MatchState
from medsec.models.imported_csaf import (
    ImportedCsaf,
    ImportedCsafMapping,
    ImportedCsafProduct,
    ImportedCsafStatement,
    ImportedCsafVulnerability,
)
from medsec.models.incidents import (
    Incident,
    IncidentAction,
    IncidentContact,
    IncidentCustody,
    IncidentEvent,
    IncidentEvidence,
    IncidentExercise,
    IncidentIndicator,
    IncidentLink,
    IncidentNotification,
    IncidentPlan,
    IncidentTeamMember,
)
from medsec.models.jobs import JobRun
from medsec.models.lifecycle import LifecycleMappingRow, LifecycleProductRow, ReleaseLifecycleRow
from medsec.models.notifications import (
    NotificationDelivery,
    NotificationEvent,
    NotificationPreference,
)
from medsec.models.product import Manufacturer, Product, Release
from medsec.models.publication import SecurityAdvisory, SecurityAdvisoryRevision
from medsec.models.sbom import Component, Sbom
from medsec.models.sharing import SharedImport, SharedObject, SharingAgreement
from medsec.models.vendor_documents import VendorMds2
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
    "AuditCheckpoint",
    "AuditEvent",
    "Base",
    "CompensatingControl",
    "Component",
    "ControlLink",
    "CvdAttachment",
    "CvdCase",
    "CvdCoordination",
    "CvdEvent",
    "CvdLink",
    "CvssRescore",
    "DocumentRevision",
    "EpssRow",
    "EvidenceImport",
    "EvidenceResultRow",
    "FeedCursor",
    "FeedSnapshot",
    "Finding",
    "FindingEvent",
    "ImportedCsaf",
    "ImportedCsafMapping",
    "ImportedCsafProduct",
    "ImportedCsafStatement",
    "ImportedCsafVulnerability",
    "Incident",
    "IncidentAction",
    "IncidentContact",
    "IncidentCustody",
    "IncidentEvent",
    "IncidentEvidence",
    "IncidentExercise",
    "IncidentIndicator",
    "IncidentLink",
    "IncidentNotification",
    "IncidentPlan",
    "IncidentTeamMember",
    "JobRun",
    "KevEntryRow",
    "LifecycleMappingRow",
    "LifecycleProductRow",
    "Manufacturer",
    "MatchState",
    "ModelMapping",
    "NetworkSegment",
    "NotificationDelivery",
    "NotificationEvent",
    "NotificationPreference",
    "Product",
    "Release",
    "ReleaseLifecycleRow",
    "ResponsibilityAgreement",
    "RiskPolicyRow",
    "RiskRecord",
    "Rollout",
    "RolloutAsset",
    "RolloutFeedback",
    "RolloutValidation",
    "Sbom",
    "SecurityAdvisory",
    "SecurityAdvisoryRevision",
    "SecurityControl",
    "SharedImport",
    "SharedObject",
    "SharingAgreement",
    "SsvcDecisionRow",
    "SystemModelRow",
    "ThreatRow",
    "TplcPlanVersion",
    "TrainingRecord",
    "Update",
    "VendorContact",
    "VendorMds2",
    "VexDecision",
    "VulnAlias",
    "Vulnerability",
    "WebSession",
]
