"""Use cases of coordination (ISO/IEC 29147): which CERTs and regulators were informed, when,
and the embargo (agreed disclosure) date of a case."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.cvd import access, contacts, repository
from medsec.cvd.sanitize import clean_text
from medsec.cvd.service import resolve
from medsec.errors import InvalidInput, PermissionDenied
from medsec.models import CvdCase, CvdCoordination

ROLES = ("cert", "regulator", "other")


def _pick(country: str, org: str | None) -> contacts.Contact:
    found = contacts.contacts_for(country)
    if not found:
        codes = ", ".join(code for code, _ in contacts.countries())
        raise InvalidInput(f"--contact {country!r}: Annex B lists no contact there ({codes})")
    if org is not None:
        found = tuple(c for c in found if org.casefold() in c.organisation.casefold())
    if len(found) != 1:
        names = "; ".join(c.organisation for c in contacts.contacts_for(country))
        raise InvalidInput(f"--contact {country!r}: choose one with --org (Annex B lists: {names})")
    return found[0]


def _text(name: str, value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    text = clean_text(name, value, multiline=False)
    if len(text) > limit:
        raise InvalidInput(f"{name}: is too long (at most {limit} characters)")
    return text or None


def coordinate(
    session: Session,
    *,
    case: str,
    informed: date,
    actor: str,
    contact: str | None = None,
    org: str | None = None,
    role: str | None = None,
    country: str | None = None,
    reference: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> CvdCoordination:
    """Record that an organisation was informed: an Annex B contact by country (``contact``,
    narrowed by ``org``), or a free-text ``org``; the date may not be in the future."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd coordinate", ref=case)
    today = (now or utcnow()).date()
    received = (repository.aware(row.received_at) or row.received_at).date()
    if informed > today:
        raise InvalidInput(f"--informed {informed.isoformat()} is in the future")
    if informed < received:
        raise InvalidInput(f"--informed {informed.isoformat()} is before the report was received")
    cc: str | None
    if contact is not None:
        picked = _pick(contact, org)
        name, kind, cc, annex = picked.organisation, picked.role.value, picked.country_code, True
    elif org is not None and (name_text := _text("org", org, 300)):
        kind = role or "other"
        if kind not in ROLES:
            raise InvalidInput(f"--role {kind!r} is not one of {', '.join(ROLES)}")
        name, cc, annex = name_text, _text("country", country, 10), False
    else:
        raise InvalidInput("coordinate: give --contact COUNTRY (Annex B) or --org NAME")
    item = CvdCoordination(
        case_id=row.id,
        organisation=name,
        role=kind,
        country=cc.upper() if cc else None,
        annex_b=annex,
        informed_on=informed,
        reference=_text("reference", reference, 200),
        note=_text("note", note, 2000),
        details={},
        created_by=actor,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.coordinate",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={
            "receipt_id": row.receipt_id,
            "organisation": name,
            "role": kind,
            "informed": informed.isoformat(),
            "reference": item.reference,
        },
    )
    return item


def set_embargo(session: Session, *, case: str, until: date | None, actor: str) -> CvdCase:
    """Set (or clear, with None) the agreed disclosure date; it must be after receipt."""
    row = resolve(session, case)
    access.require_write(session, actor, row, rule="cvd embargo", ref=case)
    received = (repository.aware(row.received_at) or row.received_at).date()
    if until is not None and until <= received:
        raise InvalidInput(f"embargo date {until.isoformat()} must be after the receipt date")
    before, row.embargo_date = row.embargo_date, until
    # a new embargo date supersedes any early release decided for the old one
    row.embargo_released_at = row.embargo_released_by = row.embargo_release_reason = None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.embargo",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={
            "receipt_id": row.receipt_id,
            "from": before.isoformat() if before else None,
            "to": until.isoformat() if until else None,
        },
    )
    return row


def release_embargo(
    session: Session, *, case: str, reason: str, actor: str, now: datetime | None = None
) -> CvdCase:
    """Release a case's embargo before its date (reviewer, with a reason), so that its
    advisory can be published and the case disclosed; audited."""
    row = resolve(session, case)
    account = access.require_write(session, actor, row, rule="cvd embargo release", ref=case)
    if "reviewer" not in account.roles and "admin" not in account.roles:
        raise PermissionDenied(
            f"cvd embargo release: {account.name!r} does not have the reviewer role"
        )
    why = clean_text("reason", reason, multiline=True)
    if not why:
        raise InvalidInput("an early embargo release needs a reason")
    at = now or utcnow()
    if not access.under_embargo(row, at.date()):
        raise InvalidInput(f"case {row.receipt_id} is not under embargo")
    row.embargo_released_at, row.embargo_released_by = at, actor
    row.embargo_release_reason = why
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cvd.case.embargo.release",
        object_type="cvd_case",
        object_id=row.id,
        product_id=row.product_id,
        details={
            "receipt_id": row.receipt_id,
            "embargo_date": row.embargo_date.isoformat() if row.embargo_date else None,
            "reason": why,
        },
    )
    return row
