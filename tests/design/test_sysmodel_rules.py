"""The system-model file: references checked, bad input refused with its JSON pointer."""

from __future__ import annotations

import pytest

from medsec.errors import DocumentError
from medsec.ingest.sysmodel import dump_model, read_system_model

GOOD = b"""
medsec-system-model: 1
name: Pump
boundaries:
  - {id: hospital, name: Hospital network}
  - {id: ward, name: Ward, parent: hospital}
elements:
  - id: pump
    type: device
    name: "<script>alert(1)</script>"
    boundary: ward
    interfaces:
      - {name: Wi-Fi, kind: wireless, enabled: true, port: 443}
      - {name: Service port, kind: service-port, enabled: false, reason: sealed at the factory}
  - {id: gw, type: process, name: Gateway, boundary: hospital}
flows:
  - {id: f1, from: pump, to: gw, protocol: HTTPS, port: "443", classification: safety-critical}
"""


def test_reads_a_good_model_and_round_trips() -> None:
    model = read_system_model(GOOD, source="m.yaml")
    assert [e.id for e in model.elements] == ["pump", "gw"]
    pump = model.elements[0]
    assert pump.name == "<script>alert(1)</script>"
    assert [(i.kind, i.enabled) for i in pump.interfaces] == [
        ("wireless", True),
        ("service-port", False),
    ]
    assert model.flows[0].port == 443
    assert read_system_model(dump_model(model, "json").encode()) == model
    assert read_system_model(dump_model(model).encode()) == model


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (b"type: device", "/elements/0/type", "unknown type 'toaster'"),
        (b"id: gw", "/elements/1/id", "duplicate id 'pump'"),
        (b"to: gw", "/flows/0/to", "unknown element 'nowhere'"),
        (b"parent: hospital", "/boundaries/1/parent", "unknown boundary 'mars'"),
        (b'port: "443"', "/flows/0/port", "not a number"),
    ],
)
def test_bad_models_are_refused_with_the_place(change: bytes, where: str, says: str) -> None:
    replacement = {
        b"type: device": b"type: toaster",
        b"id: gw": b"id: pump",
        b"to: gw": b"to: nowhere",
        b"parent: hospital": b"parent: mars",
        b'port: "443"': b'port: "https"',
    }[change]
    with pytest.raises(DocumentError) as err:
        read_system_model(GOOD.replace(change, replacement, 1), source="m.yaml")
    assert f"m.yaml: {where}:" in str(err.value) and says in str(err.value)


def test_nesting_cycle_is_refused() -> None:
    data = GOOD.replace(
        b"{id: hospital, name: Hospital network}",
        b"{id: hospital, name: Hospital network, parent: ward}",
    )
    with pytest.raises(DocumentError) as err:
        read_system_model(data, source="m.yaml")
    assert "nesting cycle" in str(err.value)


def test_not_a_model() -> None:
    with pytest.raises(DocumentError) as err:
        read_system_model(b"name: x\n", source="m.yaml")
    assert "medsec-system-model: 1" in str(err.value)
