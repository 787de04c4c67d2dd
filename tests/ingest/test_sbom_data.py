"""Every real SBOM under shared/data/sboms imports with the component count it declares."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml
from packageurl import PackageURL

from medsec.errors import DocumentError, UnsupportedFormat
from medsec.ingest._common import purl_error
from medsec.ingest.sbom import parse_sbom

pytestmark = pytest.mark.shared_data

SBOMS = (
    Path(
        os.environ.get("MEDSEC_SHARED_DATA")
        or Path(__file__).resolve().parents[3] / "shared" / "data"
    )
) / "sboms"
_SKIP_SUFFIXES = (".md", ".txt", ".tsv")
_SKIP_NAMES = {"LICENSE", "COPYING", "CODEOWNERS"}
ALL = sorted(
    str(p.relative_to(SBOMS))
    for p in SBOMS.rglob("*")
    if p.is_file() and not p.name.endswith(_SKIP_SUFFIXES) and p.name not in _SKIP_NAMES
)
# Refused on purpose (see the report): an invalid purl "pkg-:golang/..." in a real syft BOM.
INVALID_PURL = {"sbomqs-samples/sbomqs.syft-cyclone.json"}


def _cdx_json_count(doc: dict) -> int:
    stack = list(doc.get("components") or []) + list(
        (doc.get("metadata") or {}).get("component", {}).get("components") or []
    )
    n = 0
    while stack:
        c = stack.pop()
        n += 1
        stack.extend(c.get("components") or [])
    return n


def _cdx_xml_count(data: bytes) -> int:
    root = ET.fromstring(data)  # trusted test data
    ns = root.tag.split("}")[0] + "}"
    tops = list(root.findall(f"{ns}components/{ns}component"))
    tops += root.findall(f"{ns}metadata/{ns}component/{ns}components/{ns}component")
    return sum(len(top.findall(f".//{ns}component")) + 1 for top in tops)


def _spdx_expected(doc: dict) -> int:
    ids = [p["SPDXID"] for p in doc.get("packages") or []]
    described = list(doc.get("documentDescribes") or []) + [
        r["relatedSpdxElement"]
        for r in doc.get("relationships") or []
        if r["relationshipType"] == "DESCRIBES" and r["spdxElementId"] == doc["SPDXID"]
    ]
    return len(ids) - (1 if any(d in ids for d in described) else 0)


def _tagvalue_expected(text: str) -> int:
    lines = [line.strip() for line in text.splitlines()]
    pkg_ids = {
        lines[i + k].split(":", 1)[1].strip()
        for i, line in enumerate(lines)
        if line.startswith("PackageName:")
        for k in range(1, 4)
        if i + k < len(lines) and lines[i + k].startswith("SPDXID:")
    }
    described = {
        line.split()[-1]
        for line in lines
        if line.startswith("Relationship") and " DESCRIBES " in line
    }
    pkgs = sum(1 for line in lines if line.startswith("PackageName:"))
    return pkgs - (1 if described & pkg_ids else 0)


def _expected(rel: str, data: bytes) -> int | None:
    head = data.lstrip()[:1]
    if head == b"{":
        doc = json.loads(data)
        if "bomFormat" in doc:
            return _cdx_json_count(doc)
        if "spdxVersion" in doc:
            return _spdx_expected(doc)
        return None  # SPDX 3
    if head == b"<":
        return _cdx_xml_count(data)
    if rel.endswith(".yaml"):
        return _spdx_expected(yaml.safe_load(data))
    return _tagvalue_expected(data.decode())


SPDX_SCHEMA_DEVIANT = {  # file -> where the official SPDX JSON schema first disagrees
    "sbomqs-samples/sbomqs.trivy-spdx.json": "$.packages[0]",  # 2.2: copyrightText missing
    "sbomqs-samples/sbomqs.spdx2.3.json": "$.creationInfo",  # documentDescribes misplaced
    "sbomqs-samples/sbomqs-spdx-syft.json": "$.packages[0].licenseInfoFromFiles",  # null
}


@pytest.mark.parametrize("rel", ALL)
def test_real_sbom_imports_with_declared_count(shared_data: Path, rel: str) -> None:
    path = shared_data / "sboms" / rel
    data = path.read_bytes()
    expected = _expected(rel, data)
    if expected is None:
        with pytest.raises(UnsupportedFormat, match=r"SPDX 3\.0 is not supported yet"):
            parse_sbom(data, source=rel)
        return
    if rel in INVALID_PURL:
        with pytest.raises(DocumentError) as info:
            parse_sbom(data, source=rel)
        assert info.value.location == "$.components[0].purl"
        sbom = parse_sbom(data, source=rel, strict=False)
    elif rel in SPDX_SCHEMA_DEVIANT:  # real tools' output off the SPDX JSON schema: read, warned
        with pytest.raises(DocumentError, match=r"\(schema\)") as info:
            parse_sbom(data, source=rel)
        assert info.value.location == SPDX_SCHEMA_DEVIANT[rel]
        sbom = parse_sbom(data, source=rel, strict=False)
        assert any(
            w.location == SPDX_SCHEMA_DEVIANT[rel] and "(schema)" in w.message
            for w in sbom.warnings
        )
    else:
        sbom = parse_sbom(data, source=rel)
    assert sbom.declared_count == expected
    refs = [c.ref for c in sbom.components]
    assert len(set(refs)) == len(refs)
    known = set(refs) | ({sbom.primary.ref} if sbom.primary else set())
    assert all(a in known and b in known for a, b in sbom.dependencies)


JUICE = [
    f"{flavour}/bom.1.{v}.{ext}"
    for flavour in ("bare", "flat")
    for v in (2, 3, 4)
    for ext in ("json", "xml")
]


def test_juice_shop_same_components_in_every_form(shared_data: Path) -> None:
    base = shared_data / "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm"
    sets = {}
    for rel in JUICE:
        sbom = parse_sbom((base / rel).read_bytes(), source=rel)
        sets[rel] = Counter((c.name, c.group, c.version, c.purl) for c in sbom.components)
    reference = sets[JUICE[0]]
    # 1,115 components, some installed twice at different paths (same tuple, other bom-ref)
    assert sum(reference.values()) == 1115 and len(reference) < 1115
    for rel, found in sets.items():
        assert found == reference, rel


CONFORMANCE = ["1.4", "1.5", "1.6"]


def _conformance(kind: str) -> list[str]:
    root = SBOMS.parent / "cyclonedx-spec/tools/src/test/resources"
    return sorted(f"{v}/{p.name}" for v in CONFORMANCE for p in (root / v).glob(f"{kind}-*.json"))


@pytest.mark.parametrize("rel", _conformance("valid"))
def test_cyclonedx_valid_conformance_imports(shared_data: Path, rel: str) -> None:
    data = (shared_data / "cyclonedx-spec/tools/src/test/resources" / rel).read_bytes()
    sbom = parse_sbom(data, source=rel)
    assert sbom.format == "cyclonedx" and sbom.spec_version == rel.split("/")[0]
    assert sbom.declared_count == _cdx_json_count(json.loads(data))


@pytest.mark.parametrize("rel", _conformance("invalid"))
def test_cyclonedx_invalid_conformance_refused(shared_data: Path, rel: str) -> None:
    data = (shared_data / "cyclonedx-spec/tools/src/test/resources" / rel).read_bytes()
    with pytest.raises(DocumentError) as info:
        parse_sbom(data, source=rel)
    assert info.value.source == rel and info.value.location


def test_conformance_lists_are_not_empty() -> None:
    assert len(_conformance("valid")) > 100 and len(_conformance("invalid")) > 60


def _spec_purls(shared_data: Path) -> list[tuple[str, bool]]:
    out = []
    for f in sorted((shared_data / "versions/purl-spec").rglob("*.json")):
        try:
            doc = json.loads(f.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        cases = (
            doc if isinstance(doc, list) else doc.get("tests", []) if isinstance(doc, dict) else []
        )
        for case in cases:
            if isinstance(case, dict):
                s = case.get("purl") or case.get("input")
                if isinstance(s, str) and s.startswith("pkg"):
                    out.append((s, bool(case.get("is_invalid") or case.get("expected_failure"))))
    return out


def test_purl_fast_path_agrees_with_packageurl(shared_data: Path) -> None:
    purls = [p for p, _ in _spec_purls(shared_data)]
    for f in (shared_data / "sboms").rglob("*.json"):
        text = f.read_text(errors="replace")
        purls += [w.strip('",') for w in text.split() if w.startswith('"pkg:')]
    assert len(purls) > 1000
    for purl in purls:
        try:
            PackageURL.from_string(purl)
            valid = True
        except ValueError:
            valid = False
        assert (purl_error(purl) is None) == valid, purl
