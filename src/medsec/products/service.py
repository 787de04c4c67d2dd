"""Use cases for manufacturers, products and releases; flush, never commit."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.jurisdictions import profiles as jurisdictions
from medsec.models import Manufacturer, Product, Release
from medsec.products import repository as repo
from medsec.products.schemas import ProductCreate, ProductUpdate, ReleaseCreate, ReleaseUpdate


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
    """The product of that name; NotFound otherwise (naming the closest existing names)."""
    product = repo.product_by_name(session, name)
    if product is None:
        raise NotFound(f"no product named {name!r}{did_you_mean(session, name)}")
    return product


def find_product(session: Session, name: str) -> Product | None:
    """The product of that name, or None."""
    return repo.product_by_name(session, name)


def find_release(session: Session, *, product_id: int, version: str) -> Release | None:
    """One release of a product by id, or None."""
    return repo.release_by_version(session, product_id, version)


def close_names(session: Session, name: str, *, limit: int = 3) -> list[str]:
    """Existing product names closest to ``name`` (case and spacing ignored), best first."""
    names = repo.similar_names(session)
    folded = {n.casefold().replace(" ", "").replace("-", ""): n for n in names}
    key = name.casefold().replace(" ", "").replace("-", "")
    hits = difflib.get_close_matches(key, list(folded), n=limit, cutoff=0.6)
    return [folded[h] for h in hits]


def did_you_mean(session: Session, name: str) -> str:
    """ " (did you mean 'X'?)" for the closest names, else a pointer to the product list."""
    close = close_names(session, name)
    if close:
        return f" (did you mean {' or '.join(repr(c) for c in close)}?)"
    return " (see `medsec product list`)"


def update_product(session: Session, *, name: str, data: ProductUpdate, actor: str) -> Product:
    """Change a product's manufacturer, description or markets (analyst); audited."""
    accounts.require(session, actor, "analyst", rule="only an analyst edits products", product=name)
    product = get_product(session, name)
    changes: dict[str, Any] = {}
    if data.manufacturer is not None and data.manufacturer != product.manufacturer.name:
        changes["manufacturer"] = [product.manufacturer.name, data.manufacturer]
        product.manufacturer = get_or_create_manufacturer(session, data.manufacturer)
    if "description" in data.model_fields_set and data.description != product.description:
        changes["description"] = [product.description, data.description]
        product.description = data.description
    if data.markets is not None:
        markets = jurisdictions.parse_markets(data.markets)
        if markets != list(product.markets or []):
            changes["markets"] = [list(product.markets or []), markets]
            product.markets = markets
    session.flush()
    if changes:
        audit.record(
            session,
            actor=actor,
            action="product.edit",
            object_type="product",
            object_id=product.id,
            product_id=product.id,
            details={"name": name, "changes": changes},
        )
    return product


def rename_product(session: Session, *, name: str, new_name: str, actor: str) -> Product:
    """Rename a product (analyst); per-product account access follows the new name."""
    accounts.require(
        session, actor, "analyst", rule="only an analyst renames products", product=name
    )
    product = get_product(session, name)
    new_name = new_name.strip()
    if not new_name or len(new_name) > 200:
        raise InvalidInput("new name: must be 1 to 200 characters")
    if new_name == name:
        return product
    if repo.product_by_name(session, new_name) is not None:
        raise Conflict(f"product {new_name!r} already exists")
    product.name = new_name
    moved = accounts.rename_product_access(session, old=name, new=new_name)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="product.rename",
        object_type="product",
        object_id=product.id,
        product_id=product.id,
        details={"from": name, "to": new_name, "accounts_updated": moved},
    )
    return product


def _what_depends(session: Session, target: str, row_id: int) -> str:
    found = repo.dependents(session, target, row_id)
    return ", ".join(f"{n} {t.replace('_', ' ')} row(s)" for t, n in sorted(found.items()))


