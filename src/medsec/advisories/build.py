"""Build the ``export.advisory_model.Advisory`` of a stored advisory from medsec's decisions.

Product tree: manufacturer → product → the selected releases; every component with a finding is
a product of its own and "default_component_of" its release. Per vulnerability: the VEX decision
in force for each component in a release (no decision yet: under_investigation), and for the
release the most urgent of its components (affected > under_investigation > fixed >
not_affected). A release that an update fixes, and where the vulnerability no longer matches, is
fixed. Remediations: updates (vendor_fix with the method of seed Table 2), compensating controls
of the risk records (mitigation), and the decision's action statement otherwise (no_fix_planned
or none_available when the statement says so). Scores: the CVSS in force (device-context
rescoring, else the source vector). Threats: patient-harm severity of the risk record in plain
words, and KEV listing (exploit_status with the date added).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from medsec.advisories import repository as repo
from medsec.advisories.content import (
    Info,
    VulnParts,
    as_datetime,
    document_notes,
    vuln_info,
    vulnerability,
)
from medsec.advisories.schemas import PrimaryIds
from medsec.core import cvss
from medsec.core.i18n import gettext_for
from medsec.core.updates import UpdateMethod
from medsec.core.vex import Justification, VexStatus
from medsec.errors import InvalidInput
from medsec.export import advisory_model as m
from medsec.findings import decisions
from medsec.findings.signals import Signals, signals_for
from medsec.lifecycle import service as lifecycle
from medsec.models import (
    Component,
    Finding,
    Product,
    Release,
    SecurityAdvisory,
    Update,
    VexDecision,
)
from medsec.risk import service as risk_service

S = VexStatus
_URGENCY = {S.AFFECTED: 0, S.UNDER_INVESTIGATION: 1, S.FIXED: 2, S.NOT_AFFECTED: 3}
_CVE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,}$")
_ID_CHARS = re.compile(r"[^A-Za-z0-9._-]+")
_NO_FIX_PLANNED = re.compile(r"\b(no fix (is )?planned|will not (be )?fix(ed)?|won't fix)\b", re.I)
_NONE_AVAILABLE = re.compile(r"\b(no fix (is )?(yet )?available|none available)\b", re.I)
HARM_WORDS = {
    "negligible": "no injury or only inconvenience for the patient",
    "minor": "temporary injury or impairment that does not need medical intervention",
    "serious": "injury or impairment that needs medical intervention",
    "critical": "permanent impairment or life-threatening injury",
    "catastrophic": "death of the patient",
}


@dataclass(frozen=True, slots=True)
class Selection:
    """What a stored advisory covers, read from the database."""

    product: Product
    manufacturer: str
    releases: tuple[Release, ...]
    findings: tuple[Finding, ...]


def pid(text: str) -> str:
    """A product id made from text: runs of other characters become ``-``."""
    return _ID_CHARS.sub("-", text).strip("-") or "x"


def select_data(session: Session, adv: SecurityAdvisory, product: Product, maker: str) -> Selection:
    """The releases and active findings an advisory covers."""
    releases = tuple(repo.releases(session, adv.release_ids))
    found = repo.active_findings(session, [r.id for r in releases], adv.vulnerability_ids)
    return Selection(product, maker, releases, tuple(found))


def _action_category(text: str | None) -> m.RemediationCategory:
    if text and _NO_FIX_PLANNED.search(text):
        return m.RemediationCategory.NO_FIX_PLANNED
    if text and _NONE_AVAILABLE.search(text):
        return m.RemediationCategory.NONE_AVAILABLE
    return m.RemediationCategory.MITIGATION


def _join(texts: Iterable[str | None]) -> str | None:
    kept = list(dict.fromkeys(t.strip() for t in texts if t and t.strip()))
    return " ".join(t if t.endswith(".") else t + "." for t in kept) or None


def _aggregate(release_pid: str, parts: Sequence[m.ProductStatus]) -> m.ProductStatus:
    """The status of a release from the statuses of its components."""
    top = min((p.status for p in parts), key=lambda s: _URGENCY[s])
    same = [p for p in parts if p.status is top]
    if top is S.AFFECTED:
        action = _join(p.action_statement for p in same)
        return m.ProductStatus(
            release_pid, top, action_statement=action, action_category=same[0].action_category
        )
    if top is S.NOT_AFFECTED:
        return m.ProductStatus(
            release_pid,
            top,
            justification=same[0].justification,
            impact_statement=_join(p.impact_statement for p in same),
        )
    return m.ProductStatus(release_pid, top)


def build(
    session: Session,
    sel: Selection,
    *,
    tracking: m.Tracking,
    title: str,
    namespace: str,
    tlp: str | None,
    profile: str,
    clinician_note: str | None,
    lang: str = "en",
) -> m.Advisory:
    """The advisory model of a selection (no I/O besides the reads); its generated sentences
    in ``lang`` (the texts people wrote stay as written)."""
    _ = gettext_for(lang, "advisories")
    findings = list(sel.findings)
    if not findings:
        listed = ", ".join(r.version for r in sel.releases)
        raise InvalidInput(
            f"{sel.product.name} {listed}: no active finding of the selected vulnerabilities "
            "to advise on (see `medsec findings list`)"
        )
    release_pid = {r.id: pid(f"{sel.product.name}-{r.version}") for r in sel.releases}
    comps = repo.components(session, [f.component_id for f in findings if f.component_id])
    in_force = decisions.in_force(session, findings)
    sigs = signals_for(session, findings)
    risks = risk_service.current(session, [f.id for f in findings])
    vids = sorted({f.vulnerability_id for f in findings})
    info = vuln_info(session, vids)
    components: dict[str, m.Component] = {}
    comp_pid: dict[str, str] = {}
    relationships: dict[str, m.Relationship] = {}
    vulns: dict[int, VulnParts] = defaultdict(VulnParts)
    per_release: dict[tuple[int, int], list[m.ProductStatus]] = defaultdict(list)
    for f in findings:
        cid = comp_pid.get(f.component_key)
        if cid is None:
            component = _component(f, comps.get(f.component_id or -1), set(components))
            components[component.product_id] = component
            cid = comp_pid[f.component_key] = component.product_id
        rpid = release_pid[f.release_id]
        rel_pid = f"{rpid}.{cid}"
        relationships.setdefault(rel_pid, m.Relationship(rel_pid, cid, rpid))
        d = in_force.get(f.id)
        st = _status(rel_pid, d)
        v = vulns[f.vulnerability_id]
        v.statuses[rel_pid] = st
        per_release[(f.vulnerability_id, f.release_id)].append(st)
        _signals(v, sigs[f.id], (rel_pid, rpid))
        rec = risks.get(f.id)
        if rec is not None and st.status in (S.AFFECTED, S.UNDER_INVESTIGATION):
            for c in rec.controls:
                v.controls.setdefault(c["name"], []).extend((rel_pid, rpid))
            words = _(HARM_WORDS.get(rec.severity, rec.severity))
            text = _(
                "If exploited, the worst credible harm to a patient is rated %(severity)s: "
                "%(words)s."
            ) % {"severity": _(rec.severity), "words": words}
            text += f" {rec.harm.strip().rstrip('.')}."
            v.impacts.setdefault(text, []).extend((rel_pid, rpid))
    for (vid, rid), parts in per_release.items():
        vulns[vid].statuses[release_pid[rid]] = _aggregate(release_pid[rid], parts)
    _updates(session, sel, findings, release_pid, vulns, _)
    for v in vulns.values():
        for name, pids in v.controls.items():
            v.remediations.append(
                m.Remediation(
                    m.RemediationCategory.MITIGATION,
                    _("Compensating control: %(name)s.") % {"name": name},
                    tuple(sorted(set(pids))),
                )
            )
    reports: dict[int, list[tuple[str | None, datetime]]] = defaultdict(list)
    for vid, credit, at in repo.cvd_reports(session, sel.product.id, vids):
        reports[vid].append((credit, at))
    out = [
        vulnerability(vid, vulns[vid], info.get(vid, Info()), profile, reports.get(vid, ()), lang)
        for vid in vids
    ]
    kept = [v for v in out if v is not None]
    if not kept:
        raise InvalidInput(
            "the advisory covers no vulnerability with a decision to publish "
            "(findings only under investigation cannot go in a security advisory; "
            "use --profile vex)"
        )
    primary = repo.primaries(session, [r.id for r in sel.releases])
    versions = tuple(
        _product_version(release_pid[r.id], r, primary.get(r.id))
        for r in sorted(sel.releases, key=lambda r: r.id)
    )
    return m.Advisory(
        tracking=tracking,
        publisher=m.Publisher(name=sel.manufacturer, namespace=namespace),
        title=title,
        vendors=(m.Vendor(sel.manufacturer, (m.Product(sel.product.name, versions),)),),
        vulnerabilities=tuple(kept),
        components=tuple(components.values()),
        relationships=tuple(relationships.values()),
        notes=document_notes(
            sel.manufacturer,
            sel.product.name,
            sel.releases,
            kept,
            clinician_note,
            set(release_pid.values()),
            lang,
        )
        + lifecycle_notes(session, sel.product.name, sel.releases),
        references=(
            m.Reference(namespace, _("%(maker)s product security") % {"maker": sel.manufacturer}),
        ),
        tlp=m.TlpLabel(tlp) if tlp else None,
        lang=lang,
    )


def lifecycle_notes(
    session: Session, product: str, releases: Sequence[Release]
) -> tuple[m.Note, ...]:
    """The support lifecycle of each release (EOL, EOS, horizon, legacy) as CSAF notes."""
    today = datetime.now(UTC).date()
    return tuple(
        m.Note(m.NoteCategory.OTHER, text, title=title, audience="healthcare providers")
        for title, text in lifecycle.csaf_notes(
            session, product=product, releases=releases, on=today
        )
    )


def _product_version(
    product_id: str, release: Release, primary: PrimaryIds | None
) -> m.ProductVersion:
    """The release with the purl/CPE of its SBOM's primary component, when it names them."""
    purl, cpe = primary or PrimaryIds(None, None)
    return m.ProductVersion(
        product_id,
        release.version,
        purl=purl if purl and purl.startswith("pkg:") else None,
        cpe=cpe if cpe and cpe.startswith("cpe:") else None,
    )


