"""The scene screen: the text, the choices, the meters and (on `h`) the history."""

from __future__ import annotations

import contextlib
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from game import engine
from game.engine import GameState
from game.model import Story
from game.tui.messages import ChoicePicked
from game.tui.widgets.choices import ChoiceList
from game.tui.widgets.history import HistoryPanel
from game.tui.widgets.meters import MetersPanel
from game.tui.widgets.story_text import StoryText


class SceneScreen(Screen[None]):
    """One scene of a game in progress; the app calls `show` with each new state."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"pick({n})", "Choose", show=n == 1, key_display="1-9")
            for n in range(1, 10)
        ),
        Binding("u,ctrl+z", "app.undo", "Undo", key_display="u"),
        Binding("s", "app.save", "Save"),
        Binding("l", "app.load", "Load"),
        Binding("h", "toggle_history", "History"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, story: Story, state: GameState) -> None:
        super().__init__()
        self.story = story
        self.state = state
        self.shown_options: list[engine.Option] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="scene-body"):
            with Vertical(id="scene-main"):
                with VerticalScroll(id="scene-scroll"):
                    yield Static(id="scene-title")
                    yield StoryText(id="scene-text")
                yield ChoiceList(id="choices")
            with VerticalScroll(id="scene-side"):
                yield MetersPanel(id="meters")
                yield HistoryPanel(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history", HistoryPanel).display = False
        self.show(self.story, self.state)
        self.query_one(ChoiceList).focus()

    def show(self, story: Story, state: GameState) -> None:
        """Show `state` of `story`: the scene, its open and locked choices, the meters."""
        self.story, self.state = story, state
        scene = engine.current_scene(story, state)
        if scene is None:
            return
        role = story.roles.get(state.role)
        self.title = story.title
        self.sub_title = role.label if role is not None else state.role
        self.query_one("#scene-title", Static).update(Content.styled(scene.title, "bold"))
        self.query_one("#scene-text", StoryText).show(engine.shown_text(story, state))
        self.query_one("#scene-scroll", VerticalScroll).scroll_home(animate=False)
        self.shown_options = [o for o in engine.options(story, state) if o.visible]
        self.query_one(ChoiceList).show(self.shown_options)
        previous = None
        if state.history:
            with contextlib.suppress(engine.GameError):  # no change shown beats a crash
                previous = engine.undo(story, state).meters
        self.query_one(MetersPanel).show(story, state.meters, previous)
        self.query_one(HistoryPanel).show(story, state)

    def action_pick(self, number: int) -> None:
        """Number keys: the n-th visible choice, if it is open."""
        if not 1 <= number <= len(self.shown_options):
            self.notify(f"There is no choice {number} here.", severity="warning", markup=False)
            return
        option = self.shown_options[number - 1]
        if not option.open:
            self.notify(
                f"Choice {number} is locked: {option.reason}", severity="warning", markup=False
            )
            return
        self.post_message(ChoicePicked(option.choice_id))

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(ChoicePicked(event.option.id))

    def action_toggle_history(self) -> None:
        history = self.query_one(HistoryPanel)
        history.display = not history.display
        if history.display:
            self.query_one("#scene-side", VerticalScroll).scroll_end(animate=False)
