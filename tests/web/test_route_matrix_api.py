"""The route x role authorization matrix, generated from the app's own routes.

Every route the app serves needs a rule here (who may use it at least); a new route without one
fails this test. Each rule is then checked: anonymous requests to a non-public route are refused
(401 problem for the API, a redirect to the sign-in page for pages), and each role below the
rule's level is refused (403) while each role at or above it is not (never 401/403).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from _staff import demo_case
from _web import ADMIN, PRODUCT, bearer

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

pytestmark = pytest.mark.db

PUBLIC, VIEWER, ANALYST, REVIEWER, ADMIN_ONLY = "public", "viewer", "analyst", "reviewer", "admin"
LEVELS = (VIEWER, ANALYST, REVIEWER)

# (method, path) -> the least role that may use the route
RULES: dict[tuple[str, str], str] = {
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/v1/products"): VIEWER,
    ("GET", "/api/v1/products/{product}"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{version}/components"): VIEWER,
    ("GET", "/api/v1/products/{product}/findings"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{version}/findings"): VIEWER,
    ("GET", "/api/v1/findings/{finding_id}"): VIEWER,
    ("POST", "/api/v1/findings/{finding_id}/vex"): ANALYST,
    ("POST", "/api/v1/cvd/reports"): PUBLIC,
    ("GET", "/api/v1/cvd/reports/{receipt_id}"): PUBLIC,  # the status token, not an account
    ("POST", "/api/v1/cvd/reports/{receipt_id}/messages"): PUBLIC,
    ("GET", "/api/v1/cvd/cases"): VIEWER,  # viewers see disclosed cases only
    ("GET", "/api/v1/cvd/cases/{case}"): VIEWER,
    ("POST", "/api/v1/cvd/cases/{case}/transitions"): ANALYST,
    ("POST", "/api/v1/cvd/cases/{case}/messages"): ANALYST,
    ("GET", "/api/v1/advisories"): VIEWER,
    ("GET", "/api/v1/advisories/{tracking_id}"): VIEWER,
    ("GET", "/api/v1/advisories/{tracking_id}/{fmt}"): VIEWER,
    ("POST", "/api/v1/advisories/{tracking_id}/publish"): REVIEWER,
    ("GET", "/api/v1/csaf/documents"): VIEWER,
    ("GET", "/api/v1/csaf/documents/{tracking_id}"): VIEWER,
    ("POST", "/api/v1/csaf/imports"): ANALYST,
    ("GET", "/api/v1/products/{product}/statements"): VIEWER,
    ("POST", "/api/v1/products"): ANALYST,
    ("PATCH", "/api/v1/products/{product}"): ANALYST,
    ("POST", "/api/v1/products/{product}/rename"): ANALYST,
    ("DELETE", "/api/v1/products/{product}"): ADMIN_ONLY,
    ("POST", "/api/v1/products/{product}/releases"): ANALYST,
    ("PATCH", "/api/v1/products/{product}/releases/{version}"): ANALYST,
    ("DELETE", "/api/v1/products/{product}/releases/{version}"): ADMIN_ONLY,
    ("POST", "/api/v1/products/{product}/releases/{version}/sboms"): ANALYST,
    ("MOUNT", "/static"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): PUBLIC,
    ("GET", "/"): VIEWER,
    ("GET", "/products/{product}"): VIEWER,
    ("GET", "/products/{product}/releases/{version}"): VIEWER,
    ("GET", "/products/{product}/findings"): VIEWER,
    ("GET", "/findings/{finding_id}"): VIEWER,
    ("POST", "/findings/{finding_id}/triage"): ANALYST,
    ("GET", "/products/{product}/risk"): VIEWER,
    ("POST", "/products"): ANALYST,
    ("POST", "/products/{product}/edit"): ANALYST,
    ("POST", "/products/{product}/delete"): ADMIN_ONLY,
    ("POST", "/products/{product}/releases"): ANALYST,
    ("POST", "/products/{product}/releases/{version}/edit"): ANALYST,
    ("POST", "/products/{product}/releases/{version}/delete"): ADMIN_ONLY,
    ("POST", "/products/{product}/releases/{version}/sbom"): ANALYST,
    ("GET", "/report"): PUBLIC,
    ("POST", "/report"): PUBLIC,
    ("GET", "/report/status"): PUBLIC,
    ("GET", "/report/status/{receipt_id}"): PUBLIC,
    ("POST", "/report/status"): PUBLIC,
    ("POST", "/report/status/reply"): PUBLIC,
    ("GET", "/.well-known/security.txt"): PUBLIC,
    ("GET", "/.well-known/csaf/{path:path}"): PUBLIC,
    ("GET", "/cvd/cases"): VIEWER,
    ("GET", "/cvd/cases/{case}"): VIEWER,
    ("POST", "/cvd/cases/{case}/transition"): ANALYST,
    ("POST", "/cvd/cases/{case}/message"): ANALYST,
    ("GET", "/advisories"): VIEWER,
    ("GET", "/advisories/{tracking_id}"): VIEWER,
    ("GET", "/advisories/{tracking_id}/notice"): VIEWER,
    ("GET", "/advisories/{tracking_id}/download/{fmt}"): VIEWER,
    ("POST", "/advisories/{tracking_id}/publish"): REVIEWER,
    ("GET", "/csaf"): VIEWER,
    ("GET", "/csaf/documents/{tracking_id:path}"): VIEWER,
}

# JSON bodies valid enough that only the role decides (API writes checked per role)
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/findings/{finding_id}/vex"): {
        "status": "affected",
        "reason": "route matrix test",
        "action_statement": "update to 2.1.0",
    },
    ("POST", "/api/v1/cvd/cases/{case}/messages"): {
        "text": "route matrix test",
        "direction": "internal",
    },
    ("PATCH", "/api/v1/products/{product}"): {"description": "route matrix test"},
    ("PATCH", "/api/v1/products/{product}/releases/{version}"): {
        "essential_performance": "route matrix test"
    },
}


def app_routes(app) -> set[tuple[str, str]]:
    """(method, path) of every route the app serves (included routers walked; HEAD left out)."""
    out: set[tuple[str, str]] = set()

    def walk(routes: list[Any], prefix: str) -> None:
        for r in routes:
            if hasattr(r, "original_router"):  # FastAPI's included router
                walk(r.original_router.routes, prefix + r.include_context.prefix)
                continue
            for method in getattr(r, "methods", None) or ["MOUNT"]:
                if method != "HEAD":
                    out.add((method, prefix + r.path))

    walk(app.routes, "")
    return out


def test_every_route_has_a_rule(app):
    served = app_routes(app)
    missing = sorted(served - set(RULES))
    assert not missing, f"routes without an authorization rule: {missing}"
    stale = sorted(set(RULES) - served)
    assert not stale, f"rules for routes the app does not serve: {stale}"


@pytest.fixture
def params(web_world, session_factory) -> dict[str, str]:
    """A real value for every path parameter."""
    with unit_of_work(session_factory) as s:
        tracking = next(a.tracking_id for a in advisories.list_advisories(s) if a.version)
    return {
        "product": PRODUCT,
        "version": "2.0.0",
        "finding_id": str(next(iter(web_world.finding_ids.values()))),
        "case": demo_case(session_factory),
        "receipt_id": "R-0000",
        "tracking_id": tracking,
        "tracking_id:path": tracking,
        "fmt": "csaf",
        "path:path": "provider-metadata.json",
    }


def _url(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: params[m.group(1)], path)


def test_anonymous_requests_reach_only_public_routes(client, params):
    for (method, path), level in sorted(RULES.items()):
        if method == "MOUNT":
            continue
        r = client.request(method, _url(path, params))
        if level == PUBLIC:
            assert r.status_code != 401, (method, path)
            assert "/login" not in r.headers.get("location", "") or path == "/logout"
        elif path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
        else:
            assert r.status_code in (302, 303, 401), (method, path, r.status_code)
            assert r.status_code == 401 or "/login" in r.headers["location"], (method, path)


@pytest.fixture
def role_tokens(web_world, session_factory) -> dict[str, dict[str, str]]:
    """Authorization headers of one account per level: vic (viewer), ana (analyst of the demo
    product), reviewer (the demo's reviewer), and psirt (admin)."""
    return {
        VIEWER: bearer(web_world, "vic"),
        ANALYST: bearer(web_world, "ana"),
        REVIEWER: bearer(web_world, "reviewer"),
        "admin": bearer(web_world, ADMIN),
    }


def _allowed(role: str, level: str) -> bool:
    if role == "admin" or level == PUBLIC:
        return True
    if level == VIEWER:
        return True
    if level == ANALYST:
        return role in (ANALYST,)
    if level == ADMIN_ONLY:
        return False
    return role == REVIEWER


def test_each_role_reads_what_its_rule_allows(client, params, role_tokens):
    for (method, path), level in sorted(RULES.items()):
        if method != "GET" or not path.startswith("/api/"):
            continue
        for role, headers in role_tokens.items():
            r = client.get(_url(path, params), headers=headers)
            if _allowed(role, level):
                assert r.status_code not in (401, 403), (role, path, r.status_code, r.text[:200])
            else:
                assert r.status_code == 403, (role, path, r.status_code)


def test_writes_below_the_rule_are_refused_and_at_it_pass(client, params, role_tokens):
    for key, body in BODIES.items():
        method, path = key
        level = RULES[key]
        for role in (VIEWER, ANALYST, "admin"):
            r = client.request(method, _url(path, params), json=body, headers=role_tokens[role])
            if _allowed(role, level):
                assert r.status_code < 400, (role, path, r.status_code, r.text[:300])
            else:
                assert r.status_code == 403, (role, path, r.status_code, r.text[:300])
