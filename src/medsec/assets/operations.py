"""Use cases of the hospital's operation: network segments, compensating controls, vendors with
their contacts, service levels and agreed responsibilities, and training records; flush, never
commit. Reading needs any role; changing needs analyst, reviewer or admin."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date

from sqlalchemy.orm import Session

from medsec.assets import repository as repo
from medsec.assets import rules
from medsec.assets import service as inventory
from medsec.assets.schemas import (
    AgreementRead,
    ControlRead,
    SegmentRead,
    TrainingRead,
    VendorRead,
)
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound
from medsec.models import (
    CompensatingControl,
    NetworkSegment,
    ResponsibilityAgreement,
    TrainingRecord,
    VendorContact,
)

RESPONSIBILITIES = ("patches", "segments", "monitors", "backs_up", "informs_patients")
PARTIES = ("manufacturer", "hospital", "shared")


def set_segment(
    session: Session, *, name: str, exposure: str, description: str | None, actor: str
) -> SegmentRead:
    """Create or change a network segment and its exposure."""
    inventory.writer(session, actor)
    if exposure not in rules.SEGMENT_EXPOSURES:
        raise InvalidInput(f"exposure {exposure!r}: one of {', '.join(rules.SEGMENT_EXPOSURES)}")
    if not name.strip():
        raise InvalidInput("a segment needs a name")
    row = repo.segment(session, name)
    if row is None:
        row = NetworkSegment(name=name, exposure=exposure, description=description)
        session.add(row)
    else:
        row.exposure, row.description = exposure, description
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.segment",
        object_type="network_segment",
        object_id=row.id,
        details={"name": name, "exposure": exposure},
    )
    return _segment_read(row, 0)


def _segment_read(row: NetworkSegment, assets: int) -> SegmentRead:
    return SegmentRead(
        name=row.name, exposure=row.exposure, description=row.description, assets=assets
    )


def list_segments(session: Session, *, actor: str) -> list[SegmentRead]:
    """Segments with how many assets each holds."""
    inventory.reader(session, actor)
    counts = Counter(a.network_segment for a in repo.assets(session))
    return [_segment_read(s, counts[s.name]) for s in repo.segments(session)]


def add_control(
    session: Session,
    *,
    kind: str,
    description: str,
    owner: str,
    actor: str,
    asset: str | None = None,
    segment: str | None = None,
    covers: Sequence[str] = (),
    verified_on: date | None = None,
    expires_on: date | None = None,
    evidence: str | None = None,
) -> ControlRead:
    """Record a compensating control on one asset or one segment."""
    inventory.writer(session, actor)
    if (asset is None) == (segment is None):
        raise InvalidInput("a control applies to one asset (--asset) or one segment (--segment)")
    if kind not in rules.CONTROL_KINDS:
        raise InvalidInput(f"kind {kind!r}: one of {', '.join(rules.CONTROL_KINDS)}")
    if not description.strip() or not owner.strip():
        raise InvalidInput("a control needs a description and an owner")
    if verified_on and expires_on and expires_on < verified_on:
        raise InvalidInput("the control expires before it was verified")
    if verified_on and not evidence:
        raise InvalidInput("a verified control needs its evidence (--evidence)")
    asset_id = None
    if asset is not None:
        row = repo.asset(session, asset)
        if row is None:
            raise NotFound(f"no asset tagged {asset!r} (see `medsec assets list`)")
        asset_id = row.id
    elif repo.segment(session, segment or "") is None:
        raise NotFound(f"no network segment {segment!r} (see `medsec assets segments`)")
    control = CompensatingControl(
        asset_id=asset_id,
        segment=segment,
        kind=kind,
        description=description,
        covers=sorted({c.strip().upper() for c in covers if c.strip()}),
        owner=owner,
        verified_on=verified_on,
        expires_on=expires_on,
        evidence=evidence,
        created_by=actor,
    )
    session.add(control)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.control",
        object_type="compensating_control",
        object_id=control.id,
        details={"kind": kind, "asset": asset, "segment": segment, "covers": control.covers},
    )
    return _control_read(control, {asset_id: asset} if asset_id else {}, date.today())


def _control_read(
    c: CompensatingControl, tags: Mapping[int | None, str | None], today: date
) -> ControlRead:
    scope = f"asset {tags.get(c.asset_id)}" if c.asset_id else f"segment {c.segment}"
    return ControlRead(
        id=c.id,
        scope=scope,
        kind=c.kind,
        description=c.description,
        covers=c.covers,
        owner=c.owner,
        verified_on=c.verified_on,
        expires_on=c.expires_on,
        evidence=c.evidence,
        state=rules.control_state(c.verified_on, c.expires_on, today),
    )


def list_controls(session: Session, *, actor: str, on: date | None = None) -> list[ControlRead]:
    """Every control with its state on a date (expired and unverified flagged)."""
    inventory.reader(session, actor)
    tags: dict[int | None, str | None] = {a.id: a.asset_tag for a in repo.assets(session)}
    today = on or date.today()
    return [_control_read(c, tags, today) for c in repo.controls(session)]


def verify_control(
    session: Session,
    *,
    control_id: int,
    verified_on: date,
    evidence: str,
    actor: str,
    expires_on: date | None = None,
) -> ControlRead:
    """Record that a control was checked and works, with its evidence."""
    inventory.writer(session, actor)
    control = next((c for c in repo.controls(session) if c.id == control_id), None)
    if control is None:
        raise NotFound(f"no compensating control {control_id}")
    if not evidence.strip():
        raise InvalidInput("verification needs its evidence")
    control.verified_on, control.evidence = verified_on, evidence
    if expires_on is not None:
        control.expires_on = expires_on
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.control.verify",
        object_type="compensating_control",
        object_id=control.id,
        details={"verified_on": verified_on.isoformat()},
    )
    return _control_read(control, {a.id: a.asset_tag for a in repo.assets(session)}, date.today())


def set_vendor(
    session: Session,
    *,
    manufacturer: str,
    contact: str,
    actor: str,
    psirt_url: str | None = None,
    response_days: int | None = None,
    patch_days: int | None = None,
    notes: str | None = None,
) -> VendorRead:
    """Record a vendor's security contact and service levels (seed 6.5.2 a)."""
    inventory.writer(session, actor)
    if not contact.strip():
        raise InvalidInput("a vendor needs a security contact")
    for days in (response_days, patch_days):
        if days is not None and not 0 < days <= 3650:
            raise InvalidInput("service levels are days between 1 and 3650")
    row = repo.vendor(session, manufacturer)
    if row is None:
        row = VendorContact(manufacturer=manufacturer, contact=contact, updated_by=actor)
        session.add(row)
    row.contact, row.psirt_url, row.notes = contact, psirt_url, notes
    row.response_days, row.patch_days = response_days, patch_days
    row.updated_by, row.updated_at = actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.vendor",
        object_type="vendor_contact",
        object_id=row.id,
        details={"manufacturer": manufacturer},
    )
    return _vendor_read(row)


