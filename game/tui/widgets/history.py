"""The history panel: the scenes passed through and the choice made in each."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from game.core.engine import GameState
from game.core.model import Story
from game.tui.recap import choice_text, seen_states
from game.tui.widgets.prompts import numbered


def history_renderable(story: Story, state: GameState) -> Group:
    parts: list[RenderableType] = [Text("History", style="bold")]
    if state.origin is not None:
        scene = story.scenes.get(state.origin.scene)
        name = scene.title if scene is not None else state.origin.scene
        parts.append(Text(f"Started at: {name}", style="italic"))
    if not state.history:
        parts.append(Text("No choices made yet.", style="dim"))
    news = news_by_step(story, state)
    parts.extend(news.get(0, ()))
    seen = seen_states(story, state)  # each choice reads as it did when it was made
    for step, (scene_id, choice_id) in enumerate(state.history, start=1):
        scene = story.scenes.get(scene_id)
        title = scene.title if scene is not None else scene_id
        made = choice_text(story, scene_id, choice_id, seen[step - 1])
        parts.append(numbered(step, Text(title, style="bold"), Text(f"→ {made}")))
        parts.extend(news.get(step, ()))
    return Group(*parts)


def news_by_step(story: Story, state: GameState) -> dict[int, list[Text]]:
    """A line for each piece of news, by the number of choices made before it came."""
    lines: dict[int, list[Text]] = {}
    for at, inject_id in state.news:
        inject = story.injects.get(inject_id)
        title = inject.title if inject is not None else inject_id
        lines.setdefault(at, []).append(Text(f"  News: {title}", style="italic"))
    return lines


class HistoryPanel(VerticalScroll, can_focus=False):
    """Past scenes and choices, oldest first, scrolled to the newest; kept up to date
    only while it is shown. It scrolls on its own (the wheel), so the meters above it
    stay in view; it takes no focus (Tab moves between the text and the choices)."""

    def compose(self) -> ComposeResult:
        yield Static(id="history-text")

    def on_mount(self) -> None:
        self.anchor()  # follow the newest entry as entries are added

    def show(self, story: Story, state: GameState) -> None:
        if self.display:
            self.query_one("#history-text", Static).update(history_renderable(story, state))
            self.scroll_end(animate=False, immediate=False)
