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
MIDDLE = _MIDDLE  # an event or version key is (MIDDLE, version key): see ``_event_key``


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
    span: tuple | None = None  # (lowest introduced, highest end, end included): see ``_span``
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
    return PreparedAffected(
        scheme, prepared, frozenset(versions), versions, _span(prepared, scheme)
    )


def _span(ranges: Sequence[PreparedRange], scheme: str) -> tuple | None:
    """Where any range of the entry can affect a version: (lowest introduced key, key of the
    highest closing event or None when some range stays open, whether that event is
    last_affected); (None, None, False) when no range can; None when a range is compared in
    another scheme (then nothing is skipped). Limits only narrow a range, so they are ignored."""
    lo: tuple | None = None
    hi: tuple | None = None
    included = open_top = False
    for rng in ranges:
        if rng.error:
            continue
        if rng.scheme != scheme:
            return None
        intro = next((k for k, kind, _ in rng.events if kind == "introduced"), None)
        if intro is None:
            continue
        lo = intro if lo is None or intro < lo else lo
        last, kind, _ = rng.events[-1]
        if kind == "introduced":
            open_top = True
        elif hi is None or last > hi or (last == hi and kind == "last_affected"):
            hi, included = last, kind == "last_affected"
    if lo is None:
        return (None, None, False)
    return (lo, None if open_top else hi, included)


def outside(span: tuple | None, point: tuple) -> bool:
    """True when ``point`` lies where no range of the entry can affect it."""
    if span is None:
        return False
    lo, hi, included = span
    if lo is None or point < lo:
        return True
    return hi is not None and (point > hi if included else point >= hi)


def _bounds(
    rng: PreparedRange, point: tuple
) -> tuple[str, str | None, str | None, str | None] | None:
    """(introduced, fixed, last_affected, limit) bracketing ``point`` when the range affects it:
    one pass over the sorted events (the first fixed/last_affected above the point bounds it)."""
    limit: str | None = None
    if rng.limits:
        for lim, value in rng.limits:
            if point < lim:
                limit = value
                break
        else:
            return None
    vulnerable = False
    lower: str | None = None
    upper: tuple[str, str] | None = None
    for key, kind, value in rng.events:
        if kind == "introduced":
            if point >= key:
                vulnerable, lower = True, value
        elif kind == "fixed":
            if point >= key:
                vulnerable = False
            elif upper is None:
                upper = (kind, value)
        elif kind == "last_affected":
            if point > key:
                vulnerable = False
            elif upper is None:
                upper = (kind, value)
    if not vulnerable:
        return None
    fixed = upper[1] if upper and upper[0] == "fixed" else None
    last = upper[1] if upper and upper[0] == "last_affected" else None
    return (lower if lower is not None else "?"), fixed, last, limit


def _range_reason(
    rng: PreparedRange,
    version: str,
    intro: str,
    fixed: str | None,
    last: str | None,
    limit: str | None,
) -> str:
    bound = f" < fixed={fixed}" if fixed else f" <= last_affected={last}" if last else ""
    if limit is not None:
        bound += f" (below limit={limit})"
    return f"range {rng.index} ({rng.type}): introduced={intro} <= {version}{bound}"


def _walk(rng: PreparedRange, vkey: Key, version: str, scheme: str) -> RangeVerdict | None:
    found = _bounds(rng, (_MIDDLE, vkey))
    if found is None:
        return None
    intro, fixed, last, limit = found
    reason = _range_reason(rng, version, *found)
    return RangeVerdict(
        True, reason, version, scheme, rng.index, rng.type, intro, fixed, last, limit
    )


def affected_reason(prep: PreparedAffected, version: str, key: Key) -> str | None:
    """``evaluate_prepared``'s reason when it says affected, else None (no verdict is built)."""
    if version in prep.listed:
        return f"{version} listed in versions"
    ranges = () if key is not None and outside(prep.span, (_MIDDLE, key)) else prep.ranges
    for rng in ranges:
        if rng.error:
            continue
        if rng.scheme == prep.scheme and key is not None:
            rkey = key
        else:
            try:
                rkey = version_key(rng.scheme, version)
            except InvalidVersion:
                continue
        found = _bounds(rng, (_MIDDLE, rkey))
        if found is not None:
            return _range_reason(rng, version, *found)
    if prep.listed_keys:
        try:
            listed = prep.listed_keys.get(
                key if key is not None else version_key(prep.scheme, version)
            )
        except InvalidVersion:
            listed = None
        if listed is not None:
            return f"{version} listed in versions (as {listed})"
    return None


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
