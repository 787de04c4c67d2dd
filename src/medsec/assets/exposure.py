"""Exposure of installed devices: the findings of the release each asset runs after the
manufacturer's VEX, what vendors' CSAF say, the hospital's compensating controls, and the SSVC
deployer decision per asset (rules in :mod:`medsec.assets.rules`); flush, never commit.

Work is done once per release or vendor product and once per distinct SSVC input, so a
portfolio of 100,000 assets on a few dozen releases costs little more than the releases do.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from medsec.assets import repository as repo
from medsec.assets import rules
from medsec.assets import service as inventory
from medsec.assets.schemas import AssetExposure, ExposureItem, ExposureReport, PortfolioCell
from medsec.errors import NotFound
from medsec.findings import listing
from medsec.findings.schemas import FindingRead, VexDecisionRead
from medsec.imported_csaf import queries as csaf_queries
from medsec.models import CompensatingControl
from medsec.products import service as products
from medsec.risk import ssvc
from medsec.vulns import service as vulns

CLEARED = ("not_affected", "fixed")
OUTCOMES = ("immediate", "out-of-cycle", "scheduled", "defer")


@dataclass(frozen=True, slots=True)
class _Vuln:
    """One vulnerability on one target, before the asset's own circumstances."""

    vulnerability: str
    aliases: tuple[str, ...]
    component: str | None
    vendor_status: str | None
    vendor_statement: str | None
    remediations: tuple[str, ...]
    source: str
    severity: str | None
    cvss: float | None
    vector: str | None
    kev: bool
    epss: float | None
    vendor_exploited: bool
    vendor_poc: bool

    @property
    def ids(self) -> tuple[str, ...]:
        """Every id of the vulnerability."""
        return (self.vulnerability, *self.aliases)


def report(
    session: Session, *, actor: str, tags: Sequence[str] | None = None, on: date | None = None
) -> ExposureReport:
    """Exposure of every visible asset (or those tagged) on a date, with the portfolio view."""
    today = on or date.today()
    assets, cat = inventory.assets_for_exposure(session, actor=actor, tags=tags)
    if tags is not None and not assets:
        raise NotFound(f"no asset tagged {tags[0]!r} (see `medsec assets list`)")
    per_target = _per_target(session, {a.target_key for a in assets if a.target_key})
    segments = {s.name: s.exposure for s in repo.segments(session)}
    controls = _controls_by_scope(repo.controls(session), today)
    out: list[AssetExposure] = []
    unmapped: list[str] = []
    memo: dict[tuple[Any, ...], _Computed] = {}
    for a in assets:
        if a.target_key is None:
            unmapped.append(a.asset_tag)
            continue
        out.append(
            _asset_exposure(a, per_target.get(a.target_key, ()), segments, controls, cat, memo)
        )
    return ExposureReport.model_construct(
        on=today,
        assets=out,
        unmapped=unmapped,
        by_department=_portfolio(out, lambda e: e.department),
        by_segment=_portfolio(out, lambda e: e.network_segment),
    )


def _controls_by_scope(
    rows: Iterable[CompensatingControl], today: date
) -> dict[tuple[str, Any], list[CompensatingControl]]:
    out: dict[tuple[str, Any], list[CompensatingControl]] = {}
    for c in rows:
        if rules.control_state(c.verified_on, c.expires_on, today) != "active":
            continue
        key = ("asset", c.asset_id) if c.asset_id is not None else ("segment", c.segment)
        out.setdefault(key, []).append(c)
    return out


@cache
def _decide(exploitation: str, exposure: str, automatable: str, human: str) -> tuple[str, str, int]:
    d = ssvc.decide(
        "deployer",
        exploitation=exploitation,
        system_exposure=exposure,
        automatable=automatable,
        human_impact=human,
    )
    return d.priority, d.vector, d.rank


_Computed = tuple[tuple[ExposureItem, ...], Counter[str], str | None]


