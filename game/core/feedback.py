"""What the player reads after a move: what the choice did to each meter, in words and
numbers, and the order of a scene's text (its reactions first).

Pure and front-end free: the terminal app and line mode both word a choice with
`effects_line`. Which side of a meter is better comes from the story (`Meter.good`);
the code never names a meter.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from game.core import engine
from game.core.engine import GameState
from game.core.model import Meter, Story

BETTER = "better"
WORSE = "worse"


@attrs.frozen
class MeterChange:
    """One meter across one move: what the choice asked for and what happened."""

    meter: Meter
    #: the change the choice's effects asked for (0 when it asked none)
    asked: int
    #: the change that happened (after minus before)
    change: int
    #: the value after the move
    value: int

    @property
    def lost(self) -> int:
        """The part of `asked` that a limit of the meter swallowed (0: none)."""
        return self.asked - self.change if self.asked else 0

    @property
    def better(self) -> bool | None:
        """True when the change is for the better, False for the worse, None for none."""
        return is_better(self.meter, self.change)


def is_better(meter: Meter, change: int) -> bool | None:
    """Whether `change` moves `meter` the way its story calls good (None: no change)."""
    return meter.good.better(change)


def side_word(meter: Meter, change: int) -> str:
    """'better', 'worse' or '' for a change of `meter` (words, not only colour)."""
    better = is_better(meter, change)
    if better is None:
        return ""
    return BETTER if better else WORSE


def changes(
    story: Story,
    before: Mapping[str, int],
    after: Mapping[str, int],
    asked: Mapping[str, int] | None = None,
) -> list[MeterChange]:
    """Each meter that the move asked to change or that changed, in story order."""
    asked = asked or {}
    result = []
    for meter in story.meters.values():
        if meter.id not in before or meter.id not in after:
            continue
        change = after[meter.id] - before[meter.id]
        wanted = asked.get(meter.id, 0)
        if change or wanted:
            result.append(MeterChange(meter, wanted, change, after[meter.id]))
    return result


def choice_changes(story: Story, before: GameState, after: GameState) -> list[MeterChange]:
    """What the last choice of `after` (made from `before`) did to the meters."""
    asked: Mapping[str, int] = {}
    if after.history:
        scene_id, choice_id = after.history[-1]
        scene = story.scenes.get(scene_id)
        choice = scene.choice(choice_id) if scene is not None else None
        if choice is not None:
            asked = choice.effects
    return changes(story, before.meters, after.meters, asked)


def describe(item: MeterChange) -> str:
    """'Trust -1 (worse)', 'Trust -1 (worse; it stops at 0)' or 'Trust already at 0 (-1 had
    no effect)': one meter's change in words and numbers."""
    label = item.meter.label
    if not item.change:
        return f"{label} already at {item.value} ({item.asked:+d} had no effect)"
    text = f"{label} {item.change:+d} ({side_word(item.meter, item.change)}"
    if item.lost:
        text += f"; it stops at {item.value}"
    return text + ")"


def effects_line(story: Story, before: GameState, after: GameState) -> str:
    """One line saying what the last choice did: every meter it moved or tried to move."""
    found = choice_changes(story, before, after)
    if not found:
        return "No meter moved."
    return " · ".join(describe(item) for item in found) + "."


def scene_reading(story: Story, state: GameState) -> tuple[list[str], list[str]]:
    """A scene's text in reading order: (reactions, text). The passages that hold (how
    the world answers what the player did) come first, then the scene's own text; an
    ending reads as written (its text, then its passages)."""
    if state.over:
        return [], engine.shown_text(story, state)
    scene = engine.current_scene(story, state)
    if scene is None:
        return [], []
    return engine.passages(scene.passages, state), [engine.text(scene.text, state)]
