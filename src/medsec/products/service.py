"""Use cases for manufacturers, products and releases; flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.errors import Conflict, NotFound
from medsec.models import Manufacturer, Product, Release
from medsec.products import repository as repo
from medsec.products.schemas import ProductCreate, ReleaseCreate


def get_or_create_manufacturer(session: Session, name: str) -> Manufacturer:
    """The manufacturer of that name, created when new."""
    found = repo.manufacturer_by_name(session, name)
    if found is not None:
        return found
    try:
        with session.begin_nested():  # a concurrent writer may insert the same name first
            manufacturer = Manufacturer(name=name)
            session.add(manufacturer)
            session.flush()
    except IntegrityError:
        found = repo.manufacturer_by_name(session, name)
        if found is None:
            raise
        return found
    return manufacturer


def create_product(session: Session, *, data: ProductCreate, actor: str) -> Product:
    """Register a new device model; Conflict when the name is taken."""
    if repo.product_by_name(session, data.name) is not None:
        raise Conflict(f"product {data.name!r} already exists")
    manufacturer = get_or_create_manufacturer(session, data.manufacturer)
    try:
        with session.begin_nested():  # a concurrent `product add` of the same name
            product = Product(
                name=data.name, manufacturer=manufacturer, description=data.description
            )
            session.add(product)
            session.flush()
    except IntegrityError:
        raise Conflict(f"product {data.name!r} already exists") from None
    audit.record(
        session,
        actor=actor,
        action="product.create",
        object_type="product",
        object_id=product.id,
        product_id=product.id,
        details={"name": data.name, "manufacturer": data.manufacturer},
    )
    return product


def get_product(session: Session, name: str) -> Product:
    """The product of that name; NotFound otherwise."""
    product = repo.product_by_name(session, name)
    if product is None:
        raise NotFound(f"no product named {name!r} (see `medsec product list`)")
    return product


def list_products(session: Session) -> list[Product]:
    """Every product by name."""
    return repo.all_products(session)


def create_release(session: Session, *, product: str, data: ReleaseCreate, actor: str) -> Release:
    """Add a release to a product; Conflict when that version exists."""
    prod = get_product(session, product)
    if repo.release_by_version(session, prod.id, data.version) is not None:
        raise Conflict(f"release {data.version!r} of {product!r} already exists")
    release = Release(
        product_id=prod.id,
        version=data.version,
        release_date=data.release_date,
        use_environment=data.use_environment,
        clinical_function=data.clinical_function,
        essential_performance=data.essential_performance,
        interfaces=[i.model_dump(exclude_none=True) for i in data.interfaces],
    )
    try:
        with session.begin_nested():  # a concurrent `release add` of the same version
            session.add(release)
            session.flush()
    except IntegrityError:
        raise Conflict(f"release {data.version!r} of {product!r} already exists") from None
    audit.record(
        session,
        actor=actor,
        action="release.create",
        object_type="release",
        object_id=release.id,
        product_id=prod.id,
        details={"version": data.version},
    )
    return release


def get_release(session: Session, *, product: str, version: str) -> Release:
    """One release of a product; NotFound otherwise."""
    prod = get_product(session, product)
    release = repo.release_by_version(session, prod.id, version)
    if release is None:
        raise NotFound(
            f"product {product!r} has no release {version!r} (see `medsec release list`)"
        )
    return release


def list_releases(session: Session, *, product: str) -> list[Release]:
    """The releases of one product, oldest first."""
    return repo.releases_of(session, [get_product(session, product).id])


@dataclass(frozen=True, slots=True)
class EnsuredRelease:
    """A release found or created, and what had to be created."""

    release: Release
    product: Product
    created_product: bool
    created_release: bool


def ensure_release(
    session: Session, *, product: str, version: str, manufacturer: str | None, actor: str
) -> EnsuredRelease:
    """Find the release, creating the product and release when they do not exist yet."""
    prod = repo.product_by_name(session, product)
    created_product = prod is None
    if prod is None:
        data = ProductCreate(name=product, manufacturer=manufacturer or "Unknown manufacturer")
        prod = create_product(session, data=data, actor=actor)
    release = repo.release_by_version(session, prod.id, version)
    created_release = release is None
    if release is None:
        release = create_release(
            session, product=product, data=ReleaseCreate(version=version), actor=actor
        )
    return EnsuredRelease(release, prod, created_product, created_release)


def releases_by_product(session: Session, product_ids: list[int]) -> dict[int, list[Release]]:
    """The releases of several products (one query), oldest first, by product id."""
    out: dict[int, list[Release]] = {}
    for r in repo.releases_of(session, product_ids):
        out.setdefault(r.product_id, []).append(r)
    return out


def release_by_id(session: Session, release_id: int) -> Release:
    """One release by id, its product loaded; NotFound otherwise."""
    release = repo.release_by_id(session, release_id)
    if release is None:
        raise NotFound(f"no release with id {release_id}")
    return release
