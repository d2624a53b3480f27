"""A duo summit's playthrough as a document: `mar-a-lago transcript` of a duo save.

Replay and print, as for one player (`transcript.py`), but round by round: for each
round, each side's scene and the choice it made, the text the transcript's side read
then, and the meters after both moves; then the ending, with the text each of the
transcript's sides reads. A transcript is for one side (a room's player) or for both
(`side=""`: the two players of one screen).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import attrs

from game.core import duo
from game.core.duo import DuoState, RoundResult
from game.core.model import Story
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
from game.tools.documents.transcript import NOT_FINISHED, source_key
from game.tools.documents.wording import duo_choice_text


@attrs.frozen
class PlayedRound:
    """One resolved round, with the joint state at its start (what each side read)."""

    number: int
    title: str
    start: DuoState
    result: RoundResult


def played_rounds(story: Story, state: DuoState) -> tuple[DuoState, list[PlayedRound], DuoState]:
    """The game's start, each resolved round, and the state of the round in play."""
    titles = {r.id: r.title for r in duo.duo_of(story).rounds}
    current = first = start = duo.new_duo(story)
    played: list[PlayedRound] = []
    for item in state.moves:
        current = duo.move(story, current, item.role, item.choice)
        if current.round > start.round and current.last is not None:
            result = current.last
            played.append(PlayedRound(len(played) + 1, titles[result.round], start, result))
            start = current
    return first, played, start


def _chart(story: Story, first: DuoState, rounds: Sequence[PlayedRound]) -> str:
    meters = list(story.meters.values())
    series = [
        Series(m.label, (first.meters[m.id], *(r.result.after[m.id] for r in rounds)))
        for m in meters
    ]
    return line_chart(
        series,
        ["Start", *(str(r.number) for r in rounds)],
        title="The meters over the summit",
        description="One line per meter, from the start through each round.",
        y_min=min((m.min for m in meters), default=0),
        y_max=max((m.max for m in meters), default=1),
        x_title="Round",
        chart_id="meters-chart",
    )


def _meter_table(story: Story, first: DuoState, rounds: Sequence[PlayedRound]) -> Table:
    meters = list(story.meters.values())
    rows = [("Start", "", *(str(first.meters[m.id]) for m in meters))]
    for r in rounds:
        cells = []
        for m in meters:
            after, before = r.result.after[m.id], r.result.before[m.id]
            cells.append(str(after) if after == before else f"{after} ({after - before:+d})")
        rows.append((str(r.number), r.title, *cells))
    return Table(
        ("Round", "Title", *(m.label for m in meters)),
        tuple(rows),
        caption="The meters at the start and after each round",
        numeric=frozenset(range(2, 2 + len(meters))) | {0},
    )


def _quote(texts: Sequence[str]) -> Quote:
    return Quote(tuple(p for text in texts for p in paragraphs(text)))


def duo_transcript_blocks(story: Story, state: DuoState, side: str, fmt: str) -> list[Block]:
    """The blocks of a duo transcript for `side` ("" : both sides)."""
    roles = duo.duo_of(story).roles
    mine = [side] if side else list(roles)
    labels = {r: story.roles[r].label for r in roles}
    first, rounds, now = played_rounds(story, state)
    blocks: list[Block] = [Heading(1, f"{story.title}: transcript of a duo summit")]
    blocks.append(Paragraph(" and ".join(labels.values()), label="Sides:"))
    blocks.append(
        Paragraph(
            labels[side] if side else "both sides, at one screen",
            label="This transcript is for:",
        )
    )
    blocks.append(Paragraph(f"{story.title} ({story.id}, version {story.version})", label="Story:"))
    ending = story.endings.get(state.ending) if state.ending else None
    if ending is not None:
        outcome = f"{ending.title} (after {len(rounds)} rounds)"
    else:
        outcome = f"{NOT_FINISHED}: {len(rounds)} rounds played so far"
    blocks.append(Paragraph(outcome, label="Outcome:"))

    blocks.append(Heading(2, "The meters over the summit", anchor="meters"))
    if fmt == "html":
        blocks.append(Figure(_chart(story, first, rounds)))
    blocks.append(_meter_table(story, first, rounds))

    used: list[str] = []
    for r in rounds:
        blocks.append(Heading(2, f"Round {r.number}: {r.title}", anchor=f"round-{r.number}"))
        for item in r.result.moves:
            scene = story.scenes[item.scene]
            blocks.append(Heading(3, f"{labels[item.role]}: {scene.title}"))
            if item.role in mine:
                if scene.source:
                    blocks.append(Paragraph(", ".join(scene.source), label="Sources:"))
                    used += scene.source
                blocks.append(_quote(duo.shown_text(story, r.start, item.role)))
            text = duo_choice_text(story, r.start, item.role, item.scene, item.choice)
            blocks.append(Paragraph(text, label="Choice made:"))
        blocks.append(
            Paragraph(
                meter_line(story, r.result.after, r.result.before), label="Meters after the round:"
            )
        )
    if ending is None:
        number = len(rounds) + 1
        current = duo.current_round(story, now)
        blocks.append(Heading(2, f"Round {number}: {current.title}", anchor=f"round-{number}"))
        for role in mine:
            scene_id = state.scenes.get(role)
            if scene_id is None:
                continue
            blocks.append(Heading(3, f"{labels[role]}: {story.scenes[scene_id].title}"))
            blocks.append(_quote(duo.shown_text(story, state, role)))
            if role in state.pending:
                blocks.append(Paragraph(f"{labels[role]} has chosen in this round."))
        blocks.append(Heading(2, NOT_FINISHED, anchor="ending"))
        blocks.append(
            Paragraph("The summit stopped before an ending. Play on, then write it again.")
        )
        blocks.append(Paragraph(meter_line(story, state.meters), label="Meters now:"))
    else:
        blocks.append(Heading(2, f"The end: {ending.title}", anchor="ending"))
        if ending.source:
            blocks.append(Paragraph(", ".join(ending.source), label="Sources:"))
            used += ending.source
        for role in mine:
            if len(mine) > 1:
                blocks.append(Heading(3, f"For {labels[role]}"))
            blocks.append(_quote(duo.ending_text(story, state, role)))
        blocks.append(Paragraph(meter_line(story, state.meters), label="Final meters:"))
        if ending.questions:
            blocks.append(Heading(2, "For discussion", anchor="questions"))
            blocks.append(Items(ending.questions, ordered=True))
    if used:
        blocks.append(Heading(2, "Article paragraphs this game drew on", anchor="sources"))
        blocks.append(Paragraph(", ".join(sorted(set(used), key=source_key))))
    return blocks


def render_duo_transcript(story: Story, state: DuoState, side: str = "", fmt: str = "md") -> str:
    """A duo game's transcript as Markdown ("md") or a standalone HTML page ("html")."""
    who = story.roles[side].label if side else "both sides"
    blocks = duo_transcript_blocks(story, state, side, fmt)
    return render(f"{story.title}: duo transcript ({who})", blocks, fmt)


def write_duo_transcript(
    path: Path, story: Story, state: DuoState, side: str = "", fmt: str = "md"
) -> Path:
    """Write the transcript; raises OSError."""
    text = render_duo_transcript(story, state, side, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
