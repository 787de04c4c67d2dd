"""Helpers of the web/API tests: constants, the hostile SBOM, logging in, CSRF tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import orjson

from medsec.config import Settings
from medsec.demo import data as demo_data

PRODUCT = demo_data.PRODUCT
OTHER = "Other Monitor"
HOSTILE = '<script>window.__pwned = 1</script><img src="https://evil.invalid/x.png">'
HOSTILE_RELEASE = "9.9.9"
ADMIN = "psirt"  # the demo's first account: admin and analyst
KEV_CVE = "CVE-2021-3711"  # listed in the tests' own small KEV catalog (not in the real one)


@dataclass
class WebWorld:
    """What the tests log in with and look at."""

    settings: Settings
    tokens: dict[str, str] = field(default_factory=dict)
    token_ids: dict[str, int] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    finding_ids: dict[str, int] = field(default_factory=dict)  # vulnerability id -> 2.0.0 finding


def kev_catalog(cve: str) -> bytes:
    """A CISA KEV catalog (the published JSON layout) listing one CVE."""
    entry = {
        "cveID": cve,
        "vendorProject": "OpenSSL",
        "product": "OpenSSL",
        "vulnerabilityName": "test listing",
        "dateAdded": "2024-05-01",
        "shortDescription": "listed for the web tests",
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


def hostile_sbom() -> bytes:
    """A valid CycloneDX 1.6 SBOM whose component name and version are HTML."""
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "device", "name": "hostile", "version": "1"}},
        "components": [
            {"type": "library", "name": HOSTILE, "version": "1.0<b>bold</b>", "bom-ref": "h1"}
        ],
    }
    return orjson.dumps(doc)


def bearer(world: WebWorld, name: str) -> dict[str, str]:
    """The Authorization header of an account's token."""
    return {"Authorization": f"Bearer {world.tokens[name]}"}


def login(client, world: WebWorld, name: str, password: str | None = None, next_: str = "/"):
    """Log in through the form (GET for the token and cookie, then POST); returns the response."""
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token, form.text
    return client.post(
        "/login",
        data={
            "name": name,
            "password": world.passwords[name] if password is None else password,
            "token": token.group(1),
            "next": next_,
        },
    )


def csrf_of(html: str) -> str:
    """The CSRF token in a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)