def _vendor_read(row: VendorContact) -> VendorRead:
    return VendorRead(
        manufacturer=row.manufacturer,
        contact=row.contact,
        psirt_url=row.psirt_url,
        response_days=row.response_days,
        patch_days=row.patch_days,
        notes=row.notes,
    )


def list_vendors(session: Session, *, actor: str) -> list[VendorRead]:
    """Vendors by name."""
    inventory.reader(session, actor)
    return [_vendor_read(v) for v in repo.vendors(session)]


def set_agreement(
    session: Session,
    *,
    manufacturer: str,
    product_line: str,
    duties: Mapping[str, str],
    actor: str,
    agreed_on: date | None = None,
    reference: str | None = None,
) -> AgreementRead:
    """Record who patches, segments, monitors... for a vendor's product line (seed 6.4.2 b)."""
    inventory.writer(session, actor)
    if not manufacturer.strip() or not product_line.strip():
        raise InvalidInput("an agreement names a manufacturer and a product line")
    if not duties:
        raise InvalidInput(f"say who does what: one or more of {', '.join(RESPONSIBILITIES)}")
    for duty, party in duties.items():
        if duty not in RESPONSIBILITIES:
            raise InvalidInput(f"responsibility {duty!r}: one of {', '.join(RESPONSIBILITIES)}")
        if party not in PARTIES:
            raise InvalidInput(f"{duty}={party!r}: one of {', '.join(PARTIES)}")
    row = repo.agreement(session, manufacturer, product_line)
    if row is None:
        row = ResponsibilityAgreement(
            manufacturer=manufacturer, product_line=product_line, recorded_by=actor
        )
        session.add(row)
    row.duties = {**(row.duties or {}), **dict(duties)}
    row.agreed_on, row.reference = agreed_on, reference
    row.recorded_by, row.recorded_at = actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.agreement",
        object_type="responsibility_agreement",
        object_id=row.id,
        details={"manufacturer": manufacturer, "product_line": product_line, "duties": row.duties},
    )
    return _agreement_read(row)


def _agreement_read(row: ResponsibilityAgreement) -> AgreementRead:
    return AgreementRead(
        manufacturer=row.manufacturer,
        product_line=row.product_line,
        duties=row.duties or {},
        agreed_on=row.agreed_on,
        reference=row.reference,
    )


def list_agreements(session: Session, *, actor: str) -> list[AgreementRead]:
    """Responsibility agreements by vendor and product line."""
    inventory.reader(session, actor)
    return [_agreement_read(a) for a in repo.agreements(session)]


def add_training(
    session: Session,
    *,
    person: str,
    role: str,
    topic: str,
    completed_on: date,
    expires_on: date | None,
    actor: str,
) -> TrainingRead:
    """Record that a person was trained on a topic (seed 6.1.1 b)."""
    inventory.writer(session, actor)
    if not person.strip() or not topic.strip() or not role.strip():
        raise InvalidInput("a training record needs a person, a role and a topic")
    if expires_on is not None and expires_on <= completed_on:
        raise InvalidInput("the training expires before it was completed")
    row = TrainingRecord(
        person=person,
        role=role,
        topic=topic,
        completed_on=completed_on,
        expires_on=expires_on,
        recorded_by=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="assets.training",
        object_type="training_record",
        object_id=row.id,
        details={"role": role, "topic": topic},
    )
    return _training_read(row, date.today())


def _training_read(row: TrainingRecord, today: date) -> TrainingRead:
    return TrainingRead(
        person=row.person,
        role=row.role,
        topic=row.topic,
        completed_on=row.completed_on,
        expires_on=row.expires_on,
        expired=row.expires_on is not None and row.expires_on < today,
    )


def list_training(session: Session, *, actor: str, on: date | None = None) -> list[TrainingRead]:
    """Training records, with those expired on the date flagged."""
    inventory.reader(session, actor)
    today = on or date.today()
    return [_training_read(r, today) for r in repo.training(session)]
