"""The lifecycle timeline of a product family as server-rendered SVG (pure; the same picture
serves the web page, the API and the notices). One row per release: supported from its release
date to its end of life (green), limited support to its end of support (amber), legacy after it
(red); a black mark at the support horizon (earliest component end of support) and a dashed line
at the date shown. Every label is escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

LEFT, TOP, ROW, WIDTH, BOTTOM = 130, 36, 30, 860, 40
FILL = {"supported": "#9fd49f", "limited": "#f6d27a", "legacy": "#e99a92"}


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One release on the timeline."""

    label: str
    released: date | None
    eol: date | None
    eos: date | None
    horizon: date | None = None
    horizon_by: str | None = None
    status: str = ""


def _span(rows: Sequence[TimelineRow], on: date) -> tuple[date, date]:
    days = [on]
    for r in rows:
        days.extend(d for d in (r.released, r.eol, r.eos, r.horizon) if d is not None)
    first, last = min(days), max(days)
    return date(first.year, 1, 1), date(last.year + 2, 1, 1)


def timeline_svg(rows: Sequence[TimelineRow], *, on: date, title: str) -> str:
    """SVG markup of the timeline of ``rows`` as of ``on``."""
    start, end = _span(rows, on)
    total = (end - start).days or 1
    plot = WIDTH - LEFT - 10

    def x(d: date) -> float:
        return round(LEFT + plot * (d - start).days / total, 1)

    height = TOP + ROW * max(len(rows), 1) + BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lifecycle-timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    axis = TOP + ROW * max(len(rows), 1)
    for year in range(start.year, end.year + 1):
        gx = x(date(year, 1, 1))
        out.append(
            f'<line x1="{gx}" y1="{TOP - 4}" x2="{gx}" y2="{axis}" stroke="#ddd"/>'
            f'<text x="{gx}" y="{axis + 16}" font-size="11" text-anchor="middle">{year}</text>'
        )
    for i, r in enumerate(rows):
        y = TOP + i * ROW
        out.append(
            f'<g class="tl-row" data-release={quoteattr(r.label)} '
            f"data-status={quoteattr(r.status)}>"
            f'<text x="{LEFT - 8}" y="{y + ROW / 2 + 4}" font-size="12" text-anchor="end">'
            f"{escape(r.label)}</text>"
        )
        begin = r.released or r.eol or r.eos
        segments = []
        if begin is not None:
            segments.append(("supported", begin, r.eol or r.eos or end))
            if r.eol is not None:
                segments.append(("limited", r.eol, r.eos or end))
            if r.eos is not None:
                segments.append(("legacy", r.eos, end))
        for kind, a, b in segments:
            if b <= a:
                continue
            tip = f"{r.label}: {kind} {a.isoformat()} – {b.isoformat() if b != end else '…'}"
            out.append(
                f'<rect class="tl-{kind}" x="{x(a)}" y="{y + 6}" width="{round(x(b) - x(a), 1)}" '
                f'height="{ROW - 12}" fill="{FILL[kind]}"><title>{escape(tip)}</title></rect>'
            )
        if r.horizon is not None:
            hx = x(r.horizon)
            tip = f"support horizon {r.horizon.isoformat()}"
            if r.horizon_by:
                tip += f" ({r.horizon_by})"
            out.append(
                f'<path class="tl-horizon" d="M{hx} {y + 3} l5 {ROW / 2 - 3} l-5 {ROW / 2 - 3} '
                f'l-5 -{ROW / 2 - 3} z" fill="#222"><title>{escape(tip)}</title></path>'
            )
        out.append("</g>")
    ox = x(on)
    out.append(
        f'<line class="tl-on" x1="{ox}" y1="{TOP - 8}" x2="{ox}" y2="{axis}" stroke="#1a4f9c" '
        f'stroke-dasharray="4 3"/><text x="{ox}" y="{TOP - 10}" font-size="11" '
        f'text-anchor="middle" fill="#1a4f9c">{on.isoformat()}</text>'
    )
    legend_y = axis + 32
    lx = LEFT
    for kind, word in (
        ("supported", "supported"),
        ("limited", "limited support"),
        ("legacy", "end of support"),
    ):
        out.append(
            f'<rect x="{lx}" y="{legend_y - 10}" width="12" height="12" fill="{FILL[kind]}"/>'
            f'<text x="{lx + 16}" y="{legend_y}" font-size="11">{word}</text>'
        )
        lx += 130
    out.append(
        f'<path d="M{lx + 6} {legend_y - 11} l5 6 l-5 6 l-5 -6 z" fill="#222"/>'
        f'<text x="{lx + 16}" y="{legend_y}" font-size="11">support horizon (components)</text>'
    )
    out.append("</svg>")
    return "".join(out)
