"""SBOM pages: upload a release's SBOM from the browser and see its quality and what changed.
Thin: services only; the CSRF token and the analyst rule guard the upload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, document_limit, read_upload_sync, require_read
from medsec.core.inbound import upload_name
from medsec.errors import DocumentError, InvalidInput, NotFound
from medsec.sbom import service as sboms
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.post("/products/{product}/releases/{version}/sbom", response_class=HTMLResponse)
def upload(
    request: Request,
    product: str,
    version: str,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Import the uploaded SBOM as the release's new revision (analyst role); show its quality
    report and the diff against the previous revision, or why it was refused."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    limit = document_limit(request)
    source = upload_name(file.filename)
    ctx = {"product": product, "version": version, "source": source}
    try:
        data = read_upload_sync(request, file)
        if not data:
            raise InvalidInput(f"{source}: the file is empty")
        result = sboms.upload(
            session,
            product=product,
            version=version,
            data=data,
            source_name=source,
            actor=user.principal.actor,
            max_bytes=limit,
        )
    except (InvalidInput, DocumentError, NotFound) as refused:
        return page(request, "sbom_upload.html", ctx | {"error": str(refused)}, status=422)
    return page(request, "sbom_upload.html", ctx | {"r": result, "error": None})
