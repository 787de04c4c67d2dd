"""Every query of the findings domain."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Select, String, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.findings import priority
from medsec.findings.schemas import PortfolioCountsRead
from medsec.models import (
    Component,
    CvssRescore,
    EpssRow,
    Finding,
    FindingEvent,
    KevEntryRow,
    MatchState,
    Product,
    Release,
    RiskRecord,
    Sbom,
    SsvcDecisionRow,
    VexDecision,
    VulnAlias,
    Vulnerability,
)

CLOSED_STATES = ("not_affected", "fixed")  # VEX states that take a finding off the work list
VEX_STATES = ("under_investigation", "affected", "not_affected", "fixed")

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


def _status_filter(include_resolved: bool, upstream_only: bool) -> Any | None:
    """Open findings by default; only the upstream-only ones of distribution packages (never
    counted as open) when asked; every finding with ``include_resolved``."""
    if upstream_only:
        return Finding.status == "upstream_only"
    return None if include_resolved else Finding.status == "active"


def findings_listing(
    session: Session,
    release_ids: Sequence[int],
    include_resolved: bool,
    upstream_only: bool = False,
) -> list[Any]:
    """Findings of releases as `rows_by_ids` gives them, for listing."""
    stmt = (
        _row_select()
        .where(Finding.release_id.in_(release_ids))
        .order_by(Product.name, Release.id, Finding.id)
    )
    status = _status_filter(include_resolved, upstream_only)
    if status is not None:
        stmt = stmt.where(status)
    return list(session.execute(stmt))


def _in_kev() -> Any:
    """True where one of the outer finding's vulnerability ids is in CISA KEV."""
    return exists(
        select(VulnAlias.alias)
        .join(KevEntryRow, KevEntryRow.cve_id == VulnAlias.alias)
        .where(VulnAlias.vulnerability_id == Finding.vulnerability_id)
    )


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What a finding list asks the database for: filters and the order."""

    include_resolved: bool = False
    state: str | None = None
    severity: str | None = None
    kev: bool | None = None
    component: str | None = None  # part of the component identity (purl or group/name@version)
    text: str | None = None  # part of any id of the vulnerability (CVE, GHSA, ...)
    sort: str = "release"  # release | priority (the work list: open findings only)
    upstream_only: bool = False  # only distro packages matched by upstream CPE ranges alone


def _like(value: str) -> str:
    """A case-insensitive LIKE pattern matching ``value`` anywhere (wildcards taken literally)."""
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _states_in_force(release_ids: Sequence[int]) -> Any:
    """(finding_id, status) of the VEX decision in force on each finding of the releases that has
    one, as `decisions.in_force` decides it (the newest decision of the product on the same
    vulnerability and component identity, release-scoped ones only for their own release);
    set-based, so the database joins once instead of probing per finding."""
    applicable = (
        select(Finding.id.label("finding_id"), func.max(VexDecision.id).label("decision_id"))
        .join(Release, Release.id == Finding.release_id)
        .join(
            VexDecision,
            and_(
                VexDecision.product_id == Release.product_id,
                VexDecision.vulnerability_id == Finding.vulnerability_id,
                VexDecision.component_key == Finding.component_key,
                or_(VexDecision.scope != "release", VexDecision.release_id == Finding.release_id),
            ),
        )
        .where(
            Finding.release_id.in_(release_ids),
            VexDecision.product_id.in_(
                select(Release.product_id).where(Release.id.in_(release_ids)).scalar_subquery()
            ),
        )
        .group_by(Finding.id)
        .subquery()
    )
    return (
        select(applicable.c.finding_id, VexDecision.status)
        .join(VexDecision, VexDecision.id == applicable.c.decision_id)
        .subquery()
    )


def _state_is(release_ids: Sequence[int], wanted: Sequence[str]) -> Any:
    """True where the outer finding's VEX state in force (none: under_investigation) is one of
    ``wanted``."""
    decided = _states_in_force(release_ids)
    if "under_investigation" in wanted:  # also every finding without a decision
        others = select(decided.c.finding_id).where(decided.c.status.not_in(wanted))
        return Finding.id.not_in(others)
    return Finding.id.in_(select(decided.c.finding_id).where(decided.c.status.in_(wanted)))


def _newest_per_finding(model: Any, column: Any, *where: Any) -> Any:
    """(finding_id, value) of the newest row of ``model`` (rescoring, SSVC, risk) per finding;
    these are people's decisions, few beside the findings, so one grouped pass is cheap."""
    newest = (
        select(func.max(model.id).label("id")).where(*where).group_by(model.finding_id).subquery()
    )
    return (
        select(model.finding_id.label("finding_id"), column.label("value"))
        .join(newest, newest.c.id == model.id)
        .subquery()
    )


