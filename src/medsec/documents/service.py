"""Use cases of generated documents: build (facts -> sections -> HTML -> PDF, stored as an
immutable revision with the SHA-256 of its inputs and of its bytes), list, read, download
(audited; confidential per product like SBOMs) and diff. Flush, never commit."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.documents import content, facts, render, rules
from medsec.documents import repository as repo
from medsec.documents.schemas import (
    BuildRequest,
    DiffRead,
    DocumentContent,
    RevisionRead,
    SectionDiffRead,
)
from medsec.documents.sections import SECTIONS
from medsec.errors import Hidden, NotFound
from medsec.jurisdictions import profiles as jurisdictions
from medsec.jurisdictions import rules as jurisdiction_rules
from medsec.models import DocumentRevision, Product
from medsec.products import service as products

LIMIT = 1000


def _hide(product: str) -> Hidden:
    return Hidden(f"no product named {product!r} (see `medsec product list`)", reason="documents")


def _may_read(session: Session, actor: str, product: str, rule: str) -> None:
    accounts.require_read(session, actor, rule=rule)
    account = accounts.get(session, accounts.account_name(actor))
    if account is not None and account.products and product not in account.products:
        raise _hide(product)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _read(row: DocumentRevision, product: str) -> RevisionRead:
    return RevisionRead(
        id=row.id,
        kind=row.kind,
        product=product,
        release=row.release,
        lang=row.lang,
        format=row.format,
        markets=list(row.markets or []),
        inputs_sha256=row.inputs_sha256,
        output_sha256=row.output_sha256,
        size=row.size,
        to_complete=list(row.to_complete or []),
        filename=rules.filename(product, row.release, row.kind, row.lang, row.format),
        created_by=row.created_by,
        created_at=_aware(row.created_at),
    )


def compose(
    session: Session,
    *,
    kind: str,
    product: str,
    release: str,
    lang: str,
    actor: str,
    on: date | None = None,
    sections: list[str] | None = None,
) -> DocumentContent:
    """The content of a document from today's records (no storing; the reader's access checked)."""
    rules.check_request(kind, lang, "html", sections)
    _may_read(session, actor, product, "reading documents")
    f = facts.gather(
        session, product=product, release=release, actor=actor, on=on or utcnow().date()
    )
    return content.build(f, kind=kind, lang=lang, chosen=sections)


@dataclass(frozen=True, slots=True)
class Built:
    """A stored revision and its bytes."""

    revision: RevisionRead
    data: bytes


def _meta(
    kind: str, product: str, release: str, lang: str, markets: list[str]
) -> dict[str, object]:
    return {"kind": kind, "product": product, "release": release, "lang": lang, "markets": markets}


def build(
    session: Session,
    *,
    request: BuildRequest,
    actor: str,
    on: date | None = None,
    sections: list[str] | None = None,
) -> Built:
    """Generate one document and store it as a new immutable revision (analysts)."""
    r = request
    rules.check_request(r.kind, r.lang, r.format, sections)
    accounts.require(session, actor, "analyst", rule="generating documents", product=r.product)
    prod = products.get_product(session, r.product)
    markets = sorted(set(r.markets or prod.markets or []))  # the product's markets by default
    if sections is None:
        sections = market_sections(markets)
    doc = compose(
        session,
        kind=r.kind,
        product=r.product,
        release=r.release,
        lang=r.lang,
        actor=actor,
        on=on,
        sections=sections,
    )
    html = render.to_html(doc, generated=doc.generated_at.date().isoformat())
    data = render.to_pdf(html) if r.format == "pdf" else html.encode()
    inputs = doc.inputs()
    row = DocumentRevision(
        product_id=prod.id,
        release=r.release,
        kind=r.kind,
        lang=r.lang,
        format=r.format,
        markets=markets,
        inputs=inputs,
        inputs_sha256=rules.inputs_digest(
            _meta(r.kind, r.product, r.release, r.lang, markets), inputs
        ),
        output_sha256=hashlib.sha256(data).hexdigest(),
        to_complete=doc.to_complete,
        size=len(data),
        content=data,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="document.build",
        object_type="document_revision",
        object_id=row.id,
        product_id=prod.id,
        details={
            "kind": r.kind,
            "release": r.release,
            "lang": r.lang,
            "format": r.format,
            "inputs_sha256": row.inputs_sha256,
            "output_sha256": row.output_sha256,
        },
    )
    return Built(_read(row, prod.name), data)


def _visible_products(session: Session, actor: str) -> dict[int, str]:
    accounts.require_read(session, actor, rule="reading documents")
    account = accounts.get(session, accounts.account_name(actor))
    allowed = set(account.products) if account is not None and account.products else None
    return {
        p.id: p.name
        for p in products.list_products(session)
        if allowed is None or p.name in allowed
    }


def list_revisions(
    session: Session, *, actor: str, product: str | None = None, kind: str | None = None
) -> list[RevisionRead]:
    """Stored revisions the actor may see, newest first (of one product, optionally one kind)."""
    names = _visible_products(session, actor)
    if product is not None:
        ids = [i for i, n in names.items() if n == product]
        if not ids:
            products.get_product(session, product)  # unknown: NotFound with suggestions
            raise _hide(product)
    else:
        ids = list(names)
    return [_read(r, names[r.product_id]) for r in repo.listing(session, ids, kind, LIMIT)]


def _row(session: Session, revision: int, actor: str) -> tuple[DocumentRevision, Product]:
    missing = NotFound(f"no document revision {revision} (see `medsec docs list`)")
    row = repo.get(session, revision)
    if row is None:
        raise missing
    names = _visible_products(session, actor)
    if row.product_id not in names:
        raise Hidden(str(missing), reason=f"documents: no access to revision {revision}")
    return row, products.get_product(session, names[row.product_id])


def get_revision(session: Session, *, revision: int, actor: str) -> RevisionRead:
    """One revision's record."""
    row, prod = _row(session, revision, actor)
    return _read(row, prod.name)


