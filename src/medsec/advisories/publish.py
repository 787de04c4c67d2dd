"""Publish an advisory (a new immutable revision, validated CSAF) and read its documents.

Tracking rules (CSAF 2.0 3.2.1.12): revision numbers are integers counting up from 1, the
version is the latest number, the history is sorted by date, status moves draft → interim →
final (final stays final). Every document is run through ``ingest.csaf.validate_csaf`` before it
is stored; one that fails is refused with the failing test ids and paths and nothing is stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

import orjson
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.advisories import repository as repo
from medsec.advisories import service
from medsec.audit import service as audit
from medsec.cvd import service as cvd
from medsec.errors import Conflict, InvalidInput
from medsec.export import advisory_model as m
from medsec.export.csaf import Profile, csaf_filename, to_csaf_bytes
from medsec.export.cyclonedx_vex import to_cyclonedx_vex
from medsec.export.openvex import to_openvex
from medsec.ingest.csaf import validate_csaf
from medsec.models import SecurityAdvisory, SecurityAdvisoryRevision
from medsec.notifications import events
from medsec.notifications import service as notifications

STATUSES = ("interim", "final")
FORMATS = ("csaf", "cyclonedx-vex", "openvex")
_JSON = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2


@dataclass(frozen=True, slots=True)
class Documents:
    """The three documents of one advisory model."""

    csaf: bytes
    cyclonedx_vex: bytes
    openvex: bytes


def profile_of(adv: SecurityAdvisory) -> Profile:
    """The CSAF profile of an advisory."""
    return "csaf_vex" if adv.profile == "csaf_vex" else "csaf_security_advisory"


def render(adv: SecurityAdvisory, model: m.Advisory) -> Documents:
    """CSAF (validated), CycloneDX VEX and OpenVEX from one model; InvalidInput if CSAF fails."""
    data = to_csaf_bytes(model, profile=profile_of(adv))
    name = csaf_filename(adv.tracking_id)
    result = validate_csaf(data, source=name)
    if not result.valid:
        failed = "; ".join(f"{f.test_id} at {f.path}: {f.message}" for f in result.failures[:10])
        raise InvalidInput(f"{name}: the generated CSAF fails {failed}")
    bom = to_cyclonedx_vex(model)
    ovx = to_openvex(
        model, author=model.publisher.name, timestamp=model.tracking.current_release_date
    )
    return Documents(data, orjson.dumps(bom, option=_JSON), orjson.dumps(ovx, option=_JSON))


def publish(
    session: Session,
    *,
    tracking_id: str,
    summary: str,
    actor: str,
    status: str = "final",
) -> SecurityAdvisoryRevision:
    """Publish the advisory as built from the decisions in force now (reviewer)."""
    adv = service.get(session, tracking_id)
    prod, _ = service.product_of(session, adv)
    accounts.require(
        session,
        actor,
        "reviewer",
        rule="publishing advisories",
        product=prod.name,
        hide_as=service.missing(tracking_id),
    )
    if status not in STATUSES:
        raise InvalidInput(f"status {status!r} is not one of {', '.join(STATUSES)}")
    if not summary.strip():
        raise InvalidInput("a revision needs a summary of what changed")
    incomplete = service.not_publishable(adv)
    if incomplete:
        raise Conflict(f"{tracking_id} cannot be published: {'; '.join(incomplete)}")
    held = cvd.embargoes_on(
        session,
        product_id=adv.product_id,
        vulnerability_ids=adv.vulnerability_ids or None,  # none listed: all of the product's
        today=service.now().date(),
    )
    if held:
        cases = ", ".join(f"{e.receipt_id} until {e.until.isoformat()}" for e in held)
        raise Conflict(
            f"{tracking_id} cannot be published: linked CVD case under embargo ({cases}); "
            "a reviewer can release an embargo early with a reason "
            "(medsec cvd release-embargo CASE --reason …)"
        )
    if adv.status == "final" and status == "interim":
        raise Conflict(f"{tracking_id} is final; a later revision cannot be interim")
    when = service.now()
    revs = service.revisions(session, adv)
    if revs and when <= max(service.aware(r.date) for r in revs):
        raise Conflict(f"{tracking_id}: revision {revs[-1].number} was published this second")
    model = service.model(session, adv, when=when, new=(status, summary.strip()))
    docs = render(adv, model)
    rev = SecurityAdvisoryRevision(
        advisory_id=adv.id,
        number=model.tracking.version,
        status=status,
        date=when,
        summary=summary.strip(),
        tlp=adv.tlp,
        csaf=docs.csaf,
        cyclonedx_vex=docs.cyclonedx_vex,
        openvex=docs.openvex,
        sha256=hashlib.sha256(docs.csaf).hexdigest(),
        sha512=hashlib.sha512(docs.csaf).hexdigest(),
        published_by=actor,
    )
    session.add(rev)
    adv.status, adv.version = status, rev.number
    adv.draft = orjson.loads(docs.csaf)
    adv.updated_by, adv.updated_at = actor, when
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="advisory.publish",
        object_type="security_advisory",
        object_id=adv.id,
        product_id=prod.id,
        details={
            "tracking_id": tracking_id,
            "number": rev.number,
            "status": status,
            "sha256": rev.sha256,
            "summary": rev.summary,
        },
    )
    notifications.emit(session, events.advisory_published(tracking_id, rev, prod.name, adv.title))
    return rev


def latest(session: Session, adv: SecurityAdvisory) -> SecurityAdvisoryRevision | None:
    """The newest published revision."""
    revs = service.revisions(session, adv)
    return revs[-1] if revs else None


def without_finder(model: m.Advisory) -> m.Advisory:
    """The advisory without finder credit and discovery dates (a draft shown to a viewer)."""
    vulns = tuple(
        dataclasses.replace(v, acknowledgments=(), discovery_date=None)
        for v in model.vulnerabilities
    )
    return dataclasses.replace(model, vulnerabilities=vulns)


def document(
    session: Session, *, tracking_id: str, fmt: str, finder_data: bool = True
) -> tuple[str, bytes]:
    """(file name, bytes) of an advisory in a format: the latest revision, else the draft
    (without finder credit and discovery dates unless ``finder_data``)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    adv = service.get(session, tracking_id)
    rev = latest(session, adv)
    if rev is not None:
        docs = Documents(rev.csaf, rev.cyclonedx_vex, rev.openvex)
    else:
        draft = service.model(session, adv, when=service.now())
        docs = render(adv, draft if finder_data else without_finder(draft))
    stem = csaf_filename(adv.tracking_id).removesuffix(".json")
    if fmt == "csaf":
        return stem + ".json", docs.csaf
    if fmt == "cyclonedx-vex":
        return stem + ".cdx.json", docs.cyclonedx_vex
    return stem + ".openvex.json", docs.openvex


def published_documents(session: Session) -> list[tuple[str, bytes]]:
    """(TLP, CSAF bytes) of the latest published revision of every advisory."""
    advs = service.list_advisories(session)
    latest_by: dict[int, SecurityAdvisoryRevision] = {}
    for rev in repo.revisions(session, [a.id for a in advs]):
        latest_by[rev.advisory_id] = rev
    today = service.now().date()
    by_id = {a.id: a for a in advs}

    def held(adv: SecurityAdvisory) -> bool:
        return bool(
            cvd.embargoes_on(
                session,
                product_id=adv.product_id,
                vulnerability_ids=adv.vulnerability_ids
                or None,  # none listed: all of the product's
                today=today,
            )
        )

    return [
        (r.tlp, r.csaf)
        for r in latest_by.values()
        if r.status in STATUSES and not held(by_id[r.advisory_id])  # embargoes hold when served
    ]
