"""SPDX 2.x tag-value reader: a line scanner into the JSON shape, then the shared SPDX mapping."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest._common import Warnings
from medsec.ingest.sbom_model import ParsedSbom
from medsec.ingest.spdx_json import map_spdx2

_DOC_TAGS = {
    "SPDXVersion": "spdxVersion",
    "DocumentName": "name",
    "DocumentNamespace": "documentNamespace",
    "DataLicense": "dataLicense",
}
_PKG_TAGS = {
    "PackageVersion": "versionInfo",
    "PackageSupplier": "supplier",
    "PackageOriginator": "originator",
    "PackageLicenseConcluded": "licenseConcluded",
    "PackageLicenseDeclared": "licenseDeclared",
    "PackageSummary": "summary",
    "PackageDescription": "description",
    "PrimaryPackagePurpose": "primaryPackagePurpose",
    "ValidUntilDate": "validUntilDate",
}


_ITEM_TAGS = frozenset({"PackageName", "FileName", "SnippetSPDXID", "LicenseID", "Relationship"})


def _tv_field(base: str, field: str) -> str:
    return f"{base} ({field})"


# Packages, files, snippets and relationships in one document: each becomes a small dict, so
# this bounds memory whatever the byte limit (the 1,749-package airflow SBOM is far below).
MAX_ITEMS = 500_000


def _lines(text: str, *, source: str, warnings: Warnings) -> Iterator[tuple[int, str, str]]:
    """(line number, tag, value) lazily; ``<text>`` values may span lines."""
    lines = enumerate(io.StringIO(text, newline=None), start=1)
    for number, raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        tag, sep, value = line.partition(":")
        if line.startswith("Relationship ") and (not sep or " " in tag):
            # spdx-sbom-generator writes "Relationship A DESCRIBES B" without the colon
            warnings.add("nocolon", f"line {number}", "Relationship line without ':' accepted")
            tag, sep, value = "Relationship", ":", line[len("Relationship ") :]
        if not sep or not tag.strip().isidentifier():
            raise DocumentError(
                f"expected 'Tag: value', got {line[:60]!r}",
                source=source,
                location=f"line {number}",
            )
        value = value.strip()
        if value.startswith("<text>"):
            parts = [value[len("<text>") :]]
            while "</text>" not in parts[-1]:
                nxt = next(lines, None)
                if nxt is None:
                    raise DocumentError(
                        "unterminated <text> block", source=source, location=f"line {number}"
                    )
                parts.append(nxt[1].rstrip("\n"))
            value = "\n".join(parts).split("</text>", 1)[0].strip()
        yield number, tag.strip(), value


def to_json_shape(text: str, *, source: str, warnings: Warnings) -> dict[str, Any]:
    """Convert tag-value text into the SPDX JSON document shape (with line locations)."""
    doc: dict[str, Any] = {
        "packages": [],
        "relationships": [],
        "files": [],
        "creationInfo": {"creators": []},
    }
    section: dict[str, Any] = doc
    items = 0
    for number, tag, value in _lines(text, source=source, warnings=warnings):
        if tag in _ITEM_TAGS:
            items += 1
            if items > MAX_ITEMS:
                raise DocumentTooLarge(
                    f"more than {MAX_ITEMS} packages, files and relationships",
                    source=source,
                    location=f"line {number}",
                )
        if tag == "PackageName":
            section = {"name": value, "_loc": f"line {number}", "externalRefs": [], "checksums": []}
            doc["packages"].append(section)
        elif tag == "FileName":
            section = {"fileName": value}
            doc["files"].append(section)
        elif tag in ("SnippetSPDXID", "LicenseID"):
            section = {"SPDXID": value} if tag == "SnippetSPDXID" else {}
            doc["files"].append(section)
        elif tag == "SPDXID":
            section["SPDXID"] = value
        elif tag == "Relationship":
            parts = value.split()
            if len(parts) != 3:
                raise DocumentError(
                    f"malformed Relationship {value!r}", source=source, location=f"line {number}"
                )
            doc["relationships"].append(
                {
                    "spdxElementId": parts[0],
                    "relationshipType": parts[1],
                    "relatedSpdxElement": parts[2],
                    "_loc": f"line {number}",
                }
            )
        elif tag == "Creator":
            doc["creationInfo"]["creators"].append(value)
        elif tag == "Created":
            doc["creationInfo"]["created"] = value
        elif tag in _DOC_TAGS and section is doc:
            doc[_DOC_TAGS[tag]] = value
        elif "_loc" in section:  # inside a package (only packages carry "_loc")
            if tag in _PKG_TAGS:
                section[_PKG_TAGS[tag]] = value
            elif tag == "PackageChecksum":
                alg, _, digest = value.partition(":")
                section["checksums"].append(
                    {"algorithm": alg.strip(), "checksumValue": digest.strip()}
                )
            elif tag == "ExternalRef":
                parts = value.split(None, 2)
                if len(parts) == 3:
                    section["externalRefs"].append(
                        {
                            "referenceCategory": parts[0],
                            "referenceType": parts[1],
                            "referenceLocator": parts[2],
                        }
                    )
    return doc


def read_spdx_tagvalue(data: bytes, *, source: str, strict: bool = True) -> ParsedSbom:
    """Parse an SPDX 2.x tag-value document."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"not UTF-8 text: {exc.reason}", source=source, location=f"byte {exc.start}"
        ) from None
    warnings = Warnings()
    doc = to_json_shape(text, source=source, warnings=warnings)
    sbom = map_spdx2(doc, source=source, encoding="tag-value", field_loc=_tv_field, strict=strict)
    return replace(sbom, warnings=warnings.result() + sbom.warnings)
