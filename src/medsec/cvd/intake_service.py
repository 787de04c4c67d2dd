"""The public side of CVD: a finder submits a report and later checks its status or replies.

No account is needed: a finder holds the receipt id (public) and the status token (secret,
returned once; only its SHA-256 is stored). The report is validated by ``cvd.intake`` (errors
propagate: ``ReportRejected`` is an InvalidInput, ``ReportTooLarge`` has status 413), scored
for spam, and stored (flushed) before anything else happens; a spam suspect is stored anyway
and held for review; other reports get an automatic receipt message (not the
"acknowledged" state: a person acknowledges). The audit log gets sizes and hashes, never the
finder's personal data.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.cvd import access, deadlines, intake, policy, repository, spam, tokens
from medsec.cvd.sanitize import ReportRejected, ReportTooLarge, clean_text
from medsec.errors import InvalidInput, NotFound
from medsec.models import CvdAttachment, CvdCase, CvdEvent

SOURCES = ("api", "web", "email", "cli")
PUBLIC = "public"
MAX_REPLY_CHARS = 20_000
TITLE_CHARS = 120
AUTO_RECEIPT = (
    "Your report {receipt} was received and stored. A person will acknowledge it; keep your "
    "status token to follow it and to reply."
)
_UNKNOWN = "no report with that receipt id and status token"
_DUMMY_HASH = "0" * 64

FINDER_STATES = {
    "received": "received",
    "acknowledged": "acknowledged",
    "triaged:valid": "confirmed",
    "triaged:duplicate": "duplicate of a known issue",
    "triaged:out_of_scope": "out of scope",
    "triaged:not_reproducible": "could not be reproduced",
    "remediation_in_progress": "being fixed",
    "remediated": "fixed",
    "disclosed": "disclosed",
    "closed": "closed",
}


@dataclass(frozen=True, slots=True)
class Receipt:
    """What the finder gets back: the public receipt id and, once, the secret status token."""

    receipt_id: str
    status_token: str  # the secret, returned once, only its hash is stored
    held_for_review: bool  # spam-suspect: stored anyway, flagged, no auto-acknowledgement


@dataclass(frozen=True, slots=True)
class FinderMessage:
    """One message between the finder and the manufacturer."""

    at: datetime
    direction: str  # "inbound" (from the finder) or "outbound" (to the finder)
    text: str


@dataclass(frozen=True, slots=True)
class FinderView:
    """What the finder may see of a case."""

    receipt_id: str
    state: str  # finder-facing wording, e.g. "received", "acknowledged", "being fixed"
    received_at: datetime
    acknowledged_at: datetime | None
    acknowledge_due: datetime
    cve_id: str | None
    disclosure_date: date | None
    messages: tuple[FinderMessage, ...]  # only those visible to the finder


def _spam(
    fields: Mapping[str, Any], report: intake.Report, rendered_at: datetime | None, now: datetime
) -> tuple[int, list[str]]:
    reasons: list[str] = []
    score = 0
    if spam.honeypot_triggered(fields):
        score += spam.SPAM_THRESHOLD
        reasons.append("honeypot field filled")
    if rendered_at is not None:
        fill = spam.check_fill_time(rendered_at, now)
        if fill.problem == "form rendered after submission":
            raise ReportRejected("form", "was rendered after it was submitted; reload it")
        if not fill.ok:
            score += spam.SPAM_THRESHOLD
            reasons.append(f"fill time: {fill.problem}")
    texts = [report.product, report.version, report.reproduction_steps or ""]
    content = spam.spam_score(texts, description=report.description)
    return score + content.score, reasons + list(content.reasons)


def _as_given(fields: Mapping[str, Any], name: str) -> str:
    return clean_text(name, fields.get(name), multiline=False)


def _title(report: intake.Report) -> str:
    first = report.description.split("\n", 1)[0].strip()
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1] + "…"


def store_report(
    session: Session,
    *,
    fields: Mapping[str, Any],
    attachments: Sequence[tuple[str, bytes, str]],
    source: str,
    actor: str,
    rendered_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[CvdCase, Receipt]:
    """Validate, score and store one report (flushed, then audited as ``actor``)."""
    if source not in SOURCES:
        raise InvalidInput(f"source {source!r} is not one of {', '.join(SOURCES)}")
    at = now or utcnow()
    if at.tzinfo is None or (rendered_at is not None and rendered_at.tzinfo is None):
        raise InvalidInput("now and rendered_at must be timezone-aware")
    report = intake.validate_report(fields, list(attachments))
    score, reasons = _spam(fields, report, rendered_at, at)
    held = score >= spam.SPAM_THRESHOLD
    receipt, token = tokens.receipt_id(), tokens.status_token()
    case = CvdCase(
        receipt_id=receipt,
        token_hash=tokens.hash_token(token),
        state="received",
        remediated=False,
        title=_title(report),
        reported_product=report.product,
        reported_version=report.version,
        description=report.description,
        reproduction=report.reproduction_steps,
        cvss_vector=_as_given(fields, "cvss_vector") if report.cvss else None,
        finder_name=report.finder_name,
        finder_email=report.finder_email,
        finder_pgp_key=report.pgp_key,
        source=source,
        spam_score=score,
        spam_reasons=reasons,
        held_for_review=held,
        received_at=at,
        risk="unassessed",
    )
    session.add(case)
    session.flush()
    for a in report.attachments:
        session.add(
            CvdAttachment(
                case_id=case.id,
                name=a.name,
                content_type=a.content_type,
                size=a.size,
                sha256=a.sha256,
                data=zlib.compress(a.data, 6),
            )
        )
    session.add(
        CvdEvent(
            case_id=case.id,
            at=at,
            kind="state",
            actor=actor,
            to_state="received",
            reason=f"report received via {source}",
            direction="inbound",
            channel=source,
        )
    )
    if not held:
        session.add(
            CvdEvent(
                case_id=case.id,
                at=at,
                kind="message",
                actor="medsec",
                direction="outbound",
                channel="auto",
                text=AUTO_RECEIPT.format(receipt=receipt),
                visible_to_finder=True,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.report.received",
        object_type="cvd_case",
        object_id=case.id,
        details={
            "receipt_id": receipt,
            "source": source,
            "sizes": {
                "description": len(report.description),
                "reproduction_steps": len(report.reproduction_steps or ""),
            },
            "attachments": [
                {"sha256": a.sha256, "size": a.size, "content_type": a.content_type}
                for a in report.attachments
            ],
            "held_for_review": held,
            "spam_score": score,
        },
    )
    return case, Receipt(receipt, token, held)


def submit_report(
    session: Session,
    *,
    fields: Mapping[str, Any],
    attachments: Sequence[tuple[str, bytes, str]] = (),
    source: str = "api",
    rendered_at: datetime | None = None,
    now: datetime | None = None,
) -> Receipt:
    """Store a public report; return its receipt id and (once) the finder's status token."""
    _case, receipt = store_report(
        session,
        fields=fields,
        attachments=attachments,
        source=source,
        actor=PUBLIC,
        rendered_at=rendered_at,
        now=now,
    )
    return receipt


