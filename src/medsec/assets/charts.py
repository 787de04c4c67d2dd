"""Server-side SVG of the hospital's exposure (pure): exposed assets per group (department or
network segment), stacked by their most urgent SSVC deployer decision. The same picture serves
the page and any report."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

OUTCOMES = ("immediate", "out-of-cycle", "scheduled", "defer")
LABELS = {
    "immediate": "act immediately",
    "out-of-cycle": "act out of cycle",
    "scheduled": "next scheduled update",
    "defer": "defer",
    "none": "nothing exposed",
}
FILL = {
    "immediate": "#b3261e",
    "out-of-cycle": "#e8710a",
    "scheduled": "#f2c94c",
    "defer": "#9bbf85",
    "none": "#d9dee3",
}
ROW_H, LEFT, RIGHT, TOP, BAR_W = 26, 180, 60, 40, 420


def exposure_bars(
    rows: Sequence[tuple[str, int, dict[str, int]]], *, title: str, link: str | None = None
) -> str:
    """SVG bars: per (group, assets, {outcome: count}) one bar, longest scale = most assets.

    ``link`` is a URL prefix; each group's label links to it with the group appended.
    """
    widest = max((n for _, n, _ in rows), default=0) or 1
    height = TOP + ROW_H * max(len(rows), 1) + 50
    width = LEFT + BAR_W + RIGHT
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bars" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<text x="4" y="20" class="bars-title">{escape(title)}</text>',
    ]
    for i, (group, total, by) in enumerate(rows):
        y = TOP + i * ROW_H
        label = escape(group)
        if link is not None:
            from urllib.parse import quote

            label = f"<a href={quoteattr(link + quote(group, safe=''))}>{label}</a>"
        out.append(f'<text x="{LEFT - 8}" y="{y + 16}" text-anchor="end">{label}</text>')
        x = float(LEFT)
        parts = [(o, by.get(o, 0)) for o in OUTCOMES]
        parts.append(("none", total - sum(n for _, n in parts)))
        for outcome, n in parts:
            if n <= 0:
                continue
            w = BAR_W * n / widest
            tip = escape(f"{group}: {n} asset(s), {LABELS[outcome]}")
            out.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 8}" '
                f'fill="{FILL[outcome]}" data-outcome="{outcome}" data-count="{n}">'
                f"<title>{tip}</title></rect>"
            )
            x += w
        out.append(f'<text x="{x + 6:.1f}" y="{y + 16}">{total}</text>')
    if not rows:
        out.append(f'<text x="{LEFT}" y="{TOP + 16}">no mapped asset yet</text>')
    legend_y = TOP + ROW_H * max(len(rows), 1) + 24
    x = 4
    for outcome in (*OUTCOMES, "none"):
        out.append(
            f'<rect x="{x}" y="{legend_y - 11}" width="12" height="12" fill="{FILL[outcome]}"/>'
            f'<text x="{x + 16}" y="{legend_y}">{escape(LABELS[outcome])}</text>'
        )
        x += 22 + 7 * len(LABELS[outcome])
    out.append("</svg>")
    return "".join(out)
