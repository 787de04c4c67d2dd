"""One compiled CycloneDX schema per version, with the same options for import and export."""

from __future__ import annotations

import orjson
import pytest

from medsec.errors import DocumentError
from medsec.export import _schemas
from medsec.ingest import cyclonedx_json, cyclonedx_schema


def _bom(url: str, version: object = "1.0") -> dict[str, object]:
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.5",
        "version": 1,
        "components": [
            {
                "type": "library",
                "name": "lib",
                "version": version,
                "externalReferences": [{"type": "website", "url": url}],
            }
        ],
    }


def test_import_and_export_use_the_same_compiled_validator() -> None:
    first = cyclonedx_schema.validator("1.5")
    assert cyclonedx_schema.validator("1.5") is first
    assert cyclonedx_schema.validator("1.6") is not first
    with pytest.raises(ValueError, match=r"unsupported CycloneDX version '9\.9'"):
        cyclonedx_schema.validator("9.9")


def test_reader_and_export_check_agree_on_the_same_documents() -> None:
    maven_style = _bom("${project.url}")  # real BOMs carry these: accepted by both
    cyclonedx_json.validate_schema(maven_style, "1.5", source="bom.json")
    assert _schemas.validate_cyclonedx(orjson.dumps(maven_style), "1.5") == []
    broken = _bom("https://example.org", version=7)  # a number where a string must be
    with pytest.raises(DocumentError, match=r"components\[0\]\.version"):
        cyclonedx_json.validate_schema(broken, "1.5", source="bom.json")
    errors = _schemas.validate_cyclonedx(orjson.dumps(broken), "1.5")
    assert errors and errors[0].startswith("/components/0/version")
