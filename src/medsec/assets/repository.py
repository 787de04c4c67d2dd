"""Every query of the hospital workspace (assets, segments, controls, vendors, rollouts,
training), and only of its own tables."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import (
    Asset,
    AssetChange,
    CompensatingControl,
    ModelMapping,
    NetworkSegment,
    Rollout,
    RolloutAsset,
    RolloutValidation,
    TrainingRecord,
    VendorContact,
)


def assets_by_tag(session: Session, tags: Sequence[str] | None = None) -> dict[str, Asset]:
    """Assets keyed by tag (all of them, or those tags)."""
    stmt = select(Asset)
    if tags is not None:
        out: dict[str, Asset] = {}
        for i in range(0, len(tags), 900):
            chunk = list(tags[i : i + 900])
            out.update(
                (a.asset_tag, a)
                for a in session.execute(stmt.where(Asset.asset_tag.in_(chunk))).scalars()
            )
        return out
    return {a.asset_tag: a for a in session.execute(stmt).scalars()}


def asset(session: Session, tag: str) -> Asset | None:
    """One asset by its tag."""
    return session.execute(select(Asset).where(Asset.asset_tag == tag)).scalar_one_or_none()


def assets(
    session: Session,
    *,
    department: str | None = None,
    segment: str | None = None,
    unmapped: bool = False,
    tags: Sequence[str] | None = None,
) -> list[Asset]:
    """Assets filtered in SQL, by tag."""
    stmt = select(Asset).order_by(Asset.asset_tag)
    if department is not None:
        stmt = stmt.where(Asset.department == department)
    if segment is not None:
        stmt = stmt.where(Asset.network_segment == segment)
    if unmapped:
        stmt = stmt.where(Asset.target_key.is_(None))
    if tags is not None:
        stmt = stmt.where(Asset.asset_tag.in_(list(tags)))
    return list(session.execute(stmt).scalars())


def changes(session: Session, asset_id: int) -> list[AssetChange]:
    """An asset's configuration history, oldest first."""
    stmt = select(AssetChange).where(AssetChange.asset_id == asset_id).order_by(AssetChange.id)
    return list(session.execute(stmt).scalars())


def mappings(session: Session) -> dict[tuple[str, str, str], str]:
    """Confirmed mappings: (manufacturer, model, version) -> target key."""
    rows = session.execute(
        select(
            ModelMapping.manufacturer,
            ModelMapping.model,
            ModelMapping.software_version,
            ModelMapping.target_key,
        )
    )
    return {(m, mo, v): k for m, mo, v, k in rows}


def mapping(session: Session, key: tuple[str, str, str]) -> ModelMapping | None:
    """One confirmed mapping."""
    m, mo, v = key
    stmt = select(ModelMapping).where(
        ModelMapping.manufacturer == m, ModelMapping.model == mo, ModelMapping.software_version == v
    )
    return session.execute(stmt).scalar_one_or_none()


def segments(session: Session) -> list[NetworkSegment]:
    """Every network segment by name."""
    return list(session.execute(select(NetworkSegment).order_by(NetworkSegment.name)).scalars())


def segment(session: Session, name: str) -> NetworkSegment | None:
    """One segment by name."""
    stmt = select(NetworkSegment).where(NetworkSegment.name == name)
    return session.execute(stmt).scalar_one_or_none()


def controls(session: Session) -> list[CompensatingControl]:
    """Every compensating control, oldest first."""
    stmt = select(CompensatingControl).order_by(CompensatingControl.id)
    return list(session.execute(stmt).scalars())


def vendors(session: Session) -> list[VendorContact]:
    """Vendor contacts by manufacturer."""
    stmt = select(VendorContact).order_by(VendorContact.manufacturer)
    return list(session.execute(stmt).scalars())


def vendor(session: Session, manufacturer: str) -> VendorContact | None:
    """One vendor's contact."""
    stmt = select(VendorContact).where(VendorContact.manufacturer == manufacturer)
    return session.execute(stmt).scalar_one_or_none()


def rollout(session: Session, name: str) -> Rollout | None:
    """One rollout by name."""
    return session.execute(select(Rollout).where(Rollout.name == name)).scalar_one_or_none()


def rollouts(session: Session) -> list[Rollout]:
    """Every rollout, newest first."""
    return list(session.execute(select(Rollout).order_by(Rollout.id.desc())).scalars())


def rollout_items(session: Session, rollout_id: int) -> list[tuple[RolloutAsset, Asset]]:
    """The assets of a rollout with their state, by tag."""
    stmt = (
        select(RolloutAsset, Asset)
        .join(Asset, Asset.id == RolloutAsset.asset_id)
        .where(RolloutAsset.rollout_id == rollout_id)
        .order_by(Asset.asset_tag)
    )
    return [(r, a) for r, a in session.execute(stmt)]


def rollouts_of_asset(session: Session, asset_id: int) -> list[tuple[RolloutAsset, Rollout]]:
    """The rollouts an asset is part of."""
    stmt = (
        select(RolloutAsset, Rollout)
        .join(Rollout, Rollout.id == RolloutAsset.rollout_id)
        .where(RolloutAsset.asset_id == asset_id)
        .order_by(Rollout.id)
    )
    return [(r, ro) for r, ro in session.execute(stmt)]


def validations(session: Session, rollout_id: int) -> list[RolloutValidation]:
    """The validations of a rollout, oldest first."""
    stmt = (
        select(RolloutValidation)
        .where(RolloutValidation.rollout_id == rollout_id)
        .order_by(RolloutValidation.id)
    )
    return list(session.execute(stmt).scalars())


def training(session: Session) -> list[TrainingRecord]:
    """Training records by person and topic."""
    stmt = select(TrainingRecord).order_by(TrainingRecord.person, TrainingRecord.topic)
    return list(session.execute(stmt).scalars())
