"""Constants shared by the CVD database tests."""

from __future__ import annotations

from datetime import UTC, datetime

# A Monday, so business-day arithmetic is easy to check by hand.
RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPORT = {
    "product": "InfuCare pump",
    "version": "2.3.1",
    "description": "The pump web UI accepts unauthenticated dose changes over HTTP.",
    "reproduction_steps": "POST /api/dose with any body; the pump applies it.",
    "finder_name": "Grace Finder",
    "finder_email": "grace@finder.example",
}
ADMIN, ANALYST, REVIEWER, VIEWER = "cli:ana", "cli:pam", "cli:rita", "cli:vic"
OTHER_ANALYST, NOBODY = "cli:otto", "cli:nobody"
