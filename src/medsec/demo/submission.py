"""The demo's TPLC plan for InfuGuard 500 (written here as a manufacturer's team would write it)
and the documents generated from the demo's records: the submission set and the customer
security documentation, in English and Japanese, as HTML and PDF, under ``documents/``."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from medsec.demo import data
from medsec.demo.design import PSIRT, RELEASE
from medsec.documents import service as documents
from medsec.documents.schemas import BuildRequest
from medsec.tplc import service as tplc

PLAN: dict[str, object] = {
    "monitoring_review": (
        "The product security team reviews new findings every working day and decides each "
        "within five business days."
    ),
    "disclosure_policy_url": "https://infuguard.example/security/disclosure-policy",
    "disclosure_contact": "PSIRT of Example Medical Devices Inc. (web form on the policy page)",
    "update_cadence": "A security maintenance release every quarter; out of cycle when needed.",
    "update_methods": ["remote", "service_visit"],
    "update_validation": (
        "Every update passes the full verification suite and the regression tests of "
        "essential performance before release."
    ),
    "recovery_plan": (
        "The pump restores its last signed firmware image from the service menu; the hospital "
        "restores the drug library from the library server's backup."
    ),
    "isao_memberships": ["Health-ISAC"],
    "end_of_support_policy": (
        "Security updates continue for at least five years after the end of sale of a release."
    ),
    "backup_restore": (
        "The pump keeps no patient data; its configuration and drug library are restored from "
        "the drug library server. See the service manual, chapter 7."
    ),
    "security_events": (
        "The pump shows a padlock alarm and sends a syslog message to the hospital's collector "
        "on a failed login, a configuration change or an unsigned update."
    ),
    "update_procedure": (
        "Authorized biomedical engineers approve each update in the fleet console; the pump "
        "installs it while idle and reports the new version."
    ),
}

KINDS = ("submission", "customer")
LANGS = ("en", "ja")
FORMATS = ("html", "pdf")


def build(session: Session, folder: Path) -> list[Path]:
    """Write the plan, then generate the documents into folder/documents; returns the paths."""
    tplc.set_plan(session, product=data.PRODUCT, changes=PLAN, actor=PSIRT, note="first plan")
    out = folder / "documents"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in KINDS:
        for lang in LANGS:
            for fmt in FORMATS:
                req = BuildRequest.model_validate(
                    {
                        "kind": kind,
                        "product": data.PRODUCT,
                        "release": RELEASE,
                        "lang": lang,
                        "format": fmt,
                    }
                )
                built = documents.build(session, request=req, actor=PSIRT)
                path = out / built.revision.filename
                path.write_bytes(built.data)
                paths.append(path)
    return paths
