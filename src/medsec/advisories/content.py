"""What an advisory says about each vulnerability (ids, title, description, references, scores,
threats, remediations) and about the whole (summary, the plain-language note for clinicians).

CWE: the feed's CWE id with its name from the CWE catalog the ``csaf`` package ships (the
catalog its test 6.1.11 checks names against); left out when the catalog does not know it.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources

from sqlalchemy.orm import Session

from medsec.core.i18n import gettext_for
from medsec.core.vex import VexStatus
from medsec.export import advisory_model as m
from medsec.export.csaf import is_uri
from medsec.models import Release
from medsec.vulns import queries as vuln_queries

S = VexStatus
log = logging.getLogger(__name__)
_CVE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,}$")
_CWE = re.compile(r"^CWE-([0-9]+)$")


@cache
def _cwe_names() -> dict[str, str]:
    try:
        path = resources.files("csaf").joinpath("csaf/v21/cwe/catalog.json")
        catalog = json.loads(path.read_bytes())
    except (FileNotFoundError, ModuleNotFoundError, ValueError):
        return {}
    out = {}
    for num, w in catalog.get("weaknesses", {}).items():
        name = next((n for _, n in reversed(w.get("history", [])) if n), None)
        if name:
            out[num] = str(name)
    return out


def cwe(cwe_ids: Sequence[str]) -> m.Cwe | None:
    """The first CWE id the catalog names, with its catalog name."""
    for cid in cwe_ids:
        found = _CWE.match(cid.strip())
        if found and found.group(1) in _cwe_names():
            return m.Cwe(f"CWE-{found.group(1)}", _cwe_names()[found.group(1)])
    return None


@dataclass
class VulnParts:
    """What the decisions, risk records and updates say about one vulnerability."""

    statuses: dict[str, m.ProductStatus] = field(default_factory=dict)
    remediations: list[m.Remediation] = field(default_factory=list)
    controls: dict[str, list[str]] = field(default_factory=dict)
    vectors: dict[str, tuple[float, str]] = field(default_factory=dict)
    impacts: dict[str, list[str]] = field(default_factory=dict)
    kev: str | None = None


def as_datetime(value: date | datetime | str | None) -> datetime | None:
    """A timezone-aware UTC datetime from a date, datetime or ISO date string."""
    if value is None:
        return None
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


@dataclass
class Info:
    """What the feeds say about one vulnerability."""

    aliases: list[str] = field(default_factory=list)
    title: str | None = None
    description: str | None = None
    references: list[str] = field(default_factory=list)
    published: datetime | None = None
    cwes: list[str] = field(default_factory=list)


def _usable_references(source: str, record: str, refs: Sequence[str]) -> list[str]:
    """The http(s) references a CSAF document can carry; one that is not a valid URI is dropped
    with a warning naming the feed record and its place (the rest of the advisory stands)."""
    kept = []
    for n, url in enumerate(refs):
        if not url.startswith(("https://", "http://")):
            continue
        if is_uri(url):
            kept.append(url)
        else:
            log.warning(
                "%s %s /references/%d: reference dropped from the advisory, not a valid URI: %r",
                source,
                record,
                n,
                url[:300],
            )
    return kept


def vuln_info(session: Session, vids: Sequence[int]) -> dict[int, Info]:
    """Aliases, title, description, references, CWEs and publication date per vulnerability."""
    out: dict[int, Info] = {vid: Info() for vid in vids}
    for vid, aliases in vuln_queries.ids_of(session, vids).items():
        out[vid].aliases = aliases
    for vid, recs in vuln_queries.records_of(session, vids).items():
        for rec in recs:
            i = out[vid]
            if rec.summary and not i.title:
                i.title = rec.summary.strip()[:300]
            if rec.details and (rec.source == "nvd" or not i.description):
                i.description = rec.details.strip()
            i.references.extend(_usable_references(rec.source, rec.id, rec.references))
            i.cwes.extend(rec.cwes)
            pub = as_datetime(rec.published)
            if pub and (i.published is None or pub < i.published):
                i.published = pub
    for i in out.values():
        if not i.title and i.description:
            first = i.description.split(". ", 1)[0].strip()
            i.title = first if len(first) <= 160 else first[:157].rstrip() + "..."
    return out


CREDIT_SUMMARY = "reporting this vulnerability through coordinated disclosure"


def vulnerability(
    vid: int,
    v: VulnParts,
    i: Info,
    profile: str,
    reports: Sequence[tuple[str | None, datetime]] = (),
    lang: str = "en",
) -> m.AdvisoryVulnerability | None:
    """The advisory's statement about one vulnerability (None: nothing to say in this profile).

    ``reports`` are the (credit, received) of the valid CVD cases on it: the finders who asked
    for credit are acknowledged, and the first report's date is the discovery date.
    """
    _ = gettext_for(lang, "advisories")
    statuses = tuple(sorted(v.statuses.values(), key=lambda s: s.product_id))
    if profile == "csaf_security_advisory" and all(
        s.status is S.UNDER_INVESTIGATION for s in statuses
    ):
        return None
    cves = [a for a in i.aliases if _CVE.match(a)]
    others = [a for a in i.aliases if a not in cves[:1]]
    cve = cves[0] if cves else None
    ids = tuple(m.VulnId(a.split("-", 1)[0] or "id", a) for a in others)
    name = cve or (others[0] if others else f"vulnerability {vid}")
    remediations = list(v.remediations)
    fixed = [s.product_id for s in statuses if s.status is S.FIXED]
    if fixed and not any(r.category is m.RemediationCategory.VENDOR_FIX for r in remediations):
        remediations.append(
            m.Remediation(
                m.RemediationCategory.VENDOR_FIX,
                _("These releases contain the fix; no action is needed for them."),
                tuple(fixed),
            )
        )
    by_vector: dict[str, list[str]] = defaultdict(list)
    for p, (_score, vector) in v.vectors.items():
        by_vector[vector].append(p)
    scores = tuple(m.Score(vec, tuple(sorted(p))) for vec, p in sorted(by_vector.items()))
    threats = [
        m.Threat(m.ThreatCategory.IMPACT, text, tuple(sorted(set(p))))
        for text, p in v.impacts.items()
    ]
    if v.kev:
        threats.append(
            m.Threat(
                m.ThreatCategory.EXPLOIT_STATUS,
                _(
                    "Listed in the CISA Known Exploited Vulnerabilities catalog since "
                    "%(date)s: attackers are known to exploit it."
                )
                % {"date": v.kev},
                tuple(s.product_id for s in statuses),
                date=as_datetime(v.kev),
            )
        )
    refs = list(dict.fromkeys(i.references))[:10]
    if cve:
        refs.insert(0, f"https://nvd.nist.gov/vuln/detail/{cve}")
    notes = []
    if i.description:
        notes.append(m.Note(m.NoteCategory.DESCRIPTION, i.description, title=_("Description")))
    return m.AdvisoryVulnerability(
        statuses=statuses,
        cve=cve,
        ids=ids,
        title=i.title or name,
        cwe=cwe(i.cwes),
        notes=tuple(notes),
        remediations=tuple(remediations),
        scores=scores,
        threats=tuple(threats),
        references=tuple(m.Reference(u, u) for u in dict.fromkeys(refs)),
        release_date=i.published,
        discovery_date=min((at for _, at in reports), default=None),
        acknowledgments=_credits(reports),
    )


def _credits(reports: Sequence[tuple[str | None, datetime]]) -> tuple[m.Acknowledgment, ...]:
    names = tuple(dict.fromkeys(credit for credit, _ in reports if credit))
    return (m.Acknowledgment(names, CREDIT_SUMMARY),) if names else ()


CLINICIANS = "clinicians and biomedical engineers"  # the audience of the note on patient care


def document_notes(
    maker: str,
    product: str,
    releases: Sequence[Release],
    vulns: Sequence[m.AdvisoryVulnerability],
    clinician_note: str | None,
    release_pids: set[str],
    lang: str = "en",
) -> tuple[m.Note, ...]:
    """The summary (facts counted in plain words) and the note on patient care, only as a
    person wrote it: without one the advisory is incomplete and cannot be published."""
    _ = gettext_for(lang, "advisories")
    words = {
        S.AFFECTED: _("%(n)s need action"),
        S.NOT_AFFECTED: _("%(n)s not affected"),
        S.FIXED: _("%(n)s fixed"),
        S.UNDER_INVESTIGATION: _("%(n)s still being assessed"),
    }
    counts: dict[S, int] = defaultdict(int)
    for v in vulns:
        for s in v.statuses:
            if s.product_id in release_pids:
                counts[s.status] += 1
    said = ", ".join(words[k] % {"n": counts[k]} for k in words if counts[k])
    summary = _(
        "%(maker)s states the status of %(count)s vulnerabilities for %(product)s releases "
        "%(versions)s (release statements: %(said)s)."
    ) % {
        "maker": maker,
        "count": len(vulns),
        "product": product,
        "versions": ", ".join(r.version for r in releases),
        "said": said,
    }
    notes = [m.Note(m.NoteCategory.SUMMARY, summary, title=_("Summary"))]
    if clinician_note:
        notes.append(
            m.Note(
                m.NoteCategory.GENERAL,
                clinician_note,
                title=_("What this means for patient care"),
                audience=CLINICIANS,
            )
        )
    return tuple(notes)
