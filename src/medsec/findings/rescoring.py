"""CVSS in the device's context: environmental metrics on a source vector, or the MITRE rubric's
answers, with a reason; the source score stays visible beside it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core import cvss
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput
from medsec.findings import decisions
from medsec.findings import repository as repo
from medsec.findings.signals import signals_for
from medsec.models import CvssRescore
from medsec.risk.rubric import rubric_vector


def rescore(
    session: Session,
    *,
    finding_id: int,
    reason: str,
    actor: str,
    environmental: Mapping[str, str] | None = None,
    rubric_answers: Mapping[str, str] | None = None,
    rubric_rationales: Mapping[str, str] | None = None,
) -> CvssRescore:
    """Rescore a finding from its source vector (environmental metrics) or from rubric answers."""
    finding, release, product = decisions.get_finding(session, finding_id)
    accounts.require(session, actor, "analyst", rule="CVSS rescoring", product=product.name)
    if not reason.strip():
        raise InvalidInput("a rescoring needs a reason")
    if bool(environmental) == bool(rubric_answers):
        raise InvalidInput("give environmental metrics or rubric answers (one of the two)")
    sig = signals_for(session, [finding])[finding.id]
    source_vector, source = sig.cvss_vector, sig.cvss_source
    if sig.rescored:  # rescoring again starts from the source, not from the previous rescoring
        source_vector, source = _source_vector(session, finding_id)
    rubric = None
    if rubric_answers:
        result = rubric_vector(rubric_answers, rubric_rationales or {})
        vector = result.vector
        rubric = {"answers": result.answers, "trail": [asdict(s) for s in result.trail]}
        if environmental:
            vector = cvss.with_environment(vector, dict(environmental))
    else:
        if not source_vector:
            raise InvalidInput(
                f"finding {finding_id} has no source CVSS vector to rescore; use the rubric instead"
            )
        vector = cvss.with_environment(source_vector, dict(environmental or {}))
    parsed = cvss.parse(vector)
    row = CvssRescore(
        finding_id=finding.id,
        source_vector=source_vector or "",
        source=source,
        vector=parsed.vector,
        score=parsed.overall_score,
        severity=parsed.overall_severity,
        rubric=rubric,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="finding.rescore",
        object_type="finding",
        object_id=finding.id,
        product_id=product.id,
        details={
            "release": release.version,
            "source_vector": source_vector,
            "vector": row.vector,
            "score": row.score,
            "reason": row.reason,
            "rubric": bool(rubric),
        },
    )
    return row


def _source_vector(session: Session, finding_id: int) -> tuple[str | None, str | None]:
    first = repo.first_rescore(session, finding_id)
    return first.source_vector or None, first.source
