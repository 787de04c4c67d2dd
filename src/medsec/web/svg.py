"""The risk heat map as server-rendered SVG (pure: the same picture serves pages and reports).

Rows are exploitability (highest on top), columns severity; each cell is coloured by the
policy's acceptability region and shows how many current risk records fall in it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

CELL_W, CELL_H, LEFT, TOP, BOTTOM = 96, 56, 150, 34, 60
FILL = {"acceptable": "#cfe8cf", "alarp": "#fbe3a6", "unacceptable": "#f4b6b0"}


def heat_map_svg(
    data: Mapping[str, Any],
    *,
    which: str = "before",
    title: str = "",
    link: Callable[[str, str], str] | None = None,
) -> str:
    """SVG markup for `risk.service.heat_map` data; ``which`` is "before" or "residual";
    ``link(exploitability, severity)``: the address a counted cell leads to (its findings)."""
    exp = list(data["exploitability_levels"])
    sev = list(data["severity_levels"])
    cells = data["policy"]["cells"]  # cells[exploitability][severity]
    counts = {(c["exploitability"], c["severity"]): int(c["count"]) for c in data[which]}
    width, height = LEFT + CELL_W * len(sev) + 10, TOP + CELL_H * len(exp) + BOTTOM
    label = title or f"risk heat map ({which})"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heatmap" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f"aria-label={quoteattr(label)}>",
        f"<title>{escape(label)}</title>",
        f'<text x="{LEFT}" y="20" class="hm-title">{escape(label)}</text>',
    ]
    for row, e in enumerate(reversed(exp)):
        ei = len(exp) - 1 - row
        y = TOP + row * CELL_H
        out.append(
            f'<text x="{LEFT - 8}" y="{y + CELL_H / 2 + 5}" text-anchor="end" '
            f'class="hm-axis">{escape(e)}</text>'
        )
        for col, s in enumerate(sev):
            x = LEFT + col * CELL_W
            cell = cells[ei][col]
            n = counts.get((e, s), 0)
            region, level = str(cell["region"]), str(cell["level"])
            fill = FILL.get(region, "#eeeeee")
            tip = escape(f"{e} × {s}: {n} ({region}, {level})")
            opened = ""
            if link is not None and n:
                words = f"{e} × {s}: {n} findings ({region})"
                opened = f"<a href={quoteattr(link(e, s))} aria-label={quoteattr(words)}>"
            out.append(
                f"{opened}"
                f'<g class="hm-cell" data-exploitability={quoteattr(e)} '
                f'data-severity={quoteattr(s)} data-count="{n}">'
                f'<rect x="{x}" y="{y}" width="{CELL_W - 2}" height="{CELL_H - 2}" '
                f'fill="{fill}" stroke="#555" stroke-width="{2 if n else 0.5}"/>'
                f"<title>{tip}</title>"
                f'<text x="{x + CELL_W / 2 - 1}" y="{y + CELL_H / 2 + 6}" text-anchor="middle" '
                f'class="{"hm-count" if n else "hm-zero"}">{n}</text></g>'
                f"{'</a>' if opened else ''}"
            )
    base = TOP + CELL_H * len(exp)
    for col, s in enumerate(sev):
        out.append(
            f'<text x="{LEFT + col * CELL_W + CELL_W / 2}" y="{base + 18}" '
            f'text-anchor="middle" class="hm-axis">{escape(s)}</text>'
        )
    out.append(
        f'<text x="{LEFT + CELL_W * len(sev) / 2}" y="{base + 44}" text-anchor="middle" '
        f'class="hm-label">severity of harm →</text>'
    )
    out.append(
        f'<text x="14" y="{TOP + CELL_H * len(exp) / 2}" class="hm-label" '
        f'transform="rotate(-90 14 {TOP + CELL_H * len(exp) / 2})" text-anchor="middle">'
        f"exploitability →</text>"
    )
    out.append("</svg>")
    return "".join(out)


BAR_H, BAR_GAP, BAR_LEFT, BAR_W = 22, 6, 170, 300


def bar_chart_svg(title: str, bars: Sequence[tuple[str, int, str | None]]) -> str:
    """A horizontal bar chart: one (label, count, link or None) per bar; a linked bar is a
    keyboard-focusable link to the list behind it. Labels are escaped."""
    top = max((n for _, n, _ in bars), default=0) or 1
    height = 30 + len(bars) * (BAR_H + BAR_GAP) + 4
    width = BAR_LEFT + BAR_W + 70
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f"aria-label={quoteattr(title)}>",
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" class="hm-title">{escape(title)}</text>',
    ]
    if not bars:
        out.append('<text x="0" y="44" class="hm-axis">nothing yet</text>')
    for i, (label, count, href) in enumerate(bars):
        y = 30 + i * (BAR_H + BAR_GAP)
        w = round(BAR_W * count / top) if count else 0
        bar = (
            f'<text x="{BAR_LEFT - 8}" y="{y + BAR_H - 6}" text-anchor="end" class="hm-axis">'
            f"{escape(label)}</text>"
            f'<rect x="{BAR_LEFT}" y="{y}" width="{max(w, 1)}" height="{BAR_H}" class="bar"/>'
            f'<text x="{BAR_LEFT + max(w, 1) + 6}" y="{y + BAR_H - 6}" class="hm-count">'
            f"{count}</text>"
        )
        if href:
            bar = f"<a href={quoteattr(href)}><title>{escape(f'{label}: {count}')}</title>{bar}</a>"
        out.append(bar)
    out.append("</svg>")
    return "".join(out)