def delete_product(session: Session, *, name: str, actor: str) -> None:
    """Delete a product nothing depends on (admin); Conflict naming what depends on it."""
    accounts.require(session, actor, "admin", rule="only an admin deletes products", product=name)
    product = get_product(session, name)
    depends = _what_depends(session, "product", product.id)
    if depends:
        raise Conflict(f"product {name!r} cannot be deleted: {depends} depend on it")
    audit.record(
        session,
        actor=actor,
        action="product.delete",
        object_type="product",
        object_id=product.id,
        details={"name": name, "manufacturer": product.manufacturer.name},
    )
    session.delete(product)
    session.flush()


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


def update_release(
    session: Session, *, product: str, version: str, data: ReleaseUpdate, actor: str
) -> Release:
    """Change a release's intended use, clinical function, essential performance, date or
    interfaces (analyst); audited with before/after."""
    accounts.require(
        session, actor, "analyst", rule="only an analyst edits releases", product=product
    )
    release = get_release(session, product=product, version=version)
    changes: dict[str, Any] = {}
    for field in data.model_fields_set:
        value = getattr(data, field)
        if field == "interfaces":
            value = [i.model_dump(exclude_none=True) for i in value or []]
        elif field == "use_environment" and value is None:
            raise InvalidInput("use_environment: one of hospital, home, both")
        before = getattr(release, field)
        if before != value:
            changes[field] = [
                before.isoformat() if hasattr(before, "isoformat") else before,
                value.isoformat() if hasattr(value, "isoformat") else value,
            ]
            setattr(release, field, value)
    session.flush()
    if changes:
        audit.record(
            session,
            actor=actor,
            action="release.edit",
            object_type="release",
            object_id=release.id,
            product_id=release.product_id,
            details={"version": version, "changes": changes},
        )
    return release


def delete_release(session: Session, *, product: str, version: str, actor: str) -> None:
    """Delete a release nothing depends on (admin): no SBOM, finding, decision, update or link."""
    accounts.require(
        session, actor, "admin", rule="only an admin deletes releases", product=product
    )
    release = get_release(session, product=product, version=version)
    depends = _what_depends(session, "release", release.id)
    if depends:
        raise Conflict(
            f"release {version!r} of {product!r} cannot be deleted: {depends} depend on it"
        )
    audit.record(
        session,
        actor=actor,
        action="release.delete",
        object_type="release",
        object_id=release.id,
        product_id=release.product_id,
        details={"version": version},
    )
    session.delete(release)
    session.flush()


def list_releases(session: Session, *, product: str) -> list[Release]:
    """The releases of one product, oldest first."""
    return repo.releases_of(session, [get_product(session, product).id])


def release_ids(session: Session, *, product: str) -> list[int]:
    """Ids of one product's releases, oldest first; NotFound for an unknown product."""
    ids = repo.release_ids_by_product_name(session, product)
    if not ids:
        get_product(session, product)  # a product without releases, or NotFound
    return ids


@dataclass(frozen=True, slots=True)
class EnsuredRelease:
    """A release found or created, and what had to be created."""

    release: Release
    product: Product
    created_product: bool
    created_release: bool


def ensure_release(
    session: Session,
    *,
    product: str,
    version: str,
    manufacturer: str | None,
    actor: str,
    allow_new_product: bool = True,
) -> EnsuredRelease:
    """Find the release, creating the release when new, and the product when new and
    ``allow_new_product`` (else NotFound naming the closest existing names)."""
    prod = repo.product_by_name(session, product)
    created_product = prod is None
    if prod is None and not allow_new_product:
        raise NotFound(
            f"no product named {product!r}{did_you_mean(session, product)}; "
            "to create it, give --create (API: auto-create=true)"
        )
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


def markets_of(session: Session, name: str) -> list[str]:
    """The product's markets (jurisdiction profile codes) as recorded; empty: none recorded."""
    return list(get_product(session, name).markets or [])


def effective_markets(markets: list[str] | None) -> list[str]:
    """The markets whose profiles apply: the recorded ones, else the FDA profile (today's)."""
    return list(markets or jurisdictions.DEFAULT_MARKETS)


def markets_by_id(session: Session, product_ids: list[int]) -> dict[int, list[str]]:
    """The recorded markets of each product by id (no access check: deadlines are computed for
    cases and incidents whose access is checked by their own domain)."""
    return repo.markets_by_id(session, product_ids)
