"""Advisory editing use cases: what a draft covers and says (title, TLP, profile, the note for
clinicians, publisher namespace, releases, vulnerabilities), a new draft prefilled from a CVD
case, the CSAF document and customer notice of the *next* revision (previews before publishing)
and the difference between that next revision and the last published one.

What each release's status and remediation say comes from medsec's decisions (VEX triage,
updates, risk controls) and is changed there; the draft is rebuilt from them on every edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.advisories import publish, service
from medsec.advisories.rules import Change, diff
from medsec.advisories.schemas import AdvisoryDraftRead
from medsec.audit import service as audit
from medsec.cvd import service as cvd
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.export.csaf import CsafDocument, to_csaf
from medsec.export.notice import render_notice
from medsec.models import Finding, SecurityAdvisory, SecurityAdvisoryRevision, Vulnerability
from medsec.products import service as products
from medsec.vulns import queries as vuln_queries

NEXT_SUMMARY = "(the summary given when publishing)"
MAX_NOTE = 20_000


@dataclass(frozen=True, slots=True)
class Prefill:
    """A new advisory's fields as read from a CVD case."""

    case: str
    product: str | None
    title: str
    vulnerabilities: tuple[str, ...]


def _writable(session: Session, tracking_id: str, actor: str) -> SecurityAdvisory:
    adv = service.get(session, tracking_id)
    prod, _ = service.product_of(session, adv)
    accounts.require(
        session,
        actor,
        "analyst",
        rule="editing advisories",
        product=prod.name,
        hide_as=service.missing(tracking_id),
    )
    return adv


def release_versions(session: Session, adv: SecurityAdvisory) -> list[str]:
    """The versions of the releases the advisory covers."""
    prod, _ = service.product_of(session, adv)
    chosen = set(adv.release_ids)
    return [r.version for r in products.list_releases(session, product=prod.name) if r.id in chosen]


def vulnerability_names(session: Session, adv: SecurityAdvisory) -> list[str]:
    """The ids of the vulnerabilities the advisory lists (empty: all with findings)."""
    rows = [session.get(Vulnerability, v) for v in adv.vulnerability_ids]
    return [r.key for r in rows if r is not None]


def _vulnerability_ids(names: list[str]) -> list[str]:
    out = []
    for raw in names:
        for part in raw.replace(",", " ").split():
            if part and part not in out:
                out.append(part)
    return out


def edit(
    session: Session,
    *,
    tracking_id: str,
    actor: str,
    title: str | None = None,
    tlp: str | None = None,
    profile: str | None = None,
    clinician_note: str | None = None,
    namespace: str | None = None,
    releases: list[str] | None = None,
    vulnerabilities: list[str] | None = None,
    lang: str | None = None,
) -> SecurityAdvisory:
    """Change what a draft covers and says (analyst); the draft is rebuilt; audited old -> new.

    Everything is checked before anything changes. The profile is fixed once a revision is
    published (a published CSAF document keeps its category)."""
    adv = _writable(session, tracking_id, actor)
    prod, _ = service.product_of(session, adv)
    new: dict[str, Any] = {}
    if title is not None:
        if not title.strip():
            raise InvalidInput("title: an advisory needs a title")
        new["title"] = title.strip()
    if tlp is not None:
        if tlp.upper() not in service.TLPS:
            raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(service.TLPS)}")
        new["tlp"] = tlp.upper()
    if profile is not None:
        if profile not in service.PROFILES:
            raise InvalidInput(f"profile {profile!r} is not one of {', '.join(service.PROFILES)}")
        if service.PROFILES[profile] != adv.profile and service.revisions(session, adv):
            raise Conflict(f"{tracking_id} is published: its profile cannot change")
        new["profile"] = service.PROFILES[profile]
    if clinician_note is not None:
        if len(clinician_note) > MAX_NOTE:
            raise InvalidInput(f"note for clinicians: longer than {MAX_NOTE} characters")
        new["clinician_note"] = clinician_note.strip() or None
    if namespace is not None:
        service.check_namespace(namespace)
        new["namespace"] = namespace.rstrip("/")
    if lang is not None:
        new["lang"] = service.check_language(lang)
    if releases is not None:
        if not releases:
            raise InvalidInput("releases: choose at least one release")
        new["release_ids"] = sorted(
            products.get_release(session, product=prod.name, version=v).id for v in releases
        )
    if vulnerabilities is not None:
        ids = []
        for name in _vulnerability_ids(vulnerabilities):
            vuln = vuln_queries.by_id(session, name)
            if vuln is None:
                raise NotFound(
                    f"vulnerabilities: no vulnerability {name!r} (see `medsec vuln show`)"
                )
            ids.append(vuln.id)
        new["vulnerability_ids"] = sorted(set(ids))
    changed = {k: v for k, v in new.items() if getattr(adv, k) != v}
    before = {k: getattr(adv, k) for k in changed}
    for key, value in changed.items():
        setattr(adv, key, value)
    when = service.now()
    adv.draft = service.preview(session, adv, when=when)
    if changed:
        adv.updated_by, adv.updated_at = actor, when
    session.flush()
    if changed:
        audit.record(
            session,
            actor=actor,
            action="advisory.edit",
            object_type="security_advisory",
            object_id=adv.id,
            product_id=prod.id,
            details={"tracking_id": tracking_id, "before": before, "after": changed},
        )
    return adv


