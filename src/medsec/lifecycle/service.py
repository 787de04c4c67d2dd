"""Use cases of the lifecycle domain (seed 6.6): import endoflife.date data, the mapping table,
release EOL/EOS, support status, horizon, legacy, notices, planning and the timeline.

Access: reading needs an account with any role and access to the product; changing release
dates and the mapping, and importing lifecycle data, need the analyst role (admins have all).
Flush, never commit. Every change is audited.

The hospital side plugs in here: an asset of a release gets its support view from
``release_view(session, release_id=..., on=...)`` and its own legacy determination from
``rules.legacy`` with the asset's end of support and compensating controls; ``plan`` lists
assets once the hospital workspace provides them (``PlanRead.assets`` says "not available").
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.errors import DocumentError, InvalidInput, NotFound, PermissionDenied
from medsec.export.lifecycle_notice import Lang, NoticeFacts, render_lifecycle_notice
from medsec.export.lifecycle_timeline import TimelineRow, timeline_svg
from medsec.ingest.endoflife import LifecycleCycle, LifecycleProblem, LifecycleProduct
from medsec.ingest.endoflife import parse_product as parse_lifecycle_file
from medsec.lifecycle import repository as repo
from medsec.lifecycle import rules
from medsec.lifecycle.schemas import (
    ComponentSupportRead,
    ControlRead,
    HorizonRead,
    LegacyRead,
    LifecycleImportRead,
    LifecycleProductRead,
    MappingRead,
    NoticeRead,
    PlanRead,
    ProblemRead,
    QuarterRead,
    ReleaseLifecycleRead,
    ReleaseLifecycleUpdate,
    ReleaseStatusRead,
)
from medsec.models import LifecycleMappingRow, LifecycleProductRow, Release, ReleaseLifecycleRow
from medsec.products import service as products
from medsec.sbom import service as sboms

WRITE_ROLE = "analyst"


class LifecycleDataError(DocumentError):
    """Lifecycle files with entries that cannot be used; ``problems`` lists every one."""

    def __init__(self, problems: Sequence[LifecycleProblem]) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        more = len(self.problems) - 1
        tail = f" (and {more} more; --skip-bad imports the rest)" if more else ""
        super().__init__(first.message + tail, source=first.source, location=first.location)


# --- access -----------------------------------------------------------------------------------


def _require_read(session: Session, actor: str, product: str | None) -> None:
    account = accounts.get(session, accounts.account_name(actor))
    rule = f"lifecycle of {product!r}" if product else "lifecycle data"
    if account is None:
        raise PermissionDenied(
            f"{rule}: {accounts.account_name(actor)!r} has no account "
            "(medsec account add NAME --role viewer)"
        )
    if not set(account.roles) & set(accounts.ROLES):
        raise PermissionDenied(f"{rule}: {account.name!r} has no role")
    if product is not None and account.products and product not in account.products:
        raise PermissionDenied(f"{rule}: {account.name!r} has no access to product {product!r}")


def _require_write(session: Session, actor: str, product: str | None, rule: str) -> None:
    accounts.require(session, actor, WRITE_ROLE, rule=rule, product=product)


# --- endoflife.date data ----------------------------------------------------------------------


def _cycle_json(c: LifecycleCycle) -> dict[str, Any]:
    def v(x: date | bool | None) -> str | bool | None:
        return x.isoformat() if isinstance(x, date) else x

    return {
        "cycle": c.cycle,
        "release_date": v(c.release_date),
        "eol": v(c.eol),
        "active_until": v(c.active_until),
        "extended_until": v(c.extended_until),
        "lts": c.lts,
        "latest": c.latest,
    }


def _cycle_of(d: dict[str, Any]) -> LifecycleCycle:
    def v(x: object) -> date | bool | None:
        if isinstance(x, bool) or x is None:
            return x
        return date.fromisoformat(str(x))

    released = v(d.get("release_date"))
    return LifecycleCycle(
        cycle=str(d["cycle"]),
        release_date=released if isinstance(released, date) else None,
        eol=v(d.get("eol")),
        active_until=v(d.get("active_until")),
        extended_until=v(d.get("extended_until")),
        lts=bool(d.get("lts")),
        latest=d.get("latest"),
    )


def _product_of(row: LifecycleProductRow) -> LifecycleProduct:
    return LifecycleProduct(
        slug=row.slug,
        title=row.title,
        purls=tuple(row.purls),
        cpes=tuple(row.cpes),
        repology=tuple(row.repology),
        cycles=tuple(_cycle_of(c) for c in row.cycles),
    )


def import_files(
    session: Session,
    *,
    files: Sequence[tuple[str, bytes]],
    actor: str,
    skip_bad: bool = False,
) -> LifecycleImportRead:
    """Import endoflife.date product files (one transaction). Entries that cannot be used
    refuse the whole import (every one reported) unless ``skip_bad`` leaves them out."""
    _require_write(session, actor, None, "importing lifecycle data")
    if not files:
        raise InvalidInput("no lifecycle files given (products/<name>.md)")
    parsed: list[tuple[LifecycleProduct, str, str]] = []
    problems: list[LifecycleProblem] = []
    for source, data in files:
        product, found = parse_lifecycle_file(data, source=source)
        problems.extend(found)
        if product is not None:
            parsed.append((product, source, hashlib.sha256(data).hexdigest()))
    bad = [p for p in problems if not p.kept]
    if bad and not skip_bad:
        raise LifecycleDataError(bad)
    slugs = [p.slug for p, _, _ in parsed]
    if len(set(slugs)) != len(slugs):
        twice = sorted({s for s in slugs if slugs.count(s) > 1})
        raise InvalidInput(f"product files given twice: {', '.join(twice)}")
    stored = repo.products_by_slug(session, slugs)
    new = replaced = unchanged = cycles = 0
    for product, source, digest in parsed:
        cycles += len(product.cycles)
        row = stored.get(product.slug)
        if row is not None and row.sha256 == digest:
            unchanged += 1
            continue
        values = {
            "title": product.title,
            "purls": list(product.purls),
            "cpes": list(product.cpes),
            "repology": list(product.repology),
            "cycles": [_cycle_json(c) for c in product.cycles],
            "source_name": source,
            "sha256": digest,
            "imported_by": actor,
        }
        if row is None:
            session.add(LifecycleProductRow(slug=product.slug, **values))
            new += 1
        else:
            for key, value in values.items():
                setattr(row, key, value)
            replaced += 1
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="lifecycle.import",
        object_type="lifecycle_product",
        object_id=None,
        details={
            "products": len(parsed),
            "new": new,
            "replaced": replaced,
            "unchanged": unchanged,
            "problems": len(problems),
            "skipped_entries": len(bad),
        },
    )
    return LifecycleImportRead(
        products=len(parsed),
        new=new,
        replaced=replaced,
        unchanged=unchanged,
        cycles=cycles,
        problems=[
            ProblemRead(source=p.source, location=p.location, message=p.message, kept=p.kept)
            for p in problems
        ],
    )


def list_lifecycle_products(session: Session, *, actor: str) -> list[LifecycleProductRead]:
    """The imported endoflife.date products."""
    _require_read(session, actor, None)
    return [
        LifecycleProductRead(
            slug=r.slug, title=r.title, cycles=len(r.cycles), purls=r.purls, cpes=r.cpes
        )
        for r in repo.all_products(session)
    ]


@dataclass(frozen=True, slots=True)
class Catalog:
    """The imported lifecycle data, ready for matching."""

    products: tuple[LifecycleProduct, ...]
    cycles: dict[str, tuple[LifecycleCycle, ...]]
    table: rules.MappingTable


def catalog(session: Session) -> Catalog:
    """The imported products and the mapping table (user rows first)."""
    prods = tuple(_product_of(r) for r in repo.all_products(session))
    user = [(m.purl_type, m.name, m.product_slug) for m in repo.mappings(session)]
    return Catalog(prods, {p.slug: p.cycles for p in prods}, rules.build_mapping(prods, user))


def add_mapping(
    session: Session, *, purl_type: str, name: str, product: str, actor: str
) -> MappingRead:
    """Add a mapping row (purl type + name -> product); refused when it would fit two products
    or names a product not imported."""
    _require_write(session, actor, None, "changing the lifecycle mapping")
    prods = catalog(session).products
    refused = rules.check_user_mapping(purl_type, name, product, prods)
    key = rules.purl_key(f"pkg:{purl_type}/{name}")
    if refused or key is None:
        raise InvalidInput("; ".join(refused) or f"{purl_type}/{name}: not a purl type and name")
    existing = repo.mapping(session, *key)
    if existing is not None and existing.product_slug != product:
        raise InvalidInput(
            f"pkg:{key[0]}/{key[1]} already maps to {existing.product_slug!r}; mapping it to "
            f"{product!r} too would fit two products"
        )
    if existing is None:
        session.add(
            LifecycleMappingRow(
                purl_type=key[0], name=key[1], product_slug=product, created_by=actor
            )
        )
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="lifecycle.mapping.add",
            object_type="lifecycle_mapping",
            object_id=None,
            details={"purl_type": key[0], "name": key[1], "product": product},
        )
    return MappingRead(purl_type=key[0], name=key[1], product=product)


def list_mappings(session: Session, *, actor: str) -> list[MappingRead]:
    """The user's mapping rows."""
    _require_read(session, actor, None)
    return [
        MappingRead(purl_type=m.purl_type, name=m.name, product=m.product_slug)
        for m in repo.mappings(session)
    ]