def _component(f: Finding, c: Component | None, taken: set[str]) -> m.Component:
    name = (c.name if c else f.component_key.rpartition("@")[0]) or f.component_key
    version = (c.version if c else f.component_key.rpartition("@")[2]) or "unversioned"
    base = pid(f"C-{name}-{version}")
    cid, n = base, 1
    while cid in taken:
        n += 1
        cid = f"{base}-{n}"
    supplier = c.supplier if c and c.supplier else None
    return m.Component(cid, name, version, supplier, c.purl if c else None, c.cpe if c else None)


def _status(product_id: str, d: VexDecision | None) -> m.ProductStatus:
    if d is None:
        return m.ProductStatus(product_id, S.UNDER_INVESTIGATION)
    status = S(d.status)
    return m.ProductStatus(
        product_id,
        status,
        justification=Justification(d.justification) if d.justification else None,
        impact_statement=d.impact_statement if status is S.NOT_AFFECTED else None,
        action_statement=d.action_statement if status is S.AFFECTED else None,
        action_category=_action_category(d.action_statement),
    )


def _signals(v: VulnParts, sig: Signals, pids: tuple[str, str]) -> None:
    if sig.kev and sig.kev_date:
        v.kev = sig.kev_date
    if not sig.cvss_vector:
        return
    try:
        parsed = cvss.parse(sig.cvss_vector)
    except InvalidInput:
        return
    for p in pids:
        best = v.vectors.get(p)
        if best is None or parsed.overall_score > best[0]:
            v.vectors[p] = (parsed.overall_score, parsed.vector)


