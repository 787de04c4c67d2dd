"""Exports against the official CycloneDX schemas and real SBOMs (parse -> export -> parse)."""

from __future__ import annotations

from pathlib import Path

import jsonschema_rs
import orjson
import pytest
from _export_dto import SERIAL, WHEN, full_sbom

from medsec.export._schemas import validate_cyclonedx, validate_spdx
from medsec.export.cyclonedx import to_cyclonedx_json
from medsec.export.spdx import to_spdx_json
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

pytestmark = pytest.mark.shared_data

REAL = [
    "sboms/medical-device/sboms/case-study/narrow.sbom.json",
    "sboms/medical-device/sboms/case-study/extended.sbom.json",
    "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
    "sboms/sbomqs-samples/airflow_lifecycles.json",
    "sboms/sbomqs-samples/sbomqs.cdx-modtool.json",
    "sboms/sbomqs-samples/photon.spdx.json",
    "sboms/sbomqs-samples/sbomqs.trivy-spdx.tv",
    "sboms/sbomqs-samples/sbom.spdx.yaml",
]


def _official(shared: Path, version: str) -> jsonschema_rs.Validator:
    base = shared / "cyclonedx-spec" / "schema"
    resources = [
        (f"http://cyclonedx.org/schema/{n}", orjson.loads((base / n).read_bytes()))
        for n in ("spdx.schema.json", "jsf-0.82.schema.json", "cryptography-defs.schema.json")
    ]
    schema = orjson.loads((base / f"bom-{version}.schema.json").read_bytes())
    return jsonschema_rs.validator_for(schema, registry=jsonschema_rs.Registry(resources))


@pytest.mark.parametrize("version", ["1.5", "1.6"])
def test_full_dto_valid_against_official_schema(shared_data: Path, version: str) -> None:
    validator = _official(shared_data, version)
    doc = orjson.loads(
        to_cyclonedx_json(full_sbom(), spec_version=version, serial_number=SERIAL, timestamp=WHEN)
    )
    assert [e.message for e in validator.iter_errors(doc)] == []
    doc["components"][0]["hashes"] = [{"alg": "SHA-256", "content": "xyz"}]
    assert not validator.is_valid(doc)  # the official schema does check what we rely on


def _parse(data: bytes, source: str) -> ParsedSbom:
    ingest = pytest.importorskip("medsec.ingest.sbom")
    result: ParsedSbom = ingest.parse_sbom(data, source=source, strict=False)
    return result


def _cdx_key(c: ParsedComponent) -> tuple:
    return (
        c.ref,
        c.type,
        c.name,
        c.group,
        c.version,
        c.supplier,
        c.purl,
        c.cpe,
        tuple(c.hashes),
        c.parent_ref,
        c.scope,
        c.description,
        c.support_level,
        c.end_of_support,
    )


@pytest.mark.parametrize("rel", REAL)
def test_real_sbom_round_trips_through_cyclonedx(shared_data: Path, rel: str) -> None:
    original = _parse((shared_data / rel).read_bytes(), rel)
    raw = to_cyclonedx_json(original, spec_version="1.6", serial_number=SERIAL, timestamp=WHEN)
    assert validate_cyclonedx(raw, "1.6") == []
    assert [e.message for e in _official(shared_data, "1.6").iter_errors(orjson.loads(raw))] == []
    again = _parse(raw, "export.cdx.json")
    assert len(again.components) == len(original.components)
    assert sorted(map(_cdx_key, again.components), key=repr) == sorted(
        map(_cdx_key, original.components), key=repr
    )
    by_ref = {c.ref: c for c in again.components}
    for c in original.components:  # single licenses survive (modulo SPDX id case)
        if len(c.licenses) <= 1:
            assert [x.lower() for x in by_ref[c.ref].licenses] == [x.lower() for x in c.licenses]
    assert set(again.dependencies) == set(original.dependencies) - {
        e
        for e in original.dependencies
        if not {e[0], e[1]}
        <= {c.ref for c in original.components}
        | ({original.primary.ref} if original.primary else set())
    }


# spdx-tools needs ~10 s to validate airflow's 1,749 packages: keep it to the CycloneDX run
@pytest.mark.parametrize("rel", [r for r in REAL if "airflow" not in r])
def test_real_sbom_round_trips_through_spdx(shared_data: Path, rel: str) -> None:
    original = _parse((shared_data / rel).read_bytes(), rel)
    raw = to_spdx_json(original, namespace="https://example.org/spdxdocs/rt", created=WHEN)
    assert validate_spdx(raw) == []
    again = _parse(raw, "export.spdx.json")
    both = list(again.components) + ([again.primary] if again.primary else [])
    before = list(original.components) + ([original.primary] if original.primary else [])

    def key(c: ParsedComponent) -> tuple:
        return (c.name, c.version, c.purl, c.cpe, tuple(sorted(c.hashes)), c.end_of_support)

    assert sorted(map(key, both), key=repr) == sorted(map(key, before), key=repr)


def test_medical_device_support_data_survives(shared_data: Path) -> None:
    rel = "sboms/medical-device/sboms/case-study/extended.sbom.json"
    original = _parse((shared_data / rel).read_bytes(), rel)
    with_support = [c for c in original.components if c.support_level or c.end_of_support]
    assert with_support, "the case-study SBOM carries FDA support data"
    again = _parse(to_cyclonedx_json(original, serial_number=SERIAL, timestamp=WHEN), "x")
    by_ref = {c.ref: c for c in again.components}
    for c in with_support:
        assert (by_ref[c.ref].support_level, by_ref[c.ref].end_of_support) == (
            c.support_level,
            c.end_of_support,
        )
