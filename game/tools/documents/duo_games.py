"""Duo summits in a class report: each room's game once, with its sides, its ending, its
rounds and the meters at the end (game.tools.documents.games collects them apart from
the one-player games, whose statistics they would skew)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import attrs

from game.core import duo
from game.core.duo import DuoState
from game.core.model import Story
from game.core.text import meter_line
from game.persist import saves
from game.tools.documents.document import Block, Heading, Paragraph, Table


@attrs.frozen
class DuoGame:
    """A duo summit's save: the joint game, and whose side the save is."""

    name: str
    state: DuoState
    save: saves.SaveFile

    @property
    def room(self) -> str:
        return self.save.duo.room if self.save.duo is not None else ""

    @property
    def side(self) -> str:
        """The save's player's side ("" : both, at one screen)."""
        return self.save.duo.side if self.save.duo is not None else ""

    @property
    def key(self) -> tuple[str, ...]:
        """One game however many saves hold it: the room's two sides save the same moves."""
        if self.room:
            return ("room", self.room)
        info = self.save.game
        return ("game", info.id if info is not None and info.id else self.name)


def one_per_room(games: Sequence[DuoGame]) -> list[DuoGame]:
    """Each duo game once, by the save furthest on (the other side's may lag a move)."""
    best: dict[tuple[str, ...], DuoGame] = {}
    for game in games:
        kept = best.get(game.key)
        if kept is None or len(game.state.moves) > len(kept.state.moves):
            best[game.key] = game
    return list(best.values())


def duo_section(story: Story, games: Sequence[DuoGame]) -> list[Block]:
    """The report's section on the duo summits played."""
    if not games or story.duo is None:
        return []
    played = one_per_room(games)
    labels = [story.roles[r].label for r in story.duo.roles]
    blocks: list[Block] = [Heading(2, "Duo summits", anchor="duo")]
    finished = [g for g in played if g.state.over]
    blocks.append(
        Paragraph(
            f"{len(played)} duo game(s) ({' and '.join(labels)}), {len(finished)} finished.",
        )
    )
    if finished:
        counts = Counter(g.state.ending or "" for g in finished)
        tally = tuple(
            (story.endings[e].title if e in story.endings else str(e), str(n))
            for e, n in counts.most_common()
        )
        blocks.append(Table(("Ending", "Games"), tally, caption="Endings of the duo games"))
    rows: list[tuple[str, ...]] = []
    for game in played:
        state = game.state
        ending = story.endings.get(state.ending) if state.ending else None
        where = ending.title if ending is not None else f"round {state.round + 1}, playing"
        rows.append(
            (
                game.room or "one screen",
                where,
                str(len(duo.rounds_played(story, state))),
                meter_line(story, state.meters),
            )
        )
    blocks.append(
        Table(
            ("Room", "Ending", "Rounds", "Meters at the end"),
            tuple(rows),
            caption="Each duo game once (both sides' saves hold the same moves)",
            numeric=frozenset({2}),
        )
    )
    return blocks
