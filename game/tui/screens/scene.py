"""The scene screen: the text, the choices, the meters and (on `h`) the history."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static

from game.core import engine
from game.core.engine import GameState
from game.core.model import Story
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
        #: the state on screen, if any
        self.shown: GameState | None = None

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
        # the widgets that change with each state, looked up once (a keypress is on the clock)
        self.scene_title = self.query_one("#scene-title", Static)
        self.scene_text = self.query_one("#scene-text", StoryText)
        self.scene_scroll = self.query_one("#scene-scroll", VerticalScroll)
        self.choices = self.query_one(ChoiceList)
        self.meters = self.query_one(MetersPanel)
        self.history = self.query_one(HistoryPanel)
        self.history.display = False
        self.show(self.story, self.state)
        self.choices.focus()

    def show(self, story: Story, state: GameState) -> None:
        """Show `state` of `story`: the scene, its open and locked choices, the meters."""
        last = self.shown if story is self.story else None
        self.story, self.state = story, state
        scene = engine.current_scene(story, state)
        if scene is None:
            return
        self.shown = state
        role = story.roles.get(state.role)
        self.title = story.title
        self.sub_title = role.label if role is not None else state.role
        self.scene_title.update(Content.styled(scene.title, "bold"))
        self.scene_text.show(engine.shown_text(story, state))
        self.scene_scroll.scroll_home(animate=False)
        self.shown_options = [o for o in engine.options(story, state) if o.visible]
        self.choices.show(self.shown_options)
        self.meters.show(story, state.meters, self.previous_meters(story, state, last))
        self.history.show(story, state)

    @staticmethod
    def previous_meters(
        story: Story, state: GameState, last: GameState | None
    ) -> Mapping[str, int] | None:
        """The meters before the last choice of `state`: those of `last`, the state shown
        before, when `state` is one choice on from it; else replayed (undo, load)."""
        if not state.history:
            return None
        if (
            last is not None
            and last.role == state.role
            and last.origin == state.origin
            and last.history == state.history[:-1]
        ):
            return last.meters
        with contextlib.suppress(engine.GameError):  # no change shown beats a crash
            return engine.undo(story, state).meters
        return None

    def picked(self, choice_id: str) -> ChoicePicked:
        return ChoicePicked(choice_id, self.state.scene, len(self.state.history))

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
        self.post_message(self.picked(option.choice_id))

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.post_message(self.picked(event.option.id))

    def action_toggle_history(self) -> None:
        history = self.history
        history.display = not history.display
        if history.display:
            history.show(self.story, self.state)
            self.query_one("#scene-side", VerticalScroll).scroll_end(animate=False)