# --- release lifecycle ------------------------------------------------------------------------


def _dates(release: Release, row: ReleaseLifecycleRow | None) -> rules.ReleaseDates:
    if row is None:
        return rules.ReleaseDates(release_date=release.release_date)
    return rules.ReleaseDates(
        release_date=release.release_date,
        eol_planned=row.eol_planned,
        eol_announced=row.eol_announced,
        eol_announced_on=row.eol_announced_on,
        eos_planned=row.eos_planned,
        eos_announced=row.eos_announced,
        eos_announced_on=row.eos_announced_on,
    )


def _controls(row: ReleaseLifecycleRow | None) -> tuple[rules.Control, ...]:
    if row is None:
        return ()
    return tuple(
        rules.Control(c["name"], date.fromisoformat(c["until"]) if c.get("until") else None)
        for c in row.controls
    )


def _lifecycle_read(product: str, release: Release, row: ReleaseLifecycleRow | None) -> Any:
    d = _dates(release, row)
    return ReleaseLifecycleRead(
        product=product,
        release=release.version,
        release_date=release.release_date,
        eol_planned=d.eol_planned,
        eol_announced=d.eol_announced,
        eol_announced_on=d.eol_announced_on,
        eos_planned=d.eos_planned,
        eos_announced=d.eos_announced,
        eos_announced_on=d.eos_announced_on,
        eol=d.eol,
        eos=d.eos,
        patchable=bool(row.patchable) if row else False,
        controls=[ControlRead(name=c.name, until=c.until) for c in _controls(row)],
    )


