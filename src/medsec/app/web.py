"""Mount the web UI (pages, login, static files, security headers) on the FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from medsec.advisories import served
from medsec.advisories import web as advisory_pages
from medsec.app import auth
from medsec.assets import web as asset_pages
from medsec.controls import web as controls_pages
from medsec.cvd import staff_web as cvd_pages
from medsec.cvd import web as cvd_web
from medsec.evidence import web as evidence_pages
from medsec.findings import web as finding_pages
from medsec.imported_csaf import web as csaf_pages
from medsec.incidents import web as incident_pages
from medsec.jobs import web as jobs_pages
from medsec.lifecycle import web as lifecycle_pages
from medsec.products import web as product_pages
from medsec.risk import web as risk_pages
from medsec.sbom import web as sbom_pages
from medsec.sharing import web as sharing_pages
from medsec.sysmodel import web as model_pages
from medsec.threats import web as threat_pages
from medsec.trace import web as trace_pages
from medsec.web.ratelimit import RateLimiter
from medsec.web.render import HERE, make_templates
from medsec.web.security import SecurityHeaders

LOGIN_BURST = 5  # attempts at once per client address
LOGIN_REFILL = 1 / 12  # then one more every 12 seconds


def install(app: FastAPI) -> None:
    """Add the pages, the login limiter, static files and the security headers."""
    app.state.templates = make_templates()
    app.state.login_limiter = RateLimiter(capacity=LOGIN_BURST, rate=LOGIN_REFILL)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(auth.router)
    for domain in (product_pages, sbom_pages, finding_pages, risk_pages):
        app.include_router(domain.router)
    app.include_router(cvd_web.router)
    for extra in (
        served.router,
        cvd_pages.router,
        advisory_pages.router,
        csaf_pages.router,
        asset_pages.router,
    ):
        app.include_router(extra)
    for design in (model_pages, threat_pages, controls_pages, evidence_pages, trace_pages):
        app.include_router(design.router)
    app.include_router(jobs_pages.router)
    app.include_router(lifecycle_pages.router)
    app.include_router(incident_pages.router)
    app.include_router(sharing_pages.router)
    app.add_middleware(SecurityHeaders)
