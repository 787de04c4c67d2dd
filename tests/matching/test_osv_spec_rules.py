"""OSV range semantics on small hand-written entries (spec examples) - no shared data."""

from __future__ import annotations

import pytest

from medsec.ingest.vuln_model import AffectedPackage, AffectedRange, RangeEvent
from medsec.matching.osv import evaluate


def _pkg(
    *ranges: tuple[str, list[tuple[str, str]]], versions: tuple[str, ...] = (), eco: str = "PyPI"
) -> AffectedPackage:
    return AffectedPackage(
        eco,
        "pkg",
        ranges=tuple(
            AffectedRange(t, tuple(RangeEvent(k, v) for k, v in evs)) for t, evs in ranges
        ),
        versions=versions,
    )


@pytest.mark.parametrize(
    ("events", "affected", "not_affected"),
    [
        ([("introduced", "0"), ("fixed", "1.0")], ["0.1", "0.9.9"], ["1.0", "1.0.1"]),
        (
            [("introduced", "1.0"), ("last_affected", "1.2")],
            ["1.0", "1.1", "1.2"],
            ["0.9", "1.2.1"],
        ),
        # events out of order in the document are sorted first
        (
            [("fixed", "1.2"), ("introduced", "2.0"), ("fixed", "2.3"), ("introduced", "1.0")],
            ["1.0", "1.1", "2.0", "2.2.9"],
            ["0.5", "1.2", "1.9", "2.3"],
        ),
        ([("introduced", "1.0")], ["1.0", "99"], ["0.9"]),
        ([("introduced", "0"), ("limit", "2.0")], ["1.5"], ["2.0", "3.0"]),
        ([("introduced", "0"), ("fixed", "1.0"), ("limit", "*")], ["0.5"], ["1.0"]),
    ],
)
def test_ecosystem_range_walk(
    events: list[tuple[str, str]], affected: list[str], not_affected: list[str]
) -> None:
    pkg = _pkg(("ECOSYSTEM", events))
    for v in affected:
        verdict = evaluate(pkg, v, "pypi")
        assert verdict.affected, (v, verdict)
        assert verdict.range_index == 0 and verdict.range_type == "ECOSYSTEM"
        assert "introduced=" in verdict.reason
    for v in not_affected:
        assert not evaluate(pkg, v, "pypi").affected, v


def test_verdict_names_bracketing_events() -> None:
    pkg = _pkg(("ECOSYSTEM", [("introduced", "1.0"), ("fixed", "1.2.3")]))
    v = evaluate(pkg, "1.1", "pypi")
    assert (v.introduced, v.fixed, v.last_affected) == ("1.0", "1.2.3", None)
    assert v.reason == "range 0 (ECOSYSTEM): introduced=1.0 <= 1.1 < fixed=1.2.3"


def test_ranges_are_ored_and_versions_match_exactly() -> None:
    pkg = _pkg(
        ("ECOSYSTEM", [("introduced", "1.0"), ("fixed", "1.1")]),
        ("ECOSYSTEM", [("introduced", "3.0"), ("fixed", "3.1")]),
        versions=("2.5",),
    )
    assert evaluate(pkg, "3.0.5", "pypi").range_index == 1
    listed = evaluate(pkg, "2.5", "pypi")
    assert listed.affected and listed.listed and "listed in versions" in listed.reason
    assert evaluate(pkg, "2.5.0", "pypi").listed  # equal under PEP 440
    assert not evaluate(pkg, "2.6", "pypi").affected


def test_git_ranges_are_skipped_with_reason_unless_listed() -> None:
    pkg = _pkg(("GIT", [("introduced", "0"), ("fixed", "abcdef0")]), versions=("1.4",))
    miss = evaluate(pkg, "1.0", "pypi")
    assert not miss.affected and "GIT" in miss.reason and miss.skipped
    assert evaluate(pkg, "1.4", "pypi").affected


def test_semver_range_uses_semver_whatever_the_ecosystem() -> None:
    pkg = _pkg(("SEMVER", [("introduced", "0"), ("fixed", "1.0.0-rc.2")]), eco="Go")
    assert evaluate(pkg, "v1.0.0-rc.1", "go").affected
    assert not evaluate(pkg, "v1.0.0", "go").affected
    # "1.0.0-x.1" is no PEP 440 version but is SemVer (x > rc): a SEMVER range parses it
    v = evaluate(pkg, "1.0.0-x.1", "pypi")
    assert v.affected is False and "invalid" not in v.reason
    assert evaluate(pkg, "1.0.0-rc.1", "pypi").affected is True


def test_invalid_versions_never_raise() -> None:
    pkg = _pkg(("ECOSYSTEM", [("introduced", "0"), ("fixed", "not-a-version!")]))
    v = evaluate(pkg, "1.0", "pypi")
    assert not v.affected and "unusable event" in v.reason
    ok = _pkg(("ECOSYSTEM", [("introduced", "0"), ("fixed", "2.0")]))
    bad = evaluate(ok, "garbage version", "pypi")
    assert not bad.affected and "invalid pypi version" in bad.reason


def test_last_affected_and_introduced_at_same_version() -> None:
    pkg = _pkg(("ECOSYSTEM", [("introduced", "1.0"), ("last_affected", "1.0")]))
    assert evaluate(pkg, "1.0", "pypi").affected
    assert not evaluate(pkg, "1.0.1", "pypi").affected