def set_release_lifecycle(
    session: Session, *, product: str, version: str, data: ReleaseLifecycleUpdate, actor: str
) -> ReleaseLifecycleRead:
    """Set a release's EOL/EOS (planned, announced with the announcement date), whether an
    update can replace its components, and its compensating controls."""
    _require_write(session, actor, product, f"changing the lifecycle of {product!r}")
    release = products.get_release(session, product=product, version=version)
    row = repo.release_rows(session, [release.id]).get(release.id)
    before = _lifecycle_read(product, release, row).model_dump(mode="json")
    if row is None:
        row = ReleaseLifecycleRow(release_id=release.id, patchable=False, controls=[])
        session.add(row)
    given = data.model_dump(exclude_unset=True)
    for key in (
        "eol_planned",
        "eol_announced",
        "eol_announced_on",
        "eos_planned",
        "eos_announced",
        "eos_announced_on",
        "patchable",
    ):
        if key in given:
            setattr(row, key, given[key] if key != "patchable" else bool(given[key]))
    if data.controls is not None:
        row.controls = [
            {"name": c.name, "until": c.until.isoformat() if c.until else None}
            for c in data.controls
        ]
    problems = rules.check_dates(_dates(release, row))
    if problems:
        raise InvalidInput(f"{product} {version}: " + "; ".join(problems))
    row.updated_by = actor
    session.flush()
    after = _lifecycle_read(product, release, row)
    audit.record(
        session,
        actor=actor,
        action="release.lifecycle.set",
        object_type="release",
        object_id=release.id,
        product_id=release.product_id,
        details={"release": version, "before": before, "after": after.model_dump(mode="json")},
    )
    return after


