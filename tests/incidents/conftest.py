"""Incident database fixtures: products Pump (with a real medical-device SBOM and a finding on a
CVE listed in KEV) and Other, and accounts for every access case."""

from __future__ import annotations

import orjson
import pytest
from incident_world import ADMIN, CVE, kev_catalog
from sqlalchemy import select

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.findings import service as findings
from medsec.models import Finding
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns


def _cdx(name: str, version: str) -> bytes:
    comp = {
        "type": "library",
        "bom-ref": f"{name}@{version}",
        "name": name,
        "version": version,
        "purl": f"pkg:npm/{name}@{version}",
    }
    return orjson.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [comp]}
    )


@pytest.fixture
def world(session_factory, tmp_path, shared_data):
    """Pump 1.0 (real SBOM), Pump 2.0 with lib@1.0.0 and a KEV-listed finding, Other 1; accounts
    ana (admin), pam (analyst of Pump), rita (reviewer), vic (viewer), otto (analyst of Other)."""
    record = {
        "schema_version": "1.6.0",
        "id": "GHSA-inc-test",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": [CVE],
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "lib"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "3.0.0"}]}],
            }
        ],
    }
    (tmp_path / "feed.json").write_bytes(orjson.dumps(record))
    kev = tmp_path / "known_exploited_vulnerabilities.json"
    kev.write_bytes(kev_catalog(CVE))
    real = shared_data / "sboms/medical-device/sboms/case-study/narrow.sbom.json"
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="ana", roles=["admin"], products=[], actor=ADMIN)
        for name, roles, prods in (
            ("pam", ["analyst"], ["Pump"]),
            ("rita", ["reviewer"], []),
            ("vic", ["viewer"], []),
            ("otto", ["analyst"], ["Other"]),
        ):
            accounts.add(s, name=name, roles=roles, products=prods, actor=ADMIN)
        sboms.import_sbom(
            s,
            data=real.read_bytes(),
            source_name=str(real),
            product="Pump",
            version="1.0",
            actor=ADMIN,
            lenient=True,
        )
        for prod, version, comp in (("Pump", "2.0", ("lib", "1.0.0")), ("Other", "1", ("x", "1"))):
            sboms.import_sbom(
                s,
                data=_cdx(*comp),
                source_name=f"{prod}.json",
                product=prod,
                version=version,
                actor=ADMIN,
            )
        vulns.import_feed(s, path=tmp_path / "feed.json", actor=ADMIN)
        vulns.import_feed(s, path=kev, actor=ADMIN)
        findings.match(s, actor=ADMIN)
        (finding_id,) = s.execute(select(Finding.id)).scalars()
    return session_factory, finding_id
