"""Read models for the web UI and the API: a product's releases with counts, and the findings
list filtered (VEX state, severity, KEV) and paged. Built on `listing`, never a second copy."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from medsec.core.schemas import MAX_PAGE
from medsec.core.severity import ORDER
from medsec.errors import InvalidInput
from medsec.findings import listing
from medsec.findings.repository import ListQuery
from medsec.findings.schemas import (
    FindingRead,
    PortfolioCountsRead,
    PortfolioRead,
    ProductOverview,
    ReleaseSummary,
)
from medsec.products import service as products
from medsec.sbom import service as sbom_service

STATES = ("under_investigation", "affected", "not_affected", "fixed")
MAX_TEXT = 200  # a component or id search longer than any purl or id medsec stores is refused


@dataclass(frozen=True, slots=True)
class FindingFilter:
    """Which findings to show: VEX state, severity, KEV only, resolved too, and the order."""

    state: str | None = None
    severity: str | None = None
    kev: bool | None = None
    include_resolved: bool = False
    sort: str = "release"
    component: str | None = None  # part of the component identity
    text: str | None = None  # part of any id of the vulnerability
    upstream_only: bool = False  # only distro packages matched by upstream CPE ranges alone

    def query(self) -> ListQuery:
        """The database query of this filter."""
        return ListQuery(
            include_resolved=self.include_resolved,
            state=self.state,
            severity=self.severity,
            kev=self.kev,
            component=self.component or None,
            text=self.text or None,
            sort=self.sort,
            upstream_only=self.upstream_only,
        )

    def check(self) -> None:
        """Refuse unknown values with the allowed ones named."""
        if self.state is not None and self.state not in STATES:
            raise InvalidInput(f"state: {self.state!r} is not one of {', '.join(STATES)}")
        if self.severity is not None and self.severity not in ORDER:
            raise InvalidInput(f"severity: {self.severity!r} is not one of {', '.join(ORDER)}")
        if self.sort not in ("release", "priority"):
            raise InvalidInput(f"sort: {self.sort!r} is not one of release, priority")
        for name, value in (("component", self.component), ("q", self.text)):
            if value is not None and len(value) > MAX_TEXT:
                raise InvalidInput(f"{name}: at most {MAX_TEXT} characters")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a longer list."""

    total: int
    offset: int
    limit: int
    items: list[FindingRead] = field(default_factory=list)


def state_of(finding: FindingRead) -> str:
    """The VEX state of a described finding (no decision: under_investigation)."""
    return finding.vex.status if finding.vex else "under_investigation"


def matches(finding: FindingRead, flt: FindingFilter) -> bool:
    """True when a described finding passes the filter (the pure form of the SQL filters)."""
    v = finding.vulnerability
    if flt.state is not None and state_of(finding) != flt.state:
        return False
    if flt.severity is not None and (v.severity or "").lower() != flt.severity:
        return False
    return flt.kev is None or bool(v.kev) == flt.kev


MAX_OFFSET = 2**31 - 1  # beyond, the database driver overflows (was a 500)


def page_bounds(offset: int, limit: int) -> None:
    """Refuse offsets outside 0..MAX_OFFSET and limits outside 1..MAX_PAGE."""
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(f"offset: must be 0 to {MAX_OFFSET}")
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit: must be 1 to {MAX_PAGE}")


def search(
    session: Session,
    *,
    product: str,
    version: str | None = None,
    flt: FindingFilter | None = None,
    offset: int = 0,
    limit: int = 50,
) -> Page:
    """Findings of a product or release as `findings list --format json` gives them, filtered,
    ordered, counted and sliced by the database; only the page is described."""
    flt = flt or FindingFilter()
    flt.check()
    page_bounds(offset, limit)
    total, items = listing.findings_page(
        session, product=product, version=version, query=flt.query(), offset=offset, limit=limit
    )
    return Page(total=total, offset=offset, limit=limit, items=items)


def product_overview(session: Session, product: str) -> ProductOverview:
    """A product with each release: SBOM revision, components, active findings by VEX state in
    force and by severity, open and KEV counts (counted by the database)."""
    from medsec.findings import repository as repo

    prod = products.get_product(session, product)
    releases = products.list_releases(session, product=product)
    counts: dict[int, list[Any]] = {}
    for row in repo.release_counts(session, [r.id for r in releases]):
        counts.setdefault(row[0], []).append(row)
    out = []
    for r in releases:
        sbom = sbom_service.current_of(session, r.id)
        states: Counter[str] = Counter()
        severities: Counter[str] = Counter()
        kev = 0
        for _, state, severity, in_kev, n in counts.get(r.id, []):
            states[state] += n
            severities[(severity or "unknown").lower()] += n
            kev += n if in_kev else 0
        out.append(
            ReleaseSummary(
                version=r.version,
                release_date=r.release_date.isoformat() if r.release_date else None,
                use_environment=r.use_environment,
                sbom_revision=sbom.revision if sbom else None,
                components=sbom.component_count if sbom else 0,
                findings=sum(states.values()),
                open=sum(n for s, n in states.items() if s not in listing.CLOSED),
                kev=kev,
                by_state=dict(states),
                by_severity=dict(severities),
            )
        )
    return ProductOverview(
        name=prod.name,
        manufacturer=prod.manufacturer.name,
        description=prod.description,
        releases=out,
        markets=list(prod.markets or []),
    )


def portfolio(session: Session, product_names: list[str]) -> PortfolioRead:
    """Charts' data for the products given: open findings by SSVC outcome and by residual-risk
    region, KEV hits and findings first seen per month, per product and in total (SQL counts)."""
    from medsec.findings import repository as repo

    per_product: dict[str, PortfolioCountsRead] = {}
    ssvc: Counter[str] = Counter()
    residual: Counter[str] = Counter()
    months: Counter[str] = Counter()
    kev = open_ = 0
    for name in product_names:
        ids = [r.id for r in products.list_releases(session, product=name)]
        counts = repo.portfolio_counts(session, ids)
        per_product[name] = counts
        ssvc.update(counts.ssvc)
        residual.update(counts.residual)
        months.update(counts.months)
        kev += counts.kev
        open_ += counts.open
    total = PortfolioCountsRead(
        ssvc=dict(ssvc), residual=dict(residual), kev=kev, months=dict(months), open=open_
    )
    return PortfolioRead(products=per_product, total=total)
