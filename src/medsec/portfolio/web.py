"""Product pages: the dashboard, a product with its releases, a release with its components,
findings and what vendors say. Thin: services only, every read checked with the viewer rule."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import ValidationError

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.api.deps import SessionDep, require_read
from medsec.core.schemas import MAX_PAGE
from medsec.errors import Conflict, InvalidInput
from medsec.findings import overview
from medsec.imported_csaf import queries as csaf_queries
from medsec.jurisdictions import profiles as jurisdictions
from medsec.lifecycle import service as lifecycle
from medsec.lifecycle.rules import LEVEL_WORDS
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ProductUpdate, ReleaseCreate, ReleaseUpdate
from medsec.sbom import service as sboms
from medsec.web.render import label, page, seg
from medsec.web.session import UserDep
from medsec.web.svg import bar_chart_svg

router = APIRouter(include_in_schema=False)
COMPONENTS_PER_PAGE = 100


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """Every product the account may see, with its releases and counts."""
    require_read(session, user.principal)
    return _dashboard(request, session, user)


@router.get("/products/{product}", response_class=HTMLResponse)
def product_page(
    request: Request, product: str, session: SessionDep, user: UserDep, done: str | None = None
) -> HTMLResponse:
    """A product: its releases with SBOM revision, components and findings counts, and (for
    analysts) the forms that change it."""
    require_read(session, user.principal, product)
    return _product_page(request, session, user, product, done=done)


@router.get("/products/{product}/releases/{version}", response_class=HTMLResponse)
def release_page(
    request: Request,
    product: str,
    version: str,
    session: SessionDep,
    user: UserDep,
    offset: int = 0,
    done: str | None = None,
) -> HTMLResponse:
    """A release: its components with support information, and its findings."""
    return _release(request, product, version, session, user, offset=offset, done=done)


def _release(
    request: Request,
    product: str,
    version: str,
    session: SessionDep,
    user: UserDep,
    *,
    offset: int = 0,
    done: str | None = None,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    require_read(session, user.principal, product)
    overview.page_bounds(offset, COMPONENTS_PER_PAGE)
    rel = products.get_release(session, product=product, version=version)
    sbom = sboms.current_of(session, rel.id)
    total: int = 0
    comps: list[Any] = []
    if sbom is not None:
        _, total, comps = sboms.components_page(
            session, product=product, version=version, offset=offset, limit=COMPONENTS_PER_PAGE
        )
    found = overview.search(session, product=product, version=version, limit=MAX_PAGE)
    ctx: dict[str, Any] = {
        "product": product,
        "release": rel,
        "sbom": sbom,
        "components": comps,
        "total": total,
        "offset": offset,
        "per_page": COMPONENTS_PER_PAGE,
        "findings": found.items,
        "findings_total": found.total,
        "today": date.today(),
        "lifecycle": lifecycle.release_summary(
            session, product=product, version=version, on=date.today()
        ),
        "support": {
            s.ref: s
            for s in lifecycle.component_support(
                session,
                product=product,
                version=version,
                on=date.today(),
                actor=user.principal.actor,
            )
        }
        if sbom is not None
        else {},
        "level_words": LEVEL_WORDS,
        "vendor": [
            v.read()
            for v in csaf_queries.product_statements(session, product=product, release=version)
        ],
        "can_edit": user.has("analyst"),
        "can_delete": user.has("admin"),
        "environments": ("hospital", "home", "both"),
        "jurisdictions": [(j.code, j.name) for j in jurisdictions.all_profiles()],
        "error": error,
        "form": form
        or {
            "release_date": rel.release_date.isoformat() if rel.release_date else "",
            "use_environment": rel.use_environment,
            "clinical_function": rel.clinical_function or "",
            "essential_performance": rel.essential_performance or "",
            "interfaces": _interface_rows(rel.interfaces or []),
        },
        "directions": ("inbound", "outbound", "both"),
        "done": DONE.get(done or ""),
    }
    return page(request, "release.html", ctx, status=422 if error else 200)


# --- writes: every form carries the CSRF token; refusals re-render the page, typed text kept ---

Text = Annotated[str, Form(max_length=10_000)]
Short = Annotated[str, Form(max_length=200)]
Markets = Annotated[list[str], Form(max_length=10)]
DONE = {
    "created": "Product created.",
    "edited": "Changes saved.",
    "renamed": "Product renamed; per-product access follows the new name.",
    "release-added": "Release added.",
    "release-edited": "Release saved.",
    "release-deleted": "Release deleted.",
}


def _to(url: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{url}?done={done}", status_code=303)


def _product_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    product: str,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    shown = overview.product_overview(session, product)
    markets = list(shown.markets or [])
    ctx = {
        "p": shown,
        "markets": markets,
        "market_names": [j.name for j in jurisdictions.for_markets(markets)] if markets else [],
        "can_edit": user.has("analyst"),
        "can_delete": user.has("admin"),
        "environments": ("hospital", "home", "both"),
        "error": error,
        "form": form or {},
        "done": DONE.get(done or ""),
    }
    return page(request, "product.html", ctx, status=422 if error else 200)


@router.post("/products", response_model=None)
def create_product(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    name: Short = "",
    manufacturer: Short = "",
    description: Text = "",
) -> Response:
    """Register a device model from the products page (analyst role)."""
    credentials.check_csrf(user.csrf, csrf)
    accounts.require(session, user.principal.actor, "analyst", rule="only an analyst adds products")
    form = {"name": name, "manufacturer": manufacturer, "description": description}
    try:
        data = _valid(
            ProductCreate,
            name=name.strip(),
            manufacturer=manufacturer.strip(),
            description=description.strip() or None,
        )
        products.create_product(session, data=data, actor=user.principal.actor)
    except (InvalidInput, Conflict) as refused:
        return _dashboard(request, session, user, error=str(refused), form=form)
    return _to(f"/products/{seg(data.name)}", "created")


def _dashboard(
    request: Request,
    session: SessionDep,
    user: UserDep,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    items = [
        overview.product_overview(session, p.name)
        for p in products.list_products(session)
        if user.principal.sees(p.name)
    ]
    ctx = {
        "products": items,
        "charts": _charts(session, user, [p.name for p in items]),
        "can_edit": user.has("analyst"),
        "error": error,
        "form": form or {},
    }
    return page(request, "dashboard.html", ctx, status=422 if error else 200)


def _charts(session: SessionDep, user: UserDep, names: list[str]) -> list[Markup]:
    """The portfolio charts (server-side SVG): open findings by SSVC outcome and by residual
    risk, KEV hits per product (each bar links to that product's KEV findings), findings first
    seen per month, and CVD cases with an overdue deadline."""
    from medsec.cvd import service as cvd

    data = overview.portfolio(session, names)
    total = data.total
    kev = [
        (n, c.kev, f"/products/{seg(n)}/findings?kev=yes&sort=release")
        for n, c in data.products.items()
    ]
    months = sorted(total.months.items())[-12:]
    overdue = [
        (f"{c.case.receipt_id} ({c.product or 'no product'})", len(c.overdue),
         f"/cvd/cases/{seg(c.case.receipt_id)}")
        for c in cvd.list_cases(session, actor=user.principal.actor, overdue=True)
    ] if user.has("analyst", "reviewer") else []  # fmt: skip
    charts = [
        bar_chart_svg(
            "Open findings by SSVC outcome",
            [
                (label(k) if k != "none" else "No SSVC decision", n, None)
                for k, n in sorted(total.ssvc.items())
            ],
        ),
        bar_chart_svg(
            "Open findings by residual risk",
            [
                (label(k) if k != "none" else "Not assessed", n, None)
                for k, n in sorted(total.residual.items())
            ],
        ),
        bar_chart_svg("Open findings listed in CISA KEV", kev),
        bar_chart_svg("Findings first seen per month", [(m, n, None) for m, n in months]),
        bar_chart_svg("CVD cases with overdue deadlines", overdue),
    ]
    return [Markup(c) for c in charts]  # noqa: S704  (our markup; labels escaped by the chart)


Many = Annotated[list[str], Form(max_length=500)]


def _interface_rows(interfaces: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A release's interfaces as form rows, plus two blank rows to add more."""
    keys = ("name", "protocol", "port", "direction", "purpose")
    rows = [{k: "" if i.get(k) is None else str(i.get(k)) for k in keys} for i in interfaces]
    return rows + [dict.fromkeys(keys, "") for _ in range(2)]


def _posted_interfaces(*columns: list[str]) -> list[dict[str, str]]:
    """The interface rows of the release form that have a name, in order."""
    names, protocols, ports, directions, purposes = columns

    def at(values: list[str], i: int) -> str:
        return values[i].strip() if i < len(values) else ""

    return [
        {
            "name": n.strip(),
            "protocol": at(protocols, i),
            "port": at(ports, i),
            "direction": at(directions, i),
            "purpose": at(purposes, i),
        }
        for i, n in enumerate(names)
        if n.strip()
    ]


def _port(text: str) -> int | None:
    """A port number typed in the form (blank: none)."""
    if not text:
        return None
    if not text.isdigit():
        raise InvalidInput(f"interfaces: port {text!r} is not a number from 0 to 65535")
    return int(text)


def _valid(model: type[Any], **values: Any) -> Any:
    try:
        return model(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{where}: {first['msg']}") from exc


@router.post("/products/{product}/edit", response_model=None)
def edit_product(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    manufacturer: Short = "",
    description: Text = "",
    new_name: Short = "",
    markets: Markets = [],  # noqa: B006 (FastAPI copies the default)
    markets_shown: Short = "",
) -> Response:
    """Save a product's manufacturer, description and markets (the boxes ticked, when the form
    showed them), and rename it when a new name is given."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    form = {"manufacturer": manufacturer, "description": description, "new_name": new_name}
    try:
        data = _valid(
            ProductUpdate,
            manufacturer=manufacturer.strip() or None,
            description=description.strip() or None,
            markets=list(markets) if markets_shown else None,
        )
        products.update_product(session, name=product, data=data, actor=user.principal.actor)
        target = new_name.strip()
        if target and target != product:
            products.rename_product(
                session, name=product, new_name=target, actor=user.principal.actor
            )
            return _to(f"/products/{seg(target)}", "renamed")
    except (InvalidInput, Conflict) as refused:
        return _product_page(request, session, user, product, error=str(refused), form=form)
    return _to(f"/products/{seg(product)}", "edited")


@router.post("/products/{product}/delete", response_model=None)
def delete_product(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    confirm: Short = "",
) -> Response:
    """Delete a product nothing depends on (admin role), after the typed confirmation."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    try:
        if confirm != product:
            raise InvalidInput(f"confirm: type the product name {product!r} to delete it")
        products.delete_product(session, name=product, actor=user.principal.actor)
    except (InvalidInput, Conflict) as refused:
        return _product_page(request, session, user, product, error=str(refused))
    return RedirectResponse("/", status_code=303)


@router.post("/products/{product}/releases", response_model=None)
def add_release(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    version: Short = "",
    release_date: Short = "",
    use_environment: Short = "hospital",
    clinical_function: Text = "",
    essential_performance: Text = "",
) -> Response:
    """Add a release (analyst role) from the product page."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    accounts.require(
        session, user.principal.actor, "analyst", rule="only an analyst adds releases",
        product=product,
    )  # fmt: skip
    form = {
        "version": version,
        "release_date": release_date,
        "use_environment": use_environment,
        "clinical_function": clinical_function,
        "essential_performance": essential_performance,
    }
    try:
        data = _valid(
            ReleaseCreate,
            version=version.strip(),
            release_date=release_date or None,
            use_environment=use_environment,
            clinical_function=clinical_function.strip() or None,
            essential_performance=essential_performance.strip() or None,
        )
        products.create_release(session, product=product, data=data, actor=user.principal.actor)
    except (InvalidInput, Conflict) as refused:
        return _product_page(request, session, user, product, error=str(refused), form=form)
    return _to(f"/products/{seg(product)}/releases/{seg(data.version)}", "release-added")


@router.post("/products/{product}/releases/{version}/edit", response_model=None)
def edit_release(
    request: Request,
    product: str,
    version: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    release_date: Short = "",
    use_environment: Short = "hospital",
    clinical_function: Text = "",
    essential_performance: Text = "",
    interfaces_form: Short = "",
    iface_name: Many = [],  # noqa: B006  (FastAPI copies defaults)
    iface_protocol: Many = [],  # noqa: B006
    iface_port: Many = [],  # noqa: B006
    iface_direction: Many = [],  # noqa: B006
    iface_purpose: Many = [],  # noqa: B006
) -> Response:
    """Save a release's intended use, clinical function, essential performance and network
    interfaces (the interface rows replace the list; a row without a name is dropped)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    rows = _posted_interfaces(
        iface_name, iface_protocol, iface_port, iface_direction, iface_purpose
    )
    form: dict[str, Any] = {
        "release_date": release_date,
        "use_environment": use_environment,
        "clinical_function": clinical_function,
        "essential_performance": essential_performance,
        "interfaces": rows + _interface_rows([]),
    }
    try:
        changes: dict[str, Any] = {}
        if interfaces_form:  # the form shows the interface rows: they replace the list
            changes["interfaces"] = [
                {k: v for k, v in r.items() if v not in ("", None)} | {"port": _port(r["port"])}
                for r in rows
            ]
        data = _valid(
            ReleaseUpdate,
            release_date=release_date or None,
            use_environment=use_environment,
            clinical_function=clinical_function.strip() or None,
            essential_performance=essential_performance.strip() or None,
            **changes,
        )
        products.update_release(
            session, product=product, version=version, data=data, actor=user.principal.actor
        )
    except (InvalidInput, Conflict) as refused:
        return _release(request, product, version, session, user, error=str(refused), form=form)
    return _to(f"/products/{seg(product)}/releases/{seg(version)}", "release-edited")


@router.post("/products/{product}/releases/{version}/delete", response_model=None)
def delete_release(
    request: Request,
    product: str,
    version: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    confirm: Short = "",
) -> Response:
    """Delete a release nothing depends on (admin role), after the typed confirmation."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    try:
        if confirm != version:
            raise InvalidInput(f"confirm: type the version {version!r} to delete the release")
        products.delete_release(
            session, product=product, version=version, actor=user.principal.actor
        )
    except (InvalidInput, Conflict) as refused:
        return _release(request, product, version, session, user, error=str(refused))
    return _to(f"/products/{seg(product)}", "release-deleted")
