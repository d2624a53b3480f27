"""The history panel: the scenes passed through and the choice made in each."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widgets import Static

from game.core.engine import GameState
from game.core.model import Story
from game.tui.widgets.prompts import numbered


def history_renderable(story: Story, state: GameState) -> Group:
    parts: list[RenderableType] = [Text("History", style="bold")]
    if state.origin is not None:
        scene = story.scenes.get(state.origin.scene)
        name = scene.title if scene is not None else state.origin.scene
        parts.append(Text(f"Started at: {name}", style="italic"))
    if not state.history:
        parts.append(Text("No choices made yet.", style="dim"))
    for step, (scene_id, choice_id) in enumerate(state.history, start=1):
        scene = story.scenes.get(scene_id)
        choice = scene.choice(choice_id) if scene is not None else None
        title = scene.title if scene is not None else scene_id
        made = choice.text if choice is not None else choice_id
        parts.append(numbered(step, Text(title, style="bold"), Text(f"→ {made}")))
    return Group(*parts)


class HistoryPanel(Static):
    """Past scenes and choices, oldest first; kept up to date only while it is shown."""

    def show(self, story: Story, state: GameState) -> None:
        if self.display:
            self.update(history_renderable(story, state))
