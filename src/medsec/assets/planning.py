"""The hospital's end-of-support plan (seed 6.6.2): devices reaching their manufacturer's end of
life and end of support by quarter, with the replacement budget where costs are entered, and the
legacy determination per device with its reasons; flush, never commit.

Per device: past its release's cybersecurity end of support it is legacy and the residual risk is
the hospital's; before that, a release whose components' support has ended and that cannot be
patched is "at risk", reasonably protected only while a compensating control of the hospital (on
the device or its segment, verified and not expired) or of the manufacturer is in force.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy.orm import Session

from medsec.assets import repository as repo
from medsec.assets import rules
from medsec.assets import service as inventory
from medsec.assets.schemas import AssetLegacyRead, AssetPlanRead, PlanQuarterRead
from medsec.errors import InvalidInput
from medsec.export.lifecycle_timeline import TimelineRow, timeline_svg
from medsec.lifecycle import rules as lifecycle_rules
from medsec.lifecycle import service as lifecycle


def _quarter(d: date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def plan(session: Session, *, actor: str, on: date, years: int = 3) -> AssetPlanRead:
    """Devices by quarter of end of life / end of support for ``years``, and legacy devices."""
    if not 1 <= years <= 10:
        raise InvalidInput("--years: from 1 to 10")
    assets, cat = inventory.assets_for_exposure(session, actor=actor)
    release_ids = {
        int(a.target_key.split(":", 1)[1])
        for a in assets
        if a.target_key and a.target_key.startswith("release:")
    }
    views = {
        rid: lifecycle.release_view(session, release_id=rid, on=on) for rid in sorted(release_ids)
    }
    controls: dict[tuple[str, object], list[lifecycle_rules.Control]] = defaultdict(list)
    for c in repo.controls(session):
        if rules.control_state(c.verified_on, c.expires_on, on) != "active":
            continue
        key = ("asset", c.asset_id) if c.asset_id is not None else ("segment", c.segment)
        controls[key].append(lifecycle_rules.Control(c.description, c.expires_on))
    last = date(on.year + years, on.month, min(on.day, 28))
    quarters: dict[str, PlanQuarterRead] = {}
    legacy: list[AssetLegacyRead] = []
    no_dates: list[str] = []
    for a in assets:
        if not a.target_key or not a.target_key.startswith("release:"):
            continue
        view = views[int(a.target_key.split(":", 1)[1])]
        dates = view.dates
        if dates.eos is None and dates.eol is None:
            no_dates.append(a.asset_tag)
        for kind, when in (("end_of_life", dates.eol), ("end_of_support", dates.eos)):
            if when is None or not on <= when < last:
                continue
            q = quarters.setdefault(_quarter(when), PlanQuarterRead(quarter=_quarter(when)))
            getattr(q, kind).append(a.asset_tag)
            if kind == "end_of_support":
                if a.replacement_cost is None:
                    q.missing_costs += 1
                else:
                    q.budget += float(a.replacement_cost)
        mine = (
            list(view.legacy.controls)
            + controls.get(("asset", a.id), [])
            + controls.get(("segment", a.network_segment), [])
        )
        ended = [
            (f"{s.name} {s.version or ''}".strip(), s.end_of_support) for s in view.horizon.ended
        ]
        verdict = lifecycle_rules.legacy(
            eos=dates.eos,
            ended=ended,
            controls=mine,
            on=on,
            patchable=bool(view.row.patchable) if view.row else False,
        )
        if verdict.status in ("legacy", "at_risk"):
            legacy.append(
                AssetLegacyRead(
                    asset_tag=a.asset_tag,
                    runs=cat.labels.get(a.target_key, ""),
                    department=a.department,
                    status=verdict.status,
                    reasons=list(verdict.reasons),
                    protected_until=verdict.protected_until,
                    replacement_cost=a.replacement_cost,
                )
            )
    rows = [
        TimelineRow(
            label=cat.labels.get(f"release:{rid}", str(rid)),
            released=v.release.release_date,
            eol=v.dates.eol,
            eos=v.dates.eos,
            horizon=v.horizon.end,
            status=v.legacy.status,
        )
        for rid, v in views.items()
    ]
    return AssetPlanRead(
        on=on,
        years=years,
        quarters=[quarters[q] for q in sorted(quarters)],
        legacy=legacy,
        without_dates=no_dates,
        timeline_svg=timeline_svg(rows, on=on, title="Releases your devices run") if rows else None,
    )
