"""`/api/v1/assets`: the hospital's installed devices, their exposure, controls and rollouts.
Thin: services only; the services check roles."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from medsec.api.deps import ApiPrincipal, SessionDep, read_upload
from medsec.assets import exposure, operations, planning, rollouts
from medsec.assets import service as inventory
from medsec.assets.schemas import (
    AgreementRead,
    AssetChangeRead,
    AssetPlanRead,
    AssetRead,
    ControlRead,
    ExposureReport,
    ImportResult,
    RolloutRead,
    SegmentRead,
    TrainingRead,
    UnmappedGroup,
    VendorMds2Read,
    VendorRead,
)
from medsec.core.inbound import upload_name
from medsec.errors import InvalidInput
from medsec.ingest.assets_table import COLUMNS, read_table

router = APIRouter(prefix="/api/v1/assets", tags=["assets"])


class MappingBody(BaseModel):
    """Confirm the mapping of an asset (and every asset like it) to a suggested target."""

    target: str = Field(min_length=1, max_length=2000)


class SegmentBody(BaseModel):
    """A network segment and how exposed it is."""

    exposure: str = Field(description="isolated, controlled or open")
    description: str | None = Field(default=None, max_length=2000)


class ControlBody(BaseModel):
    """A compensating control on one asset or one segment."""

    kind: str
    description: str = Field(min_length=1, max_length=4000)
    owner: str = Field(min_length=1, max_length=200)
    asset: str | None = None
    segment: str | None = None
    covers: list[str] = Field(default_factory=list, max_length=500)
    verified_on: date | None = None
    expires_on: date | None = None
    evidence: str | None = Field(default=None, max_length=4000)


class RolloutBody(BaseModel):
    """An update planned for a group of assets."""

    name: str = Field(min_length=1, max_length=200)
    update_name: str = Field(min_length=1, max_length=400)
    method: str
    target_version: str = Field(min_length=1, max_length=200)
    assets: list[str] = Field(default_factory=list, max_length=100_000)
    department: str | None = None
    segment: str | None = None
    model: str | None = None


class ValidationBody(BaseModel):
    """A regression validation before the rollout."""

    result: str
    summary: str = Field(min_length=1, max_length=4000)
    performed_on: date
    assets: list[str] = Field(default_factory=list)


class MoveBody(BaseModel):
    """An asset's new state in a rollout."""

    status: str
    note: str | None = Field(default=None, max_length=4000)


class TrainingBody(BaseModel):
    """A training record."""

    person: str = Field(min_length=1, max_length=200)
    role: str = Field(min_length=1, max_length=200)
    topic: str = Field(min_length=1, max_length=400)
    completed_on: date
    expires_on: date | None = None


class FeedbackRead(BaseModel):
    """Failed installations as a structured message for the manufacturer."""

    format: str
    update: str
    method: str
    target_version: str
    failed_installations: list[dict[str, str | None]]
    validations: list[dict[str, str]]


@router.get("", response_model=list[AssetRead])
def list_assets(
    session: SessionDep,
    who: ApiPrincipal,
    department: str | None = None,
    segment: str | None = None,
    unmapped: bool = False,
) -> list[AssetRead]:
    """Installed devices the account may see, filtered."""
    return inventory.list_assets(
        session, actor=who.actor, department=department, segment=segment, unmapped=unmapped
    )


@router.post("/imports", status_code=201, response_model=ImportResult)
async def import_assets(
    request: Request,
    file: Annotated[UploadFile, File(description="A CSV, XLSX or JSON inventory.")],
    session: SessionDep,
    who: ApiPrincipal,
    skip_bad_rows: Annotated[bool, Form()] = False,
    dry_run: Annotated[bool, Form()] = False,
) -> ImportResult:
    """Import an inventory (all rows or none unless `skip_bad_rows`; `dry_run` previews)."""
    source = upload_name(file.filename, "upload.csv")
    data = await read_upload(request, file)
    table = read_table(data, source)
    return inventory.import_assets(
        session,
        table=table,
        skip_bad_rows=skip_bad_rows or dry_run,
        actor=who.actor,
        commit_preview=not dry_run,
    )


class ColumnsRead(BaseModel):
    """The documented inventory columns, in order."""

    columns: list[str]


@router.get("/columns", response_model=ColumnsRead)
def columns(session: SessionDep, who: ApiPrincipal) -> ColumnsRead:
    """The documented inventory columns, in order."""
    inventory.reader(session, who.actor)
    return ColumnsRead(columns=list(COLUMNS))


