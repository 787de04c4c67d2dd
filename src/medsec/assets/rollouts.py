"""Update rollouts across the facility (seed 6.4.2, 6.5.2 c): plan per asset group, validate
(regression test) before the facility-wide rollout, follow each asset, and report a failed
installation back to the manufacturer as a structured message; flush, never commit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from medsec.assets import repository as repo
from medsec.assets import rules
from medsec.assets import service as inventory
from medsec.assets.schemas import (
    RolloutFeedbackMessage,
    RolloutItemRead,
    RolloutRead,
    ValidationRead,
)
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.models import AssetChange, Rollout, RolloutAsset, RolloutValidation

METHODS = ("remote", "user_managed", "service_visit")  # seed Table 2
FEEDBACK_FORMAT = "medsec-rollout-feedback/1"


def plan(
    session: Session,
    *,
    name: str,
    update_name: str,
    method: str,
    target_version: str,
    actor: str,
    tags: Sequence[str] = (),
    department: str | None = None,
    segment: str | None = None,
    model: str | None = None,
) -> RolloutRead:
    """Plan an update for a group of assets (by tags, or by department/segment/model)."""
    inventory.writer(session, actor)
    if method not in METHODS:
        raise InvalidInput(f"method {method!r}: one of {', '.join(METHODS)} (seed Table 2)")
    if repo.rollout(session, name) is not None:
        raise Conflict(f"rollout {name!r} already exists")
    if tags:
        chosen = repo.assets(session, tags=tags)
        missing = sorted(set(tags) - {a.asset_tag for a in chosen})
        if missing:
            raise NotFound(f"no asset tagged {missing[0]!r}")
    else:
        chosen = [
            a
            for a in repo.assets(session, department=department, segment=segment)
            if model is None or a.model == model
        ]
    if not chosen:
        raise InvalidInput("the rollout's group holds no asset; name tags or a wider filter")
    rollout = Rollout(
        name=name,
        update_name=update_name,
        method=method,
        target_version=target_version,
        created_by=actor,
    )
    session.add(rollout)
    session.flush()
    now = utcnow()
    for a in chosen:
        session.add(
            RolloutAsset(
                rollout_id=rollout.id,
                asset_id=a.id,
                status="planned",
                updated_by=actor,
                updated_at=now,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.rollout.plan",
        object_type="asset_rollout",
        object_id=rollout.id,
        details={"name": name, "update": update_name, "assets": len(chosen)},
    )
    return show(session, name=name, actor=actor)


def _get(session: Session, name: str) -> Rollout:
    rollout = repo.rollout(session, name)
    if rollout is None:
        raise NotFound(f"no rollout named {name!r} (see `medsec assets rollouts`)")
    return rollout


def validate(
    session: Session,
    *,
    name: str,
    result: str,
    summary: str,
    performed_on: date,
    actor: str,
    tags: Sequence[str] = (),
) -> RolloutRead:
    """Record the regression validation; the assets it ran on become ``validated`` when passed."""
    inventory.writer(session, actor)
    rollout = _get(session, name)
    if result not in ("passed", "failed"):
        raise InvalidInput("a validation result is passed or failed")
    if not summary.strip():
        raise InvalidInput("a validation needs a summary of what was tested")
    session.add(
        RolloutValidation(
            rollout_id=rollout.id,
            result=result,
            summary=summary,
            performed_on=performed_on,
            performed_by=actor,
        )
    )
    session.flush()
    if result == "passed":
        for tag in tags:
            _move(session, rollout, tag, "validated", None, actor)
    audit.record(
        session,
        actor=actor,
        action="assets.rollout.validate",
        object_type="asset_rollout",
        object_id=rollout.id,
        details={"result": result, "assets": list(tags)},
    )
    return show(session, name=name, actor=actor)


def move(
    session: Session, *, name: str, tag: str, status: str, actor: str, note: str | None = None
) -> RolloutRead:
    """Move one asset of a rollout (installed needs a passed validation; failed needs a note)."""
    inventory.writer(session, actor)
    rollout = _get(session, name)
    if status == "installed" and not any(
        v.result == "passed" for v in repo.validations(session, rollout.id)
    ):
        raise InvalidInput(
            f"rollout {name!r} has no passed validation yet; validate before installing"
        )
    if status == "failed" and not (note or "").strip():
        raise InvalidInput("say what failed (--note): it is reported to the manufacturer")
    _move(session, rollout, tag, status, note, actor)
    audit.record(
        session,
        actor=actor,
        action="assets.rollout.move",
        object_type="asset_rollout",
        object_id=rollout.id,
        details={"asset": tag, "status": status},
    )
    return show(session, name=name, actor=actor)


def _move(
    session: Session, rollout: Rollout, tag: str, status: str, note: str | None, actor: str
) -> None:
    item = next((i for i, a in repo.rollout_items(session, rollout.id) if a.asset_tag == tag), None)
    if item is None:
        raise NotFound(f"asset {tag!r} is not part of rollout {rollout.name!r}")
    try:
        rules.rollout_move(item.status, status)
    except ValueError as exc:
        raise InvalidInput(f"asset {tag!r}: {exc}") from exc
    now = utcnow()
    session.add(
        AssetChange(
            asset_id=item.asset_id,
            action="rollout",
            changes={"rollout": [rollout.name, rollout.name], "status": [item.status, status]},
            changed_by=actor,
            changed_at=now,
        )
    )
    item.status, item.note, item.updated_by, item.updated_at = status, note, actor, now
    session.flush()


def show(session: Session, *, name: str, actor: str) -> RolloutRead:
    """A rollout with its validations and each asset's state."""
    inventory.reader(session, actor)
    rollout = _get(session, name)
    items = repo.rollout_items(session, rollout.id)
    return RolloutRead(
        name=rollout.name,
        update_name=rollout.update_name,
        method=rollout.method,
        target_version=rollout.target_version,
        validations=[
            ValidationRead(
                result=v.result,
                summary=v.summary,
                performed_on=v.performed_on,
                performed_by=v.performed_by,
            )
            for v in repo.validations(session, rollout.id)
        ],
        items=[
            RolloutItemRead(
                asset_tag=a.asset_tag,
                status=i.status,
                note=i.note,
                by=i.updated_by,
                at=i.updated_at,
            )
            for i, a in items
        ],
        counts=dict(Counter(i.status for i, _ in items)),
    )


