"""Use cases of system models: import (medsec's file, Threat Dragon, OTM, pytm), versions,
edit one element, diff, diagram. Flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, replace

import orjson
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.ingest.feed_common import load_structured
from medsec.ingest.sysmodel import FORMAT_KEY, check_model, model_from_dict, model_to_dict
from medsec.ingest.sysmodel import read_system_model as _read_native
from medsec.ingest.sysmodel_model import ELEMENT_TYPES, ImportedThreat, SystemModel
from medsec.ingest.threat_models import read_threat_model
from medsec.models import Product, Release, SystemModelRow
from medsec.products import service as products
from medsec.sysmodel import repository as repo
from medsec.sysmodel import rules
from medsec.sysmodel.schemas import ElementEdit, ModelChangeRead, SystemModelRead

READ_ROLES = ("admin", "reviewer", "analyst", "viewer")


def require_read(session: Session, actor: str, product: str, *, rule: str) -> None:
    """Refuse unless the actor's account holds a role and may see the product."""
    account = accounts.get(session, accounts.account_name(actor))
    if account is None or not set(READ_ROLES) & set(account.roles):
        raise PermissionDenied(f"{rule}: {accounts.account_name(actor)!r} has no role in medsec")
    if account.products and product not in account.products:
        raise PermissionDenied(f"{rule}: {account.name!r} has no access to product {product!r}")


def release_of(session: Session, product: str, release: str) -> tuple[Product, Release]:
    """The product and release named; NotFound otherwise."""
    rel = products.get_release(session, product=product, version=release)
    return products.get_product(session, product), rel


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import stored, and the threats the imported model carried."""

    model: SystemModelRead
    threats: tuple[ImportedThreat, ...]


def parse(data: bytes, *, source: str) -> SystemModel:
    """A medsec model file, or a Threat Dragon / OTM / pytm model (told apart by content)."""
    head = data.lstrip()[:4096]
    if FORMAT_KEY.encode() in head:
        return _read_native(data, source=source)
    return read_threat_model(data, source=source)


def import_model(
    session: Session,
    *,
    product: str,
    release: str,
    data: bytes,
    source: str,
    actor: str,
    note: str | None = None,
) -> ImportOutcome:
    """Store the file's model as the release's new current version (analyst role)."""
    prod, rel = release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="importing a system model", product=prod.name)
    model = parse(data, source=source)
    read = save(
        session, product=prod, release=rel, model=model, actor=actor, note=note, source_name=source
    )
    return ImportOutcome(read, model.threats)


def save(
    session: Session,
    *,
    product: Product,
    release: Release,
    model: SystemModel,
    actor: str,
    note: str | None,
    source_name: str | None = None,
) -> SystemModelRead:
    """Store a checked model as a new current version and audit it."""
    problems = check_model(model)
    if problems:
        where, message = problems[0]
        raise InvalidInput(f"{where}: {message}")
    prior = repo.current(session, release.id)
    if prior is not None:
        prior.is_current = False
        session.flush()
    row = SystemModelRow(
        release_id=release.id,
        version=(prior.version + 1) if prior else 1,
        is_current=True,
        name=model.name,
        document=model_to_dict(model),
        source_format=model.source_format,
        source_name=source_name,
        unmapped=list(model.unmapped),
        note=note,
        created_by=actor,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="model.save",
        object_type="system_model",
        object_id=row.id,
        product_id=product.id,
        details={
            "release": release.version,
            "version": row.version,
            "format": model.source_format,
            "elements": len(model.elements),
            "flows": len(model.flows),
            "note": note,
        },
    )
    return _read(row, product, release)


def _read(row: SystemModelRow, product: Product, release: Release) -> SystemModelRead:
    doc = row.document
    return SystemModelRead(
        product=product.name,
        release=release.version,
        version=row.version,
        is_current=row.is_current,
        name=row.name,
        source_format=row.source_format,
        source_name=row.source_name,
        unmapped=list(row.unmapped or []),
        note=row.note,
        counts={
            "elements": len(doc.get("elements", [])),
            "flows": len(doc.get("flows", [])),
            "boundaries": len(doc.get("boundaries", [])),
            "interfaces": sum(len(e.get("interfaces", [])) for e in doc.get("elements", [])),
        },
        created_by=row.created_by,
        created_at=row.created_at,
        document=doc,
    )


def _row(session: Session, release: Release, version: int | None) -> SystemModelRow:
    row = (
        repo.current(session, release.id)
        if version is None
        else repo.version(session, release.id, version)
    )
    if row is None:
        which = "a system model" if version is None else f"model version {version}"
        raise NotFound(f"release {release.version!r} has no {which} (medsec model import FILE ...)")
    return row


def get(
    session: Session, *, product: str, release: str, actor: str, version: int | None = None
) -> SystemModelRead:
    """The current (or one) version of a release's model."""
    prod, rel = release_of(session, product, release)
    require_read(session, actor, prod.name, rule="reading a system model")
    return _read(_row(session, rel, version), prod, rel)


