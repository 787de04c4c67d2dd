"""STRIDE-per-element generation, statuses and the four questions (pure rules)."""

from __future__ import annotations

from collections import Counter

import pytest
from design_world import PUMP_YAML

from medsec.errors import InvalidInput
from medsec.ingest.sysmodel import read_system_model
from medsec.threats import rules
from medsec.threats.library import LIBRARY


@pytest.fixture
def model():
    return read_system_model(PUMP_YAML, source="pump.yaml")


def test_stride_per_element_categories(model) -> None:
    made = rules.generate(model)
    generic = Counter(
        (t.target_id, t.category) for t in made if t.library_id.startswith(("GEN-", "FLOW-"))
    )
    # a device gets all six, a clinician (external entity) only S and R, a flow T, I, D
    assert {c for (tid, c) in generic if tid == "pump"} == set("STRIDE")
    assert {c for (tid, c) in generic if tid == "tablet"} == set("SR")
    assert {c for (tid, c) in generic if tid == "dose"} == set("TID")


def test_medical_device_threats_follow_the_model(model) -> None:
    made = {t.key for t in rules.generate(model)}
    assert "MD-WIRELESS@pump" in made  # Wi-Fi enabled
    assert "MD-SERVICE-PORT@pump" not in made  # disabled at the factory
    assert "MD-SAFETY-DATA@dose" in made and "MD-SAFETY-DATA@fw" not in made
    assert "MD-UPDATE@fw" in made  # the flow comes from the update server
    assert "MD-CROSSING@fw" in made and "MD-CROSSING@dose" not in made  # zones differ
    assert "MD-CLINICIAN@tablet" in made
    assert {"MD-SUPPLY", "MD-DEPLOY", "MD-MISCONFIG", "MD-LEGACY"} <= made


def test_keys_are_stable_and_unique(model) -> None:
    first = [t.key for t in rules.generate(model)]
    assert first == [t.key for t in rules.generate(model)]
    assert len(first) == len(set(first))


def test_out_of_scope_elements_get_no_threats(model) -> None:
    text = PUMP_YAML.replace(
        b"name: Update server, boundary: vendor",
        b"name: Update server, boundary: vendor, out_of_scope: true",
    )
    made = rules.generate(read_system_model(text))
    assert not [t for t in made if t.target_id == "updates"]


def test_every_library_entry_names_known_principles() -> None:
    from medsec.controls.rules import PRINCIPLE_IDS

    for entry in LIBRARY:
        assert set(entry.principles) <= set(PRINCIPLE_IDS), entry.id


def test_status_rules() -> None:
    assert rules.check_status("Mitigated", None) == "mitigated"
    with pytest.raises(InvalidInput, match="rationale"):
        rules.check_status("accepted", " ")
    with pytest.raises(InvalidInput, match="unknown threat status"):
        rules.check_status("closed", None)


def test_four_questions(model) -> None:
    q = rules.four_questions(model, ["open", "mitigated"], 1, 1, ["1 threats without a control"])
    assert "3 elements, 2 data flows, 2 trust boundaries, 1 of 2 interfaces enabled" in (
        q.what_are_we_building
    )
    assert q.what_can_go_wrong == "2 threats (1 open, 1 mitigated)"
    assert not q.enough and q.did_we_do_enough.startswith("Not yet: 1 threats without")
    done = rules.four_questions(model, ["mitigated"], 1, 1, [])
    assert done.enough and done.did_we_do_enough.startswith("Yes")
