"""Every query of the hospital workspace (assets, segments, controls, vendors, rollouts,
training), and only of its own tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.orm import Session

from medsec.models import (
    Asset,
    AssetChange,
    CompensatingControl,
    ModelMapping,
    NetworkSegment,
    ResponsibilityAgreement,
    Rollout,
    RolloutAsset,
    RolloutValidation,
    TrainingRecord,
    VendorContact,
    VendorMds2,
)


def asset_rows_by_tag(session: Session, tags: Sequence[str]) -> dict[str, Row[Any]]:
    """Stored asset rows (plain rows, not objects) of these tags, keyed by tag."""
    table = Asset.__table__
    if len(tags) > 5000:  # one scan beats many IN lists
        wanted = set(tags)
        rows = session.execute(select(table))
        return {r.asset_tag: r for r in rows if r.asset_tag in wanted}
    out: dict[str, Row[Any]] = {}
    for i in range(0, len(tags), 900):
        stmt = select(table).where(table.c.asset_tag.in_(list(tags[i : i + 900])))
        out.update((r.asset_tag, r) for r in session.execute(stmt))
    return out


def ids_by_tag(session: Session, tags: Sequence[str]) -> dict[str, int]:
    """Asset ids of these tags."""
    if len(tags) > 5000:
        wanted = set(tags)
        rows = session.execute(select(Asset.asset_tag, Asset.id))
        return {t: i for t, i in rows if t in wanted}
    out: dict[str, int] = {}
    for i in range(0, len(tags), 900):
        stmt = select(Asset.asset_tag, Asset.id).where(Asset.asset_tag.in_(list(tags[i : i + 900])))
        out.update((t, n) for t, n in session.execute(stmt))
    return out


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


def asset_rows(session: Session, *, tags: Sequence[str] | None = None) -> list[Any]:
    """Assets as plain rows (cheaper than objects for whole-portfolio reads), by tag."""
    table = Asset.__table__
    stmt = select(table).order_by(table.c.asset_tag)
    if tags is not None:
        stmt = stmt.where(table.c.asset_tag.in_(list(tags)))
    return list(session.execute(stmt))


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


def agreement(
    session: Session, manufacturer: str, product_line: str
) -> ResponsibilityAgreement | None:
    """One responsibility agreement."""
    stmt = select(ResponsibilityAgreement).where(
        ResponsibilityAgreement.manufacturer == manufacturer,
        ResponsibilityAgreement.product_line == product_line,
    )
    return session.execute(stmt).scalar_one_or_none()


def agreements(session: Session) -> list[ResponsibilityAgreement]:
    """Responsibility agreements by vendor and product line."""
    stmt = select(ResponsibilityAgreement).order_by(
        ResponsibilityAgreement.manufacturer, ResponsibilityAgreement.product_line
    )
    return list(session.execute(stmt).scalars())


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


def vendor_mds2(session: Session, release_ids: Sequence[int] | None = None) -> list[VendorMds2]:
    """Vendor MDS2 statements filed (of these releases), newest first."""
    stmt = select(VendorMds2).order_by(VendorMds2.filed_at.desc(), VendorMds2.id.desc())
    if release_ids is not None:
        stmt = stmt.where(VendorMds2.release_id.in_(list(release_ids)))
    return list(session.execute(stmt).scalars())


def insert_assets(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Insert asset rows (plain values, one executemany)."""
    session.execute(insert(Asset.__table__), list(rows))  # type: ignore[arg-type]


def update_assets(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Update asset rows, each with its ``id`` (one executemany)."""
    session.execute(update(Asset), list(rows))


def add_changes(session: Session, rows: Sequence[dict[str, object]]) -> None:
    """Insert asset history rows (plain values, one executemany)."""
    session.execute(insert(AssetChange.__table__), list(rows))  # type: ignore[arg-type]
