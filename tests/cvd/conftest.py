"""CVD database fixtures: a small world (two products, a real medical-device SBOM, one finding)
and accounts for every access case."""

from __future__ import annotations

import orjson
import pytest
from cvd_world import ADMIN
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
    """Product Pump 1.0 (the real narrow medical-device SBOM), Pump 2.0 with lib@1.0.0 and a
    finding on it, product Other; accounts ana (admin), pam (analyst of Pump), rita
    (reviewer), vic (viewer), otto (analyst of Other only)."""
    record = {
        "schema_version": "1.6.0",
        "id": "GHSA-cvd-test",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": ["CVE-2099-0042"],
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "lib"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "3.0.0"}]}],
            }
        ],
    }
    (tmp_path / "feed.json").write_bytes(orjson.dumps(record))
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
        sboms.import_sbom(
            s,
            data=_cdx("lib", "1.0.0"),
            source_name="b.json",
            product="Pump",
            version="2.0",
            actor=ADMIN,
        )
        sboms.import_sbom(
            s,
            data=_cdx("x", "1"),
            source_name="o.json",
            product="Other",
            version="1",
            actor=ADMIN,
        )
        vulns.import_feed(s, path=tmp_path / "feed.json", actor=ADMIN)
        findings.match(s, actor=ADMIN)
        (finding_id,) = s.execute(select(Finding.id)).scalars()
    return session_factory, finding_id