def _asset_exposure(
    asset: Any,
    vulns_on_target: Sequence[_Vuln],
    segments: dict[str, str],
    controls: dict[tuple[str, Any], list[CompensatingControl]],
    cat: inventory.Catalog,
    memo: dict[tuple[Any, ...], _Computed],
) -> AssetExposure:
    mine = controls.get(("asset", asset.id), []) + controls.get(
        ("segment", asset.network_segment), []
    )
    exposure = rules.exposure(segments.get(asset.network_segment or ""), asset.home_use)
    human = rules.human_impact(asset.clinical_criticality, asset.implant)
    key = (asset.target_key, exposure, human, tuple(c.id for c in mine))
    computed = memo.get(key)
    if computed is None:  # assets alike in what decides their exposure share one computation
        computed = memo[key] = _items(vulns_on_target, exposure, human, mine)
    items, counts, worst = computed
    return AssetExposure.model_construct(  # trusted values built here: no re-validation
        asset_tag=asset.asset_tag,
        department=asset.department,
        network_segment=asset.network_segment,
        target_label=cat.labels.get(asset.target_key or ""),
        worst=worst,
        exposed=counts["exposed"],
        mitigated=counts["mitigated"],
        cleared=counts["cleared"],
        items=list(items),
    )


def _items(
    vulns_on_target: Sequence[_Vuln], exposure: str, human: str, mine: list[CompensatingControl]
) -> _Computed:
    items: list[ExposureItem] = []
    worst: tuple[int, str] | None = None
    counts: Counter[str] = Counter()
    for v in vulns_on_target:
        covering = [c.id for c in mine if rules.control_covers(c.covers, v.ids)]
        if v.vendor_status in CLEARED:
            state, outcome, vector = "cleared", None, None
        else:
            state = "mitigated" if covering else "exposed"
            exploitation = rules.exploitation(v.kev, v.vendor_exploited, v.vendor_poc, v.epss)
            outcome, vector, rank = _decide(
                exploitation, exposure, rules.automatable(v.vector), human
            )
            if state == "exposed" and (worst is None or rank > worst[0]):
                worst = (rank, outcome)
        counts[state] += 1
        items.append(
            ExposureItem(
                vulnerability=v.vulnerability,
                aliases=list(v.aliases),
                component=v.component,
                state=state,
                vendor_status=v.vendor_status,
                vendor_statement=v.vendor_statement,
                remediations=list(v.remediations),
                source=v.source,
                severity=v.severity,
                cvss=v.cvss,
                kev=v.kev,
                epss=v.epss,
                ssvc=outcome,
                ssvc_vector=vector,
                controls=covering,
            )
        )
    items.sort(key=lambda i: (("exposed", "mitigated", "cleared").index(i.state), _rank(i.ssvc)))
    return tuple(items), counts, worst[1] if worst else None


def _rank(outcome: str | None) -> int:
    return OUTCOMES.index(outcome) if outcome in OUTCOMES else len(OUTCOMES)


def _portfolio(rows: Sequence[AssetExposure], group: Any) -> list[PortfolioCell]:
    cells: dict[str, Counter[str]] = {}
    totals: Counter[str] = Counter()
    for e in rows:
        name = group(e) or "(none)"
        totals[name] += 1
        cells.setdefault(name, Counter())
        if e.worst:
            cells[name][e.worst] += 1
    return [
        PortfolioCell(
            group=name,
            assets=totals[name],
            by_outcome={o: cells[name][o] for o in OUTCOMES if cells[name][o]},
        )
        for name in sorted(totals)
    ]


def _per_target(session: Session, keys: set[str]) -> dict[str, tuple[_Vuln, ...]]:
    release_ids = {int(k.split(":", 1)[1]): k for k in keys if k.startswith("release:")}
    out = dict(_release_targets(session, release_ids))
    named = {k: n for k in keys if (n := rules.csaf_names(k)) is not None}
    statements = csaf_queries.named_statements(session, set(named.values()))
    signals = vulns.exploitation_signals(
        session, sorted({s.cve for ss in statements.values() for s in ss if s.cve})
    )
    for key, name in named.items():
        out[key] = tuple(_from_statements(statements.get(name, []), signals))
    return out


def _release_targets(session: Session, release_ids: dict[int, str]) -> dict[str, tuple[_Vuln, ...]]:
    if not release_ids:
        return {}
    prods = products.list_products(session)
    releases = products.releases_by_product(session, [p.id for p in prods])
    out: dict[str, tuple[_Vuln, ...]] = {}
    for p in prods:
        for r in releases.get(p.id, []):
            if r.id not in release_ids:
                continue
            findings = listing.list_findings(session, product=p.name, version=r.version)
            said = csaf_queries.product_statements(session, product=p.name, release=r.version)
            out[release_ids[r.id]] = tuple(_from_findings(session, findings, said))
    return out


