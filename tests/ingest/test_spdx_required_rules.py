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
    "packages": [{"SPDXID": "SPDXRef-z", "name": "zlib", "versionInfo": "1.3"}],
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
