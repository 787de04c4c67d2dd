"""Use cases of advisories: create a draft, list, show, refresh (rebuild from the decisions in
force). Publishing and the exports are in ``publish.py``."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.advisories import build as builder
from medsec.advisories import repository as repo
from medsec.advisories.schemas import AdvisoryRead, AdvisoryVulnerabilityRead, RevisionRead
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.core.i18n import UnknownLanguage, check_lang
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.export import advisory_model as m
from medsec.export.csaf import CsafDocument, Profile, is_uri, to_csaf
from medsec.models import Product, SecurityAdvisory, SecurityAdvisoryRevision
from medsec.products import service as products
from medsec.vulns import queries as vuln_queries

PROFILES = {"security-advisory": "csaf_security_advisory", "vex": "csaf_vex"}
TLPS = ("WHITE", "GREEN", "AMBER", "RED")
DEFAULT_NAMESPACE = "https://psirt.example.com"  # a placeholder: publication refuses it
PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")  # RFC 2606
_PREFIX = re.compile(r"[^A-Z0-9]+")


def aware(value: datetime) -> datetime:
    """A stored datetime with its UTC zone (SQLite returns naive ones)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def now() -> datetime:
    """The current time in whole seconds (CSAF dates carry no fractions medsec relies on)."""
    return utcnow().replace(microsecond=0)


def is_placeholder(url: str) -> bool:
    """True for the default namespace or any other RFC 2606 example domain."""
    host = urlsplit(url).hostname or ""
    return any(host == d or host.endswith("." + d) for d in PLACEHOLDER_DOMAINS)


def not_publishable(adv: SecurityAdvisory) -> list[str]:
    """What must be written before the advisory can be published (empty: nothing)."""
    out = []
    if not adv.clinician_note:
        out.append(
            "the note on patient care is not written (a person writes it: "
            f"medsec advisory edit {adv.tracking_id} --note-file FILE)"
        )
    if is_placeholder(adv.namespace):
        out.append(
            f"the publisher namespace {adv.namespace} is a placeholder; give the PSIRT's real "
            f"address (medsec advisory edit {adv.tracking_id} --namespace https://…)"
        )
    return out


def missing(tracking_id: str) -> str:
    """The not-found message of an advisory (also given for one the caller may not see)."""
    return f"no advisory {tracking_id!r} (see `medsec advisory list`)"


def get(session: Session, tracking_id: str) -> SecurityAdvisory:
    """One advisory by tracking id; NotFound otherwise."""
    adv = repo.advisory_by_tracking_id(session, tracking_id)
    if adv is None:
        raise NotFound(missing(tracking_id))
    return adv


def product_of(session: Session, adv: SecurityAdvisory) -> tuple[Product, str]:
    """The advisory's product and its manufacturer's name."""
    prod = session.get(Product, adv.product_id)
    if prod is None:  # pragma: no cover - the foreign key cascades
        raise NotFound(f"advisory {adv.tracking_id}: its product is gone")
    full = products.find_product(session, prod.name)
    assert full is not None
    return full, full.manufacturer.name


def revisions(session: Session, adv: SecurityAdvisory) -> list[SecurityAdvisoryRevision]:
    """The published revisions of an advisory, oldest first."""
    return repo.revisions(session, [adv.id])


def _tracking_id(session: Session, manufacturer: str, when: datetime) -> str:
    stem = _PREFIX.sub("", manufacturer.upper())[:12] or "MEDSEC"
    prefix = f"{stem}-SA-{when.year}-"
    n = repo.count_for_year_prefix(session, prefix) + 1
    while repo.advisory_by_tracking_id(session, f"{prefix}{n:04d}") is not None:
        n += 1
    return f"{prefix}{n:04d}"


