"""Queries of the plan versions (only this domain's table)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import TplcPlanVersion


def versions(session: Session, product_id: int) -> list[TplcPlanVersion]:
    """Every version of a product's plan, oldest first."""
    q = select(TplcPlanVersion).where(TplcPlanVersion.product_id == product_id)
    return list(session.scalars(q.order_by(TplcPlanVersion.version)))


def current(session: Session, product_id: int) -> TplcPlanVersion | None:
    """The newest version of a product's plan."""
    q = select(TplcPlanVersion).where(TplcPlanVersion.product_id == product_id)
    return session.scalars(q.order_by(TplcPlanVersion.version.desc()).limit(1)).first()
