"""The hospital's workspace: installed devices (assets), their configuration history, what they
map to, network segments, compensating controls, vendors, update rollouts and training."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class NetworkSegment(Base):
    """A network segment of the hospital and how exposed it is (SSVC System Exposure)."""

    __tablename__ = "network_segment"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    exposure: Mapped[str] = mapped_column(String(20))  # isolated | controlled | open
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Asset(Base):
    """One installed medical device, as the hospital's inventory knows it."""

    __tablename__ = "asset"
    __table_args__ = (Index("ix_asset_target", "target_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_tag: Mapped[str] = mapped_column(String(200), unique=True)
    manufacturer: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text)
    software_version: Mapped[str | None] = mapped_column(Text)
    serial: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    department: Mapped[str | None] = mapped_column(Text)
    network_segment: Mapped[str | None] = mapped_column(String(200))
    ip_address: Mapped[str | None] = mapped_column(String(64))
    mac_address: Mapped[str | None] = mapped_column(String(64))
    clinical_criticality: Mapped[str | None] = mapped_column(String(20))
    owner: Mapped[str | None] = mapped_column(Text)
    home_use: Mapped[bool] = mapped_column(Boolean, default=False)
    implant: Mapped[bool] = mapped_column(Boolean, default=False)
    install_date: Mapped[date | None] = mapped_column(Date)
    replacement_cost: Mapped[float | None] = mapped_column(Float)
    # what the asset runs: "release:<id>" or "csaf:[vendor, product, version]"; None: unmapped
    target_key: Mapped[str | None] = mapped_column(Text)
    mapped_by: Mapped[str | None] = mapped_column(String(20))  # exact | confirmed
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssetChange(Base):
    """One change of an asset's configuration (append-only), with who and when (seed 6.1.1 a)."""

    __tablename__ = "asset_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(20))  # created | changed | mapped | unmapped
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # field -> [old, new]
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ModelMapping(Base):
    """A confirmed mapping of an inventory's manufacturer/model/version to what medsec knows."""

    __tablename__ = "asset_model_mapping"
    __table_args__ = (UniqueConstraint("manufacturer", "model", "software_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manufacturer: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(Text)
    software_version: Mapped[str] = mapped_column(Text)  # "" when the inventory has none
    target_key: Mapped[str] = mapped_column(Text)
    confirmed_by: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CompensatingControl(Base):
    """A control the hospital applies to one asset or one network segment (seed 6.4.2)."""

    __tablename__ = "compensating_control"

    id: Mapped[int] = mapped_column(primary_key=True)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), index=True
    )
    segment: Mapped[str | None] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text)
    covers: Mapped[list[str]] = mapped_column(JSON, default=list)  # vulnerability ids; []: all
    owner: Mapped[str] = mapped_column(Text)
    verified_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class VendorContact(Base):
    """A vendor's security contact and service levels as agreed with the hospital (6.5.2 a)."""

    __tablename__ = "vendor_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    manufacturer: Mapped[str] = mapped_column(String(200), unique=True)
    contact: Mapped[str] = mapped_column(Text)
    psirt_url: Mapped[str | None] = mapped_column(Text)
    response_days: Mapped[int | None] = mapped_column(Integer)
    patch_days: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ResponsibilityAgreement(Base):
    """Who patches, segments, monitors... for one product line of a vendor (seed 6.4.2 b)."""

    __tablename__ = "responsibility_agreement"
    __table_args__ = (UniqueConstraint("manufacturer", "product_line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manufacturer: Mapped[str] = mapped_column(String(200))
    product_line: Mapped[str] = mapped_column(String(200))
    duties: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # duty -> party
    agreed_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(Text)  # the contract or letter it rests on
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Rollout(Base):
    """An update from a manufacturer planned across a group of assets (seed 6.4.2, 6.5.2 c)."""

    __tablename__ = "asset_rollout"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    update_name: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(30))  # seed Table 2
    target_version: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RolloutValidation(Base):
    """A regression validation of the update before it is rolled out across the facility."""

    __tablename__ = "asset_rollout_validation"

    id: Mapped[int] = mapped_column(primary_key=True)
    rollout_id: Mapped[int] = mapped_column(
        ForeignKey("asset_rollout.id", ondelete="CASCADE"), index=True
    )
    result: Mapped[str] = mapped_column(String(10))  # passed | failed
    summary: Mapped[str] = mapped_column(Text)
    performed_on: Mapped[date] = mapped_column(Date)
    performed_by: Mapped[str] = mapped_column(String(200))


class RolloutAsset(Base):
    """One asset's state in a rollout (append a change to the asset's history on each move)."""

    __tablename__ = "asset_rollout_item"
    __table_args__ = (UniqueConstraint("rollout_id", "asset_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rollout_id: Mapped[int] = mapped_column(
        ForeignKey("asset_rollout.id", ondelete="CASCADE"), index=True
    )
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(
        String(20)
    )  # planned|validated|installed|failed|rolled_back
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TrainingRecord(Base):
    """Who was trained on what and when it expires (seed 6.1.1 b, 6.5.2 b)."""

    __tablename__ = "training_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    person: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)
    topic: Mapped[str] = mapped_column(Text)
    completed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
