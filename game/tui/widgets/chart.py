"""A meter over the whole game: label, a column per step on the meter's full range, and
the first and last value.

Each column's height is the value's place between the meter's own minimum and maximum
(not between the lowest and highest value the game reached), so a meter that went from
3 to 0 starts low and ends at the floor; the colour says better or worse."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget

from game.core.model import Meter
from game.tui.widgets.meters import tone

#: eight heights: the meter's minimum is the lowest block, its maximum the full one
LEVELS = "▁▂▃▄▅▆▇█"


def level(meter: Meter, value: int) -> str:
    """The block for `value` on the meter's whole range."""
    span = meter.max - meter.min
    share = (value - meter.min) / span if span else 1.0
    index = round(max(0.0, min(1.0, share)) * (len(LEVELS) - 1))
    return LEVELS[index]


def sample(values: Sequence[int], width: int) -> list[int]:
    """`values` cut down to `width` columns, evenly, keeping the first and the last."""
    if width <= 0:
        return []
    if len(values) <= width:
        return list(values)
    if width == 1:
        return [values[-1]]
    step = (len(values) - 1) / (width - 1)
    return [values[round(i * step)] for i in range(width)]


def chart_line(meter: Meter, values: Sequence[int], width: int) -> Content:
    """The game's values of `meter` as columns, each coloured by how good it is."""
    return Content.assemble(
        *((level(meter, value), tone(meter, value)) for value in sample(values, width))
    )


class MeterChart(Widget):
    """One row of the ending's chart: 'Trust  ▃▂▁▁  3 → 0 (0-10, higher is better)'."""

    DEFAULT_CSS = """
    MeterChart {
        height: 1;
    }
    """

    #: the widest the columns get (one a step)
    MAX_COLUMNS = 40

    def __init__(self, meter: Meter, values: Sequence[int], label_width: int = 18) -> None:
        super().__init__(classes="meter-chart")
        self.meter = meter
        self.values = list(values) or [meter.start]
        self.label_width = label_width

    def summary(self) -> str:
        meter, values = self.meter, self.values
        return f"{values[0]} → {values[-1]} ({meter.min}-{meter.max}, {meter.good.side} is better)"

    def render(self) -> Content:
        width = self.size.width
        label = Content.styled(self.meter.label, "bold").truncate(
            min(self.label_width, max(0, width // 3)), ellipsis=True, pad=True
        )
        summary = Content(self.summary())
        room = width - label.cell_length - summary.cell_length - 4
        columns = max(1, min(self.MAX_COLUMNS, room, len(self.values)))
        # every chart of a game has as many steps: their summaries line up
        line = chart_line(self.meter, self.values, columns)
        return Content.assemble(label, "  ", line, "  ", summary).truncate(max(0, width))
