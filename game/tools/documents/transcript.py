"""A playthrough as a document a student hands in: `mar-a-lago transcript`.

A transcript is "replay and print": the game's choices are replayed through the
engine from the role's start, and every step shows what the player read at that
moment (the scene's text and the passages that held), the choice made, the meters
after it and the article paragraphs it drew on; then the ending and its questions
for the debrief, and a chart (HTML) or a table (Markdown) of the meters.

`render_transcript` is pure: the TUI's ending screen and plain mode call it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import attrs

from game.core import engine
from game.core.engine import GameState
from game.core.model import Choice, Inject, Scene, Story
from game.core.text import meter_line, paragraphs
from game.tools.documents.document import (
    Block,
    Figure,
    Heading,
    Items,
    Paragraph,
    Quote,
    Table,
    render,
)
from game.tools.documents.svg import Series, line_chart

NOT_FINISHED = "Not finished yet"


@attrs.frozen
class Step:
    """One choice of a playthrough, with what the player saw when making it."""

    number: int
    scene: Scene
    #: the scene's text and the passages that held at that moment
    shown: tuple[str, ...]
    choice: Choice
    before: Mapping[str, int]
    after: Mapping[str, int]
    #: the news the teacher sent that came after this choice
    news: tuple[NewsFlash, ...] = ()
    #: the choice's text as the player read it (its `{...}` markup rendered)
    read: str = ""

    @property
    def settled(self) -> Mapping[str, int]:
        """The meters after the choice and the news after it."""
        return self.news[-1].after if self.news else self.after


@attrs.frozen
class NewsFlash:
    """News that reached the game between two choices, and what it did to the meters."""

    inject: Inject
    before: Mapping[str, int]
    after: Mapping[str, int]


def walk(story: Story, state: GameState) -> tuple[GameState, tuple[NewsFlash, ...], list[Step]]:
    """The start of a game, the news before its first choice, and each of its choices
    (with the news after it), replayed through the engine."""
    start: GameState | None = None
    opening: list[NewsFlash] = []
    made: list[tuple[Step, list[NewsFlash]]] = []
    for event in engine.events(story, state):
        if event.kind == "start":
            start = event.after
        elif event.kind == "news":
            flash = NewsFlash(story.injects[event.inject], event.before.meters, event.after.meters)
            (made[-1][1] if made else opening).append(flash)
        elif event.kind == "choice":
            scene = story.scenes[event.scene]
            choice = scene.choice(event.choice)
            assert choice is not None  # the engine has just made it
            shown = tuple(engine.shown_text(story, event.before))
            step = Step(
                len(made) + 1,
                scene,
                shown,
                choice,
                event.before.meters,
                event.after.meters,
                read=engine.text(choice.text, event.before),
            )
            made.append((step, []))
    assert start is not None
    walked = [attrs.evolve(step, news=tuple(news)) for step, news in made]
    return start, tuple(opening), walked


def steps(story: Story, state: GameState) -> tuple[GameState, list[Step]]:
    """The start of a game (after any news before its first choice) and each of its
    choices, replayed through the engine."""
    start, opening, walked = walk(story, state)
    if opening:
        start = attrs.evolve(start, meters=opening[-1].after)
    return start, walked


def source_key(ref: str) -> tuple[str, int, str]:
    """Sort "P2" before "P10"."""
    match = re.fullmatch(r"(\D*)(\d+)(.*)", ref)
    if match is None:
        return (ref, 0, "")
    return (match.group(1), int(match.group(2)), match.group(3))


def _sources(refs: Iterable[str]) -> str:
    return ", ".join(refs)


def _quote(texts: Iterable[str]) -> Quote:
    return Quote(tuple(p for text in texts for p in paragraphs(text)))


def _meter_cell(after: int, before: int | None) -> str:
    if before is None or before == after:
        return str(after)
    return f"{after} ({after - before:+d})"


def _meter_table(story: Story, start: GameState, walked: list[Step]) -> Table:
    meters = list(story.meters.values())
    rows = [("Start", "", *(str(start.meters[m.id]) for m in meters))]
    for step in walked:
        rows.append(
            (
                str(step.number),
                step.scene.title,
                *(_meter_cell(step.settled[m.id], step.before[m.id]) for m in meters),
            )
        )
    numeric = frozenset(range(2, 2 + len(meters))) | {0}
    return Table(
        ("Step", "Scene of the choice", *(m.label for m in meters)),
        tuple(rows),
        caption="The meters at the start and after each choice (and the news after it)",
        numeric=numeric,
    )


def _meter_key(story: Story) -> str:
    parts = []
    for m in story.meters.values():
        better = f"{m.good.side} is better"
        parts.append(f"{m.label}: {m.min} to {m.max}, {better}")
    return "; ".join(parts) + "."


def _chart(story: Story, start: GameState, walked: list[Step]) -> str:
    meters = list(story.meters.values())
    series = [
        Series(m.label, (start.meters[m.id], *(s.settled[m.id] for s in walked))) for m in meters
    ]
    low = min((m.min for m in meters), default=0)
    high = max((m.max for m in meters), default=1)
    return line_chart(
        series,
        ["Start", *(str(s.number) for s in walked)],
        title="The meters over the game",
        description=(
            "One line per meter, from the start through each choice. " + _meter_key(story)
        ),
        y_min=low,
        y_max=high,
        x_title="Choice",
        chart_id="meters-chart",
    )


def _news_blocks(story: Story, flashes: Iterable[NewsFlash]) -> list[Block]:
    blocks: list[Block] = []
    for flash in flashes:
        blocks.append(Paragraph(flash.inject.title, label="News flash:"))
        if flash.inject.source:
            blocks.append(Paragraph(_sources(flash.inject.source), label="Sources:"))
        blocks.append(_quote([flash.inject.text]))
        blocks.append(
            Paragraph(meter_line(story, flash.after, flash.before), label="Meters after the news:")
        )
    return blocks


def transcript_blocks(story: Story, state: GameState, fmt: str, who: str = "") -> list[Block]:
    """The blocks of a transcript; `who` names the player ("Ana (team Red)")."""
    start, opening, walked = walk(story, state)
    if opening:
        start = attrs.evolve(start, meters=opening[-1].after)
    role = story.roles[state.role]
    ending = engine.current_ending(story, state)
    blocks: list[Block] = [Heading(1, f"{story.title}: transcript of a game")]
    if who:
        blocks.append(Paragraph(who, label="Player:"))
    blocks.append(Paragraph(role.label, label="Role:"))
    blocks.append(Paragraph(f"{story.title} ({story.id}, version {story.version})", label="Story:"))
    if story.source:
        blocks.append(Paragraph(story.source, label="Based on:"))
    if ending is not None:
        outcome = f"{ending.title} (after {len(walked)} choices)"
    else:
        here = engine.current_scene(story, state)
        where = f", at '{here.title}'" if here is not None else ""
        outcome = f"{NOT_FINISHED}: {len(walked)} choices made so far{where}"
    blocks.append(Paragraph(outcome, label="Outcome:"))
    if state.origin is not None:
        blocks.append(
            Paragraph(
                f"This game began at scene '{story.scenes[state.origin.scene].title}' "
                "(a custom start), not at the role's start.",
                kind="note",
            )
        )

    blocks.append(Heading(2, "The meters over the game", anchor="meters"))
    if fmt == "html":
        blocks.append(Figure(_chart(story, start, walked)))
    blocks.append(_meter_table(story, start, walked))
    blocks.append(Paragraph(_meter_key(story), kind="note"))
    blocks += _news_blocks(story, opening)

    for step in walked:
        blocks.append(
            Heading(2, f"{step.number}. {step.scene.title}", anchor=f"step-{step.number}")
        )
        if step.scene.source:
            blocks.append(Paragraph(_sources(step.scene.source), label="Sources:"))
        blocks.append(_quote(step.shown))
        blocks.append(Paragraph(step.read, label="Choice made:"))
        blocks.append(
            Paragraph(meter_line(story, step.after, step.before), label="Meters after it:")
        )
        blocks += _news_blocks(story, step.news)

    used = [ref for s in walked for ref in s.scene.source]
    if ending is None:
        scene = engine.current_scene(story, state)
        if scene is not None:
            number = len(walked) + 1
            blocks.append(Heading(2, f"{number}. {scene.title}", anchor=f"step-{number}"))
            if scene.source:
                blocks.append(Paragraph(_sources(scene.source), label="Sources:"))
                used += scene.source
            blocks.append(_quote(engine.shown_text(story, state)))
        blocks.append(Heading(2, NOT_FINISHED, anchor="ending"))
        blocks.append(
            Paragraph(
                "The game stopped before an ending. Load the save and play on, "
                "then write the transcript again.",
            )
        )
        blocks.append(Paragraph(meter_line(story, state.meters), label="Meters now:"))
    else:
        blocks.append(Heading(2, f"The end: {ending.title}", anchor="ending"))
        if state.closed is not None:
            blocks.append(
                Paragraph(
                    f"Time was up: the class clock ended the game after {state.closed} choices.",
                    kind="note",
                )
            )
        if ending.source:
            blocks.append(Paragraph(_sources(ending.source), label="Sources:"))
            used += ending.source
        blocks.append(_quote(engine.shown_text(story, state)))
        blocks.append(Paragraph(meter_line(story, state.meters), label="Final meters:"))
        if ending.questions:
            blocks.append(Heading(2, "For discussion", anchor="questions"))
            blocks.append(Items(ending.questions, ordered=True))

    if used:
        blocks.append(Heading(2, "Article paragraphs this game drew on", anchor="sources"))
        blocks.append(Paragraph(_sources(sorted(set(used), key=source_key))))
    return blocks


def render_transcript(story: Story, state: GameState, fmt: str = "md", who: str = "") -> str:
    """The playthrough of `state` as Markdown ("md") or a standalone HTML page ("html");
    `who` names the player."""
    role = story.roles[state.role].label
    title = f"{story.title}: transcript ({who + ', ' if who else ''}{role})"
    return render(title, transcript_blocks(story, state, fmt, who), fmt)


def write_transcript(
    path: Path, story: Story, state: GameState, fmt: str = "md", who: str = ""
) -> Path:
    """Write the transcript; raises OSError."""
    text = render_transcript(story, state, fmt, who)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
