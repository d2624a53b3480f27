"""Duo summits in a class report: each room's game once, with its sides, its ending, its
rounds and the meters at the end (game.tools.documents.games collects them apart from
the one-player games, whose statistics they would skew)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import attrs

from game.core import duo
from game.core.duo import DuoState
from game.core.model import Story
from game.core.text import meter_line
from game.persist import saves
from game.tools.documents.document import Block, Heading, Paragraph, Table

#: who played a room's sides: (role, player) pairs (from the class store)
RoomPlayers = tuple[tuple[str, saves.Player], ...]


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


def players_text(story: Story, players: RoomPlayers) -> str:
    """'Ann, team Red: Adviser to the Host · Bob: Adviser to the Guest'."""
    order = {role: n for n, role in enumerate(story.duo.roles if story.duo is not None else ())}
    parts = []
    for role, player in sorted(players, key=lambda rp: (order.get(rp[0], len(order)), rp[0])):
        name = player.name or "(no name)"
        if player.team:
            name += f", team {player.team}"
        side = story.roles[role].label if role in story.roles else role
        parts.append(f"{name}: {side}")
    return " · ".join(parts)


def duo_section(
    story: Story, games: Sequence[DuoGame], players: Mapping[str, RoomPlayers] | None = None
) -> list[Block]:
    """The report's section on the duo summits played (`players`: each room's, when the
    class store knows them)."""
    players = players or {}
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
    named = any(game.room in players for game in played)
    rows: list[tuple[str, ...]] = []
    for game in played:
        state = game.state
        ending = story.endings.get(state.ending) if state.ending else None
        where = ending.title if ending is not None else f"round {state.round + 1}, playing"
        row: tuple[str, ...] = (
            game.room or "one screen",
            where,
            str(len(duo.rounds_played(story, state))),
            meter_line(story, state.meters),
        )
        if named:
            row = (row[0], players_text(story, players.get(game.room, ())), *row[1:])
        rows.append(row)
    headers: tuple[str, ...] = ("Room", "Ending", "Rounds", "Meters at the end")
    if named:
        headers = ("Room", "Players", *headers[1:])
    blocks.append(
        Table(
            headers,
            tuple(rows),
            caption="Each duo game once (both sides' saves hold the same moves)",
            numeric=frozenset({3 if named else 2}),
        )
    )
    return blocks
