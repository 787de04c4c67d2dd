"""`/api/v1/.../components`: a release's SBOM components with support information."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile

from medsec.api.deps import ApiPrincipal, SessionDep, document_limit, read_upload_sync, require_read
from medsec.core.inbound import upload_name
from medsec.core.schemas import MAX_PAGE
from medsec.errors import InvalidInput
from medsec.sbom import service as sboms
from medsec.sbom.schemas import ComponentPage, ComponentRead, SbomUploadRead

router = APIRouter(prefix="/api/v1")

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]


@router.get(
    "/products/{product}/releases/{version}/components",
    response_model=ComponentPage,
    tags=["sbom"],
)
def list_components(
    product: str,
    version: str,
    session: SessionDep,
    who: ApiPrincipal,
    offset: Offset = 0,
    limit: Limit = 100,
) -> ComponentPage:
    """One page of a release's components (current SBOM revision) with support information."""
    require_read(session, who, product)
    sbom, total, rows = sboms.components_page(
        session, product=product, version=version, offset=offset, limit=limit
    )
    return ComponentPage(
        product=product,
        release=version,
        sbom_revision=sbom.revision,
        total=total,
        offset=offset,
        limit=limit,
        items=[ComponentRead.model_validate(c) for c in rows],
    )


@router.post(
    "/products/{product}/releases/{version}/sboms",
    response_model=SbomUploadRead,
    status_code=201,
    tags=["sbom"],
)
def upload_sbom(
    request: Request,
    product: str,
    version: str,
    file: Annotated[UploadFile, File(description="CycloneDX (JSON/XML) or SPDX document.")],
    session: SessionDep,
    who: ApiPrincipal,
    auto_create: Annotated[bool, Query(alias="auto-create")] = False,
) -> SbomUploadRead:
    """Upload an SBOM as the release's new current revision (analyst role), as a CI job does:
    the release is created when new; an unknown product only with `?auto-create=true`. Answers
    the revision, its quality score and gaps, and the diff to the previous revision."""
    require_read(session, who, product)
    limit = document_limit(request)
    source = upload_name(file.filename, "upload.json")
    data = read_upload_sync(request, file)
    if not data:
        raise InvalidInput(f"{source}: the upload is empty")
    return sboms.upload(
        session,
        product=product,
        version=version,
        data=data,
        source_name=source,
        actor=who.actor,
        create_product=auto_create,
        max_bytes=limit,
    )
