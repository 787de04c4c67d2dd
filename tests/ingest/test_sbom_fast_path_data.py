"""The import's fast paths give exactly what the general paths give, on every real SBOM."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medsec.core.gcpause import paused_gc
from medsec.errors import DocumentError, DocumentTooLarge
from medsec.ingest import cyclonedx_json
from medsec.ingest._common import check_json_depth
from medsec.ingest.cyclonedx_json import json_step, map_cyclonedx
from medsec.ingest.cyclonedx_mapper import Mapper
from medsec.ingest.cyclonedx_xml import _Conv, _parse, xml_step
from medsec.ingest.sbom import detect_format
from medsec.ingest.sbom_model import ParsedComponent, make_component

DATA = Path(
    os.environ.get("MEDSEC_SHARED_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
)
CONFORMANCE = "cyclonedx-spec/tools/src/test/resources"


def _cyclonedx_files(under: str, pattern: str) -> list[str]:
    """Real CycloneDX JSON/XML documents under ``DATA/under`` (the schema-valid ones)."""
    root = DATA / under
    if not root.is_dir():
        return []
    out = []
    for p in sorted(root.rglob(pattern)):
        if p.suffix not in (".json", ".xml") or not p.is_file():
            continue
        head = p.read_bytes()[:4096]
        if b"CycloneDX" in head or b"cyclonedx.org/schema/bom" in head:
            out.append(str(p.relative_to(DATA)))
    return out


FILES = _cyclonedx_files("sboms", "*") + _cyclonedx_files(CONFORMANCE, "valid-*")


def _doc_and_step(path: Path) -> tuple[dict[str, Any], Any, str, str, str]:
    data = path.read_bytes()
    _fmt, encoding, spec = detect_format(data, source=path.name)
    if encoding == "json":
        return orjson.loads(data.lstrip(b"\xef\xbb\xbf")), json_step, "$", "json", spec
    root = _parse(data.lstrip(b"\xef\xbb\xbf").lstrip(), source=path.name, max_depth=64)
    ns = f"http://cyclonedx.org/schema/bom/{spec}"
    return _Conv(ns).document(root), xml_step, "/bom", "xml", spec


def _outcome(doc: dict[str, Any], step: Any, root: str, enc: str, spec: str, **kw: Any) -> Any:
    try:
        return map_cyclonedx(
            doc, source="s", spec_version=spec, encoding=enc, root=root, step=step, **kw
        )
    except DocumentError as exc:
        return (type(exc).__name__, str(exc), exc.location)


@pytest.mark.shared_data
@pytest.mark.parametrize("rel", FILES)
@pytest.mark.parametrize("strict", [True, False])
def test_lean_mapping_equals_general_mapping(
    shared_data: Path, rel: str, strict: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, step, root, enc, spec = _doc_and_step(shared_data / rel)
    general = _outcome(doc, step, root, enc, spec, strict=strict, fast=False)
    taken = []
    lean = Mapper.lean

    def counting(self: Mapper, c: dict[str, Any], loc: str, parent: str | None) -> Any:
        out = lean(self, c, loc, parent)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(Mapper, "lean", counting)
    fast = _outcome(doc, step, root, enc, spec, strict=strict, fast=True)
    assert fast == general  # components, warnings (order, counts), graph, metadata, errors
    if isinstance(general, tuple):
        return
    assert len(taken) == len(general.components)  # every component was offered to lean


@pytest.mark.shared_data
def test_lean_path_is_taken_for_most_real_components(shared_data: Path) -> None:
    taken = total = 0
    for rel in FILES:
        doc, step, root, _enc, _spec = _doc_and_step(shared_data / rel)
        m = Mapper(source="s", step=step, strict=True)
        for i, c in enumerate(doc.get("components") or ()):
            total += 1
            taken += m.lean(c, step(root, "components", i), None) is not None
    assert total > 10_000
    assert taken / total > 0.9, (taken, total)


def test_lean_gives_up_without_side_effects() -> None:
    m = Mapper(source="s", step=json_step, strict=True)
    odd = [
        {"name": "no-ref"},
        {"bom-ref": "  ", "name": "blank ref"},
        {"bom-ref": "t", "type": "spaceship", "name": "x"},
        {"bom-ref": "p", "name": "x", "purl": "pkg-:npm/x@1"},
        {"bom-ref": "c", "name": "x", "cpe": "cpe:not"},
        {"bom-ref": "h", "name": "x", "hashes": [{"alg": "SHA-256", "content": "zz"}]},
    ]
    for c in odd:
        assert m.lean(c, "$.components[0]", None) is None
    assert m.refs == {} and m.auto == 0 and m.warnings.result() == ()
    ok = m.lean({"bom-ref": "a", "name": "a"}, "$.components[1]", None)
    assert ok is not None and ok.ref == "a" and ok.type == "library"
    assert m.lean({"bom-ref": "a", "name": "again"}, "$.components[2]", None) is None
    assert [w.message for w in m.warnings.result()] == [
        "component without a version",
        "component without a supplier (or publisher)",
    ]


def test_make_component_equals_the_dataclass_constructor() -> None:
    values = {
        "ref": "r",
        "type": "firmware",
        "name": "n",
        "group": "g",
        "version": "1",
        "supplier": "s",
        "author": "a",
        "purl": "pkg:npm/n@1",
        "cpe": None,
        "hashes": (("SHA-256", "ab"),),
        "licenses": ("MIT",),
        "parent_ref": "p",
        "description": "d",
        "scope": "required",
        "support_level": "unknown",
        "end_of_support": None,
        "properties": (("k", "v"),),
    }
    made = make_component(tuple(values.values()))
    built = ParsedComponent(**values)  # type: ignore[arg-type]
    assert made == built and hash(made) == hash(built)
    assert made.scope == "required" and made.properties == (("k", "v"),)
    with pytest.raises(ValueError):
        make_component(tuple(values.values())[:-1])
    with pytest.raises(AttributeError):
        made.name = "changed"  # type: ignore[misc]


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


_text = st.text(alphabet='ab{}[]"\\', max_size=4)
_json = st.recursive(
    st.none() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_json, st.integers(min_value=1, max_value=12))
def test_depth_check_agrees_with_the_parsed_depth(value: Any, limit: int) -> None:
    data = json.dumps(value).encode()
    try:
        check_json_depth(data, source="s", max_depth=limit)
        refused = False
    except DocumentTooLarge:
        refused = True
    assert refused == (_depth(value) > limit)


@pytest.mark.parametrize("depth", [63, 64, 65])
def test_depth_check_boundary(depth: int) -> None:
    value: Any = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k[": value}
    data = json.dumps(value).encode()
    if depth > 64:
        with pytest.raises(DocumentTooLarge):
            check_json_depth(data, source="s", max_depth=64)
    else:
        check_json_depth(data, source="s", max_depth=64)


def test_paused_gc_restores_the_collector_state() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block did not switch it back on
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_gc():
        raise RuntimeError
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_fast_default_is_used_by_the_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = cyclonedx_json.map_cyclonedx

    def spy(*args: Any, **kw: Any) -> Any:
        calls.append(kw.get("fast", True))
        return real(*args, **kw)

    monkeypatch.setattr(cyclonedx_json, "map_cyclonedx", spy)
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": []}
    cyclonedx_json.read_cyclonedx_json(doc, source="s", spec_version="1.6")
    assert calls == [True]