def _epss_of(release_ids: Sequence[int]) -> Any:
    """(vulnerability_id, highest EPSS of its ids) for the vulnerabilities of the releases."""
    vids = select(Finding.vulnerability_id).where(Finding.release_id.in_(release_ids))
    return (
        select(VulnAlias.vulnerability_id.label("vid"), func.max(EpssRow.epss).label("epss"))
        .join(EpssRow, EpssRow.cve_id == VulnAlias.alias)
        .where(VulnAlias.vulnerability_id.in_(vids))
        .group_by(VulnAlias.vulnerability_id)
        .subquery()
    )


def _kev_vulnerabilities() -> Any:
    """Ids of the vulnerabilities with an id listed in CISA KEV (small: KEV has ~1,400)."""
    return select(VulnAlias.vulnerability_id).join(
        KevEntryRow, KevEntryRow.cve_id == VulnAlias.alias
    )


def _filtered(q: ListQuery, release_ids: Sequence[int], columns: Sequence[Any]) -> Any:
    """SELECT ``columns`` FROM the findings of the releases that pass the query's filters."""
    conds: list[Any] = [Finding.release_id.in_(release_ids)]
    status = _status_filter(q.include_resolved, q.upstream_only)
    if status is not None:
        conds.append(status)
    if q.kev is not None:
        in_kev = Finding.vulnerability_id.in_(_kev_vulnerabilities())
        conds.append(in_kev if q.kev else ~in_kev)
    if q.state is not None:
        conds.append(_state_is(release_ids, [q.state]))
    if q.sort == "priority":  # the work list: nothing whose VEX decision closes it
        open_states = [s for s in VEX_STATES if s not in CLOSED_STATES]
        conds.append(_state_is(release_ids, open_states))
    if q.severity is not None:
        conds.append(Vulnerability.severity == q.severity)
    if q.component:
        conds.append(func.lower(Finding.component_key).like(_like(q.component), escape="\\"))
    if q.text:
        conds.append(
            exists(
                select(VulnAlias.alias).where(
                    VulnAlias.vulnerability_id == Finding.vulnerability_id,
                    func.lower(VulnAlias.alias).like(_like(q.text), escape="\\"),
                )
            )
        )
    stmt = select(*columns).select_from(Finding)
    if q.severity is not None or q.sort == "priority":
        stmt = stmt.join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
    return stmt.where(*conds)


def _priority_select(q: ListQuery, release_ids: Sequence[int]) -> Any:
    """The filtered findings with the work-list criteria as columns (missing: -1)."""
    missing = literal(priority.MISSING, Float)
    outcome = func.lower(func.trim(SsvcDecisionRow.outcome))
    ssvc_rank = case(
        *((outcome == name, literal(float(r), Float)) for name, r in priority.SSVC_RANK.items()),
        else_=missing,
    )
    risk = _newest_per_finding(
        RiskRecord,
        RiskRecord.evaluation["residual_level_rank"].as_float(),
        RiskRecord.is_current.is_(True),
    )
    ssvc = _newest_per_finding(SsvcDecisionRow, ssvc_rank)
    rescore = _newest_per_finding(CvssRescore, CvssRescore.score)
    epss = _epss_of(release_ids)
    columns = [
        Finding.id.label("id"),
        risk.c.value.label("risk_rank"),
        func.coalesce(ssvc.c.value, missing).label("ssvc"),
        case(
            (Finding.vulnerability_id.in_(_kev_vulnerabilities()), literal(1.0, Float)),
            else_=literal(0.0, Float),
        ).label("kev"),
        func.coalesce(epss.c.epss, missing).label("epss"),
        func.coalesce(rescore.c.value, Vulnerability.cvss_score, missing).label("cvss"),
    ]
    stmt = _filtered(q, release_ids, columns)
    return (
        stmt.outerjoin(risk, risk.c.finding_id == Finding.id)
        .outerjoin(ssvc, ssvc.c.finding_id == Finding.id)
        .outerjoin(rescore, rescore.c.finding_id == Finding.id)
        .outerjoin(epss, epss.c.vid == Finding.vulnerability_id)
    )


def release_counts(session: Session, release_ids: Sequence[int]) -> list[Any]:
    """(release_id, VEX state in force, severity, in KEV, count) of the releases' active
    findings, grouped by the database (the release page and the dashboard)."""
    if not release_ids:
        return []
    decided = _states_in_force(release_ids)
    state = func.coalesce(decided.c.status, "under_investigation")
    kev = case((Finding.vulnerability_id.in_(_kev_vulnerabilities()), 1), else_=0)
    stmt = (
        select(Finding.release_id, state, Vulnerability.severity, kev, func.count())
        .join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
        .outerjoin(decided, decided.c.finding_id == Finding.id)
        .where(Finding.release_id.in_(release_ids), Finding.status == "active")
        .group_by(Finding.release_id, state, Vulnerability.severity, kev)
    )
    return list(session.execute(stmt))


