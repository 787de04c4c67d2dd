"""The data-flow diagram: DOT source, SVG from Graphviz, hostile names kept as text; diffs."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
from design_world import PUMP_YAML

from medsec.ingest.sysmodel import read_system_model
from medsec.sysmodel import rules

HOSTILE = PUMP_YAML.replace(
    b"name: Infusion pump\n    boundary",
    b'name: "<script>alert(1)</script> \\" ] -> x"\n    boundary',
)


def test_dot_quotes_user_text() -> None:
    model = read_system_model(HOSTILE)
    dot = rules.to_dot(model)
    assert 'label="<script>alert(1)</script> \\" ] -> x\\n(device)\\nWi-Fi"' in dot
    assert "subgraph cluster_0" in dot and "n2 -> n0" in dot


@pytest.mark.skipif(shutil.which("dot") is None, reason="apt-get install -y graphviz")
def test_svg_escapes_hostile_names() -> None:
    from medsec.sysmodel.diagram import render_svg

    svg = render_svg(read_system_model(HOSTILE))
    assert svg.startswith("<svg") and "<script" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert svg.count('<g id="clust') == 2  # both trust boundaries drawn


def test_diff() -> None:
    old = read_system_model(PUMP_YAML)
    pump = replace(old.elements[0], name="Pump v2")
    new = replace(old, elements=(pump, *old.elements[2:]), flows=old.flows[1:])
    changes = rules.diff(old, new)
    assert [(c.kind, c.id, c.change, c.fields) for c in changes] == [
        ("element", "pump", "changed", ("name",)),
        ("element", "tablet", "removed", ()),
        ("flow", "dose", "removed", ()),
    ]
