"""Constants shared by the incident database tests."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

DETECTED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
CVE = "CVE-2099-0042"
ADMIN, ANALYST, REVIEWER, VIEWER = "cli:ana", "cli:pam", "cli:rita", "cli:vic"
OTHER_ANALYST, NOBODY = "cli:otto", "cli:nobody"


def kev_catalog(cve: str) -> bytes:
    """A CISA KEV catalog (the published JSON layout) listing one CVE."""
    entry = {
        "cveID": cve,
        "vendorProject": "Example",
        "product": "lib",
        "vulnerabilityName": "test listing",
        "dateAdded": "2024-05-01",
        "shortDescription": "listed for the incident tests",
        "requiredAction": "apply updates",
        "dueDate": "2024-05-22",
        "knownRansomwareCampaignUse": "Unknown",
        "notes": "",
        "cwes": [],
    }
    return orjson.dumps(
        {
            "title": "CISA Catalog of Known Exploited Vulnerabilities",
            "catalogVersion": "2024.05.01",
            "dateReleased": "2024-05-01T00:00:00.000Z",
            "count": 1,
            "vulnerabilities": [entry],
        }
    )