# --- support, horizon, legacy ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseView:
    """Everything computed for one release on one date."""

    product: str
    release: Release
    row: ReleaseLifecycleRow | None
    dates: rules.ReleaseDates
    supports: tuple[rules.ComponentSupport, ...]
    horizon: rules.Horizon
    legacy: rules.LegacyVerdict
    on: date


def _facts(session: Session, release: Release) -> list[rules.ComponentFacts]:
    sbom = sboms.current_of(session, release.id)
    if sbom is None:
        return []
    return [
        rules.ComponentFacts(
            ref=c.ref,
            name=f"{c.group}/{c.name}" if c.group else c.name,
            version=c.version,
            purl=c.purl,
            cpe=c.cpe,
            stated_level=c.support_level,
            stated_end=c.end_of_support,
            stated_source=c.support_source,
        )
        for c in sboms.components(session, sbom)
    ]


def _view(
    session: Session,
    product: str,
    release: Release,
    row: ReleaseLifecycleRow | None,
    on: date,
    cat: Catalog,
) -> ReleaseView:
    dates = _dates(release, row)
    supports = tuple(rules.assess_components(_facts(session, release), on, cat.table, cat.cycles))
    hz = rules.horizon(supports, dates, on)
    ended = [(f"{s.name} {s.version or ''}".strip(), s.end_of_support) for s in hz.ended]
    verdict = rules.legacy(
        eos=dates.eos,
        ended=ended,
        controls=_controls(row),
        on=on,
        patchable=bool(row.patchable) if row else False,
    )
    return ReleaseView(product, release, row, dates, supports, hz, verdict, on)


def release_view(session: Session, *, release_id: int, on: date) -> ReleaseView:
    """The support view of one release by id (for other domains: assets, advisories); the
    caller checks access."""
    release = products.release_by_id(session, release_id)
    product = release.product.name
    row = repo.release_rows(session, [release.id]).get(release.id)
    return _view(session, product, release, row, on, catalog(session))


def _views(
    session: Session, *, product: str, version: str | None, on: date, actor: str
) -> list[ReleaseView]:
    _require_read(session, actor, product)
    if version is not None:
        releases = [products.get_release(session, product=product, version=version)]
    else:
        releases = products.list_releases(session, product=product)
    rows = repo.release_rows(session, [r.id for r in releases])
    cat = catalog(session)
    return [_view(session, product, r, rows.get(r.id), on, cat) for r in releases]


def _support_read(s: rules.ComponentSupport) -> ComponentSupportRead:
    return ComponentSupportRead.model_validate(s.to_dict())


def _status_read(v: ReleaseView) -> ReleaseStatusRead:
    phase = rules.phase_on(v.dates, v.on)
    return ReleaseStatusRead(
        product=v.product,
        release=v.release.version,
        on=v.on,
        phase=phase,
        phase_words=rules.PHASE_WORDS[phase or "unknown"],
        lifecycle=_lifecycle_read(v.product, v.release, v.row),
        horizon=v.horizon.end,
        horizon_set_by=[f"{s.name} {s.version or ''}".strip() for s in v.horizon.components],
        warnings=list(v.horizon.warnings),
        legacy=LegacyRead.model_validate(v.legacy.to_dict()),
    )


def status(
    session: Session, *, product: str, version: str | None = None, on: date, actor: str
) -> list[ReleaseStatusRead]:
    """Phase, horizon and legacy determination of a product's releases (or one) on a date."""
    return [
        _status_read(v)
        for v in _views(session, product=product, version=version, on=on, actor=actor)
    ]


