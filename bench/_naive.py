"""The naive baseline: per (component, advisory) pair, build univers ranges and compare.

For each component: parse its purl (packageurl), look up the advisories whose ``affected[]``
names the same ecosystem and package (a dict on the raw name: generous to the baseline, a
truly naive loop would scan every advisory), and for each such pair parse the component
version with the scheme's univers class, build one univers ``VersionRange`` per
introduced/fixed (or last_affected) pair of every range, in document order, and test
``version in range``; a listed version matches too. Nothing is cached or prepared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from packageurl import PackageURL
from univers.version_constraint import VersionConstraint
from univers.version_range import RANGE_CLASS_BY_SCHEMES

from medsec.ingest.vuln_model import AffectedPackage, VulnRecord

SCHEME = {"PyPI": "pypi", "Go": "golang", "npm": "npm", "Maven": "maven"}
ECO_OF_TYPE = {"pypi": "PyPI", "golang": "Go", "npm": "npm", "maven": "Maven"}
Index = dict[tuple[str, str], list[tuple[str, AffectedPackage]]]


def build(records: Iterable[VulnRecord]) -> Index:
    """(ecosystem, raw name) -> [(record id, affected entry)], withdrawn records left out."""
    out: Index = defaultdict(list)
    for r in records:
        if r.withdrawn is not None:
            continue
        for a in r.affected:
            if a.ecosystem in SCHEME:
                out[(a.ecosystem, a.name)].append((r.id, a))
    return out


def _name(p: PackageURL) -> str:
    if p.type == "maven":
        return f"{p.namespace}:{p.name}"
    return f"{p.namespace}/{p.name}" if p.namespace else p.name


def _affected(aff: AffectedPackage, version: str) -> bool:
    if version in aff.versions:
        return True
    rc: Any = RANGE_CLASS_BY_SCHEMES[SCHEME[aff.ecosystem]]
    vc: Any = rc.version_class
    v = vc(version)
    for rng in aff.ranges:
        if rng.type == "GIT":
            continue
        low: str | None = None
        for ev in rng.events:
            if ev.kind == "introduced":
                low = ev.value
            elif ev.kind in ("fixed", "last_affected") and low is not None:
                cons = [] if low == "0" else [VersionConstraint(">=", vc(low))]
                cons.append(VersionConstraint("<" if ev.kind == "fixed" else "<=", vc(ev.value)))
                if v in rc(constraints=cons):
                    return True
                low = None
        if low is not None and (
            low == "0" or v in rc(constraints=[VersionConstraint(">=", vc(low))])
        ):
            return True
    return False


def match(index: Index, purls: Iterable[tuple[int, str]]) -> tuple[set[tuple[int, str]], int]:
    """(component id, record id) pairs found affected, and how many pairs raised errors."""
    hits: set[tuple[int, str]] = set()
    errors = 0
    for cid, purl in purls:
        try:
            p = PackageURL.from_string(purl)
        except ValueError:
            continue
        eco = ECO_OF_TYPE.get(p.type)
        if eco is None or not p.version:
            continue
        for rid, aff in index.get((eco, _name(p)), ()):
            try:
                if _affected(aff, p.version):
                    hits.add((cid, rid))
            except Exception:
                errors += 1
    return hits, errors
