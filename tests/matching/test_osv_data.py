"""OSV evaluation against the real PyPA and Go vulnerability databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medsec.core.versions import InvalidVersion, version_key
from medsec.ingest.feeds import read_feed
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.osv import evaluate

pytestmark = pytest.mark.shared_data

# --- the records come through the real reader (medsec.ingest.feeds), as users' feeds do ---


def _read(path: Path) -> Iterator[VulnRecord]:
    for batch in read_feed(path):
        assert not [p for p in batch.problems if p.fatal], batch.problems[:3]
        yield from batch.records


def load_pypa(root: Path) -> Iterator[VulnRecord]:
    """Every PYSEC YAML record of the PyPA advisory database."""
    return _read(root / "advisories/pypa/vulns")


def load_go(root: Path) -> Iterator[VulnRecord]:
    """Every record of the Go vulnerability database."""
    return _read(root / "advisories/go-vulndb/data/osv")


@pytest.fixture(scope="module")
def pypa(shared_data: Path) -> list[VulnRecord]:
    return list(load_pypa(shared_data))


@pytest.fixture(scope="module")
def govulndb(shared_data: Path) -> list[VulnRecord]:
    return list(load_go(shared_data))


def _listed(scheme: str, versions: tuple[str, ...], v: str) -> bool:
    try:
        k = version_key(scheme, v)
    except InvalidVersion:
        return v in versions
    keys = set()
    for x in versions:
        try:
            keys.add(version_key(scheme, x))
        except InvalidVersion:
            continue
    return k in keys


def test_pypa_listed_versions_match_and_fixed_do_not(pypa: list[VulnRecord]) -> None:
    live = [r for r in pypa if r.withdrawn is None]
    listed = fixed = 0
    missed, wrongly = [], []
    for rec in live:
        for aff in rec.affected:
            for v in aff.versions:
                listed += 1
                if not evaluate(aff, v, "pypi").affected:
                    missed.append((rec.id, v))
            for rng in aff.ranges:
                for ev in rng.events:
                    if ev.kind != "fixed" or _listed("pypi", aff.versions, ev.value):
                        continue
                    fixed += 1
                    verdict = evaluate(aff, ev.value, "pypi")
                    if verdict.affected:
                        wrongly.append((rec.id, ev.value, verdict.reason))
    print(
        f"pypa: {len(pypa)} records, {len(pypa) - len(live)} withdrawn, {listed} listed versions "
        f"({len(missed)} missed), {fixed} fixed versions ({len(wrongly)} wrongly affected)"
    )
    assert len(pypa) > 2600 and len(pypa) - len(live) >= 10
    assert listed > 50_000 and fixed > 2_000
    assert missed == []
    assert wrongly == []


def test_go_vulndb_semver_ranges(govulndb: list[VulnRecord]) -> None:
    live = [r for r in govulndb if r.withdrawn is None]
    introduced = fixed = pseudo = 0
    bad = []
    for rec in live:
        for aff in rec.affected:
            for rng in aff.ranges:
                assert rng.type == "SEMVER"
                fixes = {e.value for e in rng.events if e.kind == "fixed"}
                for ev in rng.events:
                    if ev.value == "0":
                        continue
                    pseudo += "-0." in ev.value or ev.value.startswith("0.0.0-")
                    # a Go component version carries the "v"; the SEMVER events do not
                    verdict = evaluate(aff, "v" + ev.value, "go")
                    if ev.kind == "introduced" and ev.value not in fixes:
                        introduced += 1
                        if not verdict.affected:
                            bad.append((rec.id, ev.kind, ev.value, verdict.reason))
                    elif ev.kind == "fixed":
                        fixed += 1
                        # only another range of the same package may still cover it
                        others = [r for r in aff.ranges if r is not rng]
                        if (
                            verdict.affected
                            and verdict.range_index == aff.ranges.index(rng)
                            and not others
                        ):
                            bad.append((rec.id, ev.kind, ev.value, verdict.reason))
    print(
        f"go-vulndb: {len(govulndb)} records, {len(govulndb) - len(live)} withdrawn, "
        f"{introduced} introduced versions affected, {fixed} fixed versions not affected, "
        f"{pseudo} pseudo-version events, {len(bad)} wrong"
    )
    assert len(govulndb) > 4000 and len(govulndb) - len(live) >= 17
    assert introduced > 1000 and fixed > 4000 and pseudo > 50
    assert bad == []


def test_go_incompatible_and_pseudo_versions(govulndb: list[VulnRecord]) -> None:
    """A +incompatible build equals its release; a pseudo-version sorts before its base."""
    recs = {r.id: r for r in govulndb}
    gin = recs["GO-2020-0001"].affected[0]
    assert evaluate(gin, "v1.5.0", "go").affected
    assert not evaluate(gin, "v1.6.0", "go").affected
    assert evaluate(gin, "v1.6.0-0.20200101000000-abcdefabcdef", "go").affected
    assert not evaluate(gin, "v1.6.0+incompatible", "go").affected


def _components(pypa: list[VulnRecord], n: int) -> tuple[list, dict]:
    """n components cycled from real advisories: listed versions, fixed versions, far-future
    versions; purl names are written un-normalized (Upper_case) to exercise PEP 503."""
    from medsec.matching.index import ComponentRef

    sources, per_name = [], {}
    for rec in pypa:
        if rec.withdrawn is not None:
            continue
        for aff in rec.affected:
            name = aff.name.replace("-", "_").title()
            if per_name.get(name, 0) >= 6:  # a few versions per package, as in real SBOMs
                continue
            per_name[name] = per_name.get(name, 0) + 3
            sources += [(rec.id, name, v, True) for v in aff.versions[:2]]
            sources.append((rec.id, name, "9999.0", None))
    comps, expect = [], {}
    i = 0
    while len(comps) < n:
        rid, name, version, affected = sources[i % len(sources)]
        cid = len(comps)
        comps.append(ComponentRef(cid, f"pkg:pypi/{name}@{version}"))
        if affected:
            expect[cid] = rid
        i += 1
    comps.append(ComponentRef("bad-purl", "pkg:"))
    comps.append(ComponentRef("bad-version", "pkg:pypi/django@not.a.version!"))
    comps.append(ComponentRef("no-version", "pkg:pypi/django"))
    return comps, expect


def test_advisory_index_pypa_against_100k_components(pypa: list[VulnRecord]) -> None:
    import time

    from medsec.matching.index import AdvisoryIndex, ComponentIndex, match_one_record

    comps, expect = _components(pypa, 100_000)
    t0 = time.perf_counter()
    index = AdvisoryIndex.build(pypa)
    t1 = time.perf_counter()
    result = index.match(comps)
    t2 = time.perf_counter()
    print(
        f"\nAdvisoryIndex: {len(index)} affected entries built in {t1 - t0:.2f} s; "
        f"{len(comps)} components matched in {t2 - t1:.2f} s -> {len(result.matches)} matches, "
        f"{len(result.unmatched)} unmatched"
    )
    found = {(m.component_id, m.vuln_id) for m in result.matches}
    missing = [(cid, rid) for cid, rid in expect.items() if (cid, rid) not in found]
    assert missing == []
    withdrawn = {r.id for r in pypa if r.withdrawn is not None}
    assert not any(m.vuln_id in withdrawn for m in result.matches)
    assert all(m.identifier_kind == "purl" and m.ecosystem == "PyPI" for m in result.matches)
    assert all(m.explanation for m in result.matches)
    reasons = {u.component_id: u.reason for u in result.unmatched}
    assert set(reasons) == {"bad-purl", "bad-version", "no-version"}
    assert (
        "invalid purl" in reasons["bad-purl"] and "cannot parse version" in reasons["bad-version"]
    )

    # incremental direction: one record against a built component index gives the same pairs
    t3 = time.perf_counter()
    cindex = ComponentIndex.build(comps)
    t4 = time.perf_counter()
    sample = list(pypa[::25])
    inc = {(m.component_id, m.vuln_id) for r in sample for m in match_one_record(r, cindex)}
    t5 = time.perf_counter()
    ids = {r.id for r in sample}
    assert inc == {p for p in found if p[1] in ids}
    print(
        f"ComponentIndex: built in {t4 - t3:.2f} s; {len(sample)} records matched in "
        f"{t5 - t4:.3f} s ({len(inc)} matches)"
    )
