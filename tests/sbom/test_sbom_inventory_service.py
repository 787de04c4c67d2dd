"""An empty or shrunken SBOM does not silently replace a release's inventory (issue 10, 8)."""

from __future__ import annotations

import orjson
import pytest
from sqlalchemy import func, select

from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError
from medsec.models import Component, Product, Release, Sbom
from medsec.sbom import rules, service

pytestmark = pytest.mark.db

ONLY_VERSION_TV = b"SPDXVersion: SPDX-2.3\n"  # the review's reproduction
HEADER_ONLY_TV = (
    b"SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nDocumentName: x\n"
    b"DocumentNamespace: https://example.com/x\nCreator: Tool: x\nCreated: 2024-01-01T00:00:00Z\n"
)


def _cdx(n: int) -> bytes:
    comps = [
        {"type": "library", "name": f"lib{i}", "version": "1.0", "purl": f"pkg:npm/lib{i}@1.0"}
        for i in range(n)
    ]
    return orjson.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}
    )


def _import(factory, data: bytes, name: str = "doc.json", **flags: bool):
    with unit_of_work(factory) as s:
        return service.import_sbom(
            s, data=data, source_name=name, product="Pump", version="1.0", actor="t", **flags
        )


def _counts(factory) -> tuple[int, ...]:
    with unit_of_work(factory) as s:
        return tuple(
            s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Product, Release, Sbom, Component)
        )


def test_tag_value_with_only_a_version_line_is_refused_and_nothing_stored(session_factory):
    with pytest.raises(DocumentError) as info:
        _import(session_factory, ONLY_VERSION_TV, name="empty.spdx")
    assert info.value.source == "empty.spdx" and "not a valid SPDX document" in info.value.detail
    assert _counts(session_factory) == (0, 0, 0, 0)
    with pytest.raises(DocumentError) as info:
        _import(session_factory, HEADER_ONLY_TV, name="empty.spdx")
    assert "no components" in info.value.detail and "--allow-empty" in info.value.detail
    assert _counts(session_factory) == (0, 0, 0, 0)


def test_empty_sbom_does_not_replace_an_inventory_unless_allowed(session_factory):
    _import(session_factory, _cdx(4))
    with pytest.raises(DocumentError, match="no components"):
        _import(session_factory, _cdx(0))
    assert _counts(session_factory) == (1, 1, 1, 4)
    res = _import(session_factory, _cdx(0), allow_empty=True)
    assert res.sbom.component_count == 0 and res.sbom.revision == 2
    assert "--allow-empty" in res.warnings[0].message


def test_drop_of_more_than_half_is_refused_unless_allowed(session_factory):
    _import(session_factory, _cdx(10))
    with pytest.raises(DocumentError) as info:
        _import(session_factory, _cdx(4))
    assert "4 components, less than half of the 10" in info.value.detail
    assert "--allow-shrink" in info.value.detail
    assert _counts(session_factory) == (1, 1, 1, 10)
    assert _import(session_factory, _cdx(5)).sbom.component_count == 5  # exactly half: fine
    res = _import(session_factory, _cdx(2), allow_shrink=True)
    assert res.sbom.component_count == 2
    assert "down from 5 (--allow-shrink)" in res.warnings[0].message


@pytest.mark.parametrize(
    ("new", "old", "empty", "shrink", "refused"),
    [
        (0, None, False, False, True),
        (0, None, True, False, False),
        (1, None, False, False, False),
        (4, 9, False, False, True),
        (4, 9, False, True, False),
        (5, 9, False, False, False),
        (0, 9, True, False, False),
    ],
)
def test_inventory_refusal_rule(new, old, empty, shrink, refused):
    why = rules.inventory_refusal(new, old, allow_empty=empty, allow_shrink=shrink)
    assert (why is not None) is refused
