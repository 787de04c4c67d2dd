"""The demo's hospital with the real shared data: `medsec demo` imports a real CISA ICSMA
advisory, adds that vendor's devices mapped after confirmation, files the manufacturer's MDS2
and closes the rollout feedback loop; without the data it says how to do it by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medsec.advisories import feedback
from medsec.assets import exposure, vendor_mds2
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.demo import icsma
from medsec.mds2 import service as mds2


@pytest.mark.shared_data
def test_the_demo_hospital_gets_devices_from_a_real_icsma_advisory(
    shared_data, cli, tmp_path, monkeypatch
):
    monkeypatch.setenv("MEDSEC_SHARED_DATA", str(shared_data))
    home = tmp_path / "demo"
    code, out, err = cli("demo", "--home", str(home))
    assert code == 0, err
    doc = json.loads((Path(shared_data) / icsma.ADVISORY).read_bytes())
    tracking = doc["document"]["tracking"]["id"]
    cves = {v["cve"] for v in doc["vulnerabilities"]}
    assert f"real CISA advisory {tracking}" in out
    assert f"{len(icsma.DEVICES)} device(s) added, {len(icsma.DEVICES)} mapped after" in out
    assert "vendor MDS2: infuguard-500-2.1.0-mds2.xlsx filed against InfuGuard 500 2.1.0" in out
    assert "rollout feedback (1 failed installation(s)" in out
    engine = make_engine(f"sqlite:///{home / 'medsec.db'}")
    factory = make_session_factory(engine)
    with unit_of_work(factory) as s:
        tags = [d[0] for d in icsma.DEVICES]
        rep = exposure.report(s, actor="demo:biomed", tags=tags)
        assert sorted(a.asset_tag for a in rep.assets) == sorted(tags)
        states = {}
        for asset in rep.assets:
            assert {i.vulnerability for i in asset.items} == cves
            assert all(i.source == f"vendor advisory {tracking}" for i in asset.items)
            states[asset.asset_tag] = {i.state for i in asset.items}
        # the ICU segment's verified firewall rule mitigates; the isolated segment has none
        assert states == {"AN-001": {"mitigated"}, "AN-002": {"mitigated"}, "AN-003": {"exposed"}}
        cve = sorted(cves)[0]
        assert "AN-001 runs General Electric (GE) GE Aespire" in out
        assert f"{cve} (mitigated by a control)" in out and f"{cve} (open)" in out
        (filed,) = vendor_mds2.list_statements(s, actor="demo:biomed")
        sent = mds2.read_statement(
            (home / "infuguard-500-2.1.0-mds2.xlsx").read_bytes(), source="x.xlsx"
        )
        assert [a["id"] for a in filed.answers] == [a.id for a in sent.answers]
        assert {a.id for a in sent.answers} >= {"SBOM-1", "CONN-1.1.1", "TXCF-2", "DOC-10"}
        assert (home / "infuguard-500-2.1.0-mds-sds-ja.xlsx").exists()
        (advisory_id,) = {
            line.split("onto advisory ")[1].strip() for line in out.splitlines()
            if "onto advisory" in line
        }  # fmt: skip
        (got,) = feedback.list_feedback(s, tracking_id=advisory_id, actor="demo:psirt")
        assert got.failures[0].what_failed.startswith("update stopped at 60 %")
    engine.dispose()


def test_without_shared_data_the_demo_says_how_to_import_an_advisory(tmp_path):
    assert icsma.find_shared_data(environ={}, start=tmp_path / "repo") is None
    (tmp_path / "shared" / "data" / icsma.ADVISORY).parent.mkdir(parents=True)
    (tmp_path / "shared" / "data" / icsma.ADVISORY).write_text("{}")
    assert icsma.find_shared_data(environ={}, start=tmp_path / "repo") == (
        tmp_path / "shared" / "data"
    )
    env = {"MEDSEC_SHARED_DATA": str(tmp_path / "elsewhere")}
    assert icsma.find_shared_data(environ=env, start=tmp_path / "nowhere" / "repo") is None
    assert "medsec csaf import" in icsma.HOW_TO and "medsec assets map" in icsma.HOW_TO