def _updates(
    session: Session,
    sel: Selection,
    findings: list[Finding],
    release_pid: dict[int, str],
    vulns: dict[int, VulnParts],
    _: Callable[[str], str],
) -> None:
    by_id = {f.id: f for f in findings}
    matched = {(f.vulnerability_id, f.release_id) for f in findings}
    for upd in repo.updates(session, sel.product.id):
        touched: dict[int, str] = {}
        for item in upd.addressed:
            f = by_id.get(int(item["finding"]))
            if f is not None:
                touched[f.vulnerability_id] = str(item["effect"])
        for vid, effect in touched.items():
            _one_update(upd, vid, effect, vulns[vid], release_pid, matched, sel, _)


def _one_update(
    upd: Update,
    vid: int,
    effect: str,
    v: VulnParts,
    release_pid: dict[int, str],
    matched: set[tuple[int, int]],
    sel: Selection,
    _: Callable[[str], str],
) -> None:
    fixed_in = release_pid.get(upd.release_id) if upd.release_id else None
    if fixed_in is not None and (vid, upd.release_id) not in matched and effect == "fixed":
        v.statuses[fixed_in] = m.ProductStatus(fixed_in, S.FIXED)
    open_pids = sorted(
        p for p, s in v.statuses.items() if s.status in (S.AFFECTED, S.UNDER_INVESTIGATION)
    )
    details = upd.name.strip().rstrip(".") + "."
    if upd.description:
        details += " " + upd.description.strip().rstrip(".") + "."
    if upd.release_id and fixed_in is None:
        version = next((r.version for r in sel.releases if r.id == upd.release_id), None)
        details += " " + (
            _("Shipped in release %(version)s, outside this advisory.") % {"version": version}
            if version
            else _("Shipped in a release outside this advisory.")
        )
    elif upd.release_id is None and upd.planned:
        details += " " + _("Planned for %(date)s.") % {"date": upd.planned.isoformat()}
    category = (
        m.RemediationCategory.VENDOR_FIX if effect == "fixed" else m.RemediationCategory.MITIGATION
    )
    pids = tuple(open_pids) or ((fixed_in,) if fixed_in and fixed_in in v.statuses else ())
    if not pids:
        return
    v.remediations.append(
        m.Remediation(
            category,
            details,
            pids,
            fixed_in=fixed_in if category is m.RemediationCategory.VENDOR_FIX else None,
            update_method=UpdateMethod(upd.method),
            date=as_datetime(upd.created_at),
        )
    )
