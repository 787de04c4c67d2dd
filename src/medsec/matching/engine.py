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

from medsec.core.purl import purl_identity
from medsec.core.versions import ecosystem_base
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.cpe import CpeComponent, CpeIndex
from medsec.matching.index import AdvisoryIndex, ComponentRef


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


@dataclass(frozen=True, slots=True)
class Miss:
    """A component that could not be evaluated, and why (invalid version, unsupported ecosystem)."""

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
        hits: list[Hit] = []
        misses: list[Miss] = []
        by_purl = [c for c in components if c.purl]
        if by_purl:
            result = self.advisories.match(ComponentRef(c.id, c.purl, c.version) for c in by_purl)
            hits += [
                Hit(int(m.component_id), m.vuln_id, "purl", m.purl, m.explanation)
                for m in result.matches
            ]
            misses += [Miss(int(u.component_id), "purl", u.reason) for u in result.unmatched]
        by_cpe = [c for c in components if c.cpe]
        if by_cpe:
            platform = tuple(sorted(set(platform_cpes)))
            report = self.cpes.match(  # only invalid CPEs are reported below: skip the rest
                (CpeComponent(str(c.id), c.cpe, platform) for c in by_cpe), explain_unnamed=False
            )
            cpe_of = {c.id: c.cpe or "" for c in by_cpe}
            distro_of = {c.id: d for c in by_cpe if c.purl and (d := distro_of_purl(c.purl))}
            for h in report.hits:
                cid = int(h.component_id)
                reason = "; ".join(v.explanation for v in h.verdicts)
                distro = distro_of.get(cid)
                if distro is None:
                    hits.append(Hit(cid, h.record_id, "cpe", cpe_of[cid], reason))
                elif not self.advisories.has_family(distro):
                    why = upstream_only(distro, h.record_id, reason)
                    misses.append(Miss(cid, "cpe", why, h.record_id, cpe_of[cid]))
            misses += [
                Miss(int(m.component_id), "cpe", m.reason)
                for m in report.unmatched
                if m.reason.startswith("invalid")
            ]
        return hits, misses


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
