"""Mount the web UI (pages, login, static files, security headers) on the FastAPI app."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from medsec.admin import web as account_pages
from medsec.advisories import served
from medsec.advisories import web as advisory_pages
from medsec.app import auth
from medsec.assessment import web as risk_pages
from medsec.assets import web as asset_pages
from medsec.controls import web as controls_pages
from medsec.cvd import staff_web as cvd_pages
from medsec.cvd import web as cvd_web
from medsec.documents import web as document_pages
from medsec.evidence import web as evidence_pages
from medsec.findings import web as finding_pages
from medsec.imported_csaf import web as csaf_pages
from medsec.incidents import web as incident_pages
from medsec.jobs import web as jobs_pages
from medsec.lifecycle import web as lifecycle_pages
from medsec.notifications import web as notification_pages
from medsec.portfolio import web as product_pages
from medsec.sbom import web as sbom_pages
from medsec.sharing import web as sharing_pages
from medsec.sysmodel import web as model_pages
from medsec.threats import web as threat_pages
from medsec.tplc import web as plan_pages
from medsec.trace import web as trace_pages
from medsec.updates import web as update_pages
from medsec.vulns import web as feed_pages
from medsec.web.ratelimit import FailureBackoff, RateLimiter
from medsec.web.render import HERE, make_templates
from medsec.web.security import SecurityHeaders

LOGIN_BURST = 5  # attempts at once per client address
LOGIN_REFILL = 1 / 12  # then one more every 12 seconds
ACCOUNT_FREE_FAILURES = 5  # failed logins in a row per account name before it is locked
ACCOUNT_LOCK_BASE = 30.0  # seconds of the first lock, doubling with every further failure
ACCOUNT_LOCK_CAP = 900.0  # up to 15 minutes


def install(app: FastAPI) -> None:
    """Add the pages, the login limiter, static files and the security headers."""
    app.state.templates = make_templates()
    app.state.login_limiter = RateLimiter(capacity=LOGIN_BURST, rate=LOGIN_REFILL)
    app.state.account_lockout = FailureBackoff(
        free=ACCOUNT_FREE_FAILURES, base=ACCOUNT_LOCK_BASE, cap=ACCOUNT_LOCK_CAP
    )
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
    for assessment in (update_pages, feed_pages):
        app.include_router(assessment.router)
    app.include_router(plan_pages.router)
    app.include_router(document_pages.router)
    app.include_router(account_pages.router)
    app.include_router(notification_pages.router)
    app.include_router(sharing_pages.router)
    app.add_middleware(SecurityHeaders)
