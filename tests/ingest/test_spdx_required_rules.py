"""A garbage SPDX 2.x document is refused: mandatory creation fields (issue 10, defect 8)."""

from __future__ import annotations

import json

import pytest

from medsec.errors import DocumentError
from medsec.ingest.sbom import parse_sbom

TV = (
    "SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\n"
    "DocumentNamespace: https://example.com/x\nCreator: Tool: x\nCreated: 2024-01-01T00:00:00Z\n"
    "PackageName: zlib\nSPDXID: SPDXRef-z\nPackageVersion: 1.3\n"
)
DOC = {
    "spdxVersion": "SPDX-2.3",
    "dataLicense": "CC0-1.0",
    "SPDXID": "SPDXRef-DOCUMENT",
    "name": "x",
    "documentNamespace": "https://example.com/x",
    "creationInfo": {"created": "2024-01-01T00:00:00Z", "creators": ["Tool: x"]},
    "packages": [
        {
            "SPDXID": "SPDXRef-z",
            "name": "zlib",
            "versionInfo": "1.3",
            "downloadLocation": "NOASSERTION",
        }
    ],
}


def test_only_a_version_line_is_refused_naming_the_missing_tag() -> None:
    with pytest.raises(DocumentError) as info:
        parse_sbom(b"SPDXVersion: SPDX-2.3\n", source="empty.spdx")
    assert info.value.location == "tag SPDXID"
    assert "not a valid SPDX document" in info.value.detail


@pytest.mark.parametrize(
    "tag", ["DataLicense", "SPDXID", "DocumentName", "DocumentNamespace", "Creator", "Created"]
)
def test_each_mandatory_tag_value_field_is_required(tag: str) -> None:
    text = "".join(ln + "\n" for ln in TV.splitlines() if not ln.startswith(tag + ":"))
    if tag == "SPDXID":  # only the document's own SPDXID line
        text = TV.replace("SPDXID: SPDXRef-DOCUMENT\n", "")
    assert len(parse_sbom(TV.encode(), source="ok.spdx").components) == 1
    with pytest.raises(DocumentError) as info:
        parse_sbom(text.encode(), source="x.spdx")
    assert info.value.location == f"tag {tag}"


@pytest.mark.parametrize(
    ("path", "where"),
    [
        (("dataLicense",), "$.dataLicense"),
        (("documentNamespace",), "$.documentNamespace"),
        (("creationInfo", "creators"), "$.creationInfo.creators"),
        (("creationInfo", "created"), "$.creationInfo.created"),
    ],
)
def test_each_mandatory_json_field_is_required(path: tuple[str, ...], where: str) -> None:
    doc = json.loads(json.dumps(DOC))
    node = doc
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    with pytest.raises(DocumentError) as info:
        parse_sbom(json.dumps(doc).encode(), source="x.json")
    assert info.value.location == where


def _with(**changes) -> bytes:
    doc = json.loads(json.dumps(DOC))
    for path, value in changes.items():
        target = doc
        *parents, last = path.split("__")
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[last] = value
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        (
            {
                "relationships": [
                    {
                        "spdxElementId": "SPDXRef-DOCUMENT",
                        "relationshipType": "OWNS",
                        "relatedSpdxElement": "SPDXRef-z",
                    }
                ]
            },
            "$.relationships[0].relationshipType",
        ),
        ({"packages__0__filesAnalyzed": "yes"}, "$.packages[0].filesAnalyzed"),
        ({"packages__0__primaryPackagePurpose": "GADGET"}, "$.packages[0].primaryPackagePurpose"),
        ({"packages__0__checksums": [{"algorithm": "SHA256"}]}, "$.packages[0].checksums[0]"),
    ],
)
def test_the_official_spdx_json_schema_is_checked(changes: dict, where: str) -> None:
    valid = parse_sbom(json.dumps(DOC).encode(), source="ok.spdx.json")
    assert not [w for w in valid.warnings if "(schema)" in w.message]
    data = _with(**changes)
    with pytest.raises(DocumentError, match=r"not valid SPDX-2\.3 \(schema\)") as info:
        parse_sbom(data, source="bad.spdx.json")  # strict
    assert info.value.location == where
    lenient = parse_sbom(data, source="bad.spdx.json", strict=False)
    assert [w.location for w in lenient.warnings if "(schema)" in w.message] == [where]
    assert len(lenient.components) == 1


def test_a_huge_schema_invalid_spdx_document_reports_only_the_first_error() -> None:
    doc = json.loads(json.dumps(DOC))
    doc["packages"] += [{"SPDXID": f"SPDXRef-{i}", "name": 5} for i in range(50_000)]
    with pytest.raises(DocumentError) as info:
        parse_sbom(json.dumps(doc).encode(), source="many.spdx.json")
    assert info.value.location == "$.packages[1].name"
    assert len(str(info.value)) < 600