def _horizon_read(v: ReleaseView) -> HorizonRead:
    d = v.horizon.to_dict()
    return HorizonRead(
        product=v.product,
        release=v.release.version,
        on=v.on,
        horizon=v.horizon.end,
        set_by=[_support_read(s) for s in v.horizon.components],
        warnings=d["warnings"],
        components=d["components"],
        components_with_end_of_support=d["components_with_end_of_support"],
        ended=[_support_read(s) for s in v.horizon.ended],
        conflicts=[_support_read(s) for s in v.horizon.conflicts],
    )


def horizon(
    session: Session, *, product: str, version: str | None = None, on: date, actor: str
) -> list[HorizonRead]:
    """The support horizon of a product's releases (or one) on a date."""
    return [
        _horizon_read(v)
        for v in _views(session, product=product, version=version, on=on, actor=actor)
    ]


def component_support(
    session: Session, *, product: str, version: str, on: date, actor: str
) -> list[ComponentSupportRead]:
    """Every component of a release with its support computed for the date."""
    (v,) = _views(session, product=product, version=version, on=on, actor=actor)
    return [_support_read(s) for s in v.supports]


# --- notices ----------------------------------------------------------------------------------


def _due(
    v: ReleaseView, schedule: Sequence[rules.NoticeRule], window_days: int
) -> list[rules.NoticeDue]:
    return rules.notices_due(
        v.dates, v.supports, schedule, v.on, window_days=window_days, release=v.release.version
    )


def notices(
    session: Session,
    *,
    product: str,
    version: str | None = None,
    on: date,
    actor: str,
    schedule: Sequence[rules.NoticeRule] = rules.DEFAULT_SCHEDULE,
    window_days: int = rules.DEFAULT_WINDOW_DAYS,
) -> list[NoticeRead]:
    """The customer notices due on a date under the schedule."""
    out: list[NoticeRead] = []
    for v in _views(session, product=product, version=version, on=on, actor=actor):
        for n in _due(v, schedule, window_days):
            d = n.to_dict()
            d["component"] = _support_read(n.component) if n.component else None
            out.append(NoticeRead(product=product, release=v.release.version, **d))
    return out


def draft_notice(
    session: Session,
    *,
    product: str,
    version: str,
    key: str,
    on: date,
    lang: Lang,
    actor: str,
    schedule: Sequence[rules.NoticeRule] = rules.DEFAULT_SCHEDULE,
    window_days: int = rules.DEFAULT_WINDOW_DAYS,
    contact: str | None = None,
) -> str:
    """The HTML of one due notice (by its key) in English or Japanese."""
    (v,) = _views(session, product=product, version=version, on=on, actor=actor)
    found = [n for n in _due(v, schedule, window_days) if n.key == key]
    if not found:
        raise NotFound(
            f"no notice {key!r} is due for {product} {version} on {on} "
            "(see `medsec lifecycle notices`)"
        )
    n = found[0]
    maker = products.get_product(session, product).manufacturer.name
    first = v.horizon.components[0] if v.horizon.components else None
    facts = NoticeFacts(
        manufacturer=maker,
        product=product,
        release=version,
        milestone=n.milestone,
        milestone_date=n.milestone_date,
        issued_on=on,
        eol=v.dates.eol,
        eos=v.dates.eos,
        eol_announced_on=v.dates.eol_announced_on,
        eos_announced_on=v.dates.eos_announced_on,
        component=n.component.name if n.component else None,
        component_version=n.component.version if n.component else None,
        component_source=n.component.source if n.component else None,
        horizon=v.horizon.end,
        horizon_component=f"{first.name} {first.version or ''}".strip() if first else None,
        controls=tuple((c.name, c.until) for c in _controls(v.row) if c.active(on)),
        contact=contact,
        timeline_svg=_timeline([v], on, f"{product} {version}"),
    )
    return render_lifecycle_notice(facts, lang)


# --- planning and timeline --------------------------------------------------------------------


