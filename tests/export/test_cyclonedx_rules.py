"""CycloneDX export: schema validity in every version, field mapping, determinism, speed."""

from __future__ import annotations

import dataclasses
from datetime import date

import orjson
import pytest
from _export_dto import SERIAL, SHA1, SHA256, WHEN, full_sbom

from medsec.errors import InvalidInput
from medsec.export._schemas import validate_cyclonedx
from medsec.export.cyclonedx import to_cyclonedx_json
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom


def _export(sbom: ParsedSbom, spec: str = "1.6") -> dict:
    return orjson.loads(
        to_cyclonedx_json(sbom, spec_version=spec, serial_number=SERIAL, timestamp=WHEN)
    )


def _walk(components: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for c in components:
        out[c["bom-ref"]] = c
        out.update(_walk(c.get("components", [])))
    return out


@pytest.mark.parametrize("spec", ["1.4", "1.5", "1.6", "1.7"])
def test_full_dto_is_schema_valid_in_every_version(spec: str) -> None:
    doc = to_cyclonedx_json(full_sbom(), spec_version=spec, serial_number=SERIAL, timestamp=WHEN)
    assert validate_cyclonedx(doc, spec) == []
    assert orjson.loads(doc)["specVersion"] == spec


def test_validator_reports_errors() -> None:
    doc = _export(full_sbom())
    doc["components"][0]["type"] = "bogus"
    del doc["bomFormat"]
    errors = validate_cyclonedx(doc, "1.6")
    assert any("bomFormat" in e for e in errors)
    assert any("/components/0" in e for e in errors)
    assert validate_cyclonedx(b"{not json", "1.6")[0].startswith("not JSON")
    assert validate_cyclonedx({}, "9.9") == ["unsupported CycloneDX version '9.9'"]


def test_fields_are_mapped() -> None:
    doc = _export(full_sbom())
    meta = doc["metadata"]
    assert meta["timestamp"] == "2024-05-06T07:08:09Z"
    assert meta["authors"] == [{"name": "Jane Doe"}]
    assert [t["name"] for t in meta["tools"]["components"]] == ["medsec", "cdxgen 10.0"]
    assert meta["component"]["bom-ref"] == "device-1"
    assert meta["component"]["type"] == "device"
    # fw is nested in the primary; rtos and wolfssl are nested in fw
    assert [c["bom-ref"] for c in meta["component"]["components"]] == ["fw"]
    fw = meta["component"]["components"][0]
    assert [c["name"] for c in fw["components"]] == ["FreeRTOS-Kernel", "wolfssl"]
    assert [c["bom-ref"] for c in doc["components"]] == ["model", "src"]
    assert fw["supplier"] == {"name": "ACME Med"}
    assert fw["authors"] == [{"name": "ACME Firmware Team"}]
    assert "author" not in fw
    assert fw["cpe"] == "cpe:2.3:o:acme:pump-fw:2.1.0:*:*:*:*:*:*:*"
    assert fw["hashes"] == [
        {"alg": "SHA-256", "content": SHA256},
        {"alg": "SHA-1", "content": SHA1},
    ]
    assert fw["licenses"] == [{"expression": "LicenseRef-ACME-Proprietary"}]
    assert fw["properties"] == [
        {"name": "acme:build", "value": "1234"},
        {"name": "medsec:supportLevel", "value": "actively_maintained"},
        {"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2032-12-31"},
    ]
    rtos, ssl = fw["components"]
    assert rtos["group"] == "freertos"
    assert rtos["purl"] == "pkg:github/freertos/freertos-kernel@10.4.3"
    assert rtos["licenses"] == [{"license": {"id": "MIT"}}]  # canonical case
    assert rtos["scope"] == "required"
    assert ssl["hashes"] == [{"alg": "SHA-256", "content": SHA256}]  # lower-cased
    assert ssl["licenses"] == [
        {"license": {"id": "GPL-2.0-or-later"}},
        {"license": {"name": "Commercial wolfSSL licence"}},
    ]
    comps = _walk(doc["components"])
    model = comps["model"]
    assert model["type"] == "machine-learning-model"
    # 1.6 allows one expression only: entries are joined with AND
    assert model["licenses"] == [{"expression": "(Apache-2.0 OR MIT) AND BSD-3-Clause"}]
    # our end-of-support value replaces the source property of the same name
    assert model["properties"] == [
        {"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2030-01-01"}
    ]
    assert comps["src"]["type"] == "file"
    assert comps["src"]["properties"] == [{"name": "medsec:componentType", "value": "source"}]


def test_dependencies_list_every_component_and_drop_dangling_edges() -> None:
    doc = _export(full_sbom())
    deps = {d["ref"]: d["dependsOn"] for d in doc["dependencies"]}
    rtos = "pkg:github/freertos/freertos-kernel@10.4.3"
    assert list(deps) == ["device-1", "fw", rtos, "wolfssl 5.5 (bundled)", "model", "src"]
    assert deps["device-1"] == ["fw"]
    assert deps["fw"] == [rtos, "wolfssl 5.5 (bundled)"]  # duplicate and dangling edge gone
    assert deps["model"] == []


def test_version_specific_shapes() -> None:
    doc14 = _export(full_sbom(), "1.4")
    fw = doc14["metadata"]["component"]["components"][0]
    assert fw["author"] == "ACME Firmware Team"
    assert "authors" not in fw
    assert doc14["metadata"]["tools"][0] == {
        "vendor": "medsec",
        "name": "medsec",
        "version": "0.1.0",
    }
    comps = _walk(doc14["components"])
    assert comps["model"]["type"] == "file"  # machine-learning-model -> data -> file in 1.4
    assert {"name": "medsec:componentType", "value": "machine-learning-model"} in comps["model"][
        "properties"
    ]
    # 1.4 and 1.7 allow license entries and expressions side by side
    assert comps["model"]["licenses"] == [
        {"expression": "Apache-2.0 OR MIT"},
        {"license": {"id": "BSD-3-Clause"}},
    ]
    assert (
        _walk(_export(full_sbom(), "1.5")["components"])["model"]["type"]
        == "machine-learning-model"
    )


def test_output_is_deterministic() -> None:
    a = to_cyclonedx_json(full_sbom(), serial_number=SERIAL, timestamp=WHEN)
    b = to_cyclonedx_json(full_sbom(), serial_number=SERIAL, timestamp=WHEN)
    assert a == b
    c = orjson.loads(to_cyclonedx_json(full_sbom()))
    assert c["serialNumber"].startswith("urn:uuid:") and c["serialNumber"] != SERIAL


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(InvalidInput):
        to_cyclonedx_json(full_sbom(), spec_version="1.3")
    with pytest.raises(InvalidInput):
        to_cyclonedx_json(full_sbom(), serial_number="not-a-urn")


def test_hostile_refs_and_cycles_stay_valid() -> None:
    comps = (
        ParsedComponent(ref="a", type="library", name="a", parent_ref="b"),
        ParsedComponent(ref="b", type="library", name="b", parent_ref="a"),
        ParsedComponent(ref="a", type="library", name="a-again", parent_ref="a"),
        ParsedComponent(ref="", type="other", name="no-ref", hashes=(("SHA-256", "zz"),)),
        ParsedComponent(ref="self", type="library", name="s", parent_ref="self"),
    )
    sbom = ParsedSbom(format="cyclonedx", spec_version="1.6", encoding="json", components=comps)
    raw = to_cyclonedx_json(sbom, serial_number=SERIAL, timestamp=WHEN)
    assert validate_cyclonedx(raw, "1.6") == []
    doc = orjson.loads(raw)
    refs = _walk(doc["components"])
    assert len(refs) == 5  # nothing lost in the cycle, every ref unique
    assert refs["a-dup2"]["name"] == "a-again"
    assert refs["component-4"]["name"] == "no-ref"
    assert "hashes" not in refs["component-4"]
    assert [d["ref"] for d in doc["dependencies"]] == ["a", "b", "a-dup2", "component-4", "self"]


def _big_sbom(n: int) -> ParsedSbom:
    comps = tuple(
        ParsedComponent(
            ref=f"pkg:npm/p{i}@1.{i}.0",
            type="library",
            name=f"p{i}",
            version=f"1.{i}.0",
            supplier="npm",
            purl=f"pkg:npm/p{i}@1.{i}.0",
            hashes=(("SHA-256", SHA256),),
            licenses=("MIT",) if i % 2 else ("Apache-2.0 OR MIT",),
            end_of_support=date(2030, 1, 1),
            support_level="actively_maintained",
        )
        for i in range(n)
    )
    deps = tuple((comps[i].ref, comps[i + 1].ref) for i in range(n - 1))
    return ParsedSbom("cyclonedx", "1.6", "json", components=comps, dependencies=deps)


def test_twenty_thousand_components_export_fast() -> None:
    sbom = _big_sbom(20_000)
    raw = to_cyclonedx_json(sbom, serial_number=SERIAL, timestamp=WHEN)
    assert validate_cyclonedx(raw, "1.6") == []
    assert len(orjson.loads(raw)["components"]) == 20_000


def test_tool_version_and_untouched_input() -> None:
    sbom = full_sbom()
    before = dataclasses.replace(sbom)
    doc = orjson.loads(
        to_cyclonedx_json(sbom, serial_number=SERIAL, timestamp=WHEN, tool_version="9.9")
    )
    assert doc["metadata"]["tools"]["components"][0]["version"] == "9.9"
    assert sbom == before