@router.get("/unmapped", response_model=list[UnmappedGroup])
def unmapped(session: SessionDep, who: ApiPrincipal) -> list[UnmappedGroup]:
    """Unmapped assets grouped by manufacturer/model/version, with ranked suggestions."""
    return inventory.unmapped(session, actor=who.actor)


@router.get("/exposure", response_model=ExposureReport)
def portfolio_exposure(
    session: SessionDep, who: ApiPrincipal, on: date | None = None
) -> ExposureReport:
    """Exposure of every visible asset and the portfolio by department and segment."""
    return exposure.report(session, actor=who.actor, on=on)


@router.get("/segments", response_model=list[SegmentRead])
def segments(session: SessionDep, who: ApiPrincipal) -> list[SegmentRead]:
    """Network segments with their exposure."""
    return operations.list_segments(session, actor=who.actor)


@router.put("/segments/{name}", response_model=SegmentRead)
def put_segment(
    name: str, body: SegmentBody, session: SessionDep, who: ApiPrincipal
) -> SegmentRead:
    """Create or change a network segment."""
    return operations.set_segment(
        session, name=name, exposure=body.exposure, description=body.description, actor=who.actor
    )


@router.get("/controls", response_model=list[ControlRead])
def controls(session: SessionDep, who: ApiPrincipal, on: date | None = None) -> list[ControlRead]:
    """Compensating controls with their state on a date."""
    return operations.list_controls(session, actor=who.actor, on=on)


@router.post("/controls", status_code=201, response_model=ControlRead)
def add_control(body: ControlBody, session: SessionDep, who: ApiPrincipal) -> ControlRead:
    """Record a compensating control."""
    return operations.add_control(session, actor=who.actor, **body.model_dump())


@router.get("/vendors", response_model=list[VendorRead])
def vendors(session: SessionDep, who: ApiPrincipal) -> list[VendorRead]:
    """Vendors with contacts, service levels and responsibilities."""
    return operations.list_vendors(session, actor=who.actor)


@router.put("/vendors/{manufacturer}", response_model=VendorRead)
def put_vendor(
    manufacturer: str, body: VendorRead, session: SessionDep, who: ApiPrincipal
) -> VendorRead:
    """Record a vendor's security contact and service levels."""
    if body.manufacturer != manufacturer:
        raise InvalidInput("the body names another manufacturer than the URL")
    data = body.model_dump(exclude={"manufacturer"})
    return operations.set_vendor(session, manufacturer=manufacturer, actor=who.actor, **data)


@router.get("/agreements", response_model=list[AgreementRead])
def agreements(session: SessionDep, who: ApiPrincipal) -> list[AgreementRead]:
    """Who does what per vendor product line."""
    return operations.list_agreements(session, actor=who.actor)


@router.put("/agreements", response_model=AgreementRead)
def put_agreement(body: AgreementRead, session: SessionDep, who: ApiPrincipal) -> AgreementRead:
    """Record who patches, segments, monitors for a vendor's product line."""
    return operations.set_agreement(session, actor=who.actor, **body.model_dump())


@router.get("/training", response_model=list[TrainingRead])
def training(session: SessionDep, who: ApiPrincipal, on: date | None = None) -> list[TrainingRead]:
    """Training records, expired ones flagged."""
    return operations.list_training(session, actor=who.actor, on=on)


@router.post("/training", status_code=201, response_model=TrainingRead)
def add_training(body: TrainingBody, session: SessionDep, who: ApiPrincipal) -> TrainingRead:
    """Record a training."""
    return operations.add_training(session, actor=who.actor, **body.model_dump())


@router.get("/plan", response_model=AssetPlanRead)
def end_of_support_plan(
    session: SessionDep, who: ApiPrincipal, on: date | None = None, years: int = 3
) -> AssetPlanRead:
    """Devices reaching end of life / end of support by quarter, the budget, legacy devices."""
    return planning.plan(session, actor=who.actor, on=on or date.today(), years=years)


@router.get("/rollouts", response_model=list[RolloutRead])
def list_rollouts(session: SessionDep, who: ApiPrincipal) -> list[RolloutRead]:
    """Every rollout."""
    return rollouts.list_rollouts(session, actor=who.actor)


