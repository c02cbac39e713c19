"""Bar charts as inline SVG, drawn on the server: no script, no CDN, readable without colour.

Each chart is decorative next to its table (the table carries the figures for screen readers),
so the SVG is `aria-hidden`; suppressed cells are drawn as an empty, dashed bar.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

from markupsafe import Markup

from gateway.insights.report import Cell

BAR = 18
GAP = 6
LABEL_WIDTH = 150
CHART_WIDTH = 360


def bar_chart(
    cells: Sequence[Cell], *, rtl: bool = False, label: Callable[[str], str] = str
) -> Markup:
    """Horizontal bars, one per cell, longest = widest; right-to-left pages draw from the right."""
    if not cells:
        return Markup("")
    top = max((c.events or 0) for c in cells) or 1
    height = len(cells) * (BAR + GAP) + GAP
    width = LABEL_WIDTH + CHART_WIDTH + 50
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" direction="ltr" aria-hidden="true" focusable="false">'
    ]
    for index, cell in enumerate(cells):
        y = GAP + index * (BAR + GAP)
        length = 0 if cell.events is None else max(1, round(CHART_WIDTH * cell.events / top))
        if rtl:
            label_x, anchor, bar_x = width - 4, "end", width - LABEL_WIDTH - length
            value_x, value_anchor = bar_x - 4, "end"
        else:
            label_x, anchor, bar_x = LABEL_WIDTH - 6, "end", LABEL_WIDTH
            value_x, value_anchor = bar_x + length + 4, "start"
        parts.append(
            f'<text x="{label_x}" y="{y + BAR - 5}" text-anchor="{anchor}">{escape(label(cell.label))}</text>'
        )
        if cell.events is None:
            dashed_x = bar_x if not rtl else width - LABEL_WIDTH - 40
            parts.append(
                f'<rect x="{dashed_x}" y="{y}" width="40" height="{BAR}" class="suppressed" '
                'fill="none" stroke="#888" stroke-dasharray="3 3"/>'
            )
            continue
        parts.append(
            f'<rect x="{bar_x}" y="{y}" width="{length}" height="{BAR}" class="bar" '
            f'data-value="{cell.events}"/>'
        )
        parts.append(
            f'<text x="{value_x}" y="{y + BAR - 5}" text-anchor="{value_anchor}">{cell.events}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
