"""`/api/v1/csaf`: imported CSAF advisories of vendors (list, show, upload one) and what they
say about a medsec product or release. Thin: services only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import JSONResponse

from medsec.api import problems
from medsec.api.deps import ApiPrincipal, SessionDep, read_upload_sync, require_read
from medsec.core.inbound import upload_name
from medsec.errors import InvalidInput
from medsec.imported_csaf import queries as csaf_queries
from medsec.imported_csaf import service as csaf_import
from medsec.imported_csaf.schemas import (
    CsafDocumentRead,
    CsafDocumentRow,
    CsafImportRead,
    VendorStatementRead,
)
from medsec.ingest.csaf import MAX_BYTES
from medsec.products import service as products

router = APIRouter(prefix="/api/v1", tags=["csaf"])


def refusal(exc: csaf_import.CsafRefused) -> JSONResponse:
    """The 422 problem of a refused document, with every failing test id and JSON pointer."""
    failures = [
        {"test": f.test_id, "path": f.path, "message": f.message, "group": f.group}
        for f in exc.failures[:200]
    ]
    return problems.problem(
        422,
        str(exc),
        code=exc.code,
        source=exc.source,
        location=exc.location,
        failed_tests=list(dict.fromkeys(f.test_id for f in exc.failures)),
        failures=failures,
    )


def import_result(result: csaf_import.ImportResult) -> CsafImportRead:
    """What an import stored."""
    return CsafImportRead.model_validate(
        {
            **csaf_queries.document_summary(result.document).model_dump(),
            "outcome": result.outcome,
            "replaced_version": result.replaced_version,
            "products": result.products,
            "mapped": result.mapped,
            "unmapped": result.unmapped,
            "vulnerabilities_count": result.vulnerabilities,
            "statements": result.statements,
        }
    )


@router.get("/csaf/documents", response_model=list[CsafDocumentRow])
def list_documents(
    session: SessionDep, who: ApiPrincipal, all_versions: bool = False
) -> list[CsafDocumentRow]:
    """Imported documents (current versions, or `?all_versions=true`), as `csaf list --json`."""
    require_read(session, who)
    return csaf_queries.document_rows(session, all_versions=all_versions)


@router.get("/csaf/documents/{tracking_id}", response_model=CsafDocumentRead)
def show_document(
    tracking_id: str, session: SessionDep, who: ApiPrincipal, version: str | None = None
) -> CsafDocumentRead:
    """One imported document: products with their mappings (or why unmapped) and statements."""
    require_read(session, who)
    seen = {p.id for p in products.list_products(session) if who.sees(p.name)}
    return csaf_queries.get_document(
        session, tracking_id=tracking_id, version=version, product_ids=seen
    )


@router.post("/csaf/imports", status_code=201, response_model=CsafImportRead)
def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="One CSAF 2.0 JSON document.")],
    session: SessionDep,
    who: ApiPrincipal,
    force: bool = False,
) -> CsafImportRead | JSONResponse:
    """Import one CSAF document (analyst role); invalid ones are refused (422 with the failing
    test ids and pointers) unless `?force=true`, which stores them marked invalid."""
    require_read(session, who)
    source = upload_name(file.filename, "upload.json")
    data = read_upload_sync(request, file, MAX_BYTES)
    if not data:
        raise InvalidInput(f"{source}: the upload is empty")
    try:
        result = csaf_import.import_csaf(
            session, data=data, source=source, force=force, actor=who.actor
        )
    except csaf_import.CsafRefused as exc:
        return refusal(exc)
    return import_result(result)


@router.get("/products/{product}/statements", response_model=list[VendorStatementRead])
def vendor_statements(
    product: str, session: SessionDep, who: ApiPrincipal, release: str | None = None
) -> list[VendorStatementRead]:
    """What current imported documents say about a product (or `?release=`) and its parts."""
    require_read(session, who, product)
    rows = csaf_queries.product_statements(session, product=product, release=release)
    return [s.read() for s in rows]