def count_findings(session: Session, release_ids: Sequence[int], q: ListQuery) -> int:
    """How many findings of the releases pass the query's filters (one statement)."""
    base = _filtered(q, release_ids, [Finding.id])
    return int(session.execute(select(func.count()).select_from(base.subquery())).scalar_one())


def page_ids(
    session: Session, release_ids: Sequence[int], q: ListQuery, offset: int, limit: int | None
) -> list[int]:
    """Ids of one page of the filtered findings in the query's order (one statement)."""
    stmt = page_ids_select(release_ids, q).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.execute(stmt).scalars())


def page_ids_select(release_ids: Sequence[int], q: ListQuery) -> Select[Any]:
    """The ids of the filtered findings in the query's order, not yet sliced."""
    ids, keys = _ordered_ids(release_ids, q)
    return ids.order_by(*(k.desc() if down else k for k, down in keys))


def _ordered_ids(
    release_ids: Sequence[int], q: ListQuery
) -> tuple[Select[Any], list[tuple[Any, bool]]]:
    """(ids of the filtered findings, the sort keys of the query's order with descending?).

    Release order: release, then id. Priority order: the `findings.priority` key, most urgent
    first, then id; computed in SQL so only the page leaves the database."""
    if q.sort != "priority":
        ids = _filtered(q, release_ids, [Finding.id])
        return ids, [(Finding.release_id, False), (Finding.id, False)]
    keyed = _priority_select(q, release_ids).subquery()
    urgent = or_(keyed.c.kev >= 1.0, keyed.c.cvss >= priority.HIGH_CVSS, keyed.c.ssvc >= 2.0)
    first = case(
        (keyed.c.risk_rank.is_not(None), keyed.c.risk_rank),
        (urgent, literal(priority.UNASSESSED_URGENT, Float)),
        else_=literal(priority.MISSING, Float),
    )
    keys = [first, keyed.c.ssvc, keyed.c.kev, keyed.c.epss, keyed.c.cvss]
    return select(keyed.c.id), [(k, True) for k in keys] + [(keyed.c.id, False)]


def page_rows(
    session: Session, release_ids: Sequence[int], q: ListQuery, offset: int, limit: int
) -> list[Any]:
    """One page of the filtered findings in the query's order, as `rows_by_ids` gives them, in
    one statement (the page's ids with their sort keys, joined to the rows, ordered again)."""
    ids, keys = _ordered_ids(release_ids, q)
    labelled = [k.label(f"k{i}") for i, (k, _) in enumerate(keys)]
    order = [k.desc() if down else k for k, down in keys]
    page = ids.add_columns(*labelled).order_by(*order).offset(offset).limit(limit).subquery()
    again = [page.c[f"k{i}"] for i in range(len(keys))]
    stmt = _row_select().join(page, page.c.id == Finding.id)
    stmt = stmt.order_by(
        *(k.desc() if down else k for k, (_, down) in zip(again, keys, strict=True))
    )
    return list(session.execute(stmt))


def _row_select() -> Select[Finding, Component, str, str, int, str]:
    """(Finding, Component, release version, product name, product id, vulnerability key)."""
    return (
        select(
            Finding,
            Component,
            Release.version,
            Product.name.label("product"),
            Release.product_id,
            Vulnerability.key.label("vulnerability_key"),
        )
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
        .outerjoin(Component, Component.id == Finding.component_id)
    )


def rows_by_ids(session: Session, ids: Sequence[int]) -> list[Any]:
    """(Finding, Component, release version, product name, product id, vulnerability key) of
    the ids, in the order given."""
    out: dict[int, Any] = {}
    for part in chunks(list(ids)):
        stmt = _row_select().where(Finding.id.in_(part))
        out.update((row.Finding.id, row) for row in session.execute(stmt))
    return [out[i] for i in ids if i in out]