def model_of(read: SystemModelRead) -> SystemModel:
    """The typed model of a stored version."""
    return model_from_dict(read.document, source=f"{read.product} {read.release}")


def current_model(session: Session, *, release_id: int) -> SystemModel | None:
    """The typed current model of a release (no access check: for other services)."""
    row = repo.current(session, release_id)
    return model_from_dict(row.document, source="stored model") if row else None


def versions(session: Session, *, product: str, release: str, actor: str) -> list[SystemModelRead]:
    """Every version of a release's model, oldest first."""
    prod, rel = release_of(session, product, release)
    require_read(session, actor, prod.name, rule="reading a system model")
    return [_read(r, prod, rel) for r in repo.versions(session, rel.id)]


def diff(
    session: Session,
    *,
    product: str,
    release: str,
    actor: str,
    from_version: int,
    to_version: int | None = None,
    to_release: str | None = None,
) -> list[ModelChangeRead]:
    """Differences between two versions of a release's model (or the current model of
    another release of the product)."""
    prod, rel = release_of(session, product, release)
    require_read(session, actor, prod.name, rule="reading a system model")
    old = model_of(_read(_row(session, rel, from_version), prod, rel))
    if to_release is not None:
        _, other = release_of(session, product, to_release)
        new = model_of(_read(_row(session, other, None), prod, other))
    else:
        new = model_of(_read(_row(session, rel, to_version), prod, rel))
    return [
        ModelChangeRead(kind=c.kind, id=c.id, change=c.change, fields=list(c.fields))
        for c in rules.diff(old, new)
    ]


def edit_element(
    session: Session,
    *,
    product: str,
    release: str,
    element_id: str,
    edit: ElementEdit,
    actor: str,
) -> SystemModelRead:
    """Change one element and store the result as a new version (analyst role)."""
    prod, rel = release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="editing a system model", product=prod.name)
    model = model_of(_read(_row(session, rel, None), prod, rel))
    element = model.element(element_id)
    if element is None:
        raise NotFound(f"the model of {prod.name} {rel.version} has no element {element_id!r}")
    if edit.type is not None and edit.type not in ELEMENT_TYPES:
        raise InvalidInput(
            f"unknown element type {edit.type!r} (one of {', '.join(ELEMENT_TYPES)})"
        )
    zones = {b.id for b in model.boundaries}
    boundary = element.boundary
    if edit.boundary is not None:
        boundary = edit.boundary or None
        if boundary is not None and boundary not in zones:
            raise InvalidInput(f"unknown trust boundary {boundary!r}")
    changed = replace(
        element,
        name=edit.name if edit.name is not None else element.name,
        type=edit.type or element.type,
        boundary=boundary,
        description=edit.description if edit.description is not None else element.description,
    )
    if changed == element:
        raise InvalidInput("nothing to change")
    elements = tuple(changed if e.id == element_id else e for e in model.elements)
    new = replace(model, elements=elements, source_format="medsec", unmapped=())
    return save(
        session,
        product=prod,
        release=rel,
        model=new,
        actor=actor,
        note=edit.note or f"edited element {element_id}",
    )


def export(
    session: Session,
    *,
    product: str,
    release: str,
    actor: str,
    fmt: str = "yaml",
    version: int | None = None,
) -> str:
    """The model's file text (YAML or JSON)."""
    from medsec.ingest.sysmodel import dump_model

    read = get(session, product=product, release=release, actor=actor, version=version)
    return dump_model(model_of(read), fmt)


def diagram_svg(
    session: Session, *, product: str, release: str, actor: str, version: int | None = None
) -> str:
    """The model's data-flow diagram as SVG."""
    from medsec.sysmodel.diagram import render_svg

    read = get(session, product=product, release=release, actor=actor, version=version)
    return render_svg(model_of(read))


def parse_document(text: bytes, *, source: str) -> SystemModel:
    """A model from its file text (JSON or YAML) without storing it."""
    doc = load_structured(text, source=source)
    if not isinstance(doc, dict):
        raise InvalidInput(f"{source}: a system model is a mapping")
    return model_from_dict(doc, source=source)


def document_bytes(read: SystemModelRead) -> bytes:
    """The stored document as JSON bytes."""
    return orjson.dumps(read.document)
