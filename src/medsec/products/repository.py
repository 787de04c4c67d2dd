"""Every query of the products domain."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from medsec.models import Base, Manufacturer, Product, Release


def manufacturer_by_name(session: Session, name: str) -> Manufacturer | None:
    """The manufacturer of that name, if any."""
    return session.execute(select(Manufacturer).where(Manufacturer.name == name)).scalar()


def product_by_name(session: Session, name: str) -> Product | None:
    """The product of that name with its manufacturer loaded, if any."""
    stmt = select(Product).options(joinedload(Product.manufacturer)).where(Product.name == name)
    return session.execute(stmt).scalar()


def all_products(session: Session) -> list[Product]:
    """Every product, by name, with manufacturers loaded."""
    stmt = select(Product).options(joinedload(Product.manufacturer)).order_by(Product.name)
    return list(session.execute(stmt).scalars())


def release_by_version(session: Session, product_id: int, version: str) -> Release | None:
    """One release of a product."""
    stmt = select(Release).where(Release.product_id == product_id, Release.version == version)
    return session.execute(stmt).scalar()


def releases_of(session: Session, product_ids: list[int]) -> list[Release]:
    """The releases of the given products, ordered by product then creation."""
    stmt = (
        select(Release)
        .where(Release.product_id.in_(product_ids))
        .order_by(Release.product_id, Release.id)
    )
    return list(session.execute(stmt).scalars())


def release_ids_by_product_name(session: Session, name: str) -> list[int]:
    """Ids of the releases of the product of that name, by creation (one statement)."""
    stmt = (
        select(Release.id)
        .join(Product, Product.id == Release.product_id)
        .where(Product.name == name)
        .order_by(Release.id)
    )
    return list(session.execute(stmt).scalars())


def release_by_id(session: Session, release_id: int) -> Release | None:
    """One release by id with its product loaded."""
    stmt = select(Release).options(joinedload(Release.product)).where(Release.id == release_id)
    return session.execute(stmt).scalar()


def similar_names(session: Session) -> list[str]:
    """Every product name (for "did you mean" suggestions)."""
    return list(session.execute(select(Product.name).order_by(Product.name)).scalars())


def dependents(session: Session, target: str, row_id: int) -> dict[str, int]:
    """Table -> number of rows referring to ``target`` ("product" or "release") row ``row_id``
    through a foreign key (every table of the schema, so new tables are counted too)."""
    out: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != target or fk.parent.table is not table:
                continue
            stmt = select(func.count()).select_from(table).where(fk.parent == row_id)
            count = int(session.execute(stmt).scalar_one())
            if count:
                out[table.name] = out.get(table.name, 0) + count
    return out


def markets_by_id(session: Session, product_ids: list[int]) -> dict[int, list[str]]:
    """The recorded markets of each product by id."""
    if not product_ids:
        return {}
    stmt = select(Product.id, Product.markets).where(Product.id.in_(product_ids))
    return {pid: list(markets or []) for pid, markets in session.execute(stmt).all()}
