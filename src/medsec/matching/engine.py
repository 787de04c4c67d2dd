"""One entry point for matching a set of components against a set of records, purl and CPE.

Pure: components and records in, matches with explanations out. A component with a purl is
matched by OSV ranges; a component with a CPE by NVD configurations (never by guessing a CPE
from a name); a component with both may match either way, and each way is explained.

A distribution package (a ``deb``, ``rpm`` or ``apk`` purl) is never matched by upstream CPE
ranges: distributions backport fixes into their own versions (Debian's ``1.1.1k-1+deb11u1``
fixes CVE-2021-3711 although upstream 1.1.1k is affected). Its distribution's advisories
decide, with the distribution's version rules; where none of that distribution are loaded, an
upstream CPE match is reported as a Miss "upstream only: backports not considered", never as a
Hit (so it is not counted as affected).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from medsec.core.purl import purl_identity
from medsec.core.versions import ecosystem_base
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.cpe import CpeComponent, CpeIndex
from medsec.matching.index import NOTHING, AdvisoryIndex


@dataclass(frozen=True, slots=True)
class Candidate:
    """A component to match: its id, identifiers and version."""

    id: int
    purl: str | None
    cpe: str | None
    version: str | None


@dataclass(frozen=True, slots=True)
class Hit:
    """A record that applies to a component, and why."""

    component_id: int
    record_id: str
    identifier: str  # "purl" | "cpe"
    value: str  # the purl or CPE compared
    reason: str  # which range or criterion, and the versions compared


class Miss(NamedTuple):
    """A component that could not be evaluated, and why (invalid version, unsupported ecosystem).

    A named tuple, not a dataclass: a scan makes one per component not evaluated (thousands in
    an SBOM of unsupported package types); a tuple is made about 1.5x faster, and holding only
    strings and ints it is untracked by the cyclic collector once the collector has seen it."""

    component_id: int
    identifier: str
    reason: str
    record_id: str | None = None  # an upstream-only match: the record that matched upstream
    value: str | None = None  # and the CPE it matched

    @property
    def upstream_only(self) -> bool:
        """True for an upstream CPE match on a distribution package (backports unknown)."""
        return self.record_id is not None and self.reason.startswith(UPSTREAM_ONLY)


UPSTREAM_ONLY = "upstream only: backports not considered"
Ident = tuple[str | None, str | None, str | None]  # a component's purl, CPE and version


@dataclass(frozen=True, slots=True)
class Outcome:
    """A batch's matches per distinct (purl, CPE, version); ``rows`` holds only the components
    with something to report, as (component id, their (purl, CPE, version)). ``hits`` and
    ``misses`` give each of them its own, in ``Matcher.match``'s order."""

    rows: list[tuple[int, Ident]]
    purl: dict[Ident, tuple[Sequence[tuple[str, str]], str | None]]  # (record, reason)s, why not
    cpe: dict[Ident, list[tuple[str, str]]]  # (record, reason)s
    upstream: dict[Ident, list[tuple[str, str]]]  # upstream-only: (record, miss reason)s
    invalid: dict[Ident, str]  # why the CPE is invalid

    def explanations(self) -> list[tuple[int, str, str, str, str]]:
        """(component id, record id, "purl" | "cpe", purl or CPE, reason): ``hits`` as tuples."""
        purl, cpe = self.purl, self.cpe
        out = [
            (cid, rid, "purl", k[0] or "", reason)
            for cid, k in self.rows
            if k in purl
            for rid, reason in purl[k][0]
        ]
        if cpe:
            out += [
                (cid, rid, "cpe", k[1] or "", reason)
                for cid, k in self.rows
                if k in cpe
                for rid, reason in cpe[k]
            ]
        return out

    def hits(self) -> list[Hit]:
        """Every component's hits: by purl in component order, then by CPE."""
        return [Hit(*e) for e in self.explanations()]

    def misses(self) -> list[Miss]:
        """Every component's misses: purl ones, upstream-only CPE matches, invalid CPEs."""
        purl, upstream, invalid = self.purl, self.upstream, self.invalid
        out = [
            Miss(cid, "purl", why)
            for cid, k in self.rows
            if k in purl and (why := purl[k][1]) is not None
        ]
        if upstream:
            out += [
                Miss(cid, "cpe", why, rid, k[1] or "")
                for cid, k in self.rows
                if k in upstream
                for rid, why in upstream[k]
            ]
        if invalid:
            out += [Miss(cid, "cpe", invalid[k]) for cid, k in self.rows if k in invalid]
        return out


