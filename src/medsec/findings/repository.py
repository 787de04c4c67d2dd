"""Every query of the findings domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import String, exists, func, or_, select
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.models import (
    Component,
    Finding,
    KevEntryRow,
    MatchState,
    Product,
    Release,
    Sbom,
    VexDecision,
    VulnAlias,
)

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


def matched_current_sbom(session: Session, release_id: int) -> bool:
    """True when the release's current SBOM has been matched (its match state names it)."""
    stmt = (
        select(MatchState.release_id)
        .join(Sbom, Sbom.id == MatchState.sbom_id)
        .where(MatchState.release_id == release_id, Sbom.is_current.is_(True))
    )
    return session.execute(stmt).first() is not None


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


def _state_in_force() -> Any:
    """The VEX status in force of the outer finding row (no decision: under_investigation),
    as `decisions.in_force` decides it: the newest decision of the product on the same
    vulnerability and component identity, release-scoped ones only for their own release."""
    newest = (
        select(VexDecision.status)
        .where(
            VexDecision.product_id == Release.product_id,
            VexDecision.vulnerability_id == Finding.vulnerability_id,
            VexDecision.component_key == Finding.component_key,
            or_(VexDecision.scope != "release", VexDecision.release_id == Finding.release_id),
        )
        .order_by(VexDecision.id.desc())
        .limit(1)
        .correlate(Finding, Release)
        .scalar_subquery()
    )
    return func.coalesce(newest, "under_investigation")


def _in_kev() -> Any:
    """True where one of the outer finding's vulnerability ids is in CISA KEV."""
    return exists(
        select(VulnAlias.alias)
        .join(KevEntryRow, KevEntryRow.cve_id == VulnAlias.alias)
        .where(VulnAlias.vulnerability_id == Finding.vulnerability_id)
    )


def findings_page(
    session: Session,
    release_ids: Sequence[int],
    *,
    include_resolved: bool,
    state: str | None,
    kev: bool | None,
    offset: int,
    limit: int,
) -> tuple[int, list[Any]]:
    """(total, one page) of findings of releases in release order, filtered and sliced in SQL;
    rows as `findings_listing` gives them."""
    conds: list[Any] = [Finding.release_id.in_(release_ids)]
    if not include_resolved:
        conds.append(Finding.status == "active")
    if kev is not None:
        conds.append(_in_kev() if kev else ~_in_kev())
    if state is not None:
        conds.append(_state_in_force() == state)
    base = select(Finding.id)
    if state is not None:  # the VEX decision in force is the product's: join its release
        base = base.join(Release, Release.id == Finding.release_id)
    base = base.where(*conds)
    total = int(session.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    ids = base.order_by(Finding.release_id, Finding.id).offset(offset).limit(limit).subquery()
    stmt = (
        select(Finding, Component, Release.version, Product.name.label("product"))
        .join(ids, ids.c.id == Finding.id)
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .outerjoin(Component, Component.id == Finding.component_id)
        .order_by(Finding.release_id, Finding.id)
    )
    return total, list(session.execute(stmt))


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


def findings_first_seen_since(session: Session, since: Any) -> list[Any]:
    """Active findings first seen at or after ``since``, shaped like ``findings_listing``."""
    stmt = (
        select(Finding, Component, Release.version, Product.name.label("product"))
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .outerjoin(Component, Component.id == Finding.component_id)
        .where(Finding.first_seen >= since, Finding.status == "active")
        .order_by(Finding.id)
    )
    return list(session.execute(stmt))


def kev_hits(session: Session) -> list[Any]:
    """Active findings whose vulnerability has a CVE id listed in CISA KEV."""
    from medsec.models import KevEntryRow, VulnAlias

    stmt = (
        select(
            Finding.id,
            Finding.component_key,
            Release.version,
            Product.name.label("product"),
            KevEntryRow.cve_id,
            KevEntryRow.date_added,
        )
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .join(VulnAlias, VulnAlias.vulnerability_id == Finding.vulnerability_id)
        .join(KevEntryRow, KevEntryRow.cve_id == VulnAlias.alias)
        .where(Finding.status == "active")
        .order_by(Finding.id)
    )
    return list(session.execute(stmt))


def _latest_of(model: Any, column: Any) -> Any:
    """(finding_id, value) of the newest row per finding of ``model`` (SSVC or risk)."""
    newest = select(func.max(model.id).label("id")).group_by(model.finding_id).subquery()
    return (
        select(model.finding_id.label("finding_id"), column.label("value"))
        .join(newest, newest.c.id == model.id)
        .subquery()
    )


def portfolio_counts(session: Session, release_ids: Sequence[int]) -> dict[str, Any]:
    """Open findings of the releases counted in SQL: by SSVC outcome (newest decision), by
    residual-risk region (newest risk record), KEV hits, and new findings per month."""
    from medsec.models import RiskRecord, SsvcDecisionRow

    if not release_ids:
        return {"ssvc": {}, "residual": {}, "kev": 0, "months": {}, "open": 0}
    open_ = [Finding.release_id.in_(release_ids), Finding.status == "active"]
    ssvc = _latest_of(SsvcDecisionRow, SsvcDecisionRow.outcome)
    risk = _latest_of(RiskRecord, RiskRecord.region)
    by_ssvc = session.execute(
        select(ssvc.c.value, func.count())
        .select_from(Finding)
        .outerjoin(ssvc, ssvc.c.finding_id == Finding.id)
        .where(*open_)
        .group_by(ssvc.c.value)
    ).all()
    by_risk = session.execute(
        select(risk.c.value, func.count())
        .select_from(Finding)
        .outerjoin(risk, risk.c.finding_id == Finding.id)
        .where(*open_)
        .group_by(risk.c.value)
    ).all()
    kev = session.execute(select(func.count()).where(*open_, _in_kev())).scalar_one()
    month = func.substr(func.cast(Finding.first_seen, String), 1, 7)
    months = session.execute(
        select(month, func.count())
        .where(Finding.release_id.in_(release_ids))
        .group_by(month)
        .order_by(month)
    ).all()
    return {
        "ssvc": {str(k or "none"): int(n) for k, n in by_ssvc},
        "residual": {str(k or "none"): int(n) for k, n in by_risk},
        "kev": int(kev),
        "months": {str(k): int(n) for k, n in months},
        "open": sum(int(n) for _, n in by_ssvc),
    }
