"""Pages of imported CSAF advisories (login required): the list and one document with its
products (mapped to medsec objects, or why not) and what it states for each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medsec.api.deps import SessionDep, require_read
from medsec.products import service as products
from medsec.vulns import csaf_queries
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/csaf", response_class=HTMLResponse)
def document_list(
    request: Request, session: SessionDep, user: UserDep, all_versions: str | None = None
) -> HTMLResponse:
    """The imported documents (current versions, or every version)."""
    require_read(session, user.principal)
    every = all_versions == "yes"
    rows = csaf_queries.document_rows(session, all_versions=every)
    return page(request, "csaf/list.html", {"docs": rows, "all_versions": every})


@router.get("/csaf/documents/{tracking_id:path}", response_class=HTMLResponse)
def document_page(
    request: Request,
    tracking_id: str,
    session: SessionDep,
    user: UserDep,
    version: str | None = None,
) -> HTMLResponse:
    """One imported document: products with mappings or reasons, and its statements."""
    require_read(session, user.principal)
    seen = {p.id for p in products.list_products(session) if user.principal.sees(p.name)}
    doc = csaf_queries.get_document(
        session, tracking_id=tracking_id, version=version or None, product_ids=seen
    )
    names = {p["product_id"]: p["name"] for p in doc["products"]}
    return page(request, "csaf/detail.html", {"d": doc, "names": names})
