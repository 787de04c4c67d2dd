"""Every threat model under shared/data/threat-models imports with the index's counts
(elements, flows, trust boundaries, threats) or is refused with the reason (TM-BOM)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medsec.errors import UnsupportedFormat
from medsec.ingest.sysmodel import check_model, dump_model, read_system_model
from medsec.ingest.threat_models import read_threat_model

pytestmark = pytest.mark.shared_data


def _expected(m: dict) -> tuple[int, int, int, int]:
    if m["format"] == "otm":
        return m["components"], m["dataflows"], m["trustZones"], m["threat_instances"]
    if m["format"] == "pytm-json":
        return m["elements"], m["flows"], m["boundaries"], m["findings"]
    c = m["cells_by_type"]
    elements = c.get("tm.Actor", 0) + c.get("tm.Process", 0) + c.get("tm.Store", 0)
    bounds = c.get("tm.Boundary", 0) + c.get("tm.BoundaryBox", 0)
    return elements, c.get("tm.Flow", 0), bounds, m["threats"]


def test_every_model_imports_with_its_counts(shared_data: Path) -> None:
    base = shared_data / "threat-models"
    models = json.loads((base / "index.json").read_text())["models"]
    imported = refused = 0
    for m in models:
        data = (base / m["file"]).read_bytes()
        if m["format"] in ("cyclonedx-tmbom", "owasp-tmbom"):
            with pytest.raises(UnsupportedFormat) as err:
                read_threat_model(data, source=m["file"])
            assert "not supported yet" in str(err.value) and m["file"] in str(err.value)
            refused += 1
            continue
        model = read_threat_model(data, source=m["file"])
        dropped = sum(u.startswith("flow ") for u in model.unmapped)
        got = (
            len(model.elements),
            len(model.flows) + dropped,
            len(model.boundaries),
            len(model.threats),
        )
        assert got == _expected(m), m["file"]
        assert check_model(model) == [], m["file"]
        # what medsec writes, medsec reads back unchanged
        again = read_system_model(dump_model(model).encode(), source="round-trip")
        assert again.elements == model.elements and again.flows == model.flows
        imported += 1
    assert (imported, refused) == (45, 4)


def test_dragon_threats_keep_status_and_severity(shared_data: Path) -> None:
    path = shared_data / "threat-models/threat-dragon/ThreatDragonModels/demo-threat-model.json"
    model = read_threat_model(path.read_bytes(), source="demo")
    statuses = sorted(t.status or "" for t in model.threats)
    assert statuses.count("Mitigated") == 4 and statuses.count("Open") == 10
    assert (
        sum(e.out_of_scope for e in model.elements) + sum(f.out_of_scope for f in model.flows) == 2
    )


def test_line_boundaries_and_dangling_flows_are_reported(shared_data: Path) -> None:
    path = shared_data / "threat-models/threat-dragon/td.vue/src/service/demo/v2-threat-model.json"
    model = read_threat_model(path.read_bytes(), source="v2")
    assert any("drawn as a line" in u for u in model.unmapped)
    assert any(u.startswith("flow 'Web Request'") for u in model.unmapped)
