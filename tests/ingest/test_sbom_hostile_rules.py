"""Hostile and broken inputs: each is refused with the right DocumentError subclass."""

from __future__ import annotations

import json

import pytest

from medsec.errors import DocumentError, DocumentTooLarge, UnsupportedFormat
from medsec.ingest.sbom import detect_format, parse_sbom


def _cdx(components: list[dict], **extra: object) -> bytes:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": components}
    doc.update(extra)
    return json.dumps(doc).encode()


def _refused(data: bytes, cls: type[DocumentError] = DocumentError, **kw: object) -> DocumentError:
    with pytest.raises(cls) as info:
        parse_sbom(data, source="hostile.bin", **kw)  # type: ignore[arg-type]
    err = info.value
    assert err.source == "hostile.bin"
    return err


def test_billion_laughs_refused() -> None:
    xml = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library">
<name>&lol3;</name></component></components></bom>"""
    err = _refused(xml)
    assert err.location == "DOCTYPE"
    assert "entities" in err.detail


def test_external_entity_refused() -> None:
    xml = b"""<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library">
<name>&xxe;</name></component></components></bom>"""
    err = _refused(xml)
    assert err.location is not None
    assert "root:" not in str(err)


def test_deep_json_refused_without_recursion() -> None:
    err = _refused(b"[" * 100_000 + b"]" * 100_000, DocumentTooLarge)
    assert "deeper" in err.detail or "deep" in err.detail


def test_deep_components_beyond_max_depth() -> None:
    comp: dict = {"type": "library", "name": "leaf"}
    for i in range(20):  # each level of nesting is two JSON levels (object + list)
        comp = {"type": "library", "name": f"n{i}", "components": [comp]}
    data = _cdx([comp])
    assert len(parse_sbom(data, source="ok").components) == 21
    _refused(data, DocumentTooLarge, max_depth=30)


def test_deep_xml_refused() -> None:
    inner = b"<x>" * 5000 + b"</x>" * 5000
    xml = b'<bom xmlns="http://cyclonedx.org/schema/bom/1.4">' + inner + b"</bom>"
    _refused(xml, DocumentTooLarge)


def test_deep_yaml_refused() -> None:
    yml = b'spdxVersion: "SPDX-2.3"\npackages: ' + b"[" * 100_000 + b"]" * 100_000 + b"\n"
    _refused(yml, DocumentTooLarge)


def test_yaml_alias_refused() -> None:
    yml = b'spdxVersion: "SPDX-2.3"\na: &x [1, 2]\nb: [*x, *x]\n'
    err = _refused(yml)
    assert err.location and err.location.startswith("line 3")


def test_truncated_json_gives_line_and_column() -> None:
    data = _cdx([{"type": "library", "name": "a"}])[:-10]
    err = _refused(data)
    assert err.location is not None and err.location.startswith("line 1 column")


def test_trailing_garbage() -> None:
    err = _refused(_cdx([]) + b"\n{garbage}")
    assert err.location == "line 2 column 1"


def test_not_an_sbom_json() -> None:
    err = _refused(b'{"hello": "world"}')
    assert "not an SBOM" in err.detail and err.location == "$"


def test_csaf_is_not_an_sbom() -> None:
    err = _refused(b'{"document": {"csaf_version": "2.0", "category": "csaf_vex"}}')
    assert "CSAF" in err.detail


def test_empty_and_binary() -> None:
    _refused(b"")
    _refused(b"   \n")
    _refused(b"\x00\x01\x02binary")


def test_too_large() -> None:
    err = _refused(_cdx([]), DocumentTooLarge, max_bytes=10)
    assert err.status == 413


def test_invalid_purl_names_json_path() -> None:
    comps = [{"type": "library", "name": f"c{i}", "purl": f"pkg:npm/c{i}@1"} for i in range(13)]
    comps[12]["purl"] = "pkg/npm/broken@1"
    err = _refused(_cdx(comps))
    assert err.location == "$.components[12].purl"
    lenient = parse_sbom(_cdx(comps), source="x", strict=False)
    assert lenient.components[12].purl is None
    assert ("medsec:invalid-purl", "pkg/npm/broken@1") in lenient.components[12].properties
    assert any("invalid purl" in w.message for w in lenient.warnings)


def test_invalid_cpe() -> None:
    err = _refused(_cdx([{"type": "library", "name": "a", "cpe": "cpe:2.3:a:vendor"}]))
    assert err.location == "$.components[0].cpe"


def test_hash_length_must_match_algorithm() -> None:
    comp = {"type": "library", "name": "a", "hashes": [{"alg": "SHA-256", "content": "a" * 40}]}
    err = _refused(_cdx([comp]))
    assert err.location == "$.components[0].hashes[0]" and "SHA-256" in err.detail


def test_duplicate_bom_ref_names_both_paths() -> None:
    comps = [
        {"type": "library", "name": "a", "bom-ref": "dup"},
        {
            "type": "library",
            "name": "b",
            "components": [{"type": "library", "name": "c", "bom-ref": "dup"}],
        },
    ]
    err = _refused(_cdx(comps))
    assert err.location == "$.components[1].components[0]"
    assert "$.components[0]" in err.detail


def test_dependency_cycle_imports() -> None:
    comps = [{"type": "library", "name": n, "bom-ref": n} for n in "abc"]
    deps = [
        {"ref": "a", "dependsOn": ["b"]},
        {"ref": "b", "dependsOn": ["c"]},
        {"ref": "c", "dependsOn": ["a"]},
    ]
    sbom = parse_sbom(_cdx(comps, dependencies=deps), source="cycle")
    assert set(sbom.dependencies) == {("a", "b"), ("b", "c"), ("c", "a")}


def test_dangling_dependency_is_a_warning() -> None:
    comps = [{"type": "library", "name": "a", "bom-ref": "a"}]
    deps = [{"ref": "a", "dependsOn": ["ghost"]}]
    sbom = parse_sbom(_cdx(comps, dependencies=deps), source="x")
    assert sbom.dependencies == ()
    assert any("ghost" in w.message for w in sbom.warnings)


def test_schema_error_gives_json_path() -> None:
    err = _refused(_cdx([{"type": "bogus", "name": "a"}]))
    assert err.location == "$.components[0].type"


def test_unsupported_versions_and_formats() -> None:
    _refused(_cdx([], specVersion="9.9"), UnsupportedFormat)
    _refused(b'<bom xmlns="http://cyclonedx.org/schema/bom/9.9"></bom>', UnsupportedFormat)
    _refused(
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" />', UnsupportedFormat
    )
    _refused(
        b'{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}',
        UnsupportedFormat,
    )
    _refused(b"<html><body>hi</body></html>")


def test_malformed_xml_and_tagvalue_locations() -> None:
    err = _refused(b'<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components>')
    assert err.location is not None and err.location.startswith("line 1")
    err = _refused(b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nthis is not a tag line\n")
    assert err.location == "line 3"


def test_detect_format_from_content_only() -> None:
    assert detect_format(_cdx([]), source="x.xml") == ("cyclonedx", "json", "1.6")
    xml = b'<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"/>'
    assert detect_format(xml, source="x.json") == ("cyclonedx", "xml", "1.5")
    assert detect_format(b"SPDXVersion: SPDX-2.2\n", source="x") == (
        "spdx",
        "tag-value",
        "SPDX-2.2",
    )
    assert detect_format(b'spdxVersion: "SPDX-2.3"\n', source="x") == ("spdx", "yaml", "SPDX-2.3")
