"""Story text for a terminal: paragraphs wrapped to a width, meters as words."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from game.core.model import Story


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each joined to one line."""
    result = []
    for block in text.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines:
            result.append(" ".join(lines))
    return result


def wrap(text: str, width: int = 78, indent: str = "") -> str:
    return "\n\n".join(
        textwrap.fill(p, width=width, initial_indent=indent, subsequent_indent=indent)
        for p in paragraphs(text)
    )


def meter_line(
    story: Story, meters: Mapping[str, int], before: Mapping[str, int] | None = None
) -> str:
    parts = []
    for meter in story.meters.values():
        value = meters[meter.id]
        part = f"{meter.label} {value}/{meter.max}"
        if before is not None and before.get(meter.id, value) != value:
            part += f" ({value - before[meter.id]:+d})"
        parts.append(part)
    return " | ".join(parts)
