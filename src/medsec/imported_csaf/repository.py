"""Every SELECT of imported CSAF documents and of what their products are compared with."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.models import (
    Component,
    ImportedCsaf,
    ImportedCsafMapping,
    ImportedCsafProduct,
    ImportedCsafStatement,
    ImportedCsafVulnerability,
    Manufacturer,
    Product,
    Release,
    Sbom,
    VulnAlias,
)


def versions_of(session: Session, namespace: str, tracking_id: str) -> list[ImportedCsaf]:
    """Every stored version of one document (identity: publisher namespace, tracking id)."""
    stmt = select(ImportedCsaf).where(
        ImportedCsaf.publisher_namespace == namespace, ImportedCsaf.tracking_id == tracking_id
    )
    return list(session.execute(stmt.order_by(ImportedCsaf.id)).scalars())


def documents(session: Session, *, current_only: bool = True) -> list[ImportedCsaf]:
    """Imported documents by tracking id (the current version of each unless asked otherwise)."""
    stmt = select(ImportedCsaf).order_by(ImportedCsaf.tracking_id, ImportedCsaf.id)
    if current_only:
        stmt = stmt.where(ImportedCsaf.is_current.is_(True))
    return list(session.execute(stmt).scalars())


def by_tracking_id(session: Session, tracking_id: str) -> list[ImportedCsaf]:
    """Every stored version of documents with this tracking id (any publisher), newest id last."""
    stmt = select(ImportedCsaf).where(ImportedCsaf.tracking_id == tracking_id)
    return list(session.execute(stmt.order_by(ImportedCsaf.id)).scalars())


def products_of(session: Session, document_id: int) -> list[ImportedCsafProduct]:
    """The CSAF products of one document."""
    stmt = select(ImportedCsafProduct).where(ImportedCsafProduct.document_id == document_id)
    return list(session.execute(stmt.order_by(ImportedCsafProduct.id)).scalars())


def mappings_of(session: Session, product_row_ids: Sequence[int]) -> list[ImportedCsafMapping]:
    """The mappings of these CSAF product rows."""
    out: list[ImportedCsafMapping] = []
    for part in chunks(list(product_row_ids)):
        stmt = select(ImportedCsafMapping).where(ImportedCsafMapping.product_row.in_(part))
        out += session.execute(stmt.order_by(ImportedCsafMapping.id)).scalars()
    return out


def vulnerabilities_of(session: Session, document_id: int) -> list[ImportedCsafVulnerability]:
    """The vulnerabilities of one document in document order."""
    stmt = select(ImportedCsafVulnerability).where(
        ImportedCsafVulnerability.document_id == document_id
    )
    return list(session.execute(stmt.order_by(ImportedCsafVulnerability.ordinal)).scalars())


def statements_of(session: Session, vuln_row_ids: Sequence[int]) -> list[ImportedCsafStatement]:
    """The statements of these vulnerability rows."""
    out: list[ImportedCsafStatement] = []
    for part in chunks(list(vuln_row_ids)):
        stmt = select(ImportedCsafStatement).where(ImportedCsafStatement.vuln_row.in_(part))
        out += session.execute(stmt.order_by(ImportedCsafStatement.id)).scalars()
    return out


def known_products(session: Session) -> list[tuple[Product, str]]:
    """Every product with its manufacturer's name."""
    stmt = select(Product, Manufacturer.name).join(
        Manufacturer, Manufacturer.id == Product.manufacturer_id
    )
    return [(p, m) for p, m in session.execute(stmt.order_by(Product.id))]


def releases_with_primary_cpe(session: Session) -> list[tuple[Release, str | None]]:
    """Every release with the CPE of its current SBOM's described (primary) component, if any."""
    stmt = select(Release, Sbom.primary).outerjoin(
        Sbom, (Sbom.release_id == Release.id) & Sbom.is_current.is_(True)
    )
    return [(r, _cpe(primary)) for r, primary in session.execute(stmt.order_by(Release.id))]


def _cpe(primary: object) -> str | None:
    cpe = primary.get("cpe") if isinstance(primary, dict) else None
    return cpe if isinstance(cpe, str) else None


def current_components(
    session: Session, pkg_keys: Sequence[tuple[str, str]], cpe_keys: Sequence[str]
) -> list[tuple[Component, int, int]]:
    """Components of current SBOMs sharing a package or CPE key, with release and product id."""
    base = (
        select(Component, Release.id, Release.product_id)
        .join(Sbom, Sbom.id == Component.sbom_id)
        .join(Release, Release.id == Sbom.release_id)
        .where(Sbom.is_current.is_(True))
    )
    rows: dict[int, tuple[Component, int, int]] = {}
    wanted = set(pkg_keys)
    names = sorted({name for _, name in wanted})
    for part in chunks(names):
        stmt = base.where(Component.pkg_name.in_(part))
        for comp, rid, pid in session.execute(stmt):
            if (comp.pkg_space, comp.pkg_name) in wanted:
                rows[comp.id] = (comp, rid, pid)
    for part in chunks(sorted(cpe_keys)):
        for comp, rid, pid in session.execute(base.where(Component.cpe_key.in_(part))):
            rows[comp.id] = (comp, rid, pid)
    return [rows[k] for k in sorted(rows)]