def list_rollouts(session: Session, *, actor: str) -> list[RolloutRead]:
    """Every rollout, newest first."""
    inventory.reader(session, actor)
    return [show(session, name=r.name, actor=actor) for r in repo.rollouts(session)]


def feedback(session: Session, *, name: str, actor: str) -> RolloutFeedbackMessage:
    """The failed installations of a rollout as a message for the manufacturer (seed 6.2.2 c).

    It names the update, the method, the software versions and what failed; never a hospital
    asset tag, serial, address or person (the manufacturer needs the failure, not the site).
    """
    inventory.reader(session, actor)
    rollout = _get(session, name)
    failures = []
    for item, asset in repo.rollout_items(session, rollout.id):
        if item.status != "failed":
            continue
        failures.append(
            {
                "manufacturer": asset.manufacturer,
                "model": asset.model,
                "installed_version": asset.software_version,
                "what_failed": item.note,
                "when": item.updated_at.date().isoformat(),
            }
        )
    if not failures:
        raise InvalidInput(f"rollout {name!r} has no failed installation to report")
    return {
        "format": FEEDBACK_FORMAT,
        "update": rollout.update_name,
        "method": rollout.method,
        "target_version": rollout.target_version,
        "failed_installations": failures,
        "validations": [
            {"result": v.result, "summary": v.summary, "date": v.performed_on.isoformat()}
            for v in repo.validations(session, rollout.id)
        ],
    }


def feedback_text(message: RolloutFeedbackMessage) -> str:
    """The feedback message as e-mail text for the manufacturer's security contact."""
    lines = [
        f"Subject: Failed installation of {message['update']} (target version "
        f"{message['target_version']})",
        "",
        f"The update {message['update']} failed to install on "
        f"{len(message['failed_installations'])} device(s) at our facility.",
        "",
    ]
    lines.extend(
        f"- {f['manufacturer']} {f['model']}, running {f['installed_version'] or 'unknown'}: "
        f"{f['what_failed']} ({f['when']})"
        for f in message["failed_installations"]
    )
    lines += ["", "The structured message (JSON) is attached for your records."]
    return "\n".join(lines) + "\n"
