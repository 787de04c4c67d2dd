"""Outputs of published advisories: the public provider directory and the customer notice."""

from __future__ import annotations

from datetime import datetime

import orjson
from sqlalchemy.orm import Session

from medsec.advisories import publish, service
from medsec.core.i18n import UnknownLanguage
from medsec.errors import InvalidInput
from medsec.export.csaf import CsafDocument
from medsec.export.notice import render_notice
from medsec.export.provider_directory import PUBLIC_TLP, PublicKey, Signer, build_directory


def directory(
    session: Session,
    *,
    base_url: str,
    signer: tuple[Signer, PublicKey] | None = None,
) -> dict[str, bytes]:
    """The provider directory of every TLP:WHITE interim/final advisory (latest revision);
    ``last_updated`` is the newest revision's date, so the same advisories give the same bytes."""
    docs = [data for tlp, data in publish.published_documents(session) if tlp == PUBLIC_TLP]
    if not docs:
        raise InvalidInput("no TLP:WHITE advisory is published yet (medsec advisory publish)")
    parsed = [orjson.loads(d)["document"] for d in docs]
    first = parsed[0]["publisher"]
    publisher = {k: first[k] for k in ("category", "name", "namespace")}
    sign, key = signer if signer else (None, None)
    return build_directory(
        docs,
        base_url=base_url,
        publisher=publisher,
        last_updated=max(_when(d["tracking"]["current_release_date"]) for d in parsed),
        sign=sign,
        public_key=key,
    )


def _when(text: str) -> datetime:
    return service.aware(datetime.fromisoformat(text))


def notice_document(
    session: Session, *, tracking_id: str, finder_data: bool = True
) -> CsafDocument:
    """The CSAF document a notice is made from: the latest revision, else the current draft
    (without finder credit and discovery dates unless ``finder_data``)."""
    adv = service.get(session, tracking_id)
    rev = publish.latest(session, adv)
    if rev is not None:
        return dict(orjson.loads(rev.csaf))
    doc = dict(adv.draft)
    if not finder_data:
        doc["vulnerabilities"] = [
            {k: x for k, x in v.items() if k not in ("acknowledgments", "discovery_date")}
            for v in doc.get("vulnerabilities", [])
        ]
    return doc


def notice_html(
    session: Session,
    *,
    tracking_id: str,
    contact: str | None = None,
    finder_data: bool = True,
    lang: str | None = None,
) -> str:
    """The customer notice of an advisory as HTML (``lang``: default the advisory's)."""
    doc = notice_document(session, tracking_id=tracking_id, finder_data=finder_data)
    try:
        return render_notice(doc, contact=contact, lang=lang)
    except UnknownLanguage as exc:
        raise InvalidInput(str(exc)) from None
