"""The meters as labelled bars, coloured by which way is good, with the last change
told in words as well as colour ("+1▲ better"), so it reads the same without colour."""

from __future__ import annotations

from collections.abc import Mapping

from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget

from game.core.feedback import side_word
from game.core.model import Meter, Story

EMPTY_STYLE = "$foreground 25%"


def goodness(meter: Meter, value: int) -> float:
    """Where `value` sits from worst (0.0) to best (1.0), by the meter's `good` side."""
    return meter.goodness(value)


def tone(meter: Meter, value: int) -> str:
    """The theme colour of a meter's value: success, warning or error."""
    score = goodness(meter, value)
    if score >= 0.6:
        return "$success"
    if score >= 0.35:
        return "$warning"
    return "$error"


def change_content(meter: Meter, change: int) -> Content:
    """ "+1▲ better" or "-2▼ worse": the word says it without colour; green for the
    better, red for the worse."""
    word = side_word(meter, change)
    if not word:
        return Content("")
    arrow = "▲" if change > 0 else "▼"
    style = "bold $text-error" if word == "worse" else "bold $text-success"
    return Content.styled(f"{change:+d}{arrow} {word}", style)


def bar(meter: Meter, value: int, width: int) -> Content:
    """A bar `width` cells wide, filled in proportion to the value."""
    if width <= 0:
        return Content("")
    span = meter.max - meter.min
    filled = round(width * (value - meter.min) / span) if span else width
    filled = max(0, min(width, filled))
    return Content.assemble(
        ("█" * filled, tone(meter, value)), ("░" * (width - filled), EMPTY_STYLE)
    )


class MeterBar(Widget):
    """One meter: label, value/max, the change of the last choice, and a bar.

    Two lines when it has the height (label above the bar), else one line.
    """

    def __init__(self, meter: Meter, value: int, change: int = 0) -> None:
        super().__init__(classes="meter")
        self.meter = meter
        self.value = value
        self.change = change
        #: the label's width on one line, shared by every bar of a panel so the bars line up
        self.label_width = len(meter.label)
        if meter.help:
            self.tooltip = Content(meter.help.strip())

    def set_value(self, meter: Meter, value: int, change: int) -> None:
        if (meter, value, change) == (self.meter, self.value, self.change):
            return  # a repaint of the same bar is wasted time on a keypress
        self.meter, self.value, self.change = meter, value, change
        self.refresh()

    def render(self) -> Content:
        meter, width = self.meter, self.size.width
        label = Content.styled(meter.label, "bold")
        numbers = Content(f"{self.value}/{meter.max}")
        delta = change_content(meter, self.change)
        if self.size.height >= 2:
            # label and value above; the bar and the change below
            room = max(0, width - numbers.cell_length - 1)
            top = label.truncate(room, ellipsis=True, pad=True)
            bar_width = max(1, width - delta.cell_length - 1) if delta else width
            bottom = bar(meter, self.value, bar_width)
            if delta:
                bottom = Content.assemble(bottom, " ", delta)
            return Content("\n").join(
                [Content.assemble(top, " ", numbers), bottom.truncate(max(0, width))]
            )
        if delta:
            numbers = Content.assemble(numbers, " ", delta)
        # the value and the change are always shown whole; then the label; the bar
        # takes what is left (none in a tight spot)
        label_width = max(0, min(self.label_width, width - numbers.cell_length - 2))
        bar_width = max(0, width - label_width - numbers.cell_length - 2)
        return Content.assemble(
            label.truncate(label_width, ellipsis=True, pad=True),
            " ",
            bar(meter, self.value, bar_width),
            " ",
            numbers,
        ).truncate(max(0, width))


class MetersPanel(Vertical):
    """Every meter of the story, in story order."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._ids: tuple[str, ...] = ()

    def show(
        self, story: Story, meters: Mapping[str, int], previous: Mapping[str, int] | None
    ) -> None:
        """Show `meters`; the change is against `previous` (the state before the last choice)."""

        def change(meter_id: str) -> int:
            if previous is None or meter_id not in previous:
                return 0
            return meters[meter_id] - previous[meter_id]

        ids = tuple(story.meters)
        label_width = max((len(m.label) for m in story.meters.values()), default=0)
        if ids == self._ids:
            bars = list(self.query(MeterBar))
        else:
            self._ids = ids
            self.remove_children()
            bars = [MeterBar(m, meters[m.id]) for m in story.meters.values()]
            self.mount_all(bars)
        for widget in bars:
            meter = story.meters[widget.meter.id]
            if widget.label_width != label_width:
                widget.label_width = label_width
                widget.refresh()
            widget.set_value(meter, meters[meter.id], change(meter.id))
