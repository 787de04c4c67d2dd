"""SBOM quality check (NTIA / FDA / CISA elements) and component diff."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import orjson

from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom
from medsec.sbom.rules import check_quality, diff_components, identity_key


def _c(ref: str, **kw: Any) -> ParsedComponent:
    kw.setdefault("type", "library")
    kw.setdefault("name", ref)
    return ParsedComponent(ref=ref, **kw)


GOOD = _c(
    "good",
    version="1.0",
    supplier="ACME",
    purl="pkg:npm/good@1.0",
    support_level="actively_maintained",
    end_of_support=date(2030, 1, 1),
    hashes=(("SHA-256", "ab" * 32),),
    licenses=("MIT",),
)
BARE = _c("bare", name="bare")
CPE_ONLY = _c(
    "cpe", version=" ", supplier="  ", cpe="cpe:2.3:a:x:y:1:*:*:*:*:*:*:*", support_level="unknown"
)


def _sbom(**kw: object) -> ParsedSbom:
    base: dict[str, object] = {
        "format": "cyclonedx",
        "spec_version": "1.6",
        "encoding": "json",
        "created": datetime(2024, 1, 1, tzinfo=UTC),
        "authors": ("Jane",),
        "tools": ("cdxgen",),
        "components": (GOOD, BARE, CPE_ONLY),
        "dependencies": (("root", "good"), ("cpe", "root")),
    }
    base.update(kw)
    return ParsedSbom(**base)  # type: ignore[arg-type]


def test_gaps_per_component_and_element() -> None:
    report = check_quality(_sbom())
    gaps = {g.ref: g for g in report.components}
    assert "good" not in gaps
    assert gaps["bare"].missing == (
        "supplier",
        "version",
        "unique_id",
        "dependency",
        "support_level",
        "end_of_support",
    )
    assert gaps["bare"].missing_informational == ("hash", "license")
    # blank supplier/version are missing; support level "unknown" is a gap; a CPE identifies
    assert gaps["cpe"].missing == ("supplier", "version", "support_level", "end_of_support")
    by_element = {g.element: g.refs for g in report.gaps}
    assert by_element["supplier"] == ("bare", "cpe")
    assert by_element["dependency"] == ("bare",)
    assert by_element["hash"] == ("bare", "cpe")
    assert "name" not in by_element and "author" not in by_element


def test_coverage_and_score() -> None:
    report = check_quality(_sbom())
    cov = {c.element: c for c in report.coverage}
    assert (cov["supplier"].present, cov["supplier"].total, cov["supplier"].percent) == (1, 3, 33.3)
    assert cov["name"].percent == 100.0
    assert cov["unique_id"].present == 2 and cov["dependency"].present == 2
    assert cov["author"].scope == "document" and cov["author"].present == 1
    assert cov["hash"].required is False and cov["hash"].source == "cisa"
    assert cov["end_of_support"].source == "fda" and cov["end_of_support"].required
    # required: supplier 1/3, name 3/3, version 1/3, unique_id 2/3, dependency 2/3,
    # author 1, timestamp 1, support_level 1/3, end_of_support 1/3  -> (11/3 + 2) / 9
    assert report.score == round(100 * (11 / 3 + 2) / 9, 1) == 63.0
    without_fda = check_quality(_sbom(), include_fda=False)
    assert without_fda.score == round(100 * (9 / 3 + 2) / 7, 1)
    assert "support_level" in {g.element for g in without_fda.gaps if not g.required}


def test_document_elements_and_empty_sbom() -> None:
    report = check_quality(
        _sbom(created=None, authors=(), tools=(" ",), components=(), dependencies=())
    )
    assert report.score == 0.0
    assert {(g.element, g.required, g.refs) for g in report.gaps} == {
        ("author", True, ()),
        ("timestamp", True, ()),
        ("tool", False, ()),
    }
    perfect = check_quality(_sbom(components=(GOOD,)))
    assert perfect.score == 100.0 and perfect.gaps == () and perfect.components == ()


def test_to_dict_is_json_ready() -> None:
    data = check_quality(_sbom()).to_dict()
    again = orjson.loads(orjson.dumps(data))
    assert again == data
    assert data["components"][0]["ref"] == "bare"
    assert {c["element"] for c in data["coverage"]} >= {"supplier", "timestamp", "tool", "license"}


def test_identity_key() -> None:
    assert identity_key(_c("a", purl="pkg:npm/%40s/x@1.0")) == identity_key(
        _c("b", purl="pkg:npm/@s/x@2.0")
    )
    assert identity_key(_c("a", purl="pkg:pypi/Foo_Bar@1")) == identity_key(
        _c("b", purl="pkg:pypi/foo-bar@2")
    )
    deb = "pkg:deb/debian/curl@7.1?arch=amd64&distro=buster"
    assert identity_key(_c("a", purl=deb)) == identity_key(
        _c("b", purl="pkg:deb/debian/curl@7.2?distro=bullseye&arch=amd64")
    )
    assert identity_key(_c("a", purl=deb)) != identity_key(
        _c("b", purl="pkg:deb/debian/curl@7.1?arch=i386")
    )
    assert identity_key(_c("a", name="x", group="g")) != identity_key(_c("b", name="x"))
    assert identity_key(_c("a", name="x", type="firmware")) != identity_key(_c("b", name="x"))
    assert identity_key(_c("a", name="x", purl="not a purl")) == identity_key(_c("b", name="x"))


def test_diff_added_removed_changed() -> None:
    old = [
        _c("1", name="lodash", version="4.17.20", purl="pkg:npm/lodash@4.17.20"),
        _c("2", name="ws", version="7.4.6", purl="pkg:npm/ws@7.4.6"),
        _c("3", name="fw", type="firmware", version="1.0"),
        _c("4", name="gone", version="1", purl="pkg:npm/gone@1"),
    ]
    new = [
        _c("n4", name="new", version="0.1", purl="pkg:npm/new@0.1"),
        _c("n3", name="fw", type="firmware", version="1.1"),
        _c("n2", name="ws", version="7.4.6", purl="pkg:npm/ws@7.4.6"),
        _c("n1", name="lodash", version="4.17.21", purl="pkg:npm/lodash@4.17.21"),
    ]
    d = diff_components(old, new)
    assert [c.name for c in d.added] == ["new"]
    assert [c.name for c in d.removed] == ["gone"]
    assert [(ch.old.version, ch.new.version) for ch in d.changed] == [
        ("1.0", "1.1"),
        ("4.17.20", "4.17.21"),
    ]
    assert d.unchanged == 1
    assert d.to_dict()["changed"][1]["new"]["ref"] == "n1"
    assert diff_components(new, new).unchanged == 4 and not diff_components(new, new).changed


def test_diff_several_versions_of_one_package() -> None:
    def npm(ref: str, v: str) -> ParsedComponent:
        return _c(ref, name="minimatch", version=v, purl=f"pkg:npm/minimatch@{v}")

    old = [npm("a", "3.0.4"), npm("b", "5.1.0"), npm("c", "9.0.0"), npm("d", "3.0.4")]
    new = [npm("e", "9.0.0"), npm("f", "3.0.10"), npm("g", "5.1.6"), npm("h", "3.0.4")]
    d = diff_components(old, new)
    assert d.unchanged == 2  # 9.0.0 and one of the 3.0.4
    # the rest pair in natural version order: 3.0.4 -> 3.0.10 (not 5.1.6), 5.1.0 -> 5.1.6
    assert [(ch.old.version, ch.new.version) for ch in d.changed] == [
        ("3.0.4", "3.0.10"),
        ("5.1.0", "5.1.6"),
    ]
    assert d.added == () and d.removed == ()
    d2 = diff_components(old, [npm("x", "3.0.4")])
    assert d2.unchanged == 1 and [c.version for c in d2.removed] == ["3.0.4", "5.1.0", "9.0.0"]
    assert diff_components(old, new).to_dict() == diff_components(old, new).to_dict()


def test_diff_is_order_independent_and_fast() -> None:
    old = [
        _c(f"o{i}", name=f"p{i}", version=f"1.{i}", purl=f"pkg:npm/p{i}@1.{i}")
        for i in range(20_000)
    ]
    new = [
        _c(
            f"n{i}",
            name=f"p{i}",
            version=f"1.{i + (i % 3 == 0)}",
            purl=f"pkg:npm/p{i}@1.{i + (i % 3 == 0)}",
        )
        for i in range(20_000)
    ]
    d = diff_components(old, new)
    assert len(d.changed) == 6_667 and d.unchanged == 13_333
    rev = diff_components(list(reversed(old)), list(reversed(new)))
    assert [(c.old.ref, c.new.ref) for c in rev.changed] == [
        (c.old.ref, c.new.ref) for c in d.changed
    ]
