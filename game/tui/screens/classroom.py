"""The class's screens: who plays (a served game asks first, and rejoins a game by name
or code), the teacher's news as a news flash, and the pause."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

import attrs
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from game.core.model import Inject, Story
from game.core.text import meter_line
from game.tui.widgets.story_text import StoryText


@attrs.frozen
class Who:
    """What the first screen of a served game was told."""

    name: str
    team: str = ""
    code: str = ""


def _field(text: str) -> str:
    return " ".join(text.split())[:40]


class NameScreen(ModalScreen[Who]):
    """A served game's first question: your name (and team); or the code of a game to
    carry on (shown on its screen: a refreshed tab gets its game back)."""

    DEFAULT_CSS = """
    NameScreen { align: center middle; }
    NameScreen #who { width: 64; height: auto; padding: 1 2; border: thick $primary;
                      background: $surface; }
    NameScreen Input { margin-bottom: 1; }
    NameScreen #who-problem { color: $text-error; height: auto; }
    NameScreen #who-buttons { height: auto; align-horizontal: right; }
    """

    def __init__(self, title: str, problem: str = "") -> None:
        super().__init__()
        self.story_title = title
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="who"):
            yield Static(Content.styled(self.story_title, "bold"))
            yield Label("Your name (your teacher sees it):")
            yield Input(placeholder="e.g. Ana", id="who-name", max_length=40, compact=True)
            yield Label("Your team (if you have one):")
            yield Input(placeholder="optional", id="who-team", max_length=40, compact=True)
            yield Label("Back to your game? Type its code (shown on its screen):")
            yield Input(placeholder="e.g. K7QX", id="who-code", max_length=12, compact=True)
            yield Static(Content(self.problem), id="who-problem")
            with Horizontal(id="who-buttons"):
                yield Button("Play", id="who-play", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#who-name", Input).focus()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        order = ["who-name", "who-team", "who-code"]
        current = event.input.id or ""
        if current in order[:-1] and not self.query_one("#who-code", Input).value:
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
            return
        self.done()

    @on(Button.Pressed, "#who-play")
    def done(self) -> None:
        name = _field(self.query_one("#who-name", Input).value)
        team = _field(self.query_one("#who-team", Input).value)
        code = _field(self.query_one("#who-code", Input).value)
        if not name and not code:
            self.query_one("#who-problem", Static).update(
                Content("Type your name (or the code of your game).")
            )
            self.query_one("#who-name", Input).focus()
            return
        self.dismiss(Who(name, team, code))


class NewsScreen(ModalScreen[None]):
    """The teacher's news, as a news flash: what happened and what it did to the meters."""

    DEFAULT_CSS = """
    NewsScreen { align: center middle; }
    NewsScreen #news { width: 80%; max-width: 90; height: auto; max-height: 90%;
                       padding: 1 2; border: heavy $warning; background: $surface; }
    NewsScreen #news-kicker { color: $text-warning; text-style: bold; }
    NewsScreen .news-title { text-style: bold; margin-top: 1; }
    NewsScreen .news-meters { color: $text-muted; margin-top: 1; }
    NewsScreen #news-go-on { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,escape,space", "dismiss(None)", "Go on"),
    ]

    def __init__(
        self,
        story: Story,
        news: Sequence[Inject],
        before: Mapping[str, int],
        after: Mapping[str, int],
    ) -> None:
        super().__init__()
        self.story = story
        self.news = tuple(news)
        self.before = before
        self.after = after

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="news"):
            yield Static(Content("NEWS FLASH"), id="news-kicker")
            for inject in self.news:
                yield Static(Content(inject.title), classes="news-title")
                yield StoryText([inject.text])
                if inject.source:
                    yield Static(Content(f"Sources: {', '.join(inject.source)}"))
            yield Static(
                Content("Meters: " + meter_line(self.story, self.after, self.before)),
                classes="news-meters",
            )
            yield Button("Go on (Enter)", id="news-go-on", compact=True, variant="primary")

    def on_mount(self) -> None:
        self.query_one("#news-go-on", Button).focus()

    @on(Button.Pressed, "#news-go-on")
    def go_on(self) -> None:
        self.dismiss(None)


class PausedScreen(ModalScreen[None]):
    """Every game is paused by the teacher: nothing to do but wait (it closes itself)."""

    DEFAULT_CSS = """
    PausedScreen { align: center middle; }
    PausedScreen #paused { width: 56; height: auto; padding: 1 2;
                           border: thick $accent; background: $surface; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        with Vertical(id="paused"):
            yield Static(Content.styled("Paused", "bold"))
            yield Static(
                Content(
                    "Your teacher has paused every game for a moment. Your game is saved; "
                    "it goes on as soon as they resume."
                )
            )
