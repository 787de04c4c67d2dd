"""The demo's incident: a hospital's report of a suspicious firmware download through every
ISO/IEC 27035 phase, its notifications sent in time, and a STIX bundle for an ISAO that
validates against the OASIS schemas, parses with stix2 and names no hospital or asset."""

from __future__ import annotations

import json

import pytest
import stix2

from medsec.sharing import stix_schema

pytestmark = pytest.mark.shared_data


def test_demo_incident_through_every_phase_with_a_stix_export(
    cli, tmp_path, monkeypatch, shared_data
):
    home = tmp_path / "demo"
    code, out, err = cli("demo", "--home", str(home))
    assert code == 0, err
    line = next(x for x in out.splitlines() if "note: incident INC-" in x)
    ref = line.split("incident ")[1].split(":")[0]
    assert "notifications sent on time: 4 of 4" in out
    bundle_path = home / "incident-stix-bundle.json"
    assert str(bundle_path) in out.replace("\n", "")
    monkeypatch.setenv("MEDSEC_HOME", str(home))
    monkeypatch.setenv("MEDSEC_DATABASE_URL", f"sqlite:///{home / 'medsec.db'}")
    monkeypatch.setenv("MEDSEC_ACTOR", "psirt")
    code, out, err = cli("incident", "show", ref, "--format", "json")
    assert code == 0, err
    d = json.loads(out)
    assert [e["to_phase"] for e in d["events"] if e["kind"] == "phase"] == [
        "reported",
        "assessing",
        "containing",
        "eradicating",
        "recovering",
        "lessons_learned",
        "closed",
    ]
    assert d["source"] == "hospital" and d["reviewed"] and len(d["actions"]) == 2
    assert {n["obligation"] for n in d["notifications"]} == {
        "all.customers",
        "all.law-enforcement",
        "us.fda.mdr-30",
        "jp.pmda.malfunction-30",
    }
    assert not any(n["overdue"] for n in d["notifications"])
    assert [c["action"] for c in d["evidence"][0]["custody"]] == ["collected", "transferred"]
    bundle = json.loads(bundle_path.read_text())
    schemas = shared_data / "stix/cti-stix2-json-schemas/schemas"
    assert stix_schema.errors(bundle, root=schemas) == []
    stix2.parse(bundle, allow_custom=False)
    text = bundle_path.read_text()
    for secret in ("Example General Hospital", "10.20.30.41", "GW-07", "fictional", "psirt"):
        assert secret not in text
    assert "198.51.100.23" in text  # the look-alike server, shared on purpose (rule R4)