def case_prefill(session: Session, *, case: str, actor: str) -> Prefill:
    """The product, a title and the vulnerabilities of a CVD case, for a new advisory."""
    detail = cvd.case_detail(session, case=case, actor=actor)
    names: list[str] = []
    if detail.case.cve_id:
        names.append(detail.case.cve_id)
    for link in detail.links:
        vid = link.vulnerability_id
        if vid is None and link.finding_id is not None:
            found = session.get(Finding, link.finding_id)
            vid = found.vulnerability_id if found is not None else None
        row = session.get(Vulnerability, vid) if vid is not None else None
        if row is not None and row.key not in names:
            names.append(row.key)
    product = detail.product
    title = f"{product}: {detail.case.title}" if product else detail.case.title
    return Prefill(detail.case.receipt_id, product, title[:500], tuple(names))


def next_document(
    session: Session,
    adv: SecurityAdvisory,
    *,
    status: str = "final",
    summary: str = NEXT_SUMMARY,
    finder_data: bool = True,
) -> CsafDocument:
    """The CSAF document the next revision would be if published now (not stored)."""
    if status not in publish.STATUSES:
        status = "final"
    model = service.model(session, adv, when=service.now(), new=(status, summary))
    if not finder_data:
        model = publish.without_finder(model)
    return to_csaf(model, profile=publish.profile_of(adv))


def next_notice(
    session: Session, adv: SecurityAdvisory, *, contact: str | None, finder_data: bool
) -> str:
    """The customer notice of the next revision (the published notice is ``distribution``'s)."""
    doc = next_document(session, adv, finder_data=finder_data)
    return render_notice(doc, contact=contact or None)


def changes(
    session: Session, adv: SecurityAdvisory, *, finder_data: bool
) -> tuple[SecurityAdvisoryRevision | None, list[Change]]:
    """The last published revision (None if none) and how the next revision differs from it."""
    last = publish.latest(session, adv)
    nxt = next_document(session, adv, finder_data=finder_data)
    if last is None:
        return None, diff({}, nxt)
    old = orjson.loads(last.csaf)
    if not finder_data:
        old["vulnerabilities"] = [
            {k: x for k, x in v.items() if k not in ("acknowledgments", "discovery_date")}
            for v in old.get("vulnerabilities", [])
        ]
    return last, diff(old, nxt)


def draft_view(session: Session, adv: SecurityAdvisory) -> AdvisoryDraftRead:
    """``service.summary`` plus what the editor sets (releases, listed vulnerabilities, note,
    namespace)."""
    return AdvisoryDraftRead.model_validate(
        service.summary(session, adv).model_dump()
        | {
            "releases": release_versions(session, adv),
            "listed_vulnerabilities": vulnerability_names(session, adv),
            "clinician_note": adv.clinician_note,
            "namespace": adv.namespace,
        }
    )


def create(
    session: Session,
    *,
    actor: str,
    product: str | None,
    title: str | None,
    case: str | None = None,
    releases: list[str] | None = None,
    vulnerabilities: list[str] | None = None,
    profile: str = "security-advisory",
    tlp: str = "WHITE",
    clinician_note: str | None = None,
    namespace: str = service.DEFAULT_NAMESPACE,
    tracking_id: str | None = None,
    lang: str = "en",
) -> SecurityAdvisory:
    """``service.create``, with the product, title and vulnerabilities of a CVD case filling
    what is not given."""
    names = _vulnerability_ids(vulnerabilities or [])
    if case:
        filled = case_prefill(session, case=case, actor=actor)
        product = product or filled.product
        title = title or filled.title
        names = names or list(filled.vulnerabilities)
    if not product:
        raise InvalidInput("product: choose the product the advisory is about")
    if tracking_id is not None and tracking_id.strip().lower() in ("new", ""):
        raise InvalidInput(f"tracking id {tracking_id!r} is reserved")
    return service.create(
        session,
        product=product,
        title=title or "",
        actor=actor,
        releases=releases or None,
        vulnerabilities=names,
        profile=profile,
        tlp=tlp,
        clinician_note=clinician_note,
        namespace=namespace,
        tracking_id=tracking_id or None,
        lang=lang,
    )
