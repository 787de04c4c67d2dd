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
from medsec.models.audit import AuditEvent
from medsec.models.base import Base
from medsec.models.finding import Finding, FindingEvent, MatchState
from medsec.models.product import Manufacturer, Product, Release
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
    "AuditEvent",
    "Base",
    "Component",
    "CvssRescore",
    "EpssRow",
    "FeedCursor",
    "FeedSnapshot",
    "Finding",
    "FindingEvent",
    "KevEntryRow",
    "Manufacturer",
    "MatchState",
    "Product",
    "Release",
    "RiskPolicyRow",
    "RiskRecord",
    "Sbom",
    "SsvcDecisionRow",
    "Update",
    "VexDecision",
    "VulnAlias",
    "Vulnerability",
    "WebSession",
]
