"""Pages of imported CSAF advisories (login required): the list and one document with its
products (mapped to medsec objects, or why not) and what it states for each."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medsec.api.deps import SessionDep, require_read
from medsec.imported_csaf import queries as csaf_queries
from medsec.products import service as products
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
    offset: int = 0,
) -> HTMLResponse:
    """One imported document: products with mappings or reasons, its statements a page at a
    time, and each distinct remediation text once with the products it applies to."""
    require_read(session, user.principal)
    seen = {p.id for p in products.list_products(session) if user.principal.sees(p.name)}
    doc = csaf_queries.get_document(
        session, tracking_id=tracking_id, version=version or None, product_ids=seen
    )
    names = {p.product_id: p.name for p in doc.products}
    rows = [(v, st) for v in doc.vulnerabilities for st in v.statements]
    offset = max(0, min(offset, max(0, len(rows) - 1)))
    remediations: dict[tuple[str, str], list[str]] = {}
    for _, st in rows:
        for r in st.get("remediations") or []:
            key = (str(r.get("category") or ""), str(r.get("details") or ""))
            who = names.get(st["product_id"], st["product_id"])
            if who not in remediations.setdefault(key, []):
                remediations[key].append(who)
    ctx = {
        "d": doc,
        "names": names,
        "source": str(doc.source or "").replace("\\", "/").rsplit("/", 1)[-1],
        "rows": rows[offset : offset + STATEMENTS_PER_PAGE],
        "total": len(rows),
        "offset": offset,
        "per_page": STATEMENTS_PER_PAGE,
        "remediations": [
            {"category": c, "details": d, "products": ps} for (c, d), ps in remediations.items()
        ],
    }
    return page(request, "csaf/detail.html", ctx)


STATEMENTS_PER_PAGE = 50
