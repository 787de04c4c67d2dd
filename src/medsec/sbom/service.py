"""Use cases of the SBOM inventory: import, read, check, diff, export, support info."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.gcpause import paused_gc
from medsec.db import bulk
from medsec.errors import InvalidInput, NotFound
from medsec.ingest.sbom import parse_sbom
from medsec.ingest.sbom_model import SUPPORT_LEVELS, ParsedSbom, ParseWarning
from medsec.models import Component, Release, Sbom
from medsec.products import service as products
from medsec.sbom import convert
from medsec.sbom import repository as repo

MAX_OFFSET = 2**31 - 1  # beyond, the database driver overflows (was a 500)
_BACKGROUND_BYTES = 1 << 20  # documents from 1 MB up are compressed beside the parse


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an SBOM import stored and what it had to create."""

    sbom: Sbom
    release: Release
    product_name: str
    created_product: bool
    created_release: bool
    replaced_revision: int | None
    carried_support: int
    warnings: tuple[ParseWarning, ...] = field(default=())


def import_sbom(
    session: Session,
    *,
    data: bytes,
    source_name: str,
    product: str,
    version: str,
    actor: str,
    manufacturer: str | None = None,
    max_bytes: int = 64 * 1024 * 1024,
    lenient: bool = False,
) -> ImportResult:
    """Parse, validate and store an SBOM as the new current revision of a release.

    ``lenient`` imports documents whose purls, CPEs or hashes are invalid: those values are
    dropped (kept as ``medsec:invalid-*`` properties) and reported as warnings.
    """
    with paused_gc():
        original = _compressor(data, max_bytes)
        parsed = parse_sbom(data, source=source_name, max_bytes=max_bytes, strict=not lenient)
        return _store(
            session,
            data=data,
            original=original,
            parsed=parsed,
            source_name=source_name,
            product=product,
            version=version,
            manufacturer=manufacturer,
            actor=actor,
        )


def _compressor(data: bytes, max_bytes: int) -> Callable[[], bytes]:
    """The zlib of the original bytes, to be called for; a large document (not one the size
    limit refuses) is compressed in a thread while it is parsed (zlib releases the GIL)."""
    if not _BACKGROUND_BYTES <= len(data) <= max_bytes:
        return partial(zlib.compress, data, 3)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sbom-zlib")
    future = pool.submit(zlib.compress, data, 3)
    pool.shutdown(wait=False)  # the thread ends with its one task
    return future.result


def _store(
    session: Session,
    *,
    data: bytes,
    original: Callable[[], bytes],
    parsed: ParsedSbom,
    source_name: str,
    product: str,
    version: str,
    manufacturer: str | None,
    actor: str,
) -> ImportResult:
    ensured = products.ensure_release(
        session, product=product, version=version, manufacturer=manufacturer, actor=actor
    )
    release = ensured.release
    previous = repo.current_sbom(session, release.id)
    manual = (
        {convert.identity(c): c for c in repo.manual_support_of(session, previous.id)}
        if previous
        else {}
    )
    repo.retire_current(session, release.id)
    sbom = Sbom(
        release_id=release.id,
        revision=repo.last_revision_number(session, release.id) + 1,
        is_current=True,
        format=parsed.format,
        spec_version=parsed.spec_version,
        encoding=parsed.encoding,
        serial_number=parsed.serial_number,
        document_version=parsed.document_version,
        document_name=parsed.name,
        document_created=parsed.created,
        authors=list(parsed.authors),
        tools=list(parsed.tools),
        primary=convert.primary_to_json(parsed.primary),
        source_name=source_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        original=original(),
        component_count=len(parsed.components),
        warnings=[{"location": w.location, "message": w.message} for w in parsed.warnings],
        # dict.fromkeys keeps the (mostly sorted) document order: sorting it is ~10x cheaper
        dependencies=sorted(dict.fromkeys(parsed.dependencies)),
        imported_by=actor,
    )
    session.add(sbom)
    session.flush()
    carried = _store_components(session, sbom.id, parsed, manual)
    audit.record(
        session,
        actor=actor,
        action="sbom.import",
        object_type="sbom",
        object_id=sbom.id,
        product_id=ensured.product.id,
        details={
            "release": version,
            "revision": sbom.revision,
            "source": source_name,
            "sha256": sbom.sha256,
            "components": sbom.component_count,
            "format": f"{parsed.format} {parsed.spec_version} {parsed.encoding}",
        },
    )
    return ImportResult(
        sbom=sbom,
        release=release,
        product_name=ensured.product.name,
        created_product=ensured.created_product,
        created_release=ensured.created_release,
        replaced_revision=previous.revision if previous else None,
        carried_support=carried,
        warnings=parsed.warnings,
    )


