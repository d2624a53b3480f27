"""An inline SVG chart of shares: one horizontal bar per group, cut into its parts (for
HTML reports), written with the standard library.

Generic: groups of labelled counts, nothing of stories. Each part has its own colour
(Okabe-Ito) and its own hatching, the share is written on the part when it fits and
every part carries a <title> tooltip, so the chart reads without colour too.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import attrs

from game.tools.documents.svg import COLOURS

WIDTH = 680
LEFT, RIGHT = 150, 16
BAR, GAP, TOP = 26, 14, 12
LEGEND_ROW = 20
PATTERNS = ("", "hatch-a", "hatch-b", "dots", "hatch-c", "")


@attrs.frozen
class Group:
    """One bar: its label and the count of each part (in the chart's part order)."""

    label: str
    counts: tuple[int, ...]


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _defs(chart_id: str) -> str:
    lines = 'stroke="#ffffff" stroke-width="2"'
    return (
        "<defs>"
        f'<pattern id="{chart_id}-hatch-a" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<path d="M0,6 L6,0" {lines}/></pattern>'
        f'<pattern id="{chart_id}-hatch-b" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<path d="M0,0 L6,6" {lines}/></pattern>'
        f'<pattern id="{chart_id}-hatch-c" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<path d="M3,0 L3,6" {lines}/></pattern>'
        f'<pattern id="{chart_id}-dots" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<circle cx="3" cy="3" r="1.2" fill="#ffffff"/></pattern>'
        "</defs>"
    )


def share_bars(
    parts: Sequence[str],
    groups: Sequence[Group],
    *,
    title: str,
    description: str = "",
    chart_id: str = "shares",
) -> str:
    """An <svg> element: per group, a bar of 100% cut into the shares of `parts`."""
    plot_w = WIDTH - LEFT - RIGHT
    legend_rows = (len(parts) + 2) // 3
    height = TOP + len(groups) * (BAR + GAP) + 8 + legend_rows * LEGEND_ROW
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" '
        f'aria-labelledby="{_esc(title_id)} {_esc(desc_id)}" '
        'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="{_esc(title_id)}">{_esc(title)}</title>',
        f'<desc id="{_esc(desc_id)}">{_esc(description)}</desc>',
        _defs(_esc(chart_id)),
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for row, group in enumerate(groups):
        y = TOP + row * (BAR + GAP)
        total = sum(group.counts)
        out.append(
            f'<text x="{LEFT - 8}" y="{y + BAR / 2 + 4:.1f}" text-anchor="end">'
            f"{_esc(group.label)}</text>"
        )
        if not total:
            out.append(f'<text x="{LEFT}" y="{y + BAR / 2 + 4:.1f}" fill="#555555">none yet</text>')
            continue
        x = float(LEFT)
        for index, count in enumerate(group.counts):
            if not count:
                continue
            width = plot_w * count / total
            share = round(100 * count / total)
            colour = COLOURS[index % len(COLOURS)]
            tip = f"{group.label}: {parts[index]}, {count} of {total} ({share}%)"
            out.append(
                f'<g><title>{_esc(tip)}</title><rect x="{x:.1f}" y="{y}" width="{width:.1f}" '
                f'height="{BAR}" fill="{colour}"/>'
            )
            pattern = PATTERNS[index % len(PATTERNS)]
            if pattern:
                out.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                    f'fill="url(#{_esc(chart_id)}-{pattern})" opacity="0.5"/>'
                )
            if width >= 34:
                out.append(
                    f'<text x="{x + width / 2:.1f}" y="{y + BAR / 2 + 4:.1f}" '
                    f'text-anchor="middle" fill="#ffffff" font-weight="bold" '
                    f'stroke="#000000" stroke-width="0.3">{share}%</text>'
                )
            out.append("</g>")
            x += width
    legend_top = TOP + len(groups) * (BAR + GAP) + 8
    for index, part in enumerate(parts):
        lx = 8 + (index % 3) * (WIDTH - 16) / 3
        ly = legend_top + (index // 3) * LEGEND_ROW
        colour = COLOURS[index % len(COLOURS)]
        out.append(f'<rect x="{lx:.1f}" y="{ly}" width="14" height="12" fill="{colour}"/>')
        pattern = PATTERNS[index % len(PATTERNS)]
        if pattern:
            out.append(
                f'<rect x="{lx:.1f}" y="{ly}" width="14" height="12" '
                f'fill="url(#{_esc(chart_id)}-{pattern})" opacity="0.5"/>'
            )
        out.append(f'<text x="{lx + 20:.1f}" y="{ly + 10}">{_esc(part)}</text>')
    out.append("</svg>")
    return "\n".join(out)
