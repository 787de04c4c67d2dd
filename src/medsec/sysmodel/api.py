"""`/api/v1/products/{product}/releases/{release}/model`: the system model (read, import a
file, edit an element, versions, diff, diagram). Thin: services only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, Response, UploadFile

from medsec.api.deps import ApiPrincipal, SessionDep, read_upload
from medsec.sysmodel import service
from medsec.sysmodel.schemas import ElementEdit, ModelChangeRead, SystemModelRead
from medsec.threats import service as threats

router = APIRouter(prefix="/api/v1/products/{product}/releases/{release}", tags=["design"])


@router.get("/model", response_model=SystemModelRead)
def get_model(
    product: str, release: str, session: SessionDep, who: ApiPrincipal, version: int | None = None
) -> SystemModelRead:
    """The current (or one) version of the release's model."""
    return service.get(session, product=product, release=release, actor=who.actor, version=version)


@router.post("/model", response_model=SystemModelRead, status_code=201)
async def import_model(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    who: ApiPrincipal,
    file: Annotated[UploadFile, File(description="medsec model, Threat Dragon, OTM or pytm")],
) -> SystemModelRead:
    """Import a model file as the new version; threats the file carried are stored too."""
    data = await read_upload(request, file)
    out = service.import_model(
        session,
        product=product,
        release=release,
        data=data,
        source=file.filename or "upload",
        actor=who.actor,
    )
    if out.threats:
        threats.record_imported(
            session, product=product, release=release, threats=out.threats, actor=who.actor
        )
    return out.model


@router.patch("/model/elements/{element_id}", response_model=SystemModelRead)
def edit_element(
    product: str,
    release: str,
    element_id: str,
    edit: ElementEdit,
    session: SessionDep,
    who: ApiPrincipal,
) -> SystemModelRead:
    """Edit one element (a new model version); the release's threats follow the model."""
    read = service.edit_element(
        session, product=product, release=release, element_id=element_id, edit=edit, actor=who.actor
    )
    threats.follow_model(session, product=product, release=release, actor=who.actor)
    return read


@router.get("/model/versions", response_model=list[SystemModelRead])
def versions(
    product: str, release: str, session: SessionDep, who: ApiPrincipal
) -> list[SystemModelRead]:
    """Every version of the model, oldest first."""
    return service.versions(session, product=product, release=release, actor=who.actor)


@router.get("/model/diff", response_model=list[ModelChangeRead])
def diff(
    product: str,
    release: str,
    session: SessionDep,
    who: ApiPrincipal,
    from_version: int,
    to_version: int | None = None,
) -> list[ModelChangeRead]:
    """Differences between two versions of the model."""
    return service.diff(
        session,
        product=product,
        release=release,
        actor=who.actor,
        from_version=from_version,
        to_version=to_version,
    )


@router.get(
    "/model/diagram.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The data-flow diagram."}},
)
def diagram(product: str, release: str, session: SessionDep, who: ApiPrincipal) -> Response:
    """The data-flow diagram as SVG."""
    svg = service.diagram_svg(session, product=product, release=release, actor=who.actor)
    return Response(svg, media_type="image/svg+xml")