def vulnerability_ids_for(session: Session, aliases: Sequence[str]) -> dict[str, int]:
    """medsec vulnerability group id per known alias (CVE, GHSA, ...)."""
    out: dict[str, int] = {}
    for part in chunks(sorted(set(aliases))):
        stmt = select(VulnAlias.alias, VulnAlias.vulnerability_id).where(VulnAlias.alias.in_(part))
        out.update({a: v for a, v in session.execute(stmt)})  # noqa: C416 (Result has keys())
    return out


def mappings_for_product(
    session: Session, product_id: int, release_id: int | None
) -> list[tuple[ImportedCsafMapping, ImportedCsafProduct, ImportedCsaf]]:
    """Mappings onto a product (or one release of it) in current documents."""
    stmt = (
        select(ImportedCsafMapping, ImportedCsafProduct, ImportedCsaf)
        .join(ImportedCsafProduct, ImportedCsafProduct.id == ImportedCsafMapping.product_row)
        .join(ImportedCsaf, ImportedCsaf.id == ImportedCsafProduct.document_id)
        .where(ImportedCsafMapping.product_id == product_id, ImportedCsaf.is_current.is_(True))
    )
    if release_id is not None:
        stmt = stmt.where(
            (ImportedCsafMapping.release_id == release_id)
            | ImportedCsafMapping.release_id.is_(None)
        )
    return [tuple(r) for r in session.execute(stmt.order_by(ImportedCsafMapping.id))]  # type: ignore[misc]


def statements_for_products(
    session: Session, product_row_ids: Sequence[int]
) -> list[tuple[ImportedCsafStatement, ImportedCsafVulnerability]]:
    """Statements about these CSAF product rows, with their vulnerability."""
    out: list[tuple[ImportedCsafStatement, ImportedCsafVulnerability]] = []
    for part in chunks(sorted(set(product_row_ids))):
        stmt = (
            select(ImportedCsafStatement, ImportedCsafVulnerability)
            .join(
                ImportedCsafVulnerability,
                ImportedCsafVulnerability.id == ImportedCsafStatement.vuln_row,
            )
            .where(ImportedCsafStatement.product_row.in_(part))
        )
        out += [(s, v) for s, v in session.execute(stmt.order_by(ImportedCsafStatement.id))]
    return out


def components_by_id(session: Session, ids: Sequence[int]) -> dict[int, Component]:
    """Components by id."""
    out: dict[int, Component] = {}
    for part in chunks(sorted(set(ids))):
        out.update(
            {
                c.id: c
                for c in session.execute(select(Component).where(Component.id.in_(part))).scalars()
            }
        )
    return out


def releases_by_id(session: Session, ids: Sequence[int]) -> dict[int, Release]:
    """Releases by id."""
    out: dict[int, Release] = {}
    for part in chunks(sorted(set(ids))):
        out.update(
            {
                r.id: r
                for r in session.execute(select(Release).where(Release.id.in_(part))).scalars()
            }
        )
    return out


def product_counts(session: Session, document_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(products, mapped products) per document."""
    out: dict[int, tuple[int, int]] = {}
    mapped = func.sum(case((ImportedCsafProduct.mapped.is_(True), 1), else_=0))
    for part in chunks(sorted(set(document_ids))):
        stmt = (
            select(ImportedCsafProduct.document_id, func.count(), mapped)
            .where(ImportedCsafProduct.document_id.in_(part))
            .group_by(ImportedCsafProduct.document_id)
        )
        out.update({d: (int(n), int(m or 0)) for d, n, m in session.execute(stmt)})
    return out


def delete_mappings(session: Session, product_row_ids: Sequence[int]) -> None:
    """Drop the mappings of these CSAF product rows (before mapping them again)."""
    for part in chunks(sorted(set(product_row_ids))):
        session.execute(
            delete(ImportedCsafMapping).where(ImportedCsafMapping.product_row.in_(part))
        )


def named_products(session: Session) -> list[tuple[ImportedCsafProduct, ImportedCsaf]]:
    """Products of current documents that name a vendor and a product and map to no medsec
    release (those that do are read through the release)."""
    stmt = (
        select(ImportedCsafProduct, ImportedCsaf)
        .join(ImportedCsaf, ImportedCsaf.id == ImportedCsafProduct.document_id)
        .where(
            ImportedCsaf.is_current.is_(True),
            ImportedCsafProduct.vendor.is_not(None),
            ImportedCsafProduct.product_name.is_not(None),
            ImportedCsafProduct.mapped.is_(False),
        )
        .order_by(ImportedCsaf.tracking_id, ImportedCsafProduct.id)
    )
    return [(p, d) for p, d in session.execute(stmt)]
