"""End to end: what a manufacturer publishes reaches a hospital's exposure per asset.

1. The demo manufacturer's release (SBOM, feeds, VEX decisions, the CSAF advisory it publishes)
   is read into a fresh hospital workspace: the exposure of each asset equals what the
   manufacturer decided, finding by finding.
2. A real CISA ICSMA advisory: assets of that vendor map to its products after confirmation, and
   are exposed exactly to the CVEs listed as known affected for those products.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from medsec.accounts import service as accounts
from medsec.assets import exposure, operations
from medsec.assets import service as inventory
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.demo import service as demo
from medsec.findings import listing, vex_import
from medsec.findings import service as findings
from medsec.imported_csaf import service as csaf_import
from medsec.ingest.assets_table import read_csv
from medsec.products import service as products
from medsec.products.schemas import ProductCreate
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns

BIOMED = "cli:biomed"
ICSMA = "csaf/cisa/csaf_files/OT/white/2019/icsma-19-190-01.json"


@pytest.fixture(scope="module")
def manufacturer(tmp_path_factory):
    """The demo manufacturer's workspace and the files it wrote (built once)."""
    folder = tmp_path_factory.mktemp("maker")
    engine = make_engine(f"sqlite:///{folder / 'maker.db'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    with unit_of_work(factory) as s:
        report = demo.build(s, folder)
    with unit_of_work(factory) as s:
        decided = {
            (f.component.name, f.vulnerability.id): (f.vex.status if f.vex else None)
            for f in listing.list_findings(s, product=report.product, version="2.0.0")
        }
    engine.dispose()
    return report, folder, decided


def _hospital(session_factory):
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="biomed", roles=["analyst"], products=[], actor=BIOMED)


@pytest.mark.parametrize("via", ["csaf", "cyclonedx-vex"])
def test_the_manufacturers_vex_decides_each_assets_exposure(manufacturer, session_factory, via):
    report, folder, decided = manufacturer
    _hospital(session_factory)
    sbom = folder / "infuguard-500-2.0.0.cdx.json"
    (csaf,) = [p for p in (folder / "advisories").glob("*.json") if p.name.count(".") == 1]
    (cdx_vex,) = (folder / "advisories").glob("*.cdx.json")
    with unit_of_work(session_factory) as s:
        products.create_product(
            s, data=ProductCreate(name=report.product, manufacturer="Example Medical Devices Inc."),
            actor=BIOMED,
        )  # fmt: skip
        sboms.import_sbom(
            s, data=sbom.read_bytes(), source_name=sbom.name, product=report.product,
            version="2.0.0", actor=BIOMED,
        )  # fmt: skip
        for feed in report.feeds:
            vulns.import_feed(s, path=feed, actor=BIOMED)
        findings.match(s, actor=BIOMED)
        if via == "csaf":
            csaf_import.import_csaf(
                s, data=csaf.read_bytes(), source=csaf.name, force=False, actor=BIOMED
            )
        else:
            done = vex_import.apply_vex(
                s, data=cdx_vex.read_bytes(), source=cdx_vex.name, product=report.product,
                version="2.0.0", actor=BIOMED,
            )  # fmt: skip
            assert done.applied == sum(1 for v in decided.values() if v is not None)
        operations.set_segment(s, name="icu", exposure="controlled", description=None, actor=BIOMED)
        text = (
            "asset_tag,manufacturer,model,software_version,network_segment,clinical_criticality\n"
            f"PUMP-1,Example Medical Devices Inc.,{report.product},2.0.0,icu,critical\n"
            f"PUMP-2,Example Medical Devices Inc.,{report.product},2.0.0,,low\n"
        )
        result = inventory.import_assets(
            s, table=read_csv(text.encode(), "inv.csv"), skip_bad_rows=False, actor=BIOMED
        )
        assert result.mapped == 2
    with unit_of_work(session_factory) as s:
        rep = exposure.report(s, actor=BIOMED)
    assert [a.asset_tag for a in rep.assets] == ["PUMP-1", "PUMP-2"]
    for asset in rep.assets:
        got = {(i.component.split("@")[0], i.vulnerability): i for i in asset.items if i.component}
        assert set(got) == set(decided)  # every finding of the release, none invented
        for key, status in decided.items():
            item = got[key]
            cleared = status in ("not_affected", "fixed")
            assert (item.state == "cleared") == cleared, key
            if status is not None:
                assert item.vendor_status == status, key  # read from the vendor's CSAF
            if cleared:
                assert item.vendor_statement and item.ssvc is None
            else:
                assert item.ssvc in ("defer", "scheduled", "out-of-cycle", "immediate")
    assert any(s == "not_affected" for s in decided.values())  # the test exercises VEX
    one, two = rep.assets
    affected = [i for i in one.items if i.vendor_status == "affected"]
    assert affected
    if via == "csaf":
        assert all(i.remediations for i in affected)  # the vendor's fix is shown
    else:  # the VEX carried the vendor's words as the action statement
        assert all(i.vendor_statement for i in affected)
    # same findings, different circumstances: the open network and criticality change SSVC
    assert [i.ssvc_vector for i in one.items] != [i.ssvc_vector for i in two.items]
    assert {c.group for c in rep.by_segment} == {"icu", "(none)"}


