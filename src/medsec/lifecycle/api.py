"""`/api/v1/lifecycle`: status, horizon, component support, notices (and their drafts), the
plan, the timeline SVG, and setting a release's EOL/EOS. Thin: the service checks access."""

from __future__ import annotations

from datetime import date
from typing import Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.export.notice_pdf import html_to_pdf
from medsec.lifecycle import service
from medsec.lifecycle.schemas import (
    ComponentSupportRead,
    HorizonRead,
    NoticeRead,
    PlanRead,
    ReleaseLifecycleRead,
    ReleaseLifecycleUpdate,
    ReleaseStatusRead,
)

router = APIRouter(prefix="/api/v1/lifecycle", tags=["lifecycle"])
OnQuery = Query(default=None, description="Date (YYYY-MM-DD); default today.")


def _on(on: date | None) -> date:
    return on or date.today()


@router.get("/products/{product}/status", response_model=list[ReleaseStatusRead])
def status(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    release: str | None = None,
    on: date | None = OnQuery,
) -> list[ReleaseStatusRead]:
    """Phase, horizon and legacy status of the product's releases (or one) on a date."""
    return service.status(session, product=product, version=release, on=_on(on), actor=who.actor)


@router.get("/products/{product}/horizon", response_model=list[HorizonRead])
def horizon(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    release: str | None = None,
    on: date | None = OnQuery,
) -> list[HorizonRead]:
    """The support horizon of the product's releases (or one) on a date."""
    return service.horizon(session, product=product, version=release, on=_on(on), actor=who.actor)


@router.get("/products/{product}/notices", response_model=list[NoticeRead])
def notices(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    release: str | None = None,
    on: date | None = OnQuery,
) -> list[NoticeRead]:
    """The customer notices due on a date (default schedule)."""
    return service.notices(session, product=product, version=release, on=_on(on), actor=who.actor)


@router.get("/products/{product}/plan", response_model=PlanRead)
def plan(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    on: date | None = OnQuery,
    years: int = Query(default=3, ge=1, le=10),
) -> PlanRead:
    """Milestones by quarter and every release's legacy status."""
    return service.plan(session, product=product, on=_on(on), actor=who.actor, years=years)


@router.get(
    "/products/{product}/timeline.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The timeline (SVG)."}},
)
def timeline(
    product: str, session: SessionDep, who: ApiPrincipal, on: date | None = OnQuery
) -> Response:
    """The SVG timeline of the product family."""
    svg = service.timeline(session, product=product, on=_on(on), actor=who.actor)
    return Response(svg, media_type="image/svg+xml")


@router.get(
    "/products/{product}/releases/{version}/components",
    response_model=list[ComponentSupportRead],
)
def components(
    product: str, version: str, session: SessionDep, who: ApiPrincipal, on: date | None = OnQuery
) -> list[ComponentSupportRead]:
    """Every component's support on a date."""
    return service.component_support(
        session, product=product, version=version, on=_on(on), actor=who.actor
    )


@router.put("/products/{product}/releases/{version}", response_model=ReleaseLifecycleRead)
def set_release(
    product: str,
    version: str,
    body: ReleaseLifecycleUpdate,
    session: SessionDep,
    who: ApiPrincipal,
) -> ReleaseLifecycleRead:
    """Set the release's EOL/EOS (planned, announced), patchability and controls (analyst)."""
    return service.set_release_lifecycle(
        session, product=product, version=version, data=body, actor=who.actor
    )


@router.get(
    "/products/{product}/releases/{version}/notices/{key}.{fmt}",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The drafted notice (HTML or PDF).",
        }
    },
)
def notice(
    product: str,
    version: str,
    key: str,
    fmt: Literal["html", "pdf"],
    session: SessionDep,
    who: ApiPrincipal,
    lang: Literal["en", "ja"] = "en",
    on: date | None = OnQuery,
) -> Response:
    """One due notice drafted as HTML or PDF, in English or Japanese."""
    html = service.draft_notice(
        session,
        product=product,
        version=version,
        key=key,
        on=_on(on),
        lang=lang,
        actor=who.actor,
    )
    if fmt == "pdf":
        return Response(html_to_pdf(html), media_type="application/pdf")
    return Response(html, media_type="text/html; charset=utf-8")
