"""Every query of the findings domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.models import Component, Finding, MatchState, Product, Release, Sbom

COMPONENT_COLS = (
    Component.id,
    Component.ref,
    Component.group,
    Component.name,
    Component.version,
    Component.purl,
    Component.cpe,
    Component.pkg_space,
    Component.pkg_name,
    Component.cpe_key,
)


def current_sboms(
    session: Session, release_ids: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """(release id, current SBOM id) of every release that has an SBOM."""
    stmt = (
        select(Sbom.release_id, Sbom.id).where(Sbom.is_current.is_(True)).order_by(Sbom.release_id)
    )
    if release_ids is not None:
        stmt = stmt.where(Sbom.release_id.in_(release_ids))
    return [(r, s) for r, s in session.execute(stmt)]


def match_states(session: Session) -> dict[int, MatchState]:
    """The last match state of every release."""
    return {m.release_id: m for m in session.execute(select(MatchState)).scalars()}


MATCH_COMPONENT_COLS = (
    Component.id,
    Component.group,
    Component.name,
    Component.version,
    Component.purl,
    Component.cpe,
)


def components(session: Session, sbom_id: int) -> list[Any]:
    """What matching and finding keys read of an SBOM's components (id, group, name,
    version, purl, cpe)."""
    stmt = select(*MATCH_COMPONENT_COLS).where(Component.sbom_id == sbom_id)
    return list(session.execute(stmt))


def components_by_keys(
    session: Session,
    sbom_ids: Sequence[int],
    pkg_keys: Sequence[tuple[str, str]],
    cpe_keys: Sequence[str],
) -> list[Any]:
    """Components of the given SBOMs whose package or CPE key is among those given.

    The queries name only the indexed key columns (so both databases search the key indexes
    rather than scanning every component of the SBOMs); the SBOM filter is applied here.
    """
    wanted = set(sbom_ids)
    cols = (*COMPONENT_COLS, Component.sbom_id)  # id first, as in every component row
    out: dict[int, Any] = {}
    by_space: dict[str, list[str]] = {}
    for space, name in pkg_keys:
        by_space.setdefault(space, []).append(name)
    for space, names in by_space.items():
        for part in chunks(sorted(set(names))):
            stmt = select(*cols).where(Component.pkg_space == space, Component.pkg_name.in_(part))
            out.update((r.id, r) for r in session.execute(stmt) if r.sbom_id in wanted)
    for part in chunks(sorted(set(cpe_keys))):
        stmt = select(*cols).where(Component.cpe_key.in_(part))
        out.update((r.id, r) for r in session.execute(stmt) if r.sbom_id in wanted)
    return list(out.values())


def release_cpes(session: Session, sbom_id: int) -> list[str]:
    """Every CPE of an SBOM (the platform context of NVD running-on configurations)."""
    stmt = select(Component.cpe).where(Component.sbom_id == sbom_id, Component.cpe.is_not(None))
    return [c for c in session.execute(stmt).scalars() if c]


FINDING_STATE = (Finding.id, Finding.component_key, Finding.vulnerability_id, Finding.status)


def finding_states(session: Session, release_id: int) -> list[Any]:
    """(id, component_key, vulnerability_id, status) of every finding of a release (light rows)."""
    stmt = select(Finding.release_id, *FINDING_STATE).where(Finding.release_id == release_id)
    return list(session.execute(stmt))


def finding_states_of_groups(session: Session, vulnerability_ids: Sequence[int]) -> list[Any]:
    """Light rows (with release_id) of every finding, in any release, of the vulnerabilities."""
    out: list[Any] = []
    for part in chunks(sorted(set(vulnerability_ids))):
        stmt = select(Finding.release_id, *FINDING_STATE).where(Finding.vulnerability_id.in_(part))
        out.extend(session.execute(stmt))
    return out


def findings_listing(
    session: Session, release_ids: Sequence[int], include_resolved: bool
) -> list[Any]:
    """Findings of releases with their component and release columns, for listing."""
    stmt = (
        select(Finding, Component, Release.version, Product.name.label("product"))
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .outerjoin(Component, Component.id == Finding.component_id)
        .where(Finding.release_id.in_(release_ids))
        .order_by(Product.name, Release.id, Finding.id)
    )
    if not include_resolved:
        stmt = stmt.where(Finding.status == "active")
    return list(session.execute(stmt))


def lookup_keys_of(session: Session, sbom_ids: Sequence[int]) -> set[tuple[str, str, str]]:
    """The advisory lookup keys (package and CPE) of the components of the given SBOMs."""
    keys: set[tuple[str, str, str]] = set()
    for part in chunks(list(sbom_ids)):
        pkg = (
            select(Component.pkg_space, Component.pkg_name)
            .distinct()
            .where(Component.sbom_id.in_(part), Component.pkg_space.is_not(None))
        )
        keys.update(("pkg", str(space), str(name)) for space, name in session.execute(pkg))
        cpe = (
            select(Component.cpe_key)
            .distinct()
            .where(Component.sbom_id.in_(part), Component.cpe_key.is_not(None))
        )
        keys.update(("cpe", "cpe", str(key)) for key in session.execute(cpe).scalars())
    return keys


def component_counts(session: Session, sbom_ids: Sequence[int]) -> dict[int, int]:
    """SBOM id -> its number of components."""
    out: dict[int, int] = {}
    for part in chunks(list(sbom_ids)):
        stmt = select(Sbom.id, Sbom.component_count).where(Sbom.id.in_(part))
        out.update((i, n) for i, n in session.execute(stmt))
    return out
