"""The scene screen: the text, the choices, the meters and (on `h`) the history.

The text reads in this order: what the last choice did (one line, in words and
numbers), the scene's title, the lines that react to what the player did, then the
scene's own text. The choices follow the text; when the text is taller than the room
left above them, it scrolls and the choices' border says "more below" until the player
has read to its end (PgDn/PgUp scroll it from the choices; Tab moves to the text).
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Static

from game.core import engine
from game.core.engine import GameState
from game.core.feedback import effects_line, scene_reading
from game.core.model import Story
from game.tui.messages import ChoicePicked
from game.tui.recap import last_move, news_line
from game.tui.screens.base import GameScreen
from game.tui.widgets.choices import ChoiceList
from game.tui.widgets.debug import DebugPanel, debug_panels
from game.tui.widgets.history import HistoryPanel
from game.tui.widgets.meters import MetersPanel
from game.tui.widgets.story_text import StoryText

#: the mark on the choices' border while the text goes on below what is shown
MORE_BELOW = "▼ more below · PgDn"


class SceneText(VerticalScroll):
    """The scene's text; tells its screen whenever what is shown of it changes."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.call_after_refresh(self.tell)

    def on_resize(self) -> None:
        self.call_after_refresh(self.tell)

    def more_below(self) -> bool:
        """True while part of the text lies below what is shown."""
        return self.max_scroll_y > 0 and self.scroll_y < self.max_scroll_y

    def tell(self) -> None:
        screen = self.screen
        if isinstance(screen, SceneScreen):
            screen.mark_more()


class SceneScreen(GameScreen[None]):
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
        Binding("pagedown", "scroll_text(1)", "More", show=False),
        Binding("pageup", "scroll_text(-1)", "Back", show=False),
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
                with SceneText(id="scene-scroll"):
                    yield Static(id="scene-feedback")
                    yield Static(id="scene-title")
                    yield StoryText(id="scene-reactions")
                    yield StoryText(id="scene-text")
                yield ChoiceList(id="choices")
            with Vertical(id="scene-side"):
                yield MetersPanel(id="meters")
                yield HistoryPanel(id="history")
        yield from debug_panels(self.app)
        yield Footer()

    def on_mount(self) -> None:
        # the widgets that change with each state, looked up once (a keypress is on the clock)
        self.scene_feedback = self.query_one("#scene-feedback", Static)
        self.scene_title = self.query_one("#scene-title", Static)
        self.scene_reactions = self.query_one("#scene-reactions", StoryText)
        self.scene_text = self.query_one("#scene-text", StoryText)
        self.scene_scroll = self.query_one("#scene-scroll", SceneText)
        self.choices = self.query_one(ChoiceList)
        self.meters = self.query_one(MetersPanel)
        self.history = self.query_one(HistoryPanel)
        self.history.display = False
        self.debug_panel = next(iter(self.query(DebugPanel)), None)
        self.show(self.story, self.state)
        self.choices.focus()
        self.mark_ready()

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
        move = last_move(story, state, last)
        before = move.before if move is not None else None
        feedback = ""
        if move is not None:  # the choice's own effect; news that came with it apart
            feedback = f"Last choice: {effects_line(story, move.before, move.after)}"
            if move.news:
                feedback += f"\n{news_line(story, move.news)}"
        self.scene_feedback.update(Content(feedback))
        self.scene_feedback.display = bool(feedback)
        self.scene_title.update(Content.styled(scene.title, "bold"))
        reactions, texts = scene_reading(story, state)
        self.scene_reactions.show(reactions)
        self.scene_reactions.display = bool(reactions)
        self.scene_text.show(texts)
        self.scene_scroll.scroll_home(animate=False)
        self.shown_options = [o for o in engine.options(story, state) if o.visible]
        self.choices.show(self.shown_options)
        self.meters.show(story, state.meters, before.meters if before else None)
        self.history.show(story, state)
        if self.debug_panel is not None:
            self.debug_panel.show(story, state)

    def mark_more(self) -> None:
        """Say "more below" on the choices' border while the text goes on below."""
        if not self.ready:
            return
        title = MORE_BELOW if self.scene_scroll.more_below() else ""
        if self.choices.border_title != title:
            self.choices.border_title = title

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

    def action_scroll_text(self, pages: int) -> None:
        """PgDn / PgUp: a page of the text on or back, wherever the focus is."""
        if pages > 0:
            self.scene_scroll.scroll_page_down(animate=False)
        else:
            self.scene_scroll.scroll_page_up(animate=False)

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and self.ready:
            self.post_message(self.picked(event.option.id))

    def action_toggle_history(self) -> None:
        history = self.history
        history.display = not history.display
        if history.display:
            history.show(self.story, self.state)
