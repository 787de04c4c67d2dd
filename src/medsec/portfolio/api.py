"""`/api/v1/products`: products and their releases. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter, Response

from medsec.accounts import service as accounts
from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.findings import overview
from medsec.findings.schemas import ProductOverview
from medsec.products import service as products
from medsec.products.schemas import (
    ProductCreate,
    ProductRead,
    ProductRename,
    ProductUpdate,
    ReleaseCreate,
    ReleaseRead,
    ReleaseUpdate,
)
from medsec.sbom import service as sboms

router = APIRouter(prefix="/api/v1")


@router.get("/products", response_model=list[ProductRead], tags=["products"])
def list_products(session: SessionDep, who: ApiPrincipal) -> list[ProductRead]:
    """The products the account may see, with their release versions."""
    require_read(session, who)
    items = [p for p in products.list_products(session) if who.sees(p.name)]
    releases = products.releases_by_product(session, [p.id for p in items])
    return [
        ProductRead(
            name=p.name,
            manufacturer=p.manufacturer.name,
            description=p.description,
            releases=[r.version for r in releases.get(p.id, [])],
            markets=list(p.markets or []),
        )
        for p in items
    ]


@router.get("/products/{product}", response_model=ProductOverview, tags=["products"])
def show_product(product: str, session: SessionDep, who: ApiPrincipal) -> ProductOverview:
    """One product with its releases and their counts."""
    require_read(session, who, product)
    return overview.product_overview(session, product)


@router.get("/products/{product}/releases", response_model=list[ReleaseRead], tags=["products"])
def list_releases(product: str, session: SessionDep, who: ApiPrincipal) -> list[ReleaseRead]:
    """The releases of a product, oldest first."""
    require_read(session, who, product)
    out = []
    for r in products.list_releases(session, product=product):
        sbom = sboms.current_of(session, r.id)
        out.append(
            ReleaseRead(
                product=product,
                version=r.version,
                release_date=r.release_date,
                use_environment=r.use_environment,  # type: ignore[arg-type]
                clinical_function=r.clinical_function,
                essential_performance=r.essential_performance,
                interfaces=r.interfaces,  # type: ignore[arg-type]
                current_sbom_revision=sbom.revision if sbom else None,
                component_count=sbom.component_count if sbom else None,
            )
        )
    return out


def _product_read(session: SessionDep, name: str) -> ProductRead:
    p = products.get_product(session, name)
    return ProductRead(
        name=p.name,
        manufacturer=p.manufacturer.name,
        description=p.description,
        releases=[r.version for r in products.list_releases(session, product=p.name)],
        markets=list(p.markets or []),
    )


def _release_read(session: SessionDep, product: str, version: str) -> ReleaseRead:
    r = products.get_release(session, product=product, version=version)
    sbom = sboms.current_of(session, r.id)
    return ReleaseRead(
        product=product,
        version=r.version,
        release_date=r.release_date,
        use_environment=r.use_environment,  # type: ignore[arg-type]
        clinical_function=r.clinical_function,
        essential_performance=r.essential_performance,
        interfaces=r.interfaces,  # type: ignore[arg-type]
        current_sbom_revision=sbom.revision if sbom else None,
        component_count=sbom.component_count if sbom else None,
    )


@router.post("/products", response_model=ProductRead, status_code=201, tags=["products"])
def create_product(body: ProductCreate, session: SessionDep, who: ApiPrincipal) -> ProductRead:
    """Register a device model (analyst role), as `medsec product add`."""
    accounts.require(session, who.actor, "analyst", rule="only an analyst adds products")
    products.create_product(session, data=body, actor=who.actor)
    return _product_read(session, body.name)


@router.patch("/products/{product}", response_model=ProductRead, tags=["products"])
def edit_product(
    product: str, body: ProductUpdate, session: SessionDep, who: ApiPrincipal
) -> ProductRead:
    """Change a product's manufacturer or description (analyst role; audited)."""
    require_read(session, who, product)
    products.update_product(session, name=product, data=body, actor=who.actor)
    return _product_read(session, product)


@router.post("/products/{product}/rename", response_model=ProductRead, tags=["products"])
def rename_product(
    product: str, body: ProductRename, session: SessionDep, who: ApiPrincipal
) -> ProductRead:
    """Rename a product (analyst role; audited; per-product access follows the new name)."""
    require_read(session, who, product)
    products.rename_product(session, name=product, new_name=body.name, actor=who.actor)
    return _product_read(session, body.name.strip())


@router.delete("/products/{product}", status_code=204, tags=["products"])
def delete_product(product: str, session: SessionDep, who: ApiPrincipal) -> Response:
    """Delete a product nothing depends on (admin role; 409 naming what depends on it)."""
    require_read(session, who, product)
    products.delete_product(session, name=product, actor=who.actor)
    return Response(status_code=204)


@router.post(
    "/products/{product}/releases", response_model=ReleaseRead, status_code=201, tags=["products"]
)
def create_release(
    product: str, body: ReleaseCreate, session: SessionDep, who: ApiPrincipal
) -> ReleaseRead:
    """Add a release to a product (analyst role), as `medsec release add`."""
    require_read(session, who, product)
    accounts.require(
        session, who.actor, "analyst", rule="only an analyst adds releases", product=product
    )
    products.create_release(session, product=product, data=body, actor=who.actor)
    return _release_read(session, product, body.version)


@router.patch(
    "/products/{product}/releases/{version}", response_model=ReleaseRead, tags=["products"]
)
def edit_release(
    product: str, version: str, body: ReleaseUpdate, session: SessionDep, who: ApiPrincipal
) -> ReleaseRead:
    """Change a release's intended use, functions, date or interfaces (analyst role)."""
    require_read(session, who, product)
    products.update_release(session, product=product, version=version, data=body, actor=who.actor)
    return _release_read(session, product, version)


@router.delete("/products/{product}/releases/{version}", status_code=204, tags=["products"])
def delete_release(product: str, version: str, session: SessionDep, who: ApiPrincipal) -> Response:
    """Delete a release nothing depends on (admin role; 409 naming what depends on it)."""
    require_read(session, who, product)
    products.delete_release(session, product=product, version=version, actor=who.actor)
    return Response(status_code=204)
