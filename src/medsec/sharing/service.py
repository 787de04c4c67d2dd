"""Use cases of information sharing: STIX 2.1 export of incidents (validated against the STIX
schemas and parsed back with ``stix2`` before anything is written), STIX 2.1 import linked to
products and findings, and sharing agreements. Security roles only (``incidents.access``)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson
from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import Conflict, InvalidInput
from medsec.incidents import access, plans, views
from medsec.incidents import service as incidents
from medsec.incidents.schemas import IncidentRead
from medsec.models import SharedImport, SharedObject, SharingAgreement
from medsec.products import service as products
from medsec.sharing import repository, rules, stix_export, stix_import, stix_schema
from medsec.sharing.schemas import (
    AgreementRead,
    BuiltStix,
    ExportRead,
    ImportRead,
    IncidentOut,
    IndicatorOut,
    RemedyOut,
    SharedObjectRead,
)

if TYPE_CHECKING:
    from medsec.findings.schemas import VulnerabilityRead


def _finding_cves(vuln: VulnerabilityRead) -> list[str]:
    ids = [vuln.id, *vuln.aliases]
    return sorted({str(i) for i in ids if str(i).startswith("CVE-")})


def _cves_and_people(
    session: Session, inc: IncidentRead, actor: str
) -> tuple[list[str], list[str], list[RemedyOut]]:
    from medsec.cvd import service as cvd
    from medsec.findings import detail

    cves: set[str] = set()
    people: list[str] = []
    remedies: list[RemedyOut] = []
    for link in inc.links:
        kind, _, key = link.target.partition(":")
        if kind == "finding":
            found = detail.finding_detail(session, int(key))
            ids = _finding_cves(found.vulnerability)
            cves.update(ids)
            action = ((found.vex.action_statement if found.vex else None) or "").strip()
            if action:
                name = f"Mitigation for {', '.join(ids) or found.vulnerability.id}"
                remedies.append(RemedyOut("mitigation", name, action, tuple(ids)))
        elif kind == "cvd":
            case = cvd.get_case(session, case=key, actor=actor)
            if case.cve_id:
                cves.add(case.cve_id)
            people += [case.finder_name or "", case.finder_email or "", case.credit or ""]
    for link in inc.links:
        kind, _, key = link.target.partition(":")
        if kind == "update" and inc.product:
            remedies.extend(_patch(session, inc.product, int(key)))
    return sorted(cves), people, remedies


def _patch(session: Session, product: str, update_id: int) -> list[RemedyOut]:
    from medsec.findings import detail
    from medsec.updates import service as updates

    for upd in updates.list_updates(session, product=product):
        if upd.id != update_id:
            continue
        fixed: set[str] = set()
        for item in upd.addressed or []:
            if item.get("finding") is not None and item.get("effect") == "fixed":
                vuln = detail.finding_detail(session, int(item["finding"])).vulnerability
                fixed.update(_finding_cves(vuln))
        name, text = f"Install {upd.name}", upd.description or ""
        return [RemedyOut("patch", name, text, tuple(sorted(fixed)))]
    return []


def _known(session: Session, inc: IncidentRead, actor: str, extra: list[str]) -> list[str]:
    values = [inc.reporter or "", inc.reporter_org or "", inc.opened_by, *inc.assets, *extra]
    for a in inc.workspace_assets:  # R3: every identifying field of a workspace asset
        values += [a.tag, a.location or "", a.department or "", *a.identifying]
    for e in inc.events:
        values += [e.actor, e.counterpart or ""]
    for ev in inc.evidence:
        values += [ev.source, ev.collected_by, ev.name]
        for c in ev.custody:
            values += [c.actor, c.holder]
    for n in inc.notifications:
        values += [n.sent_by or "", n.reference or ""]
    values += [link.linked_by for link in inc.links]
    for name in plans.list_plans(session, actor=actor):
        plan = plans.detail(session, plan=name, actor=actor)
        values += [m.person for m in plan.team] + [m.contact or "" for m in plan.team]
        values += [c.name for c in plan.contacts] + [c.channel for c in plan.contacts]
    return values


def _outgoing(session: Session, inc: IncidentRead, actor: str) -> IncidentOut:
    cves, people, remedies = _cves_and_people(session, inc, actor)
    return IncidentOut(
        ref=inc.ref,
        product=inc.product,
        releases=tuple(inc.releases),
        detected_at=inc.detected_at,
        share_summary=inc.share_summary,
        tlp=inc.tlp,
        cves=tuple(cves),
        indicators=tuple(IndicatorOut(i.name, i.pattern, i.shareable) for i in inc.indicators),
        known=tuple(_known(session, inc, actor, people)),
        remedies=tuple(remedies),
    )


def build_stix(
    session: Session,
    *,
    organisation: str,
    partner: str,
    actor: str,
    incident: str | None = None,
    since: date | None = None,
    now: datetime | None = None,
) -> BuiltStix:
    """The STIX 2.1 bundle for a partner of one incident or of every incident detected since a
    date (dismissed ones are never shared; those no sharing agreement with the partner allows
    are withheld, and one named incident is refused), validated against the STIX 2.1 schemas
    and parsed back with stix2; with the incidents it holds, its strictest TLP and what was
    withheld and why."""
    at = incidents.now_or(now)
    access.require(session, actor, None, rule="share export")
    if (incident is None) == (since is None):
        raise InvalidInput("share export: give exactly one of --incident ID or --since DATE")
    if not partner.strip():
        raise InvalidInput("share export: name the partner (--partner) the bundle is for")
    if incident is not None:
        refs = [incidents.resolve(session, incident).ref]
    else:
        assert since is not None
        refs = [
            s.ref
            for s in views.list_incidents(session, actor=actor, now=at)
            if s.detected_at.date() >= since
        ]
    reads = [views.detail(session, ref=r, actor=actor, now=at) for r in refs]
    chosen = [r for r in reads if not r.dismissed]
    if not chosen:
        raise InvalidInput("share export: no incident to share (dismissed ones are never shared)")
    terms = [
        rules.Terms(a.partner, a.scope, a.tlp, a.signed_on, a.expires_on)
        for a in repository.agreements(session)
    ]
    withheld: list[str] = []
    allowed = []
    for r in chosen:
        why = rules.refusal(terms, partner=partner, tlp=r.tlp, product=r.product, today=at.date())
        if why is None:
            allowed.append(r)
        else:
            withheld.append(f"{r.ref}: {why}")
    if not allowed:
        raise InvalidInput(f"share export refused: {'; '.join(withheld)}")
    chosen = allowed
    bundle = stix_export.build_bundle(
        [_outgoing(session, r, actor) for r in chosen], organisation=organisation, now=at
    )
    stix_schema.check(bundle, source="the bundle medsec built")
    stix_export.parse_check(bundle)
    tlp = stix_export.strictest([r.tlp for r in chosen])
    audit.record(
        session,
        actor=actor,
        action="share.export",
        object_type="stix_bundle",
        details={
            "incidents": [r.ref for r in chosen],
            "bundle": bundle["id"],
            "tlp": tlp,
            "partner": partner.strip(),
            "withheld": withheld,
        },
    )
    return BuiltStix(bundle, [r.ref for r in chosen], tlp, withheld)


def export_stix(
    session: Session,
    *,
    out: Path,
    organisation: str,
    partner: str,
    actor: str,
    incident: str | None = None,
    since: date | None = None,
    now: datetime | None = None,
) -> ExportRead:
    """Write the bundle of ``build_stix`` to a file (nothing is written when it is refused)."""
    bundle, refs, tlp, withheld = build_stix(
        session,
        organisation=organisation,
        partner=partner,
        actor=actor,
        incident=incident,
        since=since,
        now=now,
    )
    data = orjson.dumps(bundle, option=orjson.OPT_INDENT_2)
    try:
        out.write_bytes(data + b"\n")
    except OSError as exc:
        raise InvalidInput(f"{out}: cannot write ({exc.strerror})") from None
    return ExportRead(
        path=str(out),
        bundle_id=bundle["id"],
        incidents=refs,
        objects=len(bundle["objects"]),
        counts=stix_export.counts(bundle),
        tlp=tlp,
        partner=partner.strip(),
        withheld=withheld,
    )


def _finding_links(session: Session, product: str, cves: tuple[str, ...]) -> list[int]:
    from medsec.findings import listing

    if not cves:
        return []
    wanted = set(cves)
    return [
        f.id
        for f in listing.list_findings(session, product=product, include_resolved=True)
        if wanted & {f.vulnerability.id, *f.vulnerability.aliases}
    ]


def import_stix(
    session: Session, *, data: bytes, source_name: str, actor: str, schemas: Path | None = None
) -> ImportRead:
    """Import a STIX 2.1 bundle from an ISAO: validated (schema, stix2 parser); indicators and
    vulnerabilities kept and linked to the products they name and the findings of their CVEs.
    The same bytes twice is a Conflict."""
    access.require(session, actor, None, rule="share import")
    doc = stix_import.read(data, source=source_name, schemas=schemas)
    if repository.import_by_sha(session, doc.sha256) is not None:
        raise Conflict(f"{source_name}: this document was already imported (same SHA-256)")
    names = [p.name for p in products.list_products(session)]
    row = SharedImport(
        source_name=source_name,
        sha256=doc.sha256,
        bundle_id=doc.bundle_id,
        object_count=len(doc.objects),
        counts=stix_export.counts({"objects": list(doc.objects)}),
        imported_by=actor,
        imported_at=utcnow(),
    )
    session.add(row)
    session.flush()
    for obj in doc.kept:
        named = stix_import.names_products(obj, names)
        scope = named or (names if obj.cves else [])
        findings = sorted({f for p in scope for f in _finding_links(session, p, obj.cves)})
        session.add(
            SharedObject(
                import_id=row.id,
                stix_id=obj.stix_id,
                stix_type=obj.stix_type,
                name=obj.name[:2000],
                description=obj.description[:20_000],
                pattern=obj.pattern,
                cves=list(obj.cves),
                products=named,
                findings=findings,
                raw=obj.raw,
            )
        )
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="share.import",
        object_type="shared_import",
        object_id=row.id,
        details={"source": source_name, "sha256": doc.sha256, "objects": len(doc.objects)},
    )
    return _import_read(session, row)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _import_read(session: Session, row: SharedImport) -> ImportRead:
    return ImportRead(
        id=row.id,
        source_name=row.source_name,
        sha256=row.sha256,
        bundle_id=row.bundle_id,
        object_count=row.object_count,
        counts=dict(row.counts),
        imported_at=_aware(row.imported_at),
        objects=[
            SharedObjectRead(
                stix_id=o.stix_id,
                stix_type=o.stix_type,
                name=o.name,
                pattern=o.pattern,
                cves=list(o.cves),
                products=list(o.products),
                findings=list(o.findings),
            )
            for o in repository.objects_of(session, row.id)
        ],
    )


def list_imports(session: Session, *, actor: str) -> list[ImportRead]:
    """Every STIX import with what it linked (security roles)."""
    access.require(session, actor, None, rule="share imports")
    return [_import_read(session, r) for r in repository.imports(session)]


def add_agreement(
    session: Session,
    *,
    partner: str,
    scope: str,
    tlp: str,
    signed_on: date,
    actor: str,
    expires_on: date | None = None,
) -> AgreementRead:
    """Record a written sharing agreement (seed 6.2.4)."""
    access.require(session, actor, None, rule="share agreement")
    level = tlp.strip().lower()
    if level not in stix_export.TLP_IDS:
        raise InvalidInput(f"tlp {tlp!r} is not one of {', '.join(rules.TLP_ORDER)}")
    if expires_on is not None and expires_on < signed_on:
        raise InvalidInput("expires: before the agreement was signed")
    row = SharingAgreement(
        partner=incidents.text("partner", partner, required=True, limit=300),
        scope=incidents.text("scope", scope, required=True, limit=5000),
        tlp=level,
        signed_on=signed_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="share.agreement",
        object_type="sharing_agreement",
        object_id=row.id,
        details={"partner": row.partner, "tlp": level},
    )
    return _agreement(row)


def _agreement(row: SharingAgreement) -> AgreementRead:
    return AgreementRead(
        id=row.id,
        partner=row.partner,
        scope=row.scope,
        tlp=row.tlp,
        signed_on=row.signed_on,
        expires_on=row.expires_on,
    )


def list_agreements(session: Session, *, actor: str) -> list[AgreementRead]:
    """Every sharing agreement (security roles)."""
    access.require(session, actor, None, rule="share agreements")
    return [_agreement(r) for r in repository.agreements(session)]
