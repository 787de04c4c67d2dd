"""Every query of the lifecycle domain (its own tables only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import LifecycleMappingRow, LifecycleProductRow, ReleaseLifecycleRow


def products_by_slug(session: Session, slugs: list[str]) -> dict[str, LifecycleProductRow]:
    """The stored products of the given slugs."""
    if not slugs:
        return {}
    stmt = select(LifecycleProductRow).where(LifecycleProductRow.slug.in_(slugs))
    return {p.slug: p for p in session.execute(stmt).scalars()}


def all_products(session: Session) -> list[LifecycleProductRow]:
    """Every stored product by slug."""
    stmt = select(LifecycleProductRow).order_by(LifecycleProductRow.slug)
    return list(session.execute(stmt).scalars())


def mappings(session: Session) -> list[LifecycleMappingRow]:
    """Every user mapping row."""
    stmt = select(LifecycleMappingRow).order_by(
        LifecycleMappingRow.purl_type, LifecycleMappingRow.name
    )
    return list(session.execute(stmt).scalars())


def mapping(session: Session, purl_type: str, name: str) -> LifecycleMappingRow | None:
    """One user mapping row."""
    stmt = select(LifecycleMappingRow).where(
        LifecycleMappingRow.purl_type == purl_type, LifecycleMappingRow.name == name
    )
    return session.execute(stmt).scalar()


def release_rows(session: Session, release_ids: list[int]) -> dict[int, ReleaseLifecycleRow]:
    """The lifecycle rows of the given releases."""
    if not release_ids:
        return {}
    stmt = select(ReleaseLifecycleRow).where(ReleaseLifecycleRow.release_id.in_(release_ids))
    return {r.release_id: r for r in session.execute(stmt).scalars()}
