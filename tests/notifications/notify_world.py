"""Constants shared by the notification tests."""

from __future__ import annotations

from datetime import UTC, datetime

ADMIN = "cli:ana"
PRODUCT = "Keycloak"
KEV_CVE = "CVE-2022-22965"  # Spring4Shell: in the real KEV catalog, hits keycloak's spring-beans
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
REPORT = {
    "product": "InfuCare pump",
    "version": "2.3.1",
    "description": "The pump web UI accepts unauthenticated dose changes over HTTP.",
    "reproduction_steps": "POST /api/dose with any body; the pump applies it.",
    "finder_name": "Grace Finder",
    "finder_email": "grace@finder.example",
}