def findings_page(
    session: Session,
    release_ids: Sequence[int],
    *,
    include_resolved: bool,
    state: str | None,
    kev: bool | None,
    offset: int,
    limit: int,
    upstream_only: bool = False,
) -> tuple[int, list[Any]]:
    """(total, one page) of findings of releases in release order, filtered and sliced in SQL;
    rows as `findings_listing` gives them."""
    q = ListQuery(
        include_resolved=include_resolved, state=state, kev=kev, upstream_only=upstream_only
    )
    total = count_findings(session, release_ids, q)
    return total, rows_by_ids(session, page_ids(session, release_ids, q, offset, limit))


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
    """Active findings first seen at or after ``since``, as `rows_by_ids` gives them."""
    stmt = (
        _row_select()
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


def portfolio_counts(session: Session, release_ids: Sequence[int]) -> PortfolioCountsRead:
    """Open findings of the releases counted in SQL: by SSVC outcome (newest decision), by
    residual-risk region (newest risk record), KEV hits, and new findings per month."""
    from medsec.models import RiskRecord, SsvcDecisionRow

    if not release_ids:
        return PortfolioCountsRead()
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
    return PortfolioCountsRead(
        ssvc={str(k or "none"): int(n) for k, n in by_ssvc},
        residual={str(k or "none"): int(n) for k, n in by_risk},
        kev=int(kev),
        months={str(k): int(n) for k, n in months},
        open=sum(int(n) for _, n in by_ssvc),
    )


def active_by_component(session: Session, release_id: int) -> list[Any]:
    """(component_id, vulnerability external id) of a release's active findings."""
    stmt = (
        select(Finding.component_id, Vulnerability.key)
        .join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
        .where(Finding.release_id == release_id, Finding.status == "active")
    )
    return list(session.execute(stmt))


def rescores(session: Session, finding_id: int) -> list[CvssRescore]:
    """The CVSS rescorings of a finding, oldest first."""
    stmt = select(CvssRescore).where(CvssRescore.finding_id == finding_id)
    return list(session.scalars(stmt.order_by(CvssRescore.id)))


def first_rescore(session: Session, finding_id: int) -> CvssRescore:
    """The oldest CVSS rescoring of a finding (NoResultFound when there is none)."""
    stmt = select(CvssRescore).where(CvssRescore.finding_id == finding_id)
    return session.execute(stmt.order_by(CvssRescore.id).limit(1)).scalar_one()


def ssvc_decisions(session: Session, finding_id: int) -> list[SsvcDecisionRow]:
    """The SSVC decisions of a finding, oldest first."""
    stmt = select(SsvcDecisionRow).where(SsvcDecisionRow.finding_id == finding_id)
    return list(session.scalars(stmt.order_by(SsvcDecisionRow.id)))


def events(session: Session, finding_id: int) -> list[FindingEvent]:
    """The match events of a finding (found, resolved, reopened...), oldest first."""
    stmt = select(FindingEvent).where(FindingEvent.finding_id == finding_id)
    return list(session.scalars(stmt.order_by(FindingEvent.id)))


def finding_with_release(session: Session, finding_id: int) -> Any:
    """(Finding, Release, Product) of one finding, or None."""
    return session.execute(
        select(Finding, Release, Product)
        .join(Release, Release.id == Finding.release_id)
        .join(Product, Product.id == Release.product_id)
        .where(Finding.id == finding_id)
    ).first()


def vex_candidates(
    session: Session,
    vulnerability_ids: Sequence[int],
    product_ids: Sequence[int],
    component_keys: Sequence[str] | None,
) -> list[VexDecision]:
    """VEX decisions of the products on the vulnerabilities (and, when given, only on those
    components); the product narrows the lookup to the ``ix_vex_decision_key`` index."""
    out: list[VexDecision] = []
    for part in chunks(sorted(set(vulnerability_ids))):
        stmt = select(VexDecision).where(
            VexDecision.product_id.in_(product_ids), VexDecision.vulnerability_id.in_(part)
        )
        if component_keys is not None:
            stmt = stmt.where(VexDecision.component_key.in_(component_keys))
        out.extend(session.execute(stmt).scalars())
    return out


def product_ids_of_releases(session: Session, release_ids: Sequence[int]) -> dict[int, int]:
    """Release id -> its product id."""
    out: dict[int, int] = {}
    for part in chunks(sorted(set(release_ids))):
        stmt = select(Release.id, Release.product_id).where(Release.id.in_(part))
        out.update((r, p) for r, p in session.execute(stmt))
    return out


def latest_by_finding(session: Session, model: Any, finding_ids: Sequence[int]) -> dict[int, Any]:
    """Finding id -> its newest row of ``model`` (a table with ``finding_id``: rescorings, SSVC
    decisions), the highest id winning."""
    out: dict[int, Any] = {}
    for part in chunks(sorted(set(finding_ids))):
        stmt = select(model).where(model.finding_id.in_(part)).order_by(model.id)
        out.update({row.finding_id: row for row in session.execute(stmt).scalars()})
    return out