class Matcher:
    """Indexes built once over many records, then used for many batches of components."""

    def __init__(self, records: Iterable[VulnRecord]) -> None:
        records = list(records)
        self.advisories = AdvisoryIndex.build(r for r in records if r.affected)
        self.cpes = CpeIndex.build(r for r in records if r.configurations)

    @classmethod
    def of(cls, advisories: AdvisoryIndex, cpes: CpeIndex) -> Matcher:
        """A matcher over indexes built elsewhere (e.g. from compact stored forms)."""
        matcher = cls.__new__(cls)
        matcher.advisories, matcher.cpes = advisories, cpes
        return matcher

    def match(
        self, components: Sequence[Candidate], platform_cpes: Sequence[str] = ()
    ) -> tuple[list[Hit], list[Miss]]:
        """Match components; ``platform_cpes`` are all CPEs of their release."""
        idents = [(c.purl, c.cpe, c.version) for c in components]
        outcome = self.outcome(idents, platform_cpes, [c.id for c in components])
        return outcome.hits(), outcome.misses()

    def outcome(
        self,
        idents: Sequence[Ident],
        platform_cpes: Sequence[str] = (),
        ids: Sequence[int] | None = None,
    ) -> Outcome:
        """Match (purl, CPE, version) components, each distinct one once (ids: positions)."""
        distinct = dict.fromkeys(idents)  # in component order (set order costs cache misses)
        explain = self.advisories.explain
        purl = {}
        for k in distinct:
            if k[0] and (found := explain(k[0], k[2])) is not NOTHING:
                purl[k] = found
        cpe, upstream, invalid = self._cpe([k for k in distinct if k[1]], platform_cpes)
        busy = purl.keys() | cpe.keys() | upstream.keys() | invalid.keys()
        rows = []
        if busy:
            numbered = zip(range(len(idents)) if ids is None else ids, idents, strict=True)
            rows = [(cid, k) for cid, k in numbered if k in busy]
        return Outcome(rows, purl, cpe, upstream, invalid)

    def _cpe(
        self, idents: list[Ident], platform_cpes: Sequence[str]
    ) -> tuple[
        dict[Ident, list[tuple[str, str]]], dict[Ident, list[tuple[str, str]]], dict[Ident, str]
    ]:
        """Per (purl, CPE, version): CPE hits (record, reason), upstream-only misses (record,
        reason), and the reason its CPE is invalid."""
        cpes = self.cpes
        named = [k for k in idents if k[1] and cpes.may_name(k[1])]
        cpe_hits: dict[Ident, list[tuple[str, str]]] = {}
        upstream: dict[Ident, list[tuple[str, str]]] = {}
        invalid: dict[Ident, str] = {}
        if not named:
            return cpe_hits, upstream, invalid
        platform = tuple(sorted(set(platform_cpes)))
        report = cpes.match(  # only invalid CPEs are reported below: skip the rest
            (CpeComponent(str(j), k[1], platform) for j, k in enumerate(named)),
            explain_unnamed=False,
        )
        for h in report.hits:
            k = named[int(h.component_id)]
            reason = "; ".join(v.explanation for v in h.verdicts)
            distro = distro_of_purl(k[0]) if k[0] else None
            if distro is None:
                cpe_hits.setdefault(k, []).append((h.record_id, reason))
            elif not self.advisories.has_family(distro):
                why = upstream_only(distro, h.record_id, reason)
                upstream.setdefault(k, []).append((h.record_id, why))
        for m in report.unmatched:
            if m.reason.startswith("invalid"):
                invalid[named[int(m.component_id)]] = m.reason
        return cpe_hits, upstream, invalid


_DISTRO_TYPES = {"deb": "Debian", "rpm": "RPM", "apk": "Alpine"}


def distro_of_purl(purl: str) -> str | None:
    """The distribution (OSV ecosystem family) of a deb/rpm/apk purl, else None."""
    kind = purl[4 : purl.find("/")] if purl.startswith("pkg:") and "/" in purl else ""
    if kind.lower() not in _DISTRO_TYPES:
        return None
    ident = purl_identity(purl)
    return ecosystem_base(ident.ecosystem) if ident else _DISTRO_TYPES[kind.lower()]


def upstream_only(distro: str, record_id: str, reason: str) -> str:
    """The Miss reason of an upstream CPE match on a distribution package."""
    return (
        f"{UPSTREAM_ONLY}: {record_id} matches the upstream CPE "
        f"({reason}), but {distro} backports fixes into its own package versions; load "
        f"{distro} advisories (OSV) to evaluate this package"
    )


def match_components(
    components: Sequence[Candidate],
    records: Iterable[VulnRecord],
    platform_cpes: Sequence[str] = (),
) -> tuple[list[Hit], list[Miss]]:
    """Match components against records; ``platform_cpes`` are all CPEs of the release."""
    return Matcher(records).match(components, platform_cpes)
