"""Use cases of the SBOM inventory: import, read, check, diff, export, support info."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.gcpause import paused_gc
from medsec.db import bulk
from medsec.errors import DocumentError, InvalidInput, NotFound
from medsec.ingest.sbom import parse_sbom
from medsec.ingest.sbom_model import SUPPORT_LEVELS, ParsedComponent, ParsedSbom, ParseWarning
from medsec.models import Component, Release, Sbom
from medsec.products import service as products
from medsec.sbom import convert, rules
from medsec.sbom import repository as repo
from medsec.sbom.schemas import SbomUploadRead

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
    lenient: bool = True,
    strict: bool = False,
    allow_empty: bool = False,
    allow_shrink: bool = False,
    create_product: bool = True,
) -> ImportResult:
    """Parse, validate and store an SBOM as the new current revision of a release.

    By default a component whose purl, CPE or hash is invalid is kept: the bad value is kept
    verbatim as a ``medsec:invalid-*`` property (never used for matching) and reported as a
    warning with its place. ``strict`` (or ``lenient=False``) refuses the document instead.
    Structure errors (not JSON/XML, schema violations) are refused either way. An SBOM with no
    components, or with fewer than half the components of the current revision, is refused
    (DocumentError) unless ``allow_empty`` / ``allow_shrink``; then a warning says so. An unknown
    product is created only with ``create_product`` (the CLI and API default to refusing).
    """
    with paused_gc():
        original = _compressor(data, max_bytes)
        refuse = strict or not lenient
        parsed = parse_sbom(data, source=source_name, max_bytes=max_bytes, strict=refuse)
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
            allow_empty=allow_empty,
            allow_shrink=allow_shrink,
            create_product=create_product,
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
    allow_empty: bool = False,
    allow_shrink: bool = False,
    create_product: bool = True,
) -> ImportResult:
    ensured = products.ensure_release(
        session,
        product=product,
        version=version,
        manufacturer=manufacturer,
        actor=actor,
        allow_new_product=create_product,
    )
    release = ensured.release
    previous = repo.current_sbom(session, release.id)
    count, before = len(parsed.components), previous.component_count if previous else None
    flags = {"allow_empty": allow_empty, "allow_shrink": allow_shrink}
    if refusal := rules.inventory_refusal(count, before, **flags):
        raise DocumentError(refusal, source=source_name, location="components")
    if notice := rules.inventory_notice(count, before, **flags):
        where = "$" if parsed.encoding != "xml" else "/bom"
        parsed = replace(parsed, warnings=(ParseWarning(where, notice), *parsed.warnings))
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
        primary=_stored_primary(parsed.primary),
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


def _stored_primary(c: ParsedComponent | None) -> dict[str, Any] | None:
    primary = convert.primary_to_json(c)
    return primary.model_dump(mode="json") if primary else None


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


EXPORT_FORMATS = ("cyclonedx-json", "spdx-json", "original")


def export_document(session: Session, *, product: str, version: str, fmt: str, actor: str) -> bytes:
    """A release's current SBOM as CycloneDX 1.6 JSON, SPDX 2.3 JSON or the original bytes,
    for an account with access to the product (like every read); the export is audited."""
    from medsec.export.cyclonedx import to_cyclonedx_json
    from medsec.export.spdx import to_spdx_json

    if fmt not in EXPORT_FORMATS:
        raise InvalidInput(f"format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    accounts.require_read(session, actor, rule="exporting an SBOM", product=product)
    release = products.get_release(session, product=product, version=version)
    sbom = get_sbom(session, product=product, version=version)
    if fmt == "original":
        data = original_document(sbom)
    else:
        parsed = load_parsed(session, sbom)
        data = to_cyclonedx_json(parsed) if fmt == "cyclonedx-json" else to_spdx_json(parsed)
    audit.record(
        session,
        actor=actor,
        action="sbom.export",
        object_type="sbom",
        object_id=sbom.id,
        product_id=release.product_id,
        details={"product": product, "release": version, "revision": sbom.revision, "format": fmt},
    )
    return data


def upload(
    session: Session,
    *,
    product: str,
    version: str,
    data: bytes,
    source_name: str,
    actor: str,
    create_product: bool = False,
    max_bytes: int = 64 * 1024 * 1024,
) -> SbomUploadRead:
    """Import an uploaded SBOM (analyst role with access to the product) and report its quality
    and what changed against the release's previous revision."""
    from medsec.sbom import rules
    from medsec.sbom.schemas import QualityGapRead, SbomDiffRead, SbomUploadRead, SbomWarningRead

    accounts.require(session, actor, "analyst", rule="uploading an SBOM", product=product)
    before = None
    prod = products.find_product(session, product)
    if prod is not None:
        release = products.find_release(session, product_id=prod.id, version=version)
        previous = repo.current_sbom(session, release.id) if release is not None else None
        before = (previous.revision, load_parsed(session, previous)) if previous else None
    result = import_sbom(
        session,
        data=data,
        source_name=source_name,
        product=product,
        version=version,
        actor=actor,
        max_bytes=max_bytes,
        create_product=create_product,
    )
    parsed = load_parsed(session, result.sbom)
    report = rules.check_quality(parsed)
    diff = None
    if before is not None:
        d = rules.diff_components(before[1].components, parsed.components)
        diff = SbomDiffRead(
            previous_revision=before[0],
            added=len(d.added),
            removed=len(d.removed),
            changed=len(d.changed),
            unchanged=d.unchanged,
        )
    s = result.sbom
    return SbomUploadRead(
        product=product,
        release=version,
        revision=s.revision,
        format=s.format,
        spec_version=s.spec_version,
        component_count=s.component_count,
        created_product=result.created_product,
        created_release=result.created_release,
        quality_score=report.score,
        quality_gaps=[
            QualityGapRead(element=g.element, required=g.required, components_missing=len(g.refs))
            for g in report.gaps
        ],
        diff=diff,
        warnings=[SbomWarningRead(location=w.location, message=w.message) for w in result.warnings],
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
