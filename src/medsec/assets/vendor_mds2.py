"""Vendor MDS2 statements the hospital files against the releases it runs (seed 6.5.2 a): read
from the vendor's XLSX into structured answers, stored, shown with the release's assets."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from sqlalchemy.orm import Session

from medsec.assets import repository as repo
from medsec.assets import rules
from medsec.assets import service as inventory
from medsec.assets.schemas import VendorMds2Read
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound
from medsec.mds2 import service as mds2
from medsec.mds2.questions import by_id
from medsec.models import Release, VendorMds2
from medsec.products import service as products

# what a hospital reads first: exposure, patchability, compensating-control hints, SBOM
HIGHLIGHTS = (
    "CONN-4", "CONN-6", "RMOT-1", "TXCF-2", "CSUP-7", "CSUP-8", "RDMP-3", "MLDP-2", "MLDP-3",
    "SGUD-4", "SBOM-1",
)  # fmt: skip


def _release(session: Session, product: str, release: str, products_seen: Sequence[str]) -> Release:
    if products_seen and product not in products_seen:
        raise NotFound(f"no product named {product!r} (see `medsec product list`)")
    return products.get_release(session, product=product, version=release)


def file_statement(
    session: Session, *, data: bytes, source: str, product: str, release: str, actor: str
) -> VendorMds2Read:
    """Read a vendor's MDS2 XLSX and file its answers against a release (nothing on error)."""
    account = inventory.writer(session, actor)
    rel = _release(session, product, release, account.products)
    read = mds2.read_statement(data, source=source)
    row = VendorMds2(
        release_id=rel.id,
        source_name=source,
        sha256=hashlib.sha256(data).hexdigest(),
        answers=[a.model_dump(mode="json") for a in read.answers],
        unknown=[u.model_dump(mode="json") for u in read.unknown],
        warnings=read.warnings,
        filed_by=actor,
        filed_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.vendor_mds2.file",
        object_type="vendor_mds2",
        object_id=row.id,
        details={
            "product": product,
            "release": release,
            "source": source,
            "answers": len(read.answers),
            "unknown": len(read.unknown),
        },
    )
    return _read(row, product, release)


def _read(row: VendorMds2, product: str, release: str) -> VendorMds2Read:
    table = by_id()
    answers = {str(a["id"]): a for a in row.answers}
    counts = Counter(
        str(a["answer"]) if a["answer"] in ("Yes", "No", "N/A") else "other" for a in row.answers
    )
    return VendorMds2Read(
        id=row.id,
        product=product,
        release=release,
        target=rules.release_key(row.release_id),
        source=row.source_name,
        sha256=row.sha256,
        filed_by=row.filed_by,
        filed_at=row.filed_at,
        counts=dict(counts),
        highlights=[
            {
                "id": qid,
                "question": table[qid].text,
                "answer": str(answers[qid]["answer"]),
                "note": str(answers[qid]["note"]),
            }
            for qid in HIGHLIGHTS
            if qid in answers
        ],
        answers=list(row.answers),
        unknown=list(row.unknown),
        warnings=list(row.warnings),
    )


def list_statements(
    session: Session, *, actor: str, product: str | None = None, release: str | None = None
) -> list[VendorMds2Read]:
    """The vendor MDS2 statements filed, newest first (of one product or release)."""
    account = inventory.reader(session, actor)
    release_ids: list[int] | None = None
    if product is not None:
        prod = products.get_product(session, product)
        if account.products and prod.name not in account.products:
            raise NotFound(f"no product named {product!r} (see `medsec product list`)")
        rels = products.list_releases(session, product=prod.name)
        release_ids = [r.id for r in rels if release is None or r.version == release]
        if release is not None and not release_ids:
            raise NotFound(f"product {product!r} has no release {release!r}")
    out = []
    for row in repo.vendor_mds2(session, release_ids):
        rel = products.release_by_id(session, row.release_id)
        prod_name = _product_name(session, rel)
        if account.products and prod_name not in account.products:
            continue
        out.append(_read(row, prod_name, rel.version))
    return out


def _product_name(session: Session, rel: Release) -> str:
    return next(p.name for p in products.list_products(session) if p.id == rel.product_id)


def for_target(session: Session, *, target: str | None, actor: str) -> list[VendorMds2Read]:
    """The statements filed against the release an asset maps to (its page shows them)."""
    if target is None or not target.startswith("release:"):
        return []
    release_id = int(target.split(":", 1)[1])
    rows = repo.vendor_mds2(session, [release_id])
    if not rows:
        return []
    rel = products.release_by_id(session, release_id)
    name = _product_name(session, rel)
    account = inventory.reader(session, actor)
    if account.products and name not in account.products:
        return []
    return [_read(r, name, rel.version) for r in rows]


def file_for_asset(
    session: Session, *, tag: str, data: bytes, source: str, actor: str
) -> VendorMds2Read:
    """File a vendor's MDS2 against the release a device runs (the device must be matched to a
    release first)."""
    asset = inventory.get_asset(session, tag=tag, actor=actor)
    if asset.target is None or not asset.target.startswith("release:"):
        raise InvalidInput(
            f"{tag}: match the device to a release first; the vendor's MDS2 is filed per release"
        )
    rel = products.release_by_id(session, int(asset.target.split(":", 1)[1]))
    return file_statement(
        session,
        data=data,
        source=source,
        product=_product_name(session, rel),
        release=rel.version,
        actor=actor,
    )