def _statement_for(ids: Sequence[str], component: str | None, said: Sequence[Any]) -> Any | None:
    wanted = set(ids)
    best = None
    for s in said:
        if s.cve not in wanted:
            continue
        target = s.target
        if target.get("kind") == "component" and target.get("component") != component:
            continue
        if target.get("kind") == "component" or best is None:
            best = s
    return best


def _from_findings(
    session: Session, findings: Sequence[FindingRead], said: Sequence[Any]
) -> list[_Vuln]:
    out: list[_Vuln] = []
    seen: set[str] = set()
    for f in findings:
        vuln = f.vulnerability
        comp = f.component
        comp_key = f"{comp.name}@{comp.version}" if comp.name else None
        ids = (vuln.id, *vuln.aliases)
        seen.update(ids)
        vendor = _statement_for(ids, comp_key, said)
        local = f.vex
        status, statement = _status(local, vendor)
        vector = next((s.vector for s in vuln.severities if s.vector), None)
        exploited, poc = _threats(vendor)
        out.append(
            _Vuln(
                vulnerability=vuln.id,
                aliases=tuple(vuln.aliases),
                component=comp_key,
                vendor_status=status,
                vendor_statement=statement,
                remediations=_remediations(vendor),
                source="sbom finding",
                severity=vuln.severity,
                cvss=vuln.cvss_score,
                vector=vector,
                kev=vuln.kev is not None,
                epss=vuln.epss.score if vuln.epss else None,
                vendor_exploited=exploited,
                vendor_poc=poc,
            )
        )
    extra = [s for s in said if s.cve and s.cve not in seen]
    if extra:
        signals = vulns.exploitation_signals(session, [s.cve for s in extra])
        out.extend(_from_statements(extra, signals))
    return out


def _status(local: VexDecisionRead | None, vendor: Any | None) -> tuple[str | None, str | None]:
    if local is not None:
        text = local.impact_statement or local.action_statement or local.justification
        return local.status, text
    if vendor is None:
        return None, None
    st = vendor.statement
    text = st.get("impact") or st.get("justification") or st.get("flag")
    return st.get("status"), text


def _threats(vendor: Any | None) -> tuple[bool, bool]:
    if vendor is None:
        return False, False
    exploited = poc = False
    for t in vendor.statement.get("threats") or []:
        if t.get("category") != "exploit_status":
            continue
        details = str(t.get("details", "")).lower()
        if "no known" in details or "not exploited" in details:
            continue
        if "active" in details or "in the wild" in details or "exploited" in details:
            exploited = True
        else:
            poc = True
    return exploited, poc


def _remediations(vendor: Any | None) -> tuple[str, ...]:
    if vendor is None:
        return ()
    texts = []
    for r in vendor.statement.get("remediations") or []:
        text = f"{r.get('category', 'remediation')}: {r.get('details', '')}".strip()
        if text not in texts:
            texts.append(text)
    return tuple(texts)


def _from_statements(
    said: Sequence[Any], signals: dict[str, tuple[bool, float | None]]
) -> list[_Vuln]:
    merged: dict[str, Any] = {}
    for s in said:
        if not s.cve:
            continue
        prev = merged.get(s.cve)
        # the most cautious statement wins when a document lists a product twice
        if prev is None or (
            prev.statement.get("status") in CLEARED and s.statement.get("status") not in CLEARED
        ):
            merged[s.cve] = s
    out = []
    for cve, s in sorted(merged.items()):
        kev, epss = signals.get(cve, (False, None))
        score: dict[str, Any] = next(iter(s.statement.get("scores") or []), {})
        exploited, poc = _threats(s)
        status, statement = _status(None, s)
        out.append(
            _Vuln(
                vulnerability=cve,
                aliases=(),
                component=None,
                vendor_status=status,
                vendor_statement=statement,
                remediations=_remediations(s),
                source=f"vendor advisory {s.tracking_id}",
                severity=None,
                cvss=score.get("base_score"),
                vector=score.get("vector"),
                kev=kev,
                epss=epss,
                vendor_exploited=exploited,
                vendor_poc=poc,
            )
        )
    return out