@router.post("/rollouts", status_code=201, response_model=RolloutRead)
def plan_rollout(body: RolloutBody, session: SessionDep, who: ApiPrincipal) -> RolloutRead:
    """Plan an update for a group of assets."""
    return rollouts.plan(
        session,
        name=body.name,
        update_name=body.update_name,
        method=body.method,
        target_version=body.target_version,
        tags=body.assets,
        department=body.department,
        segment=body.segment,
        model=body.model,
        actor=who.actor,
    )


@router.get("/rollouts/{name}", response_model=RolloutRead)
def show_rollout(name: str, session: SessionDep, who: ApiPrincipal) -> RolloutRead:
    """A rollout with validations and each asset's state."""
    return rollouts.show(session, name=name, actor=who.actor)


@router.post("/rollouts/{name}/validations", status_code=201, response_model=RolloutRead)
def validate_rollout(
    name: str, body: ValidationBody, session: SessionDep, who: ApiPrincipal
) -> RolloutRead:
    """Record the regression validation."""
    return rollouts.validate(
        session,
        name=name,
        result=body.result,
        summary=body.summary,
        performed_on=body.performed_on,
        tags=body.assets,
        actor=who.actor,
    )


@router.put("/rollouts/{name}/assets/{tag}", response_model=RolloutRead)
def move_in_rollout(
    name: str, tag: str, body: MoveBody, session: SessionDep, who: ApiPrincipal
) -> RolloutRead:
    """Move one asset of a rollout."""
    return rollouts.move(
        session, name=name, tag=tag, status=body.status, note=body.note, actor=who.actor
    )


@router.get("/rollouts/{name}/feedback", response_model=FeedbackRead)
def rollout_feedback(name: str, session: SessionDep, who: ApiPrincipal) -> FeedbackRead:
    """Failed installations as a structured message for the manufacturer."""
    return FeedbackRead.model_validate(rollouts.feedback(session, name=name, actor=who.actor))


@router.get("/vendor-mds2", response_model=list[VendorMds2Read])
def list_vendor_mds2(
    session: SessionDep, who: ApiPrincipal, product: str | None = None, release: str | None = None
) -> list[VendorMds2Read]:
    """Vendor MDS2 statements filed against releases, newest first."""
    from medsec.assets import vendor_mds2

    return vendor_mds2.list_statements(session, actor=who.actor, product=product, release=release)


@router.post("/vendor-mds2", status_code=201, response_model=VendorMds2Read)
async def file_vendor_mds2(
    request: Request,
    file: Annotated[UploadFile, File(description="The vendor's MDS2 workbook (XLSX).")],
    product: Annotated[str, Form(min_length=1, max_length=200)],
    release: Annotated[str, Form(min_length=1, max_length=100)],
    session: SessionDep,
    who: ApiPrincipal,
) -> VendorMds2Read:
    """File a vendor's MDS2 XLSX against a release: its answers are stored."""
    from medsec.assets import vendor_mds2

    source = upload_name(file.filename, "mds2.xlsx")
    data = await read_upload(request, file)
    return vendor_mds2.file_statement(
        session, data=data, source=source, product=product, release=release, actor=who.actor
    )


@router.get("/{tag}", response_model=AssetRead)
def show_asset(tag: str, session: SessionDep, who: ApiPrincipal) -> AssetRead:
    """One installed device."""
    return inventory.get_asset(session, tag=tag, actor=who.actor)


@router.get("/{tag}/history", response_model=list[AssetChangeRead])
def asset_history(tag: str, session: SessionDep, who: ApiPrincipal) -> list[AssetChangeRead]:
    """An asset's configuration history."""
    return inventory.history(session, tag=tag, actor=who.actor)


@router.get("/{tag}/exposure", response_model=ExposureReport)
def asset_exposure(
    tag: str, session: SessionDep, who: ApiPrincipal, on: date | None = None
) -> ExposureReport:
    """One asset's exposure."""
    return exposure.report(session, actor=who.actor, tags=[tag], on=on)


@router.put("/{tag}/mapping", response_model=AssetRead)
def confirm_mapping(
    tag: str, body: MappingBody, session: SessionDep, who: ApiPrincipal
) -> AssetRead:
    """Confirm what this asset (and every asset like it) runs; remembered for later imports."""
    inventory.confirm_mapping(session, tag=tag, target=body.target, actor=who.actor)
    return inventory.get_asset(session, tag=tag, actor=who.actor)