def _store_components(
    session: Session,
    sbom_id: int,
    parsed: ParsedSbom,
    manual: dict[tuple[str | None, ...], Component],
) -> int:
    carried = 0
    rows = []
    for comp in parsed.components:
        prior = manual.get(convert.identity(comp)) if manual else None
        carried += prior is not None
        rows.append(convert.component_row(sbom_id, comp, prior))
    columns, rows = convert.drop_null_columns(convert.COMPONENT_COLUMNS, rows)
    bulk.insert_rows(session, Component.__table__, columns, rows)
    return carried


def get_sbom(session: Session, *, product: str, version: str, revision: int | None = None) -> Sbom:
    """The current (or a given) SBOM revision of a release; NotFound otherwise."""
    release = products.get_release(session, product=product, version=version)
    sbom = (
        repo.current_sbom(session, release.id)
        if revision is None
        else repo.sbom_revision(session, release.id, revision)
    )
    if sbom is None:
        which = "an SBOM" if revision is None else f"SBOM revision {revision}"
        raise NotFound(f"release {version!r} of {product!r} has no {which}")
    return sbom


def list_revisions(session: Session, *, product: str, version: str) -> list[Sbom]:
    """Every SBOM revision of a release."""
    release = products.get_release(session, product=product, version=version)
    return repo.revisions(session, release.id)


def components(session: Session, sbom: Sbom) -> list[Component]:
    """The stored components of one SBOM revision."""
    return repo.components_of(session, sbom.id)


def load_parsed(session: Session, sbom: Sbom) -> ParsedSbom:
    """A stored SBOM revision as the DTO used by checks, diffs and exports."""
    return convert.to_parsed(
        sbom, repo.components_of(session, sbom.id), [(a, b) for a, b in sbom.dependencies]
    )


def record_export(
    session: Session, *, sbom: Sbom, product: str, version: str, form: str, actor: str
) -> None:
    """Audit an export of a release's SBOM (confidential material leaving the system)."""
    audit.record(
        session,
        actor=actor,
        action="sbom.export",
        object_type="sbom",
        object_id=sbom.id,
        product_id=products.get_product(session, product).id,
        details={"product": product, "version": version, "format": form},
    )


def original_document(sbom: Sbom) -> bytes:
    """The original bytes of an imported SBOM."""
    return zlib.decompress(sbom.original)


def set_support(
    session: Session,
    *,
    product: str,
    version: str,
    component: str,
    level: str | None,
    end_of_support: date | None,
    note: str | None,
    actor: str,
) -> list[Component]:
    """Set level of support and/or end-of-support for the matching components of a release."""
    if level is None and end_of_support is None:
        raise InvalidInput("give a level of support, an end-of-support date, or both")
    if level is not None and level not in SUPPORT_LEVELS:
        raise InvalidInput(
            f"unknown level of support {level!r}; one of: {', '.join(SUPPORT_LEVELS)}"
        )
    sbom = get_sbom(session, product=product, version=version)
    product_id = products.get_product(session, product).id
    matched = [c for c in repo.components_of(session, sbom.id) if _selects(component, c)]
    if not matched:
        raise NotFound(f"no component {component!r} in release {version!r} of {product!r}")
    for c in matched:
        before = {"level": c.support_level, "end_of_support": _iso(c.end_of_support)}
        if level is not None:
            c.support_level = level
        if end_of_support is not None:
            c.end_of_support = end_of_support
        c.support_source = "manual"
        c.support_note = note
        audit.record(
            session,
            actor=actor,
            action="component.support.set",
            object_type="component",
            object_id=c.id,
            product_id=product_id,
            details={
                "product": product,
                "release": version,
                "component": c.ref,
                "before": before,
                "after": {"level": c.support_level, "end_of_support": _iso(c.end_of_support)},
                "note": note,
            },
        )
    session.flush()
    return matched


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _selects(selector: str, c: Component) -> bool:
    if selector in (c.ref, c.purl):
        return True
    name, _, ver = selector.partition("@")
    full = f"{c.group}/{c.name}" if c.group else c.name
    return name in (c.name, full) and (not ver or ver == c.version)


def current_of(session: Session, release_id: int) -> Sbom | None:
    """The current SBOM revision of a release, or None when it has none."""
    return repo.current_sbom(session, release_id)


def components_page(
    session: Session, *, product: str, version: str, offset: int, limit: int
) -> tuple[Sbom, int, list[Component]]:
    """One page of the current SBOM's components (document order) and how many there are."""
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"offset: must be 0 to {MAX_OFFSET}")
    sbom = get_sbom(session, product=product, version=version)
    return sbom, sbom.component_count, repo.components_slice(session, sbom.id, offset, limit)
