"""An inline SVG line chart, written with the standard library (for HTML transcripts).

Generic: it draws labelled series of numbers over labelled steps and knows nothing of
stories. Each line has its own colour (Okabe-Ito, safe for colour-blind readers) and
its own dash pattern, a label at its end and an entry in the legend, so the chart
reads in greyscale print too. Every point carries a <title> tooltip.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import attrs

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 4", "1 2")

WIDTH = 680
PLOT_HEIGHT = 240
LEFT, RIGHT, TOP = 44, 150, 16
AXIS_SPACE = 44  # below the plot: tick labels and the axis title
LEGEND_ROW = 20
LABEL_GAP = 13  # the least vertical distance between two end labels


@attrs.frozen
class Series:
    label: str
    values: tuple[float, ...]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _ticks(low: float, high: float) -> list[float]:
    """At most about ten gridlines at a "nice" step (1, 2 or 5 times a power of ten)."""
    span = max(high - low, 1.0)
    magnitude = 10.0 ** math.floor(math.log10(span / 10))
    step = next(
        (m * magnitude for m in (1, 2, 5, 10) if span / (m * magnitude) <= 10), 10 * magnitude
    )
    step = max(step, 1.0)
    value = math.ceil(low / step) * step
    ticks: list[float] = []
    while value <= high + 1e-9 and len(ticks) <= 12:
        ticks.append(value)
        value += step
    return ticks


def _spread(wanted: list[float], top: float, bottom: float) -> list[float]:
    """Move end labels apart so none overlap, keeping their order and the plot bounds."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed = [wanted[i] for i in order]
    for k in range(1, len(placed)):
        placed[k] = max(placed[k], placed[k - 1] + LABEL_GAP)
    overflow = placed[-1] - bottom if placed else 0
    if overflow > 0:
        placed = [y - overflow for y in placed]
        for k in range(len(placed) - 2, -1, -1):
            placed[k] = min(placed[k], placed[k + 1] - LABEL_GAP)
    placed = [max(top, y) for y in placed]
    result = [0.0] * len(wanted)
    for k, i in enumerate(order):
        result[i] = placed[k]
    return result


def line_chart(
    series: Sequence[Series],
    x_labels: Sequence[str],
    *,
    title: str,
    description: str = "",
    y_min: float,
    y_max: float,
    x_title: str = "",
    chart_id: str = "chart",
) -> str:
    """An <svg> element: one line per series over len(x_labels) steps."""
    if y_max <= y_min:
        y_max = y_min + 1
    steps = max(1, len(x_labels))
    plot_w = WIDTH - LEFT - RIGHT
    legend_rows = (len(series) + 2) // 3
    height = TOP + PLOT_HEIGHT + AXIS_SPACE + legend_rows * LEGEND_ROW + 8

    def x(i: int) -> float:
        return LEFT + (plot_w / 2 if steps == 1 else plot_w * i / (steps - 1))

    def y(v: float) -> float:
        return TOP + PLOT_HEIGHT * (y_max - v) / (y_max - y_min)

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{_esc(title_id)} {_esc(desc_id)}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{_esc(title_id)}">{_esc(title)}</title>',
        f'<desc id="{_esc(desc_id)}">{_esc(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    # grid and y axis
    for tick in _ticks(y_min, y_max):
        ty = y(tick)
        out.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{LEFT + plot_w}" y2="{ty:.1f}" '
            'stroke="#dddddd" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#444444">'
            f"{_num(tick)}</text>"
        )
    out.append(
        f'<line x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" x2="{LEFT + plot_w}" '
        f'y2="{TOP + PLOT_HEIGHT}" stroke="#888888" stroke-width="1"/>'
    )
    # x labels: at most about 16, always the first and the last
    every = max(1, -(-steps // 16))
    base = TOP + PLOT_HEIGHT
    for i, label in enumerate(x_labels):
        if i % every and i != steps - 1:
            continue
        out.append(
            f'<text x="{x(i):.1f}" y="{base + 16}" text-anchor="middle" fill="#444444">'
            f"{_esc(label)}</text>"
        )
    if x_title:
        out.append(
            f'<text x="{LEFT + plot_w / 2:.1f}" y="{base + 34}" text-anchor="middle" '
            f'fill="#222222">{_esc(x_title)}</text>'
        )
    # lines, points, end labels
    ends: list[float] = []
    for n, line in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(line.values))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series" data-label="{_esc(line.label)}">')
        out.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr} '
            f'stroke-linejoin="round" points="{points}"/>'
        )
        for i, v in enumerate(line.values):
            step = x_labels[i] if i < len(x_labels) else str(i)
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                f"<title>{_esc(line.label)}, {_esc(step)}: {_num(v)}</title></circle>"
            )
        out.append("</g>")
        ends.append(y(line.values[-1]) if line.values else y(y_min))
    label_x = x(steps - 1) + 10
    for n, (line, label_y) in enumerate(
        zip(series, _spread(ends, TOP, TOP + PLOT_HEIGHT), strict=True)
    ):
        colour = COLOURS[n % len(COLOURS)]
        value = _num(line.values[-1]) if line.values else ""
        out.append(
            f'<text x="{label_x:.1f}" y="{label_y + 4:.1f}" fill="{colour}" '
            f'font-weight="bold">{_esc(line.label)} {value}</text>'
        )
    # legend: a sample of each line and its label, three to a row
    legend_top = TOP + PLOT_HEIGHT + AXIS_SPACE
    column = (WIDTH - LEFT) / 3
    for n, line in enumerate(series):
        colour, dash = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)]
        lx = LEFT + (n % 3) * column
        ly = legend_top + (n // 3) * LEGEND_ROW + 6
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(
            f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{lx + 28:.1f}" y2="{ly:.1f}" '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        out.append(
            f'<text x="{lx + 34:.1f}" y="{ly + 4:.1f}" fill="#222222">{_esc(line.label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
