"""Hostile and broken inputs to the CSAF reader/validator, and checksum sidecar parsing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest

from medsec.errors import DocumentError, DocumentTooLarge, InvalidInput, UnsupportedFormat
from medsec.ingest.csaf import MAX_BYTES, check_hash, read_csaf, validate_csaf

READERS: list[Callable[..., Any]] = [read_csaf, validate_csaf]


def _minimal(**extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "document": {
            "category": "csaf_base",
            "csaf_version": "2.0",
            "publisher": {"category": "other", "name": "x", "namespace": "https://x.example"},
            "title": "t",
            "tracking": {
                "current_release_date": "2024-01-01T00:00:00Z",
                "id": "X-1",
                "initial_release_date": "2024-01-01T00:00:00Z",
                "revision_history": [
                    {"date": "2024-01-01T00:00:00Z", "number": "1", "summary": "s"}
                ],
                "status": "final",
                "version": "1",
            },
        }
    }
    doc.update(extra)
    return doc


def _refused(
    fn: Callable[..., Any], data: Any, cls: type[DocumentError] = DocumentError
) -> DocumentError:
    with pytest.raises(cls) as info:
        fn(data, source="hostile.json")
    assert info.value.source == "hostile.json"
    assert "hostile.json" in str(info.value)
    return info.value


@pytest.mark.parametrize("fn", READERS)
def test_minimal_document_is_accepted(fn: Callable[..., Any]) -> None:
    assert fn(json.dumps(_minimal()).encode(), source="ok.json") is not None
    assert validate_csaf(_minimal(), source="ok.json").valid


@pytest.mark.parametrize("fn", READERS)
def test_malformed_json_gives_line_and_column(fn: Callable[..., Any]) -> None:
    err = _refused(fn, b'{\n  "document": {\n    "title": oops\n  }\n}')
    assert err.location is not None and err.location.startswith("line 3 column")
    truncated = _refused(fn, json.dumps(_minimal()).encode()[:-20])
    assert truncated.location is not None and truncated.location.startswith("line 1")
    assert _refused(fn, b'{"document": {}} trailing').location == "line 1 column 18"


@pytest.mark.parametrize("fn", READERS)
def test_empty_and_non_utf8_refused(fn: Callable[..., Any]) -> None:
    _refused(fn, b"   \n")
    _refused(fn, b'{"document": {"title": "\xff\xfe"}}')


@pytest.mark.parametrize("fn", READERS)
def test_huge_documents_refused_before_parsing(fn: Callable[..., Any]) -> None:
    huge = b'{"document": {"title": "' + b"A" * MAX_BYTES + b'"}}'
    err = _refused(fn, huge, DocumentTooLarge)
    assert str(MAX_BYTES) in err.detail
    small_limit = json.dumps(_minimal()).encode()
    with pytest.raises(DocumentTooLarge):
        fn(small_limit, source="x.json", max_bytes=100)


@pytest.mark.parametrize("fn", READERS)
def test_deep_documents_refused(fn: Callable[..., Any]) -> None:
    deep = b'{"document": {"notes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    _refused(fn, deep, DocumentTooLarge)
    nested: dict[str, Any] = {}
    inner = nested
    for _ in range(500):
        inner["x"] = {}
        inner = inner["x"]
    _refused(fn, _minimal(product_tree=nested), DocumentTooLarge)


@pytest.mark.parametrize("fn", READERS)
@pytest.mark.parametrize(
    "data",
    [
        b"[1, 2, 3]",
        b'"just a string"',
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}',
        b'{"document": "not an object"}',
    ],
)
def test_not_csaf_json_refused(fn: Callable[..., Any], data: bytes) -> None:
    err = _refused(fn, data)
    assert "not a CSAF document" in err.detail
    assert err.location in {None, "/document"}


@pytest.mark.parametrize("fn", READERS)
def test_other_csaf_versions_unsupported(fn: Callable[..., Any]) -> None:
    doc = _minimal()
    doc["document"]["csaf_version"] = "2.1"
    err = _refused(fn, json.dumps(doc).encode(), UnsupportedFormat)
    assert err.location == "/document/csaf_version"


@pytest.mark.parametrize(
    ("extra", "location"),
    [
        ({"vulnerabilities": {"cve": "CVE-2024-1"}}, "/vulnerabilities"),
        (
            {"vulnerabilities": [{"product_status": {"known_affected": "P1"}}]},
            "/vulnerabilities/0/product_status/known_affected",
        ),
        (
            {"vulnerabilities": [{"product_status": {"maybe_affected": ["P1"]}}]},
            "/vulnerabilities/0/product_status",
        ),
        (
            {
                "vulnerabilities": [
                    {"scores": [{"products": ["P1"], "cvss_v3": {"baseScore": "high"}}]}
                ]
            },
            "/vulnerabilities/0/scores/0/cvss_v3/baseScore",
        ),
        (
            {"product_tree": {"branches": [{"category": "vendor", "name": "v", "branches": [7]}]}},
            "/product_tree/branches/0/branches/0",
        ),
    ],
)
def test_reader_names_the_pointer_of_a_wrong_type(extra: dict[str, Any], location: str) -> None:
    err = _refused(read_csaf, _minimal(**extra))
    assert err.location == location


def test_validator_reports_wrong_types_as_schema_failures() -> None:
    doc = _minimal(vulnerabilities={"cve": "CVE-2024-1"}, product_tree=[1])
    result = validate_csaf(doc, source="x.json")
    assert not result.valid and result.failed_tests[0] == "schema"
    # the package's rules assume a schema-valid document: they either ran or a note says why not
    ran = "6.1.1" in result.tests_run
    assert ran or any(w.test_id == "mandatory" and "not run" in w.message for w in result.warnings)
    assert {f.path for f in result.failures if f.test_id == "schema"} >= {
        "/vulnerabilities",
        "/product_tree",
    }


# --- checksum sidecars ------------------------------------------------------------------------

DATA = b'{"document": {}}\n'


@pytest.mark.parametrize(("alg", "fn"), [("sha256", hashlib.sha256), ("sha512", hashlib.sha512)])
def test_check_hash_formats(alg: str, fn: Callable[[bytes], Any]) -> None:
    digest = fn(DATA).hexdigest()
    for sidecar in (f"{digest}  a.json\n", f"{digest.upper()} *a.json", f"\n{digest}\n"):
        result = check_hash(DATA, sidecar.encode(), alg)
        assert result.ok and result.algorithm == alg and result.actual == digest
    assert check_hash(DATA, f"{digest}  a.json".encode(), alg.upper()).filename == "a.json"
    assert not check_hash(DATA + b" ", f"{digest}  a.json".encode(), alg).ok


@pytest.mark.parametrize(
    "sidecar",
    [b"", b"not-hex  a.json", b"abc123  a.json", b"\xff\xfe", ("0" * 64 + "  a.json").encode()],
)
def test_check_hash_malformed_sidecar(sidecar: bytes) -> None:
    with pytest.raises(DocumentError) as info:
        check_hash(DATA, sidecar, "sha512", source="a.json.sha512")
    assert info.value.source == "a.json.sha512"


def test_check_hash_unknown_algorithm() -> None:
    with pytest.raises(InvalidInput):
        check_hash(DATA, b"0" * 32, "md5")