def download(session: Session, *, revision: int, actor: str) -> Built:
    """One revision's bytes; the download is audited."""
    row, prod = _row(session, revision, actor)
    audit.record(
        session,
        actor=actor,
        action="document.download",
        object_type="document_revision",
        object_id=row.id,
        product_id=prod.id,
        details={"kind": row.kind, "release": row.release, "format": row.format},
    )
    return Built(_read(row, prod.name), bytes(row.content))


def diff(session: Session, *, revision: int, actor: str, against: int | None = None) -> DiffRead:
    """What changed, section by section, between a revision's inputs and a later revision's (or
    the records today when no second revision is named)."""
    base, prod = _row(session, revision, actor)
    if against is None:
        now = compose(
            session,
            kind=base.kind,
            product=prod.name,
            release=base.release,
            lang=base.lang,
            actor=actor,
        ).inputs()
    else:
        now = dict(_row(session, against, actor)[0].inputs)
    parts = rules.section_diff(dict(base.inputs), now)
    return DiffRead(
        base=base.id,
        against=against,
        kind=base.kind,
        product=prod.name,
        release=base.release,
        inputs_changed=any(status != "same" for _, status, _ in parts),
        sections=[SectionDiffRead(section=k, status=s, diff=d) for k, s, d in parts],  # type: ignore[arg-type]
    )


def market_sections(markets: list[str]) -> list[str] | None:
    """The sections the markets' jurisdiction profiles choose (every section of a kind no
    profile lists); None without markets: every section."""
    if not markets:
        return None
    profiles = jurisdictions.for_markets(markets)
    out: list[str] = []
    for kind, known in SECTIONS.items():
        out += jurisdiction_rules.sections(profiles, kind) or [s.id for s in known]
    return out
