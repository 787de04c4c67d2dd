"""Use case: re-match a release, a product or the portfolio an account may see (analyst role),
with a summary a person can read. Flush, never commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.errors import InvalidInput
from medsec.findings import service
from medsec.findings.schemas import MatchRead, NotEvaluatedRead
from medsec.products import service as products


def rematch(
    session: Session,
    *,
    actor: str,
    product: str | None = None,
    release: str | None = None,
    full: bool = False,
    visible: list[str] | None = None,
) -> MatchRead:
    """Re-match one release, one product or (neither given) every product ``visible`` names
    (``None``/empty: every product); the summary of what changed."""
    if release and not product:
        raise InvalidInput("release: name the product too")
    accounts.require(session, actor, "analyst", rule="re-matching findings", product=product)
    if product and release:
        ids = [products.get_release(session, product=product, version=release).id]
        scope = f"{product} {release}"
    elif product:
        ids = [r.id for r in products.list_releases(session, product=product)]
        scope = product
    else:
        names = [p.name for p in products.list_products(session)]
        names = [n for n in names if not visible or n in visible]
        ids = [r.id for n in names for r in products.list_releases(session, product=n)]
        scope = "portfolio"
    report = service.match(session, actor=actor, release_ids=ids, full=full)
    return MatchRead(
        scope=scope,
        releases=len(ids),
        releases_full=report.releases_full,
        releases_incremental=report.releases_incremental,
        components=report.components,
        records=report.advisories,
        new=report.new,
        reopened=report.reopened,
        resolved=report.resolved,
        active=report.active,
        not_evaluated=[
            NotEvaluatedRead(reason=reason, components=n)
            for reason, n in report.unmatched.most_common(5)
        ],
        seconds=round(report.seconds, 3),
    )
