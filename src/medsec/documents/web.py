"""Document pages: a product's generated revisions with downloads (audited), the build form
(analysts) and the diff of a revision against today's records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.core.i18n import LANGS
from medsec.documents import service
from medsec.documents.rules import FORMATS
from medsec.documents.schemas import BuildRequest
from medsec.documents.sections import KINDS
from medsec.products import service as products
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@router.get("/products/{product}/documents", response_class=HTMLResponse)
def documents_page(
    request: Request, product: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The product's generated documents, newest first, and the build form."""
    rows = service.list_revisions(session, actor=user.principal.actor, product=product)
    ctx = {
        "product": product,
        "revisions": rows,
        "releases": [r.version for r in products.list_releases(session, product=product)],
        "kinds": KINDS,
        "langs": LANGS,
        "formats": FORMATS,
        "can_edit": user.has("analyst"),
    }
    return page(request, "documents/list.html", ctx)


@router.post("/products/{product}/documents")
def build(
    product: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=20)] = "",
    release: Annotated[str, Form(max_length=100)] = "",
    lang: Annotated[str, Form(max_length=5)] = "en",
    fmt: Annotated[str, Form(alias="format", max_length=5)] = "html",
) -> Response:
    """Generate a document (a new revision)."""
    credentials.check_csrf(user.csrf, csrf)
    req = BuildRequest.model_validate(
        {"kind": kind, "product": product, "release": release, "lang": lang, "format": fmt}
    )
    service.build(session, request=req, actor=user.principal.actor)
    return RedirectResponse(f"/products/{seg(product)}/documents", status_code=303)


@router.get("/documents/{revision}/download")
def download(revision: int, session: SessionDep, user: UserDep) -> Response:
    """A revision's file (audited)."""
    built = service.download(session, revision=revision, actor=user.principal.actor)
    r = built.revision
    return Response(
        built.data,
        media_type=MEDIA[r.format],
        headers={"Content-Disposition": f'attachment; filename="{r.filename}"'},
    )


@router.get("/documents/{revision}/diff", response_class=HTMLResponse)
def diff_page(request: Request, revision: int, session: SessionDep, user: UserDep) -> HTMLResponse:
    """What changed in the records since a revision, section by section."""
    d = service.diff(session, revision=revision, actor=user.principal.actor)
    return page(request, "documents/diff.html", {"d": d})
