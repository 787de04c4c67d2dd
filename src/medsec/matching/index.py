"""Batch matching of components (by purl) against OSV-style advisories, in both directions.

``AdvisoryIndex`` is built once from many records and matches many components;
``ComponentIndex`` is built once from many components and matches one new record
(the incremental case). Both key on ``(ecosystem family, normalized name)``, parse every
event once (``prepare``) and every distinct version once (``version_key`` is cached).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from medsec.core.purl import PurlIdentity, normalize_name, purl_identity
from medsec.core.versions import (
    InvalidVersion,
    Key,
    ecosystem_base,
    ecosystem_release,
    scheme_for_ecosystem,
    version_key,
)
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.osv import (
    MIDDLE,
    PreparedAffected,
    RangeVerdict,
    affected_reason,
    evaluate_prepared,
    outside,
    prepare,
    prepare_plain,
)


@dataclass(frozen=True, slots=True)
class ComponentRef:
    """A component to match: its id, its purl and its version (used when the purl has none:
    the purl's own version wins)."""

    component_id: int | str
    purl: str | None
    version: str | None = None


@dataclass(frozen=True, slots=True)
class Match:
    """One component affected by one record, with the verdict that explains why."""

    component_id: int | str
    vuln_id: str
    identifier_kind: str  # always "purl" here
    purl: str
    ecosystem: str
    name: str
    version: str
    verdict: RangeVerdict

    @property
    def explanation(self) -> str:
        """Human-readable reason: range, bracketing events, compared versions."""
        return self.verdict.reason


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A component that could not be matched at all, and why."""

    component_id: int | str
    purl: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Matches plus the components that could not be evaluated."""

    matches: list[Match]
    unmatched: list[Unmatched]


@dataclass(frozen=True, slots=True)
class _Entry:
    record_id: str
    ecosystem: str
    release: str | None
    prep: PreparedAffected  # events parsed and sorted once


@dataclass(frozen=True, slots=True)
class _Component:
    ref: ComponentRef
    ident: PurlIdentity
    version: str
    key: Key  # None when the version does not parse: then only exact listing can match
    error: str | None = None


_NO_ECOSYSTEM = "invalid purl or no OSV ecosystem for it"
NOTHING: tuple[tuple[()], None] = ((), None)  # ``explain``: no advisory applies, none missing
_base = lru_cache(maxsize=4096)(ecosystem_base)
_release = lru_cache(maxsize=4096)(ecosystem_release)


def _release_conflict(advisory_eco: str, component_eco: str) -> bool:
    a, c = _release(advisory_eco), _release(component_eco)
    return a is not None and c is not None and a != c


def _resolve(ref: ComponentRef) -> _Component | Unmatched:
    """Identity and parsed version of a component, or why it cannot be matched."""
    found = _identify(ref)
    return found if isinstance(found, Unmatched) else _parsed(ref, *found)


def _identify(ref: ComponentRef) -> tuple[PurlIdentity, str] | Unmatched:
    """A component's identity and version text, or why it cannot be matched at all."""
    if not ref.purl:
        return Unmatched(ref.component_id, ref.purl, "no purl")
    ident = purl_identity(ref.purl)
    if ident is None:
        return Unmatched(ref.component_id, ref.purl, _NO_ECOSYSTEM)
    version = ident.version or ref.version
    if not version:
        return Unmatched(ref.component_id, ref.purl, "no version")
    if ident.scheme is None:
        reason = f"unsupported ecosystem {ident.ecosystem}: no version order"
        return Unmatched(ref.component_id, ref.purl, reason)
    return ident, version


def _parsed(ref: ComponentRef, ident: PurlIdentity, version: str) -> _Component:
    """The component with its version parsed in its ecosystem's order (or why it cannot be)."""
    assert ident.scheme is not None  # _identify refused the rest
    try:
        return _Component(ref, ident, version, version_key(ident.scheme, version))
    except InvalidVersion as exc:
        return _Component(ref, ident, version, None, f"cannot parse version: {exc}")


def _check(entry: _Entry, comp: _Component) -> Match | None:
    if entry.prep.scheme != comp.ident.scheme:
        return None
    if entry.release and _release_conflict(entry.ecosystem, comp.ident.ecosystem):
        return None
    if comp.key is None:  # unparsable: the spec's exact ``versions`` match still applies
        if comp.version not in entry.prep.listed:
            return None
        reason = f"{comp.version} listed in versions"
        verdict = RangeVerdict(True, reason, comp.version, entry.prep.scheme, listed=True)
    else:
        verdict = evaluate_prepared(entry.prep, comp.version, comp.key)
        if not verdict.affected:
            return None
    return Match(
        comp.ref.component_id,
        entry.record_id,
        "purl",
        comp.ref.purl or "",
        comp.ident.ecosystem,
        comp.ident.name,
        comp.version,
        verdict,
    )


def _entries(record: VulnRecord) -> Iterable[tuple[tuple[str, str], _Entry]]:
    if record.withdrawn is not None:
        return
    for aff in record.affected:
        scheme = scheme_for_ecosystem(aff.ecosystem)
        if scheme is None or not aff.name:
            continue
        key = (ecosystem_base(aff.ecosystem), normalize_name(aff.ecosystem, aff.name))
        release = ecosystem_release(aff.ecosystem)
        yield key, _Entry(record.id, aff.ecosystem, release, prepare(aff, scheme))


def _plain_entries(
    record_id: str, affected: Sequence[Sequence[Any]]
) -> Iterable[tuple[tuple[str, str], _Entry]]:
    """``_entries`` of a compact form: (ecosystem, name, ranges, versions) per package."""
    for ecosystem, name, ranges, versions in affected:
        scheme = scheme_for_ecosystem(ecosystem)
        if scheme is None or not name:
            continue
        key = (ecosystem_base(ecosystem), normalize_name(ecosystem, name))
        release = ecosystem_release(ecosystem)
        prep = prepare_plain(ranges, versions, scheme)
        yield key, _Entry(record_id, ecosystem, release, prep)


class AdvisoryIndex:
    """Advisories keyed by (ecosystem family, normalized package name)."""

    def __init__(self, by_key: dict[tuple[str, str], list[_Entry]]) -> None:
        self._by_key = by_key
        self._families = {key[0] for key in by_key}

    @classmethod
    def build(cls, records: Iterable[VulnRecord]) -> AdvisoryIndex:
        """Index every non-withdrawn record's affected packages (events parsed once)."""
        by_key: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        for record in records:
            for key, entry in _entries(record):
                by_key[key].append(entry)
        return cls(dict(by_key))

    @classmethod
    def build_plain(cls, items: Iterable[tuple[str, Sequence[Sequence[Any]]]]) -> AdvisoryIndex:
        """``build`` from (record id, compact affected packages) of non-withdrawn records.

        Each package is ``(ecosystem, name, [(range type, [(kind, value), ...]), ...],
        versions)``: the same entries as ``build`` gives for the records, with no VulnRecord.
        """
        by_key: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        for record_id, affected in items:
            for key, entry in _plain_entries(record_id, affected):
                by_key[key].append(entry)
        return cls(dict(by_key))

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def has_family(self, family: str) -> bool:
        """Whether any advisory of this ecosystem family (``Debian``, ``AlmaLinux``) is indexed."""
        return family in self._families

    def match(self, components: Iterable[ComponentRef]) -> MatchResult:
        """Match components against every indexed advisory for their package."""
        matches: list[Match] = []
        unmatched: list[Unmatched] = []
        by_key = self._by_key
        for ref in components:
            found = _identify(ref)
            if isinstance(found, Unmatched):
                unmatched.append(found)
                continue
            entries = by_key.get((found[0].family, found[0].name))
            if not entries:  # no advisory names the package: its version need not be parsed
                continue
            comp = _parsed(ref, *found)
            before = len(matches)
            for entry in entries:
                m = _check(entry, comp)
                if m is not None:
                    matches.append(m)
            if comp.error and len(matches) == before:
                unmatched.append(Unmatched(ref.component_id, ref.purl, comp.error))
        return MatchResult(matches, unmatched)

    def explain(
        self, purl: str, version: str | None
    ) -> tuple[Sequence[tuple[str, str]], str | None]:
        """``match`` of one component: (record id, reason) pairs, and why it was not evaluated."""
        ident = purl_identity(purl)
        if ident is None:
            return (), _NO_ECOSYSTEM
        ver = ident.version or version
        if not ver:
            return (), "no version"
        scheme = ident.scheme
        if scheme is None:
            return (), f"unsupported ecosystem {ident.ecosystem}: no version order"
        entries = self._by_key.get((_base(ident.ecosystem), ident.name))
        if not entries:  # no advisory names the package: its version need not be parsed
            return NOTHING
        key: Key = None
        error = None
        try:
            key = version_key(scheme, ver)
        except InvalidVersion as exc:
            error = f"cannot parse version: {exc}"
        out: list[tuple[str, str]] = []
        point = (MIDDLE, key)
        for entry in entries:
            prep = entry.prep
            if prep.scheme != scheme or (
                entry.release and _release_conflict(entry.ecosystem, ident.ecosystem)
            ):
                continue
            if key is None:  # unparsable: the spec's exact ``versions`` match still applies
                reason = f"{ver} listed in versions" if ver in prep.listed else None
            elif not prep.versions and outside(prep.span, point):
                continue  # no range reaches the version and no version is listed
            else:
                reason = affected_reason(prep, ver, key)
            if reason is not None:
                out.append((entry.record_id, reason))
        return (out, None) if out else NOTHING if error is None else ((), error)


class ComponentIndex:
    """Components keyed by (ecosystem family, normalized name), for one-record matching."""

    def __init__(
        self, by_key: dict[tuple[str, str], list[_Component]], unmatched: list[Unmatched]
    ) -> None:
        self._by_key = by_key
        self.unmatched = unmatched

    @classmethod
    def build(cls, components: Iterable[ComponentRef]) -> ComponentIndex:
        """Resolve every component once (purl identity, version parse)."""
        by_key: dict[tuple[str, str], list[_Component]] = defaultdict(list)
        unmatched: list[Unmatched] = []
        for ref in components:
            comp = _resolve(ref)
            if isinstance(comp, Unmatched):
                unmatched.append(comp)
                continue
            if comp.error:  # kept: an exact ``versions`` listing can still match it
                unmatched.append(Unmatched(ref.component_id, ref.purl, comp.error))
            by_key[(comp.ident.family, comp.ident.name)].append(comp)
        return cls(dict(by_key), unmatched)

    def match_record(self, record: VulnRecord) -> list[Match]:
        """Components affected by one (new or updated) record."""
        out: list[Match] = []
        for key, entry in _entries(record):
            for comp in self._by_key.get(key, ()):
                m = _check(entry, comp)
                if m is not None:
                    out.append(m)
        return out


def match_one_record(record: VulnRecord, components: ComponentIndex) -> list[Match]:
    """The incremental case: one advisory against an already-built component index."""
    return components.match_record(record)