@pytest.mark.shared_data
def test_a_cisa_icsma_advisory_decides_exposure_of_that_vendors_devices(
    shared_data, session_factory
):
    path = Path(shared_data) / ICSMA
    doc = json.loads(path.read_bytes())
    names = _leaf_names(doc)
    affected: dict[str, set[str]] = {}
    for v in doc["vulnerabilities"]:
        for pid in v["product_status"].get("known_affected", []):
            affected.setdefault(pid, set()).add(v["cve"])
    _hospital(session_factory)
    with unit_of_work(session_factory) as s:
        csaf_import.import_csaf(
            s, data=path.read_bytes(), source=path.name, force=False, actor=BIOMED
        )
        operations.set_segment(s, name="or", exposure="isolated", description=None, actor=BIOMED)
        text = (
            "asset_tag,manufacturer,model,software_version,network_segment\n"
            "AN-1,GE Healthcare,Aespire,7900,or\n"
            "AN-2,GE Healthcare,Carestation,650c,or\n"
        )
        inventory.import_assets(
            s, table=read_csv(text.encode(), "inv.csv"), skip_bad_rows=False, actor=BIOMED
        )
        groups = {g.model: g for g in inventory.unmapped(s, actor=BIOMED)}
        assert set(groups) == {"Aespire", "Carestation"}  # nothing mapped without confirmation
        chosen = {}
        for model, group in groups.items():
            best = group.suggestions[0]
            assert model.lower() in best.label.lower()
            inventory.confirm_mapping(s, tag=group.assets[0], target=best.target, actor=BIOMED)
            chosen[group.assets[0]] = best.target
    with unit_of_work(session_factory) as s:
        rep = exposure.report(s, actor=BIOMED, on=date(2026, 1, 1))
    by_tag = {a.asset_tag: a for a in rep.assets}
    for tag, target in chosen.items():
        pid = names[target]
        expected = affected.get(pid, set())
        got = by_tag[tag]
        assert {i.vulnerability for i in got.items if i.state == "exposed"} == expected
        for item in got.items:
            assert item.source == "vendor advisory ICSMA-19-190-01"
            assert any(r.startswith("vendor_fix") for r in item.remediations)
            assert item.ssvc_vector and "EXP:S" in item.ssvc_vector  # isolated segment


def _leaf_names(doc: dict) -> dict[str, str]:
    """csaf target key -> CSAF product id, for the leaves of the product tree."""
    from medsec.assets.rules import csaf_key

    out: dict[str, str] = {}

    def walk(branches, path):
        for b in branches:
            here = {**path, b["category"]: b["name"]}
            if "product" in b:
                key = csaf_key(
                    here.get("vendor", ""), here.get("product_name", ""),
                    here.get("product_version", ""),
                )  # fmt: skip
                out[key] = b["product"]["product_id"]
            walk(b.get("branches", []), here)

    walk(doc["product_tree"]["branches"], {})
    return out
