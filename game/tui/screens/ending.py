"""The ending screen: what the last choice did, the ending, a chart of the meters over
the game (each on its full range), the choices that moved them most, and the questions
for discussion; one centred column of readable width."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

import attrs
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Footer, Header, Static

from game.core import engine
from game.core.engine import GameState
from game.core.feedback import effects_line
from game.core.model import Story
from game.tui.recap import choice_text, game_events, last_move, news_line, timeline
from game.tui.screens.base import GameScreen
from game.tui.widgets.chart import MeterChart
from game.tui.widgets.debug import DebugPanel, debug_panels
from game.tui.widgets.prompts import numbered
from game.tui.widgets.story_text import StoryText


@attrs.frozen
class Move:
    """One choice of the game and what it did to the meters (news apart)."""

    step: int
    scene_id: str
    choice_id: str
    changes: dict[str, int]
    weight: float
    #: the state the choice was made in (its text reads as the player read it)
    seen: GameState | None = None


def biggest_moves(story: Story, events: Sequence[engine.Event], limit: int = 3) -> list[Move]:
    """The choices that moved the meters most, each meter's change scaled by its range;
    `events` is the game's (`engine.events`): only a choice's own effect counts, not the
    news that came after it."""
    moves = []
    choices = (event for event in events if event.kind == "choice")
    for step, event in enumerate(choices, start=1):
        before, after = event.before, event.after
        changes = {
            m: after.meters[m] - before.meters[m]
            for m in story.meters
            if after.meters[m] != before.meters[m]
        }
        weight = sum(
            abs(delta) / max(1, story.meters[m].max - story.meters[m].min)
            for m, delta in changes.items()
        )
        if changes:
            moves.append(Move(step, event.scene, event.choice, changes, weight, before))
    moves.sort(key=lambda move: (-move.weight, move.step))
    return sorted(moves[:limit], key=lambda move: move.step)


def move_renderable(story: Story, move: Move) -> Table:
    scene = story.scenes.get(move.scene_id)
    title = scene.title if scene is not None else move.scene_id
    text = choice_text(story, move.scene_id, move.choice_id, move.seen)
    effects = ", ".join(f"{story.meters[m].label} {delta:+d}" for m, delta in move.changes.items())
    return numbered(
        move.step, Text.assemble((title, "bold"), ": ", text), Text(effects, style="italic")
    )


def questions_renderable(questions: Sequence[str]) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for question in questions:
        grid.add_row("•", Text(question))
    return grid


class EndingScreen(GameScreen[None]):
    """The end of a game and its debrief."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "app.new_game", "New game"),
        Binding("t", "transcript", "Transcript"),
        Binding("u,ctrl+z", "app.undo", "Undo", key_display="u"),
        Binding("l", "app.load", "Load"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, story: Story, state: GameState, transcript: Callable[[], Path]) -> None:
        super().__init__()
        self.story = story
        self.state = state
        #: where a transcript goes in a terminal (a browser downloads it by this name):
        #: asked at each `t`, so a second transcript never replaces the first
        self.transcript_path = transcript

    def compose(self) -> ComposeResult:
        story, state = self.story, self.state
        ending = engine.current_ending(story, state)
        assert ending is not None, "the ending screen needs a finished game"
        events = game_events(story, state) or []
        states = timeline(events) or [state]
        yield Header()
        with VerticalScroll(id="ending-scroll"):
            move = last_move(story, state, events=events)
            if move is not None:  # the choice's own effect; news that came with it apart
                said = f"Last choice: {effects_line(story, move.before, move.after)}"
                if move.news:
                    said += f"\n{news_line(story, move.news)}"
                yield Static(Content(said), id="ending-feedback")
            yield Static(Content.styled("The End", "dim"), id="ending-kicker")
            yield Static(Content.styled(ending.title, "bold"), id="ending-title")
            yield StoryText(engine.shown_text(story, state), id="ending-text")
            yield Static(
                Content.styled("How the meters moved", "bold $text-accent"), classes="heading"
            )
            label_width = max((len(m.label) for m in story.meters.values()), default=0)
            for meter in story.meters.values():
                yield MeterChart(meter, [s.meters[meter.id] for s in states], label_width)
            moves = biggest_moves(story, events)
            if moves:
                yield Static(
                    Content.styled("The choices that moved them most", "bold $text-accent"),
                    classes="heading",
                )
                yield Static(
                    Group(*(move_renderable(story, move) for move in moves)), id="ending-moves"
                )
            if ending.questions:
                yield Static(
                    Content.styled("For discussion", "bold $text-accent"), classes="heading"
                )
                yield Static(questions_renderable(ending.questions), id="ending-questions")
        with Horizontal(id="ending-actions"):
            yield Button("New game", id="new_game", compact=True, variant="primary")
            yield Button("Transcript", id="transcript", compact=True)
            yield Button("Quit", id="quit", compact=True)
        yield from debug_panels(self.app)
        yield Footer()

    def on_mount(self) -> None:
        role = self.story.roles.get(self.state.role)
        self.title = self.story.title
        self.sub_title = role.label if role is not None else self.state.role
        self.query_one("#ending-scroll", VerticalScroll).focus()
        for panel in self.query(DebugPanel):
            panel.show(self.story, self.state)
        self.mark_ready()

    @on(Button.Pressed)
    async def pressed(self, event: Button.Pressed) -> None:
        if not self.ready:
            return
        if event.button.id == "transcript":
            self.action_transcript()
        else:
            await self.run_action(f"app.{event.button.id}")

    def who(self) -> str:
        """The player the transcript names ("" for a game without a name)."""
        from game.tools.documents.games import who

        session = getattr(self.app, "session", None)
        player = getattr(session, "player", None)
        return who(player) if player is not None else ""

    def action_transcript(self) -> None:
        """Write the game's transcript next to the saves, or download it in a browser."""
        try:
            from game.tools.documents.transcript import render_transcript
        except ImportError:
            self.notify(
                "Transcripts are not available in this version of the game.",
                severity="warning",
                markup=False,
            )
            return
        try:
            text = render_transcript(self.story, self.state, fmt="md", who=self.who())
        except Exception as exc:  # another module's failure must not end the game
            self.notify(f"Could not make the transcript: {exc}", severity="error", markup=False)
            return
        target = self.transcript_path()
        if self.app.is_web:
            self.app.deliver_text(io.StringIO(text), save_filename=target.name)
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with target.open("x", encoding="utf-8") as out:  # never over another file
                out.write(text)
        except OSError as exc:
            self.notify(
                f"Could not write {target} ({exc.strerror or exc}).",
                severity="error",
                markup=False,
            )
            return
        self.notify(f"Transcript written to {target}", markup=False, timeout=8)
