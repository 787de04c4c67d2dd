"""Use cases of the TPLC cybersecurity management plan: show (with the facts medsec's own records
hold: the jobs and feeds it runs, the CVD policy in force, updates, end-of-support dates), set
(every edit a new version, audited), history. Flush, never commit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.cvd.policy import policy_from_env
from medsec.errors import Hidden, InvalidInput, NotFound
from medsec.jobs import catalog
from medsec.jobs import service as jobs
from medsec.lifecycle import service as lifecycle
from medsec.models import Product, TplcPlanVersion
from medsec.products import service as products
from medsec.tplc import repository as repo
from medsec.tplc import rules
from medsec.tplc.schemas import MonitoringSourceRead, PlanContent, PlanRead, PlanVersionRead
from medsec.updates import service as updates
from medsec.vulns import service as vulns

FIELDS = frozenset(PlanContent.model_fields)
CVD_KEYS = (
    "acknowledge_business_days",
    "triage_business_days",
    "uncontrolled_communicate_days",
    "uncontrolled_remediate_days",
    "controlled_remediate_days",
    "disclosure_days",
)


def _product(session: Session, product: str, actor: str, role: str, rule: str) -> Product:
    """The product when the actor may use it; a hidden product answers like a missing one."""
    if role == "viewer":
        accounts.require_read(session, actor, rule=rule)
        account = accounts.get(session, accounts.account_name(actor))
        if account is not None and account.products and product not in account.products:
            raise Hidden(f"no product named {product!r} (see `medsec product list`)", reason=rule)
    else:
        accounts.require(session, actor, role, rule=rule, product=product)
    return products.get_product(session, product)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def monitoring_sources(session: Session) -> list[MonitoringSourceRead]:
    """The jobs medsec runs on a schedule and the vulnerability databases it has imported."""
    last = jobs.last_started(session)
    out = [
        MonitoringSourceRead(
            name=s.name,
            title=s.title,
            every_seconds=s.every_seconds,
            last_run=_aware(last[s.name].started_at) if s.name in last else None,
        )
        for s in catalog.specs()
    ]
    for kind, feed in sorted(vulns.feed_status(session).items()):
        out.append(
            MonitoringSourceRead(
                name=f"feed:{kind}",
                title=f"{kind.upper()} ({feed.source_name}, {feed.records} records)",
                every_seconds=None,
                last_run=_aware(feed.imported_at),
            )
        )
    return out


def _read(session: Session, prod: Product, row: TplcPlanVersion | None, actor: str) -> PlanRead:
    policy = policy_from_env()
    on = utcnow().date()
    eos = [
        {
            "release": s.release,
            "eol": s.lifecycle.eol.isoformat() if s.lifecycle.eol else None,
            "eos": s.lifecycle.eos.isoformat() if s.lifecycle.eos else None,
            "phase": s.phase_words,
        }
        for s in lifecycle.status(session, product=prod.name, on=on, actor=actor)
    ]
    return PlanRead(
        product=prod.name,
        version=row.version if row else 0,
        content=PlanContent.model_validate(row.content if row else {}),
        note=row.note if row else None,
        created_by=row.created_by if row else "",
        created_at=_aware(row.created_at) if row else utcnow(),  # type: ignore[arg-type]
        monitoring=monitoring_sources(session),
        cvd_deadlines={k: getattr(policy.policy, k) for k in CVD_KEYS},
        cvd_policy_source=policy.path or "defaults (FDA postmarket guidance; ISO/IEC 29147, 30111)",
        updates=[
            {
                "name": u.name,
                "method": u.method,
                "planned": u.planned.isoformat() if u.planned else None,
                "oversight": u.oversight,
            }
            for u in updates.list_updates(session, product=prod.name)
        ],
        end_of_support=eos,
    )


def show(session: Session, *, product: str, actor: str, version: int | None = None) -> PlanRead:
    """The product's plan (its newest version, or one), with the facts other records hold."""
    prod = _product(session, product, actor, "viewer", "reading a TPLC plan")
    if version is None:
        return _read(session, prod, repo.current(session, prod.id), actor)
    rows = {r.version: r for r in repo.versions(session, prod.id)}
    if version not in rows:
        raise NotFound(f"product {product!r} has no plan version {version}")
    return _read(session, prod, rows[version], actor)


def plan_of(session: Session, *, product_id: int) -> PlanContent | None:
    """The newest plan content of a product (no access check: for the documents service)."""
    row = repo.current(session, product_id)
    return PlanContent.model_validate(row.content) if row else None


def set_plan(
    session: Session, *, product: str, changes: dict[str, Any], actor: str, note: str | None = None
) -> PlanRead:
    """Apply changes to the plan as a new version (analysts); the same values again make none."""
    prod = _product(session, product, actor, "analyst", "editing a TPLC plan")
    row = repo.current(session, prod.id)
    before = PlanContent.model_validate(row.content if row else {}).model_dump(mode="json")
    after = rules.apply_changes(before, changes, FIELDS)
    try:
        content = PlanContent.model_validate(after).model_dump(mode="json")
    except ValueError as exc:
        raise InvalidInput(f"plan: {exc}") from None
    changed = rules.changed_fields(before, content)
    if not changed:
        return _read(session, prod, row, actor)  # the same values again: no new version
    new = TplcPlanVersion(
        product_id=prod.id,
        version=(row.version if row else 0) + 1,
        content=content,
        note=note,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(new)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="tplc.plan.set",
        object_type="tplc_plan_version",
        object_id=new.id,
        product_id=prod.id,
        details={"product": prod.name, "version": new.version, "changed": changed},
    )
    return _read(session, prod, new, actor)


def history(session: Session, *, product: str, actor: str) -> list[PlanVersionRead]:
    """Every version of the plan with who changed which fields and when, newest first."""
    prod = _product(session, product, actor, "viewer", "reading a TPLC plan")
    out: list[PlanVersionRead] = []
    before: dict[str, Any] = PlanContent().model_dump(mode="json")
    for row in repo.versions(session, prod.id):
        out.append(
            PlanVersionRead(
                version=row.version,
                created_by=row.created_by,
                created_at=_aware(row.created_at),  # type: ignore[arg-type]
                note=row.note,
                changed=rules.changed_fields(before, row.content),
            )
        )
        before = row.content
    return out[::-1]
