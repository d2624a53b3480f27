"""A meter over the whole game: label, a sparkline of its values, first and last value."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, Sparkline

from game.core.model import Meter


class MeterChart(Horizontal):
    """One row of the ending's chart; the sparkline's colours follow the meter's `good` side."""

    def __init__(self, meter: Meter, values: Sequence[int]) -> None:
        super().__init__(classes="meter-chart")
        self.meter = meter
        self.values = list(values)

    def compose(self) -> ComposeResult:
        meter, values = self.meter, self.values
        yield Label(Content(meter.label), classes="chart-label")
        yield Sparkline([float(v) for v in values], classes=f"chart-line -good-{meter.good}")
        first, last = values[0], values[-1]
        yield Label(Content(f"{first} → {last} of {meter.max}"), classes="chart-values")
