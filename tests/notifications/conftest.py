"""Notification test world: the real keycloak SBOM, the GHSA subset and the real CISA KEV
catalog (Spring4Shell, CVE-2022-22965, is in it), accounts for every access case."""

from __future__ import annotations

import pytest
from notify_world import ADMIN, PRODUCT

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns


@pytest.fixture
def nworld(session_factory, shared_data):
    """ana (admin), pam (analyst of Keycloak), vic (viewer, every product), otto (viewer of
    Other only); Keycloak 10.0.2 with its real SBOM; GHSA Maven records and the KEV catalog
    imported, not matched yet."""
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="ana", roles=["admin"], products=[], actor=ADMIN)
        for name, roles, prods in (
            ("pam", ["analyst"], [PRODUCT]),
            ("vic", ["viewer"], []),
            ("otto", ["viewer"], ["Other"]),
        ):
            accounts.add(s, name=name, roles=roles, products=prods, actor=ADMIN)
        bom = shared_data / "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json"
        sboms.import_sbom(
            s,
            data=bom.read_bytes(),
            source_name=bom.name,
            product=PRODUCT,
            version="10.0.2",
            actor=ADMIN,
            lenient=True,
        )
        sboms.import_sbom(
            s,
            data=b'{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1}',
            source_name="other.json",
            product="Other",
            version="1",
            actor=ADMIN,
            allow_empty=True,  # a product with an empty inventory on purpose
        )
        vulns.import_feed(s, path=shared_data / "advisories/ghsa-subset/maven", actor=ADMIN)
        vulns.import_feed(
            s, path=shared_data / "kev/known_exploited_vulnerabilities.json", actor=ADMIN
        )
    return session_factory
