"""Exact OSV range evaluation of one package version against one ``affected[]`` entry.

Follows the OSV schema's evaluation algorithm: a version is affected when it is listed in
``versions`` or lies in any range; per range, events sorted by version are walked
(``introduced`` sets, ``fixed`` clears at ``>=``, ``last_affected`` clears at ``>``), and a
range with ``limit`` events only applies below one of them. ``introduced: "0"`` sorts before
everything, a ``limit`` containing ``*`` after everything. ``SEMVER`` ranges use SemVer order
whatever the ecosystem (Go components keep the Go parser so ``v1.2.3`` is accepted); ``GIT``
ranges cannot be compared with a package version and are skipped with a reason. Invalid
versions never raise: they give a non-affected verdict that says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from medsec.core.versions import InvalidVersion, Key, version_key
from medsec.ingest.vuln_model import AffectedPackage

_KIND_ORDER = {"introduced": 0, "last_affected": 1, "fixed": 2, "limit": 3}
_BOTTOM, _MIDDLE, _TOP = 0, 1, 2


@dataclass(frozen=True, slots=True)
class RangeVerdict:
    """Whether a version is affected, and why (range, bracketing events, listed version)."""

    affected: bool
    reason: str
    version: str
    scheme: str
    range_index: int | None = None
    range_type: str | None = None
    introduced: str | None = None
    fixed: str | None = None
    last_affected: str | None = None
    limit: str | None = None
    listed: bool = False
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PreparedRange:
    """One range with its events parsed and sorted once; ``error`` when it cannot be used."""

    index: int
    type: str
    scheme: str
    events: tuple[tuple[tuple, str, str], ...]  # (sort key, kind, value), sorted
    limits: tuple[tuple[tuple, str], ...]  # (sort key, value)
    error: str | None = None


@dataclass(frozen=True, slots=True)
class PreparedAffected:
    """An ``affected[]`` entry prepared for fast evaluation under one scheme."""

    scheme: str
    ranges: tuple[PreparedRange, ...]
    listed: frozenset[str]
    versions: Sequence[str] = ()  # as listed, in order: ``listed_keys`` is derived from them
    _keys: list[dict[Key, str]] = field(default_factory=list, compare=False, repr=False)

    @property
    def listed_keys(self) -> dict[Key, str]:
        """Sort key -> listed version (the first one listed with that key); the versions that
        do not parse are left out. Parsed on first use: most entries never need it."""
        if not self._keys:
            keys: dict[Key, str] = {}
            for v in self.versions:
                try:
                    keys.setdefault(version_key(self.scheme, v), v)
                except InvalidVersion:
                    continue
            self._keys.append(keys)
        return self._keys[0]


def range_scheme(range_type: str, scheme: str) -> str | None:
    """The scheme a range is compared in: SEMVER forces semver (Go keeps go); GIT has none."""
    t = range_type.upper()
    if t == "SEMVER":
        return "go" if scheme == "go" else "semver"
    if t == "ECOSYSTEM":
        return scheme
    return None


def _event_key(scheme: str, kind: str, value: str) -> tuple:
    if kind == "introduced" and value == "0":
        return (_BOTTOM, ())
    if kind == "limit" and "*" in value:
        return (_TOP, ())
    return (_MIDDLE, version_key(scheme, value))


def _prepare_range(
    index: int, rng_type: str, events: Iterable[tuple[str, str]], scheme: str
) -> PreparedRange:
    rs = range_scheme(rng_type, scheme)
    if rs is None:
        return PreparedRange(index, rng_type, "", (), (), f"{rng_type} range not comparable")
    out = []
    try:
        for kind, value in events:
            if kind not in _KIND_ORDER:
                continue
            out.append((_event_key(rs, kind, value), kind, value))
    except InvalidVersion as exc:
        return PreparedRange(index, rng_type, rs, (), (), f"unusable event: {exc}")
    out.sort(key=lambda e: (e[0], _KIND_ORDER[e[1]]))
    limits = tuple((k, v) for k, kind, v in out if kind == "limit")
    events_sorted = tuple(e for e in out if e[1] != "limit")
    return PreparedRange(index, rng_type, rs, events_sorted, limits)


@lru_cache(maxsize=1 << 16)
def prepare(affected: AffectedPackage, scheme: str) -> PreparedAffected:
    """Parse and sort every event of ``affected`` once for ``scheme`` (cached)."""
    ranges = [(r.type, [(e.kind, e.value) for e in r.events]) for r in affected.ranges]
    return prepare_plain(ranges, affected.versions, scheme)


def prepare_plain(
    ranges: Sequence[tuple[str, Iterable[tuple[str, str]]]],
    versions: Sequence[str],
    scheme: str,
) -> PreparedAffected:
    """``prepare`` of an entry given as plain data: (range type, (kind, value) events), versions."""
    prepared = tuple(
        _prepare_range(i, rng_type, events, scheme) for i, (rng_type, events) in enumerate(ranges)
    )
    return PreparedAffected(scheme, prepared, frozenset(versions), versions)


def _walk(rng: PreparedRange, vkey: Key, version: str, scheme: str) -> RangeVerdict | None:
    point = (_MIDDLE, vkey)
    if rng.limits and not any(point < lim for lim, _ in rng.limits):
        return None
    vulnerable = False
    lower: tuple[str, str] | None = None
    for key, kind, value in rng.events:
        if kind == "introduced":
            if point >= key:
                vulnerable, lower = True, (kind, value)
        elif kind == "fixed":
            if point >= key:
                vulnerable = False
        elif kind == "last_affected" and point > key:
            vulnerable = False
    if not vulnerable:
        return None
    upper = next(
        (
            (kind, value)
            for key, kind, value in rng.events
            if (kind == "fixed" and point < key) or (kind == "last_affected" and point <= key)
        ),
        None,
    )
    fixed = upper[1] if upper and upper[0] == "fixed" else None
    last = upper[1] if upper and upper[0] == "last_affected" else None
    bound = f" < fixed={fixed}" if fixed else f" <= last_affected={last}" if last else ""
    limit = next((v for k, v in rng.limits if point < k), None)
    if limit is not None:
        bound += f" (below limit={limit})"
    intro = lower[1] if lower else "?"
    reason = f"range {rng.index} ({rng.type}): introduced={intro} <= {version}{bound}"
    return RangeVerdict(
        True, reason, version, scheme, rng.index, rng.type, intro, fixed, last, limit
    )


def evaluate_prepared(prep: PreparedAffected, version: str, key: Key = None) -> RangeVerdict:
    """Evaluate ``version`` against a prepared entry (``key``: its key in ``prep.scheme``)."""
    scheme = prep.scheme
    if version in prep.listed:
        return RangeVerdict(True, f"{version} listed in versions", version, scheme, listed=True)
    skipped: list[str] = []
    for rng in prep.ranges:
        if rng.error:
            skipped.append(f"range {rng.index}: {rng.error}")
            continue
        if rng.scheme == scheme and key is not None:
            rkey = key
        else:
            try:
                rkey = version_key(rng.scheme, version)
            except InvalidVersion as exc:
                skipped.append(f"range {rng.index}: {exc}")
                continue
        verdict = _walk(rng, rkey, version, scheme)
        if verdict is not None:
            return verdict
    if prep.listed_keys:
        try:
            listed = prep.listed_keys.get(key if key is not None else version_key(scheme, version))
        except InvalidVersion:
            listed = None
        if listed is not None:
            reason = f"{version} listed in versions (as {listed})"
            return RangeVerdict(True, reason, version, scheme, listed=True, skipped=tuple(skipped))
    why = "; ".join(skipped) if skipped else "in no range and not listed in versions"
    return RangeVerdict(False, f"not affected: {why}", version, scheme, skipped=tuple(skipped))


def evaluate(affected: AffectedPackage, version: str, scheme: str) -> RangeVerdict:
    """Is ``version`` (in ``scheme``) affected by this OSV ``affected[]`` entry? Never raises."""
    return evaluate_prepared(prepare(affected, scheme), version)
