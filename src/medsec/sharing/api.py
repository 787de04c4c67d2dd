"""`/api/v1/share`: STIX 2.1 export of incidents for an ISAO (redacted, TLP 2.0, validated),
STIX 2.1 import (validated; problems name the JSON pointer), and sharing agreements.
Security roles only (``incidents.access``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from medsec.api.deps import ApiPrincipal, SessionDep, document_limit, require_read
from medsec.errors import DocumentTooLarge
from medsec.sharing import service as sharing
from medsec.sharing import stix_import
from medsec.sharing.schemas import AgreementRead, ImportRead

router = APIRouter(prefix="/api/v1/share", tags=["sharing"])


class StixBundle(BaseModel):
    """A STIX 2.1 bundle as medsec wrote it."""

    model_config = ConfigDict(extra="forbid")

    type: str
    id: str
    objects: list[dict[str, Any]]


class AgreementBody(BaseModel):
    """A written sharing agreement."""

    partner: str = Field(max_length=300)
    scope: str = Field(max_length=5000)
    tlp: str = Field(max_length=20)
    signed_on: date
    expires_on: date | None = None


@router.get("/stix", response_model=StixBundle)
def export(
    session: SessionDep,
    who: ApiPrincipal,
    org: str,
    partner: str,
    incident: str | None = None,
    since: date | None = None,
) -> StixBundle:
    """The redacted STIX 2.1 bundle for a partner of one incident (``incident``) or of those
    detected since a date (``since``) that a sharing agreement with the partner allows, as
    `medsec share export` writes it."""
    require_read(session, who)
    bundle, _, _, _ = sharing.build_stix(
        session,
        organisation=org,
        partner=partner,
        actor=who.actor,
        incident=incident,
        since=since,
    )
    return StixBundle(**bundle)


@router.post("/imports", response_model=ImportRead, status_code=201)
async def import_bundle(request: Request, session: SessionDep, who: ApiPrincipal) -> ImportRead:
    """Import a STIX 2.1 bundle sent as the request body (JSON)."""
    require_read(session, who)
    limit = document_limit(request, stix_import.MAX_BYTES)
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > limit:
            raise DocumentTooLarge(f"at most {limit} bytes", source="request body")
    return sharing.import_stix(
        session, data=bytes(data), source_name="request body", actor=who.actor
    )


@router.get("/imports", response_model=list[ImportRead])
def imports(session: SessionDep, who: ApiPrincipal) -> list[ImportRead]:
    """What was imported, with what it was linked to."""
    require_read(session, who)
    return sharing.list_imports(session, actor=who.actor)


@router.get("/agreements", response_model=list[AgreementRead])
def agreements(session: SessionDep, who: ApiPrincipal) -> list[AgreementRead]:
    """The sharing agreements."""
    require_read(session, who)
    return sharing.list_agreements(session, actor=who.actor)


@router.post("/agreements", response_model=AgreementRead, status_code=201)
def add_agreement(body: AgreementBody, session: SessionDep, who: ApiPrincipal) -> AgreementRead:
    """Record a written sharing agreement."""
    require_read(session, who)
    return sharing.add_agreement(session, actor=who.actor, **body.model_dump())
