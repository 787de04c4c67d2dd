"""CycloneDX VEX statements, pure: refs resolved through nested components, product-level refs,
and refusals that name the file and the JSON pointer."""

from __future__ import annotations

import orjson
import pytest

from medsec.errors import DocumentError
from medsec.ingest.cyclonedx_vex import read_vex


def _doc(vulns, comps=None):
    return orjson.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
            "version": 2,
            "components": comps
            or [
                {
                    "bom-ref": "dev-1",
                    "name": "Pump",
                    "version": "2.0.0",
                    "components": [
                        {"bom-ref": "dev-1.lib", "name": "lib", "version": "1.2",
                         "purl": "pkg:pypi/lib@1.2"},
                    ],
                }
            ],
            "vulnerabilities": vulns,
        }
    )  # fmt: skip


def test_statements_resolve_nested_refs_and_keep_the_vendors_words():
    vex = read_vex(
        _doc(
            [
                {
                    "id": "CVE-2024-0001",
                    "references": [{"id": "GHSA-aaaa-bbbb-cccc"}],
                    "analysis": {
                        "state": "not_affected",
                        "justification": "code_not_reachable",
                        "detail": "the parser is never called",
                    },
                    "affects": [{"ref": "dev-1"}, {"ref": "urn:cdx:x/1#dev-1.lib"}],
                },
                {"id": "CVE-2024-0002", "affects": [{"ref": "dev-1"}]},  # no analysis: no claim
            ]
        ),
        "vex.json",
    )
    assert vex.serial.endswith("a69b79") and vex.version == 2
    product, component = vex.statements
    assert (product.name, product.version, product.purl) == ("Pump", "2.0.0", None)
    assert (component.purl, component.state, component.justification) == (
        "pkg:pypi/lib@1.2",
        "not_affected",
        "code_not_reachable",
    )
    assert component.aliases == ("GHSA-aaaa-bbbb-cccc",)
    assert component.detail == "the parser is never called"
    assert component.pointer == "/vulnerabilities/0/affects/1"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{", "malformed JSON"),
        (b'{"bomFormat": "SPDX"}', "not a CycloneDX document"),
        (_doc([]), "/vulnerabilities: no vulnerabilities"),
        (
            _doc([{"analysis": {"state": "in_triage"}}]),
            "/vulnerabilities/0: a vulnerability needs an id",
        ),
        (
            _doc(
                [{"id": "CVE-1", "analysis": {"state": "in_triage"}, "affects": [{"ref": "nope"}]}]
            ),
            "/vulnerabilities/0/affects/0/ref: affects ref 'nope' names no component",
        ),
    ],
)
def test_bad_documents_are_refused_with_file_and_place(data, message):
    with pytest.raises(DocumentError) as err:
        read_vex(data, "vex.json")
    assert str(err.value).startswith("vex.json: ") and message in str(err.value)