def create(
    session: Session,
    *,
    product: str,
    title: str,
    actor: str,
    releases: list[str] | None = None,
    vulnerabilities: list[str] | None = None,
    profile: str = "security-advisory",
    tlp: str = "WHITE",
    clinician_note: str | None = None,
    namespace: str = DEFAULT_NAMESPACE,
    tracking_id: str | None = None,
    lang: str = "en",
) -> SecurityAdvisory:
    """Create a draft advisory for a product's releases and vulnerabilities (analyst); its
    notes in ``lang`` (en or ja). Without a note on patient care it stays an incomplete draft."""
    prod = products.get_product(session, product)
    accounts.require(session, actor, "analyst", rule="advisories", product=prod.name)
    if profile not in PROFILES:
        raise InvalidInput(f"profile {profile!r} is not one of {', '.join(PROFILES)}")
    if tlp.upper() not in TLPS:
        raise InvalidInput(f"TLP {tlp!r} is not one of {', '.join(TLPS)}")
    if not title.strip():
        raise InvalidInput("an advisory needs a title")
    check_namespace(namespace)
    lang = check_language(lang)
    if releases:
        rel_ids = [products.get_release(session, product=product, version=v).id for v in releases]
    else:
        rel_ids = [r.id for r in products.list_releases(session, product=product)]
    if not rel_ids:
        raise InvalidInput(f"product {product!r} has no release to advise on")
    vids: list[int] = []
    for name in vulnerabilities or []:
        vuln = vuln_queries.by_id(session, name)
        if vuln is None:
            raise NotFound(f"no vulnerability {name!r} (see `medsec vuln show`)")
        vids.append(vuln.id)
    when = now()
    tid = tracking_id or _tracking_id(session, prod.manufacturer.name, when)
    if repo.advisory_by_tracking_id(session, tid) is not None:
        raise Conflict(f"an advisory {tid!r} already exists")
    adv = SecurityAdvisory(
        tracking_id=tid,
        product_id=prod.id,
        profile=PROFILES[profile],
        title=title.strip(),
        tlp=tlp.upper(),
        status="draft",
        version="0",
        namespace=namespace.rstrip("/"),
        release_ids=sorted(rel_ids),
        vulnerability_ids=sorted(set(vids)),
        clinician_note=(clinician_note or "").strip() or None,
        lang=lang,
        draft={},
        created_by=actor,
        created_at=when,
        updated_by=actor,
        updated_at=when,
    )
    adv.draft = preview(session, adv, when=when)
    session.add(adv)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="advisory.create",
        object_type="security_advisory",
        object_id=adv.id,
        product_id=prod.id,
        details={
            "tracking_id": tid,
            "profile": adv.profile,
            "tlp": adv.tlp,
            "lang": lang,
            "incomplete": not_publishable(adv),
            "releases": releases or "all",
            "vulnerabilities": vulnerabilities or "all with findings",
        },
    )
    return adv


def tracking_for(
    adv: SecurityAdvisory,
    revs: list[SecurityAdvisoryRevision],
    *,
    when: datetime,
    new: tuple[str, str] | None = None,
) -> m.Tracking:
    """The tracking block: published revisions (plus ``new`` = (status, summary)), or a draft."""
    history = [m.Revision(r.number, aware(r.date), r.summary) for r in revs]
    status = m.TrackingStatus(adv.status)
    if new is not None:
        history.append(m.Revision(str(len(revs) + 1), when, new[1]))
        status = m.TrackingStatus(new[0])
    if not history:
        history = [m.Revision("0", when, "Draft, not published.")]
    return m.Tracking(
        id=adv.tracking_id,
        status=status,
        version=history[-1].number,
        revisions=tuple(history),
        initial_release_date=history[0].date,
        current_release_date=history[-1].date,
    )


def model(
    session: Session,
    adv: SecurityAdvisory,
    *,
    when: datetime,
    new: tuple[str, str] | None = None,
) -> m.Advisory:
    """The advisory model from the decisions in force now, with its tracking block."""
    prod, maker = product_of(session, adv)
    sel = builder.select_data(session, adv, prod, maker)
    return builder.build(
        session,
        sel,
        tracking=tracking_for(adv, revisions(session, adv), when=when, new=new),
        title=adv.title,
        namespace=adv.namespace,
        tlp=adv.tlp,
        profile=adv.profile,
        clinician_note=adv.clinician_note,
        lang=adv.lang or "en",
    )


def preview(session: Session, adv: SecurityAdvisory, *, when: datetime) -> CsafDocument:
    """The CSAF document the advisory would state now (not validated, not stored as a revision)."""
    profile: Profile = "csaf_vex" if adv.profile == "csaf_vex" else "csaf_security_advisory"
    return to_csaf(model(session, adv, when=when), profile=profile)


