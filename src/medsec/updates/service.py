"""Use cases of software updates: record an update that addresses findings, with its method
(seed Table 2) and the regulatory oversight level derived from the findings' risk (Table 3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput
from medsec.findings import decisions
from medsec.models import Update
from medsec.products import service as products
from medsec.risk import service as risk_service
from medsec.updates import repository as repo
from medsec.updates import rules
from medsec.updates.schemas import AddressedRead, UpdateRead


def create(
    session: Session,
    *,
    product: str,
    name: str,
    method: str,
    addressed: list[tuple[int, str]],
    actor: str,
    release: str | None = None,
    cyber_hygiene: bool = False,
    other_impact: bool = False,
    description: str | None = None,
    planned: date | None = None,
) -> Update:
    """Record an update; ``addressed``: (finding id, fixed | risk_reduced | cyber_hygiene);
    ``planned``: the date it is planned to reach customers."""
    prod = products.get_product(session, product)
    accounts.require(session, actor, "analyst", rule="updates", product=prod.name)
    try:
        how = rules.UpdateMethod(method)
    except ValueError:
        allowed = ", ".join(m.value for m in rules.UpdateMethod)
        raise InvalidInput(f"update method {method!r} is not one of {allowed}") from None
    rel = products.get_release(session, product=product, version=release) if release else None
    ids = [fid for fid, _ in addressed]
    records = risk_service.current(session, ids)
    items = []
    for fid, effect in addressed:
        _finding, _rel, fprod = decisions.get_finding(session, fid)
        if fprod.id != prod.id:
            # the other product is not named: the actor may not be allowed to see it
            raise InvalidInput(f"finding {fid} is not a finding of {product!r}")
        try:
            eff = rules.UpdateEffect(effect)
        except ValueError:
            allowed = ", ".join(e.value for e in rules.UpdateEffect)
            raise InvalidInput(
                f"finding {fid}: effect {effect!r} is not one of {allowed}"
            ) from None
        record = records.get(fid)
        acceptable = record.acceptable if record is not None else None
        if acceptable is None and eff is not rules.UpdateEffect.CYBER_HYGIENE:
            raise InvalidInput(
                f"finding {fid} has no risk record: record its risk first "
                f"(medsec risk assess {fid} ...), the oversight level depends on it"
            )
        items.append(rules.AddressedFinding(f"finding {fid}", eff, acceptable))
    decision = rules.oversight_level(items, cyber_hygiene=cyber_hygiene, other_impact=other_impact)
    row = Update(
        product_id=prod.id,
        release_id=rel.id if rel else None,
        name=name,
        method=how.value,
        description=description,
        cyber_hygiene=cyber_hygiene,
        planned=planned,
        addressed=[{"finding": fid, "effect": eff} for fid, eff in addressed],
        oversight=decision.level.value,
        oversight_reasons=list(decision.reasons),
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="update.create",
        object_type="update",
        object_id=row.id,
        product_id=prod.id,
        details={
            "name": name,
            "method": how.value,
            "oversight": row.oversight,
            "addressed": row.addressed,
            "release": release,
            "planned": planned.isoformat() if planned else None,
        },
    )
    return row


def list_updates(session: Session, *, product: str) -> list[Update]:
    """The updates of a product, oldest first."""
    prod = products.get_product(session, product)
    return repo.updates_of(session, prod.id)


def view(session: Session, row: Update) -> UpdateRead:
    """An update with its method's Table 2 row."""
    info = rules.UPDATE_METHODS[rules.UpdateMethod(row.method)]
    rel = products.release_by_id(session, row.release_id) if row.release_id else None
    return UpdateRead(
        id=row.id,
        name=row.name,
        release=rel.version if rel else None,
        method=row.method,
        method_title=info.title,
        user_responsibility=info.user_responsibility,
        description=row.description,
        cyber_hygiene=row.cyber_hygiene,
        planned=row.planned.isoformat() if row.planned else None,
        addressed=[AddressedRead.model_validate(a) for a in row.addressed],
        oversight=row.oversight,
        oversight_reasons=list(row.oversight_reasons),
        created_by=row.created_by,
        created_at=row.created_at.isoformat(),
    )
