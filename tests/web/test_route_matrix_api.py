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
SECURITY = "security"  # the security roles (analyst, reviewer, admin): incidents and sharing
LEVELS = (VIEWER, ANALYST, REVIEWER)

# (method, path) -> the least role that may use the route
RULES: dict[tuple[str, str], str] = {
    ("GET", "/api/openapi.json"): PUBLIC,
    ("GET", "/api/v1/products"): VIEWER,
    ("GET", "/api/v1/documents"): VIEWER,
    ("POST", "/api/v1/documents"): ANALYST,
    ("GET", "/api/v1/documents/{revision}"): VIEWER,
    ("GET", "/api/v1/documents/{revision}/content"): VIEWER,
    ("GET", "/api/v1/documents/{revision}/diff"): VIEWER,
    ("GET", "/api/v1/products/{product}/plan"): VIEWER,
    ("PATCH", "/api/v1/products/{product}/plan"): ANALYST,
    ("GET", "/api/v1/products/{product}/plan/versions"): VIEWER,
    ("GET", "/documents/{revision}/diff"): VIEWER,
    ("GET", "/documents/{revision}/download"): VIEWER,
    ("GET", "/products/{product}/documents"): VIEWER,
    ("GET", "/products/{product}/plan"): VIEWER,
    ("POST", "/products/{product}/documents"): ANALYST,
    ("POST", "/products/{product}/plan"): ANALYST,
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
    ("GET", "/api/v1/advisories/{tracking_id}/feedback"): VIEWER,
    ("POST", "/api/v1/advisories/{tracking_id}/publish"): REVIEWER,
    ("POST", "/api/v1/advisories/{tracking_id}/feedback"): ANALYST,
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
    # the design record, lifecycle, hospital workspace, incidents, sharing, jobs, notifications
    ("DELETE", "/api/v1/notifications/preferences/{pref_id}"): VIEWER,
    ("PATCH", "/api/v1/notifications/preferences/{pref_id}"): VIEWER,
    ("GET", "/admin/jobs"): ADMIN_ONLY,
    ("GET", "/api/v1/assets"): VIEWER,
    ("GET", "/api/v1/assets/agreements"): VIEWER,
    ("GET", "/api/v1/assets/columns"): VIEWER,
    ("GET", "/api/v1/assets/controls"): VIEWER,
    ("GET", "/api/v1/assets/exposure"): VIEWER,
    ("GET", "/api/v1/assets/plan"): VIEWER,
    ("GET", "/api/v1/assets/rollouts"): VIEWER,
    ("GET", "/api/v1/assets/rollouts/{name}"): VIEWER,
    ("GET", "/api/v1/assets/rollouts/{name}/feedback"): VIEWER,
    ("GET", "/api/v1/assets/segments"): VIEWER,
    ("GET", "/api/v1/assets/training"): VIEWER,
    ("GET", "/api/v1/assets/unmapped"): VIEWER,
    ("GET", "/api/v1/assets/vendors"): VIEWER,
    ("GET", "/api/v1/assets/vendor-mds2"): VIEWER,
    ("GET", "/api/v1/assets/{tag}"): VIEWER,
    ("GET", "/api/v1/assets/{tag}/exposure"): VIEWER,
    ("GET", "/api/v1/assets/{tag}/history"): VIEWER,
    ("GET", "/api/v1/controls/catalogue"): VIEWER,
    ("GET", "/api/v1/incidents"): VIEWER,
    ("GET", "/api/v1/incidents/overdue"): VIEWER,
    ("GET", "/api/v1/incidents/{ref}"): VIEWER,
    ("GET", "/api/v1/incidents/{ref}/notifications"): VIEWER,
    ("GET", "/api/v1/jobs"): ADMIN_ONLY,
    ("GET", "/api/v1/jobs/runs"): ADMIN_ONLY,
    ("GET", "/api/v1/lifecycle/products/{product}/horizon"): VIEWER,
    ("GET", "/api/v1/lifecycle/products/{product}/notices"): VIEWER,
    ("GET", "/api/v1/lifecycle/products/{product}/plan"): VIEWER,
    ("GET", "/api/v1/lifecycle/products/{product}/releases/{version}/components"): VIEWER,
    ("GET", "/api/v1/lifecycle/products/{product}/releases/{version}/notices/{key}.{fmt}"): VIEWER,
    ("GET", "/api/v1/lifecycle/products/{product}/status"): VIEWER,
    ("GET", "/api/v1/lifecycle/products/{product}/timeline.svg"): VIEWER,
    ("GET", "/api/v1/notifications/deliveries"): VIEWER,
    ("GET", "/api/v1/notifications/preferences"): VIEWER,
    ("GET", "/api/v1/products/{product}/controls"): VIEWER,
    ("GET", "/api/v1/products/{product}/controls/{key}"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/evidence"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/evidence/coverage"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/evidence/results"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/matrix"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/model"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/model/diagram.svg"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/model/diff"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/model/versions"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/questions"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/threats"): VIEWER,
    ("GET", "/api/v1/products/{product}/releases/{release}/threats/{key}"): VIEWER,
    ("GET", "/api/v1/share/agreements"): SECURITY,
    ("GET", "/api/v1/share/imports"): SECURITY,
    ("GET", "/api/v1/share/stix"): SECURITY,
    ("GET", "/api/v1/vulnerabilities/{ident}/where"): VIEWER,
    ("GET", "/assets"): VIEWER,
    ("GET", "/assets/exposure"): VIEWER,
    ("GET", "/assets/import"): VIEWER,
    ("GET", "/assets/plan"): VIEWER,
    ("GET", "/assets/segments/{name}"): VIEWER,
    ("GET", "/assets/{tag}"): VIEWER,
    ("GET", "/design/{product}/{release}"): VIEWER,
    ("GET", "/design/{product}/{release}/controls"): VIEWER,
    ("GET", "/design/{product}/{release}/diagram.svg"): VIEWER,
    ("GET", "/design/{product}/{release}/evidence"): VIEWER,
    ("GET", "/design/{product}/{release}/matrix"): VIEWER,
    ("GET", "/design/{product}/{release}/threats"): VIEWER,
    ("GET", "/api/v1/incidents/plans"): SECURITY,
    ("GET", "/api/v1/incidents/plans/{plan}"): SECURITY,
    ("GET", "/incidents"): SECURITY,
    ("GET", "/incidents/plans"): SECURITY,
    ("GET", "/incidents/plans/{plan}"): SECURITY,
    ("GET", "/sharing"): SECURITY,
    ("GET", "/incidents/{ref}"): SECURITY,
    ("GET", "/incidents/{ref}/evidence/{evidence_id}"): SECURITY,
    ("GET", "/products/{product}/lifecycle"): VIEWER,
    ("GET", "/products/{product}/lifecycle/notices/{release}/{key}"): VIEWER,
    ("GET", "/vulnerabilities/where"): VIEWER,
    ("PATCH", "/api/v1/products/{product}/releases/{release}/model/elements/{element_id}"): ANALYST,
    ("PATCH", "/api/v1/products/{product}/releases/{release}/threats/{key}"): ANALYST,
    ("POST", "/admin/jobs/{name}/run"): ADMIN_ONLY,
    ("POST", "/api/v1/assets/controls"): ANALYST,
    ("POST", "/api/v1/assets/imports"): ANALYST,
    ("POST", "/api/v1/assets/vendor-mds2"): ANALYST,
    ("POST", "/api/v1/assets/rollouts"): ANALYST,
    ("POST", "/api/v1/assets/rollouts/{name}/validations"): ANALYST,
    ("POST", "/api/v1/assets/training"): ANALYST,
    ("POST", "/api/v1/incidents"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/actions/{action_id}/risk"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/actions/{action_id}/threat"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/events"): SECURITY,
    ("POST", "/api/v1/incidents/plans"): SECURITY,
    ("POST", "/api/v1/incidents/plans/{plan}/contacts"): SECURITY,
    ("POST", "/api/v1/incidents/plans/{plan}/exercises"): SECURITY,
    ("POST", "/api/v1/incidents/plans/{plan}/members"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/links"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/assets"): SECURITY,
    ("POST", "/assets/{tag}/mds2"): ANALYST,
    ("POST", "/api/v1/incidents/{ref}/notifications"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/phase"): SECURITY,
    ("POST", "/api/v1/incidents/{ref}/severity"): SECURITY,
    ("POST", "/api/v1/jobs/{name}/runs"): ADMIN_ONLY,
    ("POST", "/api/v1/notifications/preferences"): VIEWER,
    ("POST", "/api/v1/products/{product}/controls"): ANALYST,
    ("POST", "/api/v1/products/{product}/controls/{key}/links"): ANALYST,
    ("POST", "/api/v1/products/{product}/releases/{release}/evidence"): ANALYST,
    (
        "POST",
        "/api/v1/products/{product}/releases/{release}/evidence/results/{result_id}/triage",
    ): ANALYST,
    ("POST", "/api/v1/products/{product}/releases/{release}/model"): ANALYST,
    ("POST", "/api/v1/products/{product}/releases/{release}/threats"): ANALYST,
    ("POST", "/api/v1/products/{product}/releases/{release}/threats/generate"): ANALYST,
    (
        "POST",
        "/api/v1/products/{product}/releases/{release}/evidence/results/{result_id}/threats",
    ): ANALYST,
    ("POST", "/api/v1/products/{product}/releases/{release}/threats/{key}/accept"): REVIEWER,
    ("POST", "/api/v1/products/{product}/releases/{release}/threats/{key}/risk"): ANALYST,
    ("POST", "/api/v1/share/agreements"): SECURITY,
    ("POST", "/api/v1/share/imports"): SECURITY,
    ("POST", "/assets/controls"): ANALYST,
    ("POST", "/assets/import"): ANALYST,
    ("POST", "/assets/rollouts/move"): ANALYST,
    ("POST", "/assets/{tag}/mapping"): ANALYST,
    ("POST", "/design/{product}/{release}/boundaries"): ANALYST,
    ("POST", "/design/{product}/{release}/controls"): ANALYST,
    ("POST", "/design/{product}/{release}/controls/{key}/link"): ANALYST,
    ("POST", "/design/{product}/{release}/elements/{element_id}"): ANALYST,
    ("POST", "/design/{product}/{release}/evidence"): ANALYST,
    ("POST", "/design/{product}/{release}/flows"): ANALYST,
    ("POST", "/design/{product}/{release}/interfaces"): ANALYST,
    ("POST", "/design/{product}/{release}/evidence/{result_id}/threats"): ANALYST,
    ("POST", "/design/{product}/{release}/evidence/{result_id}/triage"): ANALYST,
    ("POST", "/design/{product}/{release}/threats"): ANALYST,
    ("POST", "/design/{product}/{release}/threats/generate"): ANALYST,
    ("POST", "/design/{product}/{release}/threats/{key}"): ANALYST,
    ("POST", "/design/{product}/{release}/threats/{key}/accept"): REVIEWER,
    ("POST", "/design/{product}/{release}/threats/{key}/risk"): ANALYST,
    ("POST", "/incidents"): SECURITY,
    ("POST", "/incidents/plans"): SECURITY,
    ("POST", "/incidents/plans/{plan}/contacts"): SECURITY,
    ("POST", "/incidents/plans/{plan}/exercises"): SECURITY,
    ("POST", "/incidents/plans/{plan}/members"): SECURITY,
    ("POST", "/sharing/agreements"): SECURITY,
    ("POST", "/sharing/export"): SECURITY,
    ("POST", "/sharing/imports"): SECURITY,
    ("POST", "/incidents/{ref}/actions/{action_id}/risk"): SECURITY,
    ("POST", "/incidents/{ref}/actions/{action_id}/threat"): SECURITY,
    ("POST", "/incidents/{ref}/evidence"): SECURITY,
    ("POST", "/incidents/{ref}/evidence/{evidence_id}/custody"): SECURITY,
    ("POST", "/incidents/{ref}/link"): SECURITY,
    ("POST", "/incidents/{ref}/log"): SECURITY,
    ("POST", "/incidents/{ref}/notify"): SECURITY,
    ("POST", "/incidents/{ref}/phase"): SECURITY,
    ("POST", "/incidents/{ref}/severity"): SECURITY,
    ("PUT", "/api/v1/assets/agreements"): ANALYST,
    ("PUT", "/api/v1/assets/rollouts/{name}/assets/{tag}"): ANALYST,
    ("PUT", "/api/v1/assets/segments/{name}"): ANALYST,
    ("PUT", "/api/v1/assets/vendors/{manufacturer}"): ANALYST,
    ("PUT", "/api/v1/assets/{tag}/mapping"): ANALYST,
    ("PUT", "/api/v1/lifecycle/products/{product}/releases/{version}"): ANALYST,
    # assessment in the web and API: feeds, re-match, rescoring, SSVC, risk, updates
    ("GET", "/api/v1/feeds/snapshots"): VIEWER,
    ("POST", "/api/v1/feeds/imports"): ANALYST,
    ("POST", "/api/v1/matches"): ANALYST,
    ("GET", "/api/v1/findings/{finding_id}/risk"): VIEWER,
    ("POST", "/api/v1/findings/{finding_id}/risk"): ANALYST,
    ("POST", "/api/v1/findings/{finding_id}/risk/acceptance"): REVIEWER,
    ("POST", "/api/v1/findings/{finding_id}/rescores"): ANALYST,
    ("GET", "/api/v1/findings/{finding_id}/ssvc"): VIEWER,
    ("POST", "/api/v1/findings/{finding_id}/ssvc"): ANALYST,
    ("GET", "/api/v1/rubric/questions"): VIEWER,
    ("POST", "/api/v1/rubric/evaluations"): VIEWER,
    ("GET", "/api/v1/products/{product}/risk/heatmap"): VIEWER,
    ("GET", "/api/v1/products/{product}/risk/cells"): VIEWER,
    ("GET", "/api/v1/products/{product}/updates"): VIEWER,
    ("POST", "/api/v1/products/{product}/updates"): ANALYST,
    ("GET", "/feeds"): VIEWER,
    ("POST", "/feeds/import"): ANALYST,
    ("POST", "/feeds/match"): ANALYST,
    ("POST", "/feeds/csaf"): ANALYST,
    ("GET", "/findings/{finding_id}/assess"): VIEWER,
    ("GET", "/findings/{finding_id}/rubric"): VIEWER,
    ("POST", "/findings/{finding_id}/rubric"): ANALYST,
    ("POST", "/findings/{finding_id}/rescore"): ANALYST,
    ("POST", "/findings/{finding_id}/ssvc"): ANALYST,
    ("POST", "/findings/{finding_id}/risk"): ANALYST,
    ("POST", "/findings/{finding_id}/risk/accept"): REVIEWER,
    ("GET", "/products/{product}/risk/findings"): VIEWER,
    ("GET", "/products/{product}/updates"): VIEWER,
    ("POST", "/products/{product}/updates"): ANALYST,
    # advisories: create, edit, the next revision's preview and its changes
    ("POST", "/api/v1/advisories"): ANALYST,
    ("PATCH", "/api/v1/advisories/{tracking_id}"): ANALYST,
    ("GET", "/api/v1/advisories/{tracking_id}/draft/csaf"): VIEWER,
    ("GET", "/api/v1/advisories/{tracking_id}/draft/diff"): VIEWER,
    ("GET", "/advisories/new"): ANALYST,
    ("POST", "/advisories"): ANALYST,
    ("GET", "/advisories/{tracking_id}/edit"): ANALYST,
    ("POST", "/advisories/{tracking_id}/edit"): ANALYST,
    ("GET", "/advisories/{tracking_id}/preview"): VIEWER,
    ("GET", "/advisories/{tracking_id}/preview/notice"): VIEWER,
    ("GET", "/advisories/{tracking_id}/diff"): VIEWER,
    # accounts, roles and tokens (admins), one's own account, notification preferences
    ("GET", "/api/v1/accounts"): ADMIN_ONLY,
    ("POST", "/api/v1/accounts"): ADMIN_ONLY,
    ("GET", "/api/v1/accounts/{account}"): ADMIN_ONLY,
    ("PATCH", "/api/v1/accounts/{account}"): ADMIN_ONLY,
    ("PUT", "/api/v1/accounts/{account}/password"): ADMIN_ONLY,
    ("GET", "/api/v1/accounts/{account}/tokens"): ADMIN_ONLY,
    ("POST", "/api/v1/accounts/{account}/tokens"): ADMIN_ONLY,
    ("DELETE", "/api/v1/accounts/{account}/tokens/{token_id}"): ADMIN_ONLY,
    ("GET", "/api/v1/me"): VIEWER,
    ("PUT", "/api/v1/me/password"): VIEWER,
    ("GET", "/api/v1/me/tokens"): VIEWER,
    ("POST", "/api/v1/me/tokens"): VIEWER,
    ("DELETE", "/api/v1/me/tokens/{token_id}"): VIEWER,
    ("GET", "/admin/accounts"): ADMIN_ONLY,
    ("POST", "/admin/accounts"): ADMIN_ONLY,
    ("GET", "/admin/accounts/{account}"): ADMIN_ONLY,
    ("POST", "/admin/accounts/{account}/access"): ADMIN_ONLY,
    ("POST", "/admin/accounts/{account}/status"): ADMIN_ONLY,
    ("POST", "/admin/accounts/{account}/password"): ADMIN_ONLY,
    ("POST", "/admin/accounts/{account}/tokens"): ADMIN_ONLY,
    ("POST", "/admin/accounts/{account}/tokens/{token_id}/revoke"): ADMIN_ONLY,
    ("GET", "/account"): VIEWER,
    ("POST", "/account/password"): VIEWER,
    ("POST", "/account/tokens"): VIEWER,
    ("POST", "/account/tokens/{token_id}/revoke"): VIEWER,
    ("GET", "/account/notifications"): VIEWER,
    ("POST", "/account/notifications"): VIEWER,
    ("POST", "/account/notifications/{pref_id}"): VIEWER,
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
    ("PATCH", "/api/v1/products/{product}/plan"): {"changes": {"recovery_plan": "route test"}},
    ("POST", "/api/v1/documents"): {"kind": "tplc", "product": PRODUCT, "release": "2.1.0"},
    ("PATCH", "/api/v1/products/{product}/releases/{version}"): {
        "essential_performance": "route matrix test"
    },
    ("POST", "/api/v1/matches"): {"product": PRODUCT},
    ("POST", "/api/v1/findings/{finding_id}/rescores"): {
        "reason": "route matrix test",
        "environmental": {"CR": "H"},
    },
    ("POST", "/api/v1/findings/{finding_id}/risk"): {
        "hazardous_situation": "route matrix test",
        "harm": "route matrix test",
        "severity": "minor",
    },
    ("PATCH", "/api/v1/advisories/{tracking_id}"): {"title": "route matrix test"},
    ("PATCH", "/api/v1/accounts/{account}"): {"products": []},
    ("POST", "/api/v1/accounts/{account}/tokens"): {"label": "route matrix test"},
    ("POST", "/api/v1/me/tokens"): {"label": "route matrix test"},
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
        "release": "2.1.0",
        "tag": "PUMP-001",
        "name": "InfuGuard 2.1.0 ICU",
        "manufacturer": "Example Medical Devices Inc.",
        "ref": "IR-0000",
        "key": "MD-SUPPLY",
        "element_id": "pump",
        "result_id": "1",
        "evidence_id": "1",
        "ident": "CVE-2021-3711",
        "pref_id": "1",
        "revision": "1",
        "account": "vic",
        "token_id": str(web_world.token_ids["vic"]),
        "action_id": "1",
        "plan": "Example Medical Devices PSIRT incident response plan",
    }


# query strings a route needs before its role check can run (else every role gets 422)
QUERIES: dict[str, str] = {
    "/api/v1/share/stix": "?org=Example&partner=Health-ISAC&since=2020-01-01",
    "/api/v1/products/{product}/risk/cells": "?exploitability=high&severity=serious",
}


def _url(path: str, params: dict[str, str]) -> str:
    return re.sub(r"\{([^}]+)\}", lambda m: params[m.group(1)], path) + QUERIES.get(path, "")


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
    if level == SECURITY:
        return role in (ANALYST, REVIEWER)
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