def record_report(
    session: Session,
    *,
    fields: Mapping[str, Any],
    attachments: Sequence[tuple[str, bytes, str]] = (),
    source: str = "email",
    actor: str,
    now: datetime | None = None,
) -> tuple[CvdCase, Receipt]:
    """Store a report that reached staff by e-mail or phone (analyst role; audited as actor)."""
    access.require_write(session, actor, None, rule="cvd submit")
    return store_report(
        session, fields=fields, attachments=attachments, source=source, actor=actor, now=now
    )


def _authenticated(session: Session, receipt_id: str, token: str) -> CvdCase:
    ref = receipt_id.strip().upper() if isinstance(receipt_id, str) else None
    case = repository.case_by_receipt(session, ref) if ref else None
    stored = case.token_hash if case is not None else _DUMMY_HASH
    ok = isinstance(token, str) and tokens.verify_token(token, stored)  # compare even if unknown
    if case is None or not ok:
        raise NotFound(_UNKNOWN)
    return case


def finder_state(case: CvdCase) -> str:
    """The finder-facing wording of a case's state."""
    key = f"{case.state}:{case.outcome}" if case.state == "triaged" else case.state
    return FINDER_STATES.get(key, case.state)


def _view(session: Session, case: CvdCase) -> FinderView:
    facts = repository.facts(case)
    pol = policy.policy_from_env().policy
    due = deadlines.add_business_days(
        facts.received_at, pol.acknowledge_business_days, pol.holidays
    )
    disclosed = facts.disclosed_at.date() if facts.disclosed_at else None
    messages = tuple(
        FinderMessage(repository.aware(e.at) or e.at, e.direction or "outbound", e.text or "")
        for e in repository.finder_messages(session, case.id)
    )
    return FinderView(
        receipt_id=case.receipt_id,
        state=finder_state(case),
        received_at=facts.received_at,
        acknowledged_at=facts.acknowledged_at,
        acknowledge_due=due,
        cve_id=case.cve_id,
        disclosure_date=disclosed or case.embargo_date,
        messages=messages,
    )


def finder_status(session: Session, *, receipt_id: str, token: str) -> FinderView:
    """What the finder may see of their report; NotFound for an unknown id or a wrong token."""
    return _view(session, _authenticated(session, receipt_id, token))


def finder_reply(
    session: Session, *, receipt_id: str, token: str, text: str, now: datetime | None = None
) -> FinderView:
    """Add the finder's message to the case's log (stored as text, never interpreted)."""
    case = _authenticated(session, receipt_id, token)
    if isinstance(text, str | bytes) and len(text) > 4 * MAX_REPLY_CHARS:
        raise ReportTooLarge("text", f"is too long (at most {MAX_REPLY_CHARS} characters)")
    body = clean_text("text", text, multiline=True)
    if not body:
        raise ReportRejected("text", "is required")
    if len(body) > MAX_REPLY_CHARS:
        raise ReportTooLarge("text", f"is too long ({len(body)} characters, at most 20000)")
    session.add(
        CvdEvent(
            case_id=case.id,
            at=now or utcnow(),
            kind="message",
            actor=PUBLIC,
            direction="inbound",
            channel="status-page",
            text=body,
            visible_to_finder=True,
        )
    )
    session.flush()
    audit.record(
        session,
        actor=PUBLIC,
        action="cvd.finder.reply",
        object_type="cvd_case",
        object_id=case.id,
        product_id=case.product_id,
        details={"receipt_id": case.receipt_id, "chars": len(body)},
    )
    return _view(session, case)
