"""Queries of software updates (only this domain's table)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import Update


def updates_of(session: Session, product_id: int) -> list[Update]:
    """The updates of a product, oldest first."""
    stmt = select(Update).where(Update.product_id == product_id).order_by(Update.id)
    return list(session.scalars(stmt))
