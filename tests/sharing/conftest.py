"""Sharing fixtures: product Pump 2.0 with a finding on a CVE, accounts, and the STIX 2.1
schemas and examples from ../shared/data/stix."""

from __future__ import annotations

import orjson
import pytest
from share_world import ADMIN, CVE
from sqlalchemy import select

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.findings import service as findings
from medsec.models import Finding
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns


@pytest.fixture
def stix_dir(shared_data):
    """../shared/data/stix."""
    return shared_data / "stix"


@pytest.fixture
def schemas(stix_dir):
    """The OASIS STIX 2.1 JSON schemas of ../shared/data/stix."""
    return stix_dir / "cti-stix2-json-schemas" / "schemas"


@pytest.fixture
def share_world(session_factory, tmp_path):
    """Pump 2.0 with lib@1.0.0 and a finding on CVE-2099-0077; accounts ana (admin), pam
    (analyst of Pump), vic (viewer)."""
    record = {
        "schema_version": "1.6.0",
        "id": "GHSA-share-test",
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
    bom = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "components": [
            {
                "type": "library",
                "bom-ref": "lib",
                "name": "lib",
                "version": "1.0.0",
                "purl": "pkg:npm/lib@1.0.0",
            }
        ],
    }
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="ana", roles=["admin"], products=[], actor=ADMIN)
        accounts.add(s, name="pam", roles=["analyst"], products=["Pump"], actor=ADMIN)
        accounts.add(s, name="vic", roles=["viewer"], products=[], actor=ADMIN)
        sboms.import_sbom(
            s,
            data=orjson.dumps(bom),
            source_name="b.json",
            product="Pump",
            version="2.0",
            actor=ADMIN,
        )
        vulns.import_feed(s, path=tmp_path / "feed.json", actor=ADMIN)
        findings.match(s, actor=ADMIN)
        (finding_id,) = s.execute(select(Finding.id)).scalars()
    return session_factory, finding_id
