"""The manufacturer's side of rollout feedback (seed 6.2.2 c): a hospital's
``medsec-rollout-feedback/1`` message imported onto the advisory of the update it is about,
validated, stored once, listed on the advisory. The message carries models, versions and what
failed; nothing identifying the hospital is asked for or kept (the file name is reduced to its
base name)."""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.advisories import repository as repo
from medsec.advisories import service
from medsec.advisories.schemas import FeedbackFailureRead, FeedbackRead
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import Conflict
from medsec.ingest.rollout_feedback import read_feedback
from medsec.models import RolloutFeedback, SecurityAdvisory
from medsec.updates import service as updates


def _advisory(session: Session, tracking_id: str, actor: str, role: str) -> SecurityAdvisory:
    adv = service.get(session, tracking_id)
    prod, _ = service.product_of(session, adv)
    if role == "read":
        held = [r for r in accounts.ROLES if r in accounts.roles_of(session, actor)]
        role = held[0] if held else "viewer"
    accounts.require(
        session,
        actor,
        role,
        rule="rollout feedback",
        product=prod.name,
        hide_as=service.missing(tracking_id),
    )
    return adv


def _read(row: RolloutFeedback, tracking_id: str) -> FeedbackRead:
    return FeedbackRead(
        id=row.id,
        advisory=tracking_id,
        update=row.update_name,
        update_known=row.update_id is not None,
        method=row.method,
        target_version=row.target_version,
        failures=[FeedbackFailureRead(**f) for f in row.failures],
        validations=list(row.validations),
        source=row.source_name,
        imported_by=row.imported_by,
        imported_at=service.aware(row.imported_at).isoformat(),
    )


def import_feedback(
    session: Session, *, tracking_id: str, data: bytes, source: str, actor: str
) -> FeedbackRead:
    """Validate a feedback message and store it on the advisory (analyst); once per content."""
    adv = _advisory(session, tracking_id, actor, "analyst")
    name = source.replace("\\", "/").rsplit("/", 1)[-1][:200]
    message = read_feedback(data, source=name)
    sha256 = hashlib.sha256(data).hexdigest()
    if repo.feedback_by_sha256(session, adv.id, sha256) is not None:
        raise Conflict(f"{name}: this feedback is already imported onto {tracking_id}")
    prod, _ = service.product_of(session, adv)
    update = next(
        (u for u in updates.list_updates(session, product=prod.name) if u.name == message.update),
        None,
    )
    row = RolloutFeedback(
        advisory_id=adv.id,
        update_id=update.id if update else None,
        source_name=name,
        sha256=sha256,
        update_name=message.update,
        method=message.method,
        target_version=message.target_version,
        failures=[{**asdict(f), "when": f.when.isoformat()} for f in message.failures],
        validations=[{**asdict(v), "date": v.date.isoformat()} for v in message.validations],
        imported_by=actor,
        imported_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="advisories.feedback.import",
        object_type="rollout_feedback",
        object_id=row.id,
        details={
            "advisory": tracking_id,
            "update": message.update,
            "failures": len(message.failures),
            "sha256": sha256,
        },
    )
    return _read(row, tracking_id)


def list_feedback(session: Session, *, tracking_id: str, actor: str) -> list[FeedbackRead]:
    """The feedback imported onto an advisory, newest first (any role with the product)."""
    adv = _advisory(session, tracking_id, actor, "read")
    return [_read(r, tracking_id) for r in repo.feedback_of(session, adv.id)]