def _quarter(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def plan(session: Session, *, product: str, on: date, actor: str, years: int = 3) -> PlanRead:
    """Releases and components reaching their milestones by quarter from ``on`` for ``years``,
    and every release's status (legacy and at-risk ones with their reasons)."""
    if not 1 <= years <= 10:
        raise InvalidInput("--years: from 1 to 10")
    views = _views(session, product=product, version=None, on=on, actor=actor)
    last = date(on.year + years, on.month, min(on.day, 28))
    buckets: dict[str, QuarterRead] = {}

    def bucket(d: date) -> QuarterRead | None:
        if not on <= d < last:
            return None
        q = _quarter(d)
        return buckets.setdefault(q, QuarterRead(quarter=q))

    comps: dict[str, set[str]] = defaultdict(set)
    for v in views:
        if v.dates.eol and (b := bucket(v.dates.eol)):
            b.end_of_life.append(f"{v.release.version} ({v.dates.eol})")
        if v.dates.eos and (b := bucket(v.dates.eos)):
            b.end_of_support.append(f"{v.release.version} ({v.dates.eos})")
        for s in v.supports:
            if s.end_of_support and bucket(s.end_of_support):
                label = f"{s.name} {s.version or ''}".strip() + f" ({s.end_of_support})"
                comps[_quarter(s.end_of_support)].add(f"{label} in {v.release.version}")
    for q, names in comps.items():
        buckets.setdefault(q, QuarterRead(quarter=q)).component_end_of_support.extend(sorted(names))
    return PlanRead(
        product=product,
        on=on,
        quarters=[buckets[q] for q in sorted(buckets)],
        releases=[_status_read(v) for v in views],
    )


def _timeline(views: Sequence[ReleaseView], on: date, title: str) -> str:
    rows = [
        TimelineRow(
            label=v.release.version,
            released=v.release.release_date,
            eol=v.dates.eol,
            eos=v.dates.eos,
            horizon=v.horizon.end,
            horizon_by=", ".join(
                f"{s.name} {s.version or ''}".strip() for s in v.horizon.components
            )
            or None,
            status=v.legacy.status,
        )
        for v in views
    ]
    return timeline_svg(rows, on=on, title=title)


def timeline(session: Session, *, product: str, on: date, actor: str) -> str:
    """The SVG timeline of a product family (every release) as of a date."""
    views = _views(session, product=product, version=None, on=on, actor=actor)
    return _timeline(views, on, f"{product}: support lifecycle")


# --- for other domains ------------------------------------------------------------------------


def release_summary(session: Session, *, product: str, version: str, on: date) -> ReleaseStatusRead:
    """The status of one release (release page, `medsec release show`); caller checks access."""
    release = products.get_release(session, product=product, version=version)
    row = repo.release_rows(session, [release.id]).get(release.id)
    return _status_read(_view(session, product, release, row, on, catalog(session)))


def csaf_notes(
    session: Session, *, product: str, releases: Sequence[Release], on: date
) -> list[tuple[str, str]]:
    """(title, text) notes on the support lifecycle of the given releases, for CSAF documents:
    only releases with an EOL/EOS set or a known component end of support."""
    rows = repo.release_rows(session, [r.id for r in releases])
    cat = catalog(session)
    out: list[tuple[str, str]] = []
    for r in sorted(releases, key=lambda r: r.id):
        v = _view(session, product, r, rows.get(r.id), on, cat)
        if v.dates.eol is None and v.dates.eos is None and v.horizon.end is None:
            continue
        parts = []
        if v.dates.eol:
            parts.append(f"cybersecurity end of life {v.dates.eol}")
        if v.dates.eos:
            parts.append(f"end of support {v.dates.eos}")
        text = f"{product} {r.version}: " + (", ".join(parts) or "no end of support set") + "."
        phase = rules.phase_on(v.dates, on)
        if phase:
            text += f" On {on} it is in {rules.PHASE_WORDS[phase]}."
        if v.horizon.end:
            by = ", ".join(f"{s.name} {s.version or ''}".strip() for s in v.horizon.components)
            text += f" The earliest end of support of a component is {v.horizon.end} ({by})."
        if v.legacy.status == "legacy":
            text += " It is a legacy device: the residual risk passes to the healthcare provider."
        out.append((f"Support lifecycle of {product} {r.version}", text))
    return out
