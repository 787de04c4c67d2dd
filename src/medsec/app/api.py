"""Assemble the FastAPI app: the JSON API under /api/v1, the web UI, and error mapping."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from medsec import __version__
from medsec.admin import api as accounts_api
from medsec.advisories import api as advisories_api
from medsec.api import problems
from medsec.api.deps import Unauthenticated
from medsec.app import refusals
from medsec.app import web as web_app
from medsec.assessment import api as risk_api
from medsec.assets import api as assets_api
from medsec.config import ANCHOR_FILE, Settings, get_settings
from medsec.controls import api as controls_api
from medsec.cvd import api as cvd_api
from medsec.cvd import http as cvd_http
from medsec.cvd import staff_api as cvd_staff_api
from medsec.db import migrate
from medsec.db.engine import BUSY_RETRY_AFTER, is_busy, make_engine, make_session_factory
from medsec.documents import api as documents_api
from medsec.errors import Hidden, MedsecError
from medsec.evidence import api as evidence_api
from medsec.findings import api as findings_api
from medsec.imported_csaf import api as csaf_api
from medsec.incidents import api as incidents_api
from medsec.jobs import api as jobs_api
from medsec.lifecycle import api as lifecycle_api
from medsec.notifications import api as notifications_api
from medsec.portfolio import api as products_api
from medsec.sbom import api as sbom_api
from medsec.sharing import api as sharing_api
from medsec.sysmodel import api as sysmodel_api
from medsec.threats import api as threats_api
from medsec.tplc import api as tplc_api
from medsec.trace import api as trace_api
from medsec.updates import api as updates_api
from medsec.vulns import api as vulns_api
from medsec.web import paths
from medsec.web.proxies import TrustedProxies
from medsec.web.render import error_page
from medsec.web.signing import secret_key

log = logging.getLogger("medsec.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    """The medsec web app (API and pages) on the settings' database; nothing runs at import."""
    cfg = settings or get_settings()
    engine = make_engine(
        cfg.database_url, pool_size=cfg.db_pool_size, max_overflow=cfg.db_max_overflow
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if cfg.is_embedded:
            migrate.ensure_current(engine)
        elif migrate.current_revision(engine) != migrate.head_revision(engine):
            raise RuntimeError("the database schema is not current: run `medsec db upgrade`")
        yield
        engine.dispose()

    app = FastAPI(
        title="medsec",
        version=__version__,
        openapi_url="/api/openapi.json",
        docs_url=None,  # the Swagger/ReDoc pages load third-party scripts: not served
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = cfg
    app.state.secret = secret_key(cfg)
    app.state.session_factory = make_session_factory(
        engine, audit_key=app.state.secret, audit_anchor_file=cfg.home / ANCHOR_FILE
    )
    for domain in (products_api, sbom_api, findings_api):
        app.include_router(domain.router)
    app.include_router(cvd_api.router)
    app.include_router(lifecycle_api.router)
    cvd_http.install(app)
    for extra in (cvd_staff_api.router, advisories_api.router, csaf_api.router, assets_api.router):
        app.include_router(extra)
    for design in (sysmodel_api, threats_api, controls_api, evidence_api, trace_api):
        app.include_router(design.router)
    for extra in (jobs_api.router, notifications_api.router):
        app.include_router(extra)
    app.include_router(incidents_api.router)
    app.include_router(sharing_api.router)
    for assessment in (risk_api, updates_api, vulns_api):
        app.include_router(assessment.router)
    app.include_router(tplc_api.router)
    app.include_router(documents_api.router)
    app.include_router(accounts_api.router)
    web_app.install(app)
    refusals.install(app)
    paths.install_convertors()
    app.add_middleware(paths.EncodedSlashes)  # outermost but for the proxy headers
    app.add_middleware(TrustedProxies, networks=cfg.trusted_proxies)  # added last: outermost
    app.add_exception_handler(MedsecError, _on_medsec_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http)  # type: ignore[arg-type]
    app.add_exception_handler(DataError, _on_data_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _on_crash)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _on_medsec_error(request: Request, exc: MedsecError) -> Response:
    if isinstance(exc, Hidden):
        request.state.refused = exc.reason  # answered as not found, audited as a refusal
    if _is_api(request):
        return problems.from_error(exc)
    if isinstance(exc, Unauthenticated):
        query = f"?{request.url.query}" if request.url.query else ""
        target = paths.shown(request.url.path) + query
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    return error_page(request, exc.status, str(exc))


async def _on_validation(request: Request, exc: RequestValidationError) -> Response:
    if _is_api(request):
        return problems.from_validation(exc)
    first = exc.errors()[0] if exc.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()))
    return error_page(request, 422, f"{where}: {first.get('msg', 'invalid')}")


async def _on_http(request: Request, exc: StarletteHTTPException) -> Response:
    detail = str(exc.detail) if exc.detail else "error"
    if exc.status_code == 404:
        detail = f"nothing at {paths.shown(request.url.path)}"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {paths.shown(request.url.path)}"
    if _is_api(request):
        return problems.problem(exc.status_code, detail)
    return error_page(request, exc.status_code, detail)


def _is_nul_refusal(exc: BaseException) -> bool:
    """True for PostgreSQL's refusal of a NUL character in a text value."""
    return isinstance(exc, DataError) and "NUL (0x00)" in str(exc.orig)


async def _on_data_error(request: Request, exc: DataError) -> Response:
    """A value the database refused (PostgreSQL: NUL in text) is bad input, not a crash."""
    refused = _refusal(exc)
    if refused is not None:
        if _is_api(request):
            return problems.problem(422, refused, code="invalid-input")
        return error_page(request, 422, refused)
    log.error("unhandled error on %s %s: %r", request.method, request.url.path, exc)
    if _is_api(request):
        return problems.problem(500, "internal error; the server log has the details")
    return error_page(request, 500, "internal error; the server log has the details")


def _refusal(exc: DataError) -> str | None:
    """What the database refused in a value it cannot store (PostgreSQL), as a 422 detail."""
    text = str(exc.orig)
    if "NUL (0x00)" in text:
        return "text may not contain NUL (\\u0000) characters"
    if "out of range" in text:
        return "a number is out of range (ids and counts fit in 32 bits)"
    return None


async def _on_crash(request: Request, exc: Exception) -> Response:
    if is_busy(exc):  # every writer waited its turn and this one ran out of time: not a crash
        detail = "the database is busy; try again shortly"
        busy = (
            problems.problem(503, detail, code="busy")
            if _is_api(request)
            else error_page(request, 503, detail)
        )
        busy.headers["Retry-After"] = str(BUSY_RETRY_AFTER)
        return busy
    if _is_nul_refusal(exc):  # PostgreSQL refuses NUL in text: bad input, nothing was stored
        detail = "text may not contain NUL (\\u0000) characters"
        if _is_api(request):
            return problems.problem(422, detail, code="invalid-input")
        return error_page(request, 422, detail)
    log.error("unhandled error on %s %s: %r", request.method, request.url.path, exc)
    if _is_api(request):
        return problems.problem(500, "internal error; the server log has the details")
    return error_page(request, 500, "internal error; the server log has the details")
