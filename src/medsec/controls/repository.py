"""Queries of security controls and their links."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import ControlLink, SecurityControl


def of_product(session: Session, product_id: int) -> list[SecurityControl]:
    """A product's controls by key."""
    stmt = (
        select(SecurityControl)
        .where(SecurityControl.product_id == product_id)
        .order_by(SecurityControl.key)
    )
    return list(session.execute(stmt).scalars())


def by_key(session: Session, product_id: int, key: str) -> SecurityControl | None:
    """One control of a product."""
    stmt = select(SecurityControl).where(
        SecurityControl.product_id == product_id, SecurityControl.key == key
    )
    return session.execute(stmt).scalar_one_or_none()


def links(session: Session, control_ids: Sequence[int]) -> list[ControlLink]:
    """The links of these controls."""
    if not control_ids:
        return []
    stmt = select(ControlLink).where(ControlLink.control_id.in_(list(control_ids)))
    return list(session.execute(stmt.order_by(ControlLink.id)).scalars())


def link_rows(
    session: Session, control_ids: Sequence[int]
) -> list[tuple[int, int | None, int | None]]:
    """(control id, threat id, finding id) of these controls' links (columns only)."""
    if not control_ids:
        return []
    stmt = select(ControlLink.control_id, ControlLink.threat_id, ControlLink.finding_id).where(
        ControlLink.control_id.in_(list(control_ids))
    )
    return [(c, t, f) for c, t, f in session.execute(stmt.order_by(ControlLink.id))]
