"""OpenAPI documents every response body: each 2xx JSON response of every route has a schema
that names its fields (a component), or says which published standard's document it is."""

from __future__ import annotations

from typing import Any

from medsec.app.api import create_app
from medsec.config import Settings


def _untyped(doc: dict[str, Any]) -> list[str]:
    """`METHOD path status` of every 2xx JSON response without a typed schema."""
    bad = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            for status, response in op.get("responses", {}).items():
                if not status.startswith("2") or status == "204":
                    continue
                content = response.get("content")
                if not content:
                    bad.append(f"{method.upper()} {path} {status}: no content declared")
                    continue
                for media, body in content.items():
                    if "json" not in media:
                        continue
                    schema = body.get("schema", {})
                    item = schema.get("items", {})
                    if "$ref" in schema or "$ref" in item or "x-medsec-document" in schema:
                        continue
                    bad.append(f"{method.upper()} {path} {status} {media}: {schema}")
    return bad


def _doc(tmp_path: Any) -> dict[str, Any]:
    settings = Settings(
        home=tmp_path, database_url=f"sqlite:///{tmp_path}/m.db", secret_key="k" * 48
    )
    return create_app(settings).openapi()


def test_every_json_response_has_a_schema(tmp_path: Any) -> None:
    doc = _doc(tmp_path)
    assert len(doc["paths"]) >= 20
    assert _untyped(doc) == []


def test_the_walk_finds_an_untyped_response(tmp_path: Any) -> None:
    doc = _doc(tmp_path)
    doc["paths"]["/api/v1/products"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ] = {"type": "object", "additionalProperties": True}
    assert _untyped(doc) == [
        "GET /api/v1/products 200 application/json: "
        "{'type': 'object', 'additionalProperties': True}"
    ]


def test_the_finding_detail_schema_names_its_fields(tmp_path: Any) -> None:
    doc = _doc(tmp_path)
    schemas = doc["components"]["schemas"]
    detail = schemas["FindingDetailRead"]["properties"]
    assert {"id", "vulnerability", "vex", "vex_history", "risk_history", "signals"} <= set(detail)
    assert "CaseRead" in schemas and "AdvisoryRead" in schemas and "CsafDocumentRead" in schemas