def refresh(session: Session, *, tracking_id: str, actor: str) -> SecurityAdvisory:
    """Rebuild the draft from the decisions in force (analyst)."""
    adv = get(session, tracking_id)
    prod, _ = product_of(session, adv)
    accounts.require(
        session,
        actor,
        "analyst",
        rule="advisories",
        product=prod.name,
        hide_as=missing(tracking_id),
    )
    when = now()
    before = adv.draft
    adv.draft = preview(session, adv, when=when)
    adv.updated_by, adv.updated_at = actor, when
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="advisory.refresh",
        object_type="security_advisory",
        object_id=adv.id,
        product_id=prod.id,
        details={"tracking_id": adv.tracking_id, "changed": before != adv.draft},
    )
    return adv


def check_namespace(namespace: str) -> None:
    """Refuse a publisher namespace that is not an http(s) URL."""
    if not namespace.startswith(("https://", "http://")) or not is_uri(namespace):
        raise InvalidInput(f"publisher namespace {namespace!r} must be an http(s) URL")


def check_language(lang: str) -> str:
    """The notes' language, or InvalidInput naming the supported ones."""
    try:
        return check_lang(lang)
    except UnknownLanguage as exc:
        raise InvalidInput(str(exc)) from None


def edit(
    session: Session,
    *,
    tracking_id: str,
    actor: str,
    clinician_note: str | None = None,
    namespace: str | None = None,
    lang: str | None = None,
) -> SecurityAdvisory:
    """Write the note on patient care, the publisher namespace or the notes' language, and
    rebuild the draft (analyst); audited with what changed."""
    adv = get(session, tracking_id)
    prod, _ = product_of(session, adv)
    accounts.require(
        session,
        actor,
        "analyst",
        rule="advisories",
        product=prod.name,
        hide_as=missing(tracking_id),
    )
    changes: dict[str, Any] = {}
    if clinician_note is not None:
        note = clinician_note.strip() or None
        if note != adv.clinician_note:
            changes["clinician_note"] = "written" if note else "removed"
            adv.clinician_note = note
    if namespace is not None:
        check_namespace(namespace)
        if namespace.rstrip("/") != adv.namespace:
            changes["namespace"] = [adv.namespace, namespace.rstrip("/")]
            adv.namespace = namespace.rstrip("/")
    if lang is not None and check_language(lang) != adv.lang:
        changes["lang"] = [adv.lang, lang]
        adv.lang = lang
    if not changes:
        return adv
    when = now()
    adv.draft = preview(session, adv, when=when)
    adv.updated_by, adv.updated_at = actor, when
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="advisory.edit",
        object_type="security_advisory",
        object_id=adv.id,
        product_id=prod.id,
        details={"tracking_id": adv.tracking_id, "changes": changes},
    )
    return adv


def list_advisories(session: Session, *, product: str | None = None) -> list[SecurityAdvisory]:
    """Advisories of one product, or all."""
    ids = [products.get_product(session, product).id] if product else None
    return repo.advisories(session, ids)


def summary(session: Session, adv: SecurityAdvisory) -> AdvisoryRead:
    """What ``show`` prints: the advisory, its revisions and the draft's statuses."""
    prod, maker = product_of(session, adv)
    revs = revisions(session, adv)
    statuses = [
        AdvisoryVulnerabilityRead(
            vulnerability=v.get("cve") or (v.get("ids") or [{}])[0].get("text"),
            status={k: sorted(p) for k, p in v.get("product_status", {}).items()},
        )
        for v in adv.draft.get("vulnerabilities", [])
    ]
    return AdvisoryRead(
        tracking_id=adv.tracking_id,
        title=adv.title,
        product=prod.name,
        manufacturer=maker,
        profile=adv.profile,
        tlp=adv.tlp,
        status=adv.status,
        version=adv.version,
        lang=adv.lang,
        incomplete=not_publishable(adv),
        created=[adv.created_by, aware(adv.created_at).isoformat()],
        updated=[adv.updated_by, aware(adv.updated_at).isoformat()],
        revisions=[
            RevisionRead(
                number=r.number,
                status=r.status,
                date=aware(r.date).isoformat(),
                summary=r.summary,
                sha256=r.sha256,
                published_by=r.published_by,
            )
            for r in revs
        ],
        vulnerabilities=statuses,
    )


def decided_vulnerabilities(session: Session, *, product: str) -> list[str]:
    """The vulnerabilities of a product that have a VEX decision."""
    return repo.decided_vulnerabilities(session, products.get_product(session, product).id)
