"""The ending screen: what the last choice did, the ending, a chart of the meters over
the game (each on its full range), the choices that moved them most, and the questions
for discussion; one centred column of readable width."""

from __future__ import annotations

import io
import itertools
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
from game.tui.screens.base import GameScreen
from game.tui.widgets.chart import MeterChart
from game.tui.widgets.prompts import numbered
from game.tui.widgets.story_text import StoryText


@attrs.frozen
class Move:
    """One choice of the game and what it did to the meters."""

    step: int
    scene_id: str
    choice_id: str
    changes: dict[str, int]
    weight: float


def biggest_moves(story: Story, states: list[GameState], limit: int = 3) -> list[Move]:
    """The choices that moved the meters most, each meter's change scaled by its range."""
    moves = []
    for step, (before, after) in enumerate(itertools.pairwise(states), start=1):
        scene_id, choice_id = after.history[-1]
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
            moves.append(Move(step, scene_id, choice_id, changes, weight))
    moves.sort(key=lambda move: (-move.weight, move.step))
    return sorted(moves[:limit], key=lambda move: move.step)


def move_renderable(story: Story, move: Move) -> Table:
    scene = story.scenes.get(move.scene_id)
    choice = scene.choice(move.choice_id) if scene is not None else None
    title = scene.title if scene is not None else move.scene_id
    text = choice.text if choice is not None else move.choice_id
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
        states = engine.timeline(story, state)
        yield Header()
        with VerticalScroll(id="ending-scroll"):
            if len(states) >= 2:
                said = effects_line(story, states[-2], states[-1])
                yield Static(Content(f"Last choice: {said}"), id="ending-feedback")
            yield Static(Content.styled("The End", "dim"), id="ending-kicker")
            yield Static(Content.styled(ending.title, "bold"), id="ending-title")
            yield StoryText(engine.shown_text(story, state), id="ending-text")
            yield Static(
                Content.styled("How the meters moved", "bold $text-accent"), classes="heading"
            )
            label_width = max((len(m.label) for m in story.meters.values()), default=0)
            for meter in story.meters.values():
                yield MeterChart(meter, [s.meters[meter.id] for s in states], label_width)
            moves = biggest_moves(story, states)
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
        yield Footer()

    def on_mount(self) -> None:
        role = self.story.roles.get(self.state.role)
        self.title = self.story.title
        self.sub_title = role.label if role is not None else self.state.role
        self.query_one("#ending-scroll", VerticalScroll).focus()
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
