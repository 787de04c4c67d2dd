"""`/api/v1`: findings of a product or release, one finding, and VEX triage. Thin: services only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.core.schemas import MAX_PAGE
from medsec.findings import decisions, detail, listing, overview, rematch
from medsec.findings.schemas import (
    FindingDetailRead,
    FindingsPage,
    MatchRead,
    TriageCreate,
    VexDecisionRead,
)
from medsec.vulns.schemas import MatchCreate

router = APIRouter(prefix="/api/v1")

MAX_OFFSET = 2**31 - 1  # larger offsets overflowed the database driver (a 500); now a 422
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def _findings(
    session: SessionDep,
    who: ApiPrincipal,
    product: str,
    release: str | None,
    flt: overview.FindingFilter,
    offset: int,
    limit: int,
) -> Response:
    require_read(session, who, product)
    page = overview.search(
        session, product=product, version=release, flt=flt, offset=offset, limit=limit
    )
    body = FindingsPage(total=page.total, offset=offset, limit=limit, items=page.items)
    # the service built typed read models: serialise them once (the route's response_model
    # still documents the body) instead of dumping, re-validating and serialising them again
    return Response(body.model_dump_json(), media_type="application/json")


def finding_filter(
    state: str | None = None,
    severity: str | None = None,
    kev: bool | None = None,
    include_resolved: Annotated[bool, Query(alias="all")] = False,
    sort: str = "release",
    upstream_only: Annotated[bool, Query(alias="upstream-only")] = False,
    component: Annotated[str | None, Query(max_length=overview.MAX_TEXT)] = None,
    q: Annotated[str | None, Query(max_length=overview.MAX_TEXT)] = None,
) -> overview.FindingFilter:
    """The filter query parameters of a findings list (`component`: part of the component's
    purl or name@version; `q`: part of any id of the vulnerability; `upstream-only=true`: only
    distribution packages matched by upstream CPE ranges alone, backports not considered)."""
    return overview.FindingFilter(
        state, severity, kev, include_resolved, sort, component, q, upstream_only
    )


FilterDep = Annotated[overview.FindingFilter, Depends(finding_filter)]


@router.get("/products/{product}/findings", response_model=FindingsPage, tags=["findings"])
def product_findings(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    flt: FilterDep,
    release: str | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Response:
    """Findings of a product (or `?release=`), as `medsec findings list --format json`."""
    return _findings(session, who, product, release, flt, offset, limit)


@router.get(
    "/products/{product}/releases/{version}/findings",
    response_model=FindingsPage,
    tags=["findings"],
)
def release_findings(
    product: str,
    version: str,
    session: SessionDep,
    who: ApiPrincipal,
    flt: FilterDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> Response:
    """Findings of one release, filtered and paged."""
    return _findings(session, who, product, version, flt, offset, limit)


@router.get("/findings/{finding_id}", response_model=FindingDetailRead, tags=["findings"])
def show_finding(finding_id: int, session: SessionDep, who: ApiPrincipal) -> FindingDetailRead:
    """Everything about one finding, as `medsec findings show --format json`."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, who, prod.name, hide_as=decisions.missing(finding_id))
    return detail.finding_detail(session, finding_id)


@router.post(
    "/findings/{finding_id}/vex",
    response_model=VexDecisionRead,
    status_code=201,
    tags=["findings"],
)
def triage(
    finding_id: int, body: TriageCreate, session: SessionDep, who: ApiPrincipal
) -> VexDecisionRead:
    """Record a VEX decision (analyst role), as `medsec findings triage`."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, who, prod.name, hide_as=decisions.missing(finding_id))
    d = decisions.decide(session, finding_id=finding_id, actor=who.actor, **body.model_dump())
    view = listing.vex_view(d)
    assert view is not None
    return view


@router.post("/matches", response_model=MatchRead, tags=["feeds"])
def match(body: MatchCreate, session: SessionDep, who: ApiPrincipal) -> MatchRead:
    """Re-match a release, a product or the portfolio (analyst role), as `medsec match`."""
    if body.product is not None:
        require_read(session, who, body.product)
    return rematch.rematch(
        session,
        actor=who.actor,
        product=body.product,
        release=body.release,
        full=body.full,
        visible=who.products,
    )
