"""The parts of the class report that follow each game of a class session: one row per
game (a table, and CSV for a gradebook or LMS), charts of the endings per role and of
the average meters after each choice per role (inline SVG), the key scenes in the order
they are played, and the news the teacher sent.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Mapping, Sequence

from game.core import engine
from game.core.model import Story
from game.tools.documents.bars import Group, share_bars
from game.tools.documents.document import Block, Figure, Heading, Items, Paragraph, Table
from game.tools.documents.games import Collection, Game
from game.tools.documents.svg import Series, line_chart
from game.tools.documents.wording import Wording

#: a scene is "key" when at least this many games made a choice there
KEY_SCENE_GAMES = 2
NOT_FINISHED = "Not finished"


def _when(iso: str) -> str:
    """'2026-12-01T10:00:05+00:00' -> '2026-12-01 10:00' in local time ("" stays "")."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _role(story: Story, game: Game) -> str:
    role = story.roles.get(game.state.role)
    return role.label if role is not None else game.state.role


def _ending(story: Story, game: Game) -> str:
    ending = story.endings.get(game.state.ending or "")
    return ending.title if ending is not None else ""


# -- one row per game ----------------------------------------------------------------------


def csv_header(story: Story) -> list[str]:
    return [
        "name",
        "team",
        "role",
        "room",
        "ending",
        "steps",
        *(f"final_{meter}" for meter in story.meters),
        "finished",
        "started",
        "last_move",
        "game_id",
    ]


def csv_rows(story: Story, games: Sequence[Game]) -> list[list[str]]:
    rows = []
    for game in games:
        info, state = game.info, game.state
        rows.append(
            [
                info.player.name,
                info.player.team,
                _role(story, game),
                info.room,
                _ending(story, game),
                str(len(state.history)),
                *(str(state.meters[meter]) for meter in story.meters),
                "yes" if state.over else "no",
                info.started_at,
                game.save.saved_at if game.save is not None else "",
                game.game_id,
            ]
        )
    return rows


def render_csv(story: Story, collection: Collection) -> str:
    """One row per game (each game once), with a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(csv_header(story))
    writer.writerows(csv_rows(story, collection.games))
    return out.getvalue()


def games_section(story: Story, games: Sequence[Game]) -> list[Block]:
    meters = list(story.meters.values())
    rows = []
    ordered = sorted(games, key=lambda g: (g.info.player.name.casefold(), g.game_id))
    for game in ordered:
        info, state = game.info, game.state
        rows.append(
            (
                info.player.name or game.name,
                info.player.team,
                _role(story, game) + (f" (room {info.room})" if info.room else ""),
                _ending(story, game) or NOT_FINISHED,
                str(len(state.history)),
                *(str(state.meters[m.id]) for m in meters),
                _when(info.started_at),
                _when(game.save.saved_at if game.save is not None else ""),
            )
        )
    return [
        Heading(2, "Every game", anchor="games"),
        Table(
            (
                "Player",
                "Team",
                "Role",
                "Ending",
                "Steps",
                *(m.label for m in meters),
                "Started",
                "Last move",
            ),
            tuple(rows),
            numeric=frozenset(range(4, 5 + len(meters))),
        ),
        Paragraph(
            "One row per game, however many slots it was saved in; a game played on after "
            "its ending (undo) is a game of its own. The same rows as CSV: "
            "mar-a-lago report DIR --format csv.",
            kind="note",
        ),
    ]


# -- charts ---------------------------------------------------------------------------------


def endings_chart(story: Story, by_role: Mapping[str, Sequence[Game]]) -> Figure:
    order = list(story.ending_order)
    parts = [story.endings[e].title for e in order] + [NOT_FINISHED]
    groups = []
    for role_id, games in by_role.items():
        reached = Counter(g.state.ending for g in games)
        counts = (*(reached[e] for e in order), reached[None])
        label = story.roles[role_id].label if role_id in story.roles else role_id
        groups.append(Group(label, counts))
    svg = share_bars(
        parts,
        groups,
        title="The endings per role",
        description="For each role, the share of its games at each ending; games not "
        "finished are counted apart.",
        chart_id="endings-chart",
    )
    return Figure(svg)


def average_meters(story: Story, games: Sequence[Game]) -> tuple[dict[str, list[float]], list[int]]:
    """Per meter, its average after each choice (the start first) over the games that made
    that many choices; and how many games that was at each step."""
    timelines = [engine.timeline(story, g.state) for g in games]
    longest = max((len(t) for t in timelines), default=0)
    averages: dict[str, list[float]] = {m: [] for m in story.meters}
    counts = []
    for step in range(longest):
        at = [t[step] for t in timelines if len(t) > step]
        counts.append(len(at))
        for meter in story.meters:
            averages[meter].append(sum(s.meters[meter] for s in at) / len(at))
    return averages, counts


def meters_charts(story: Story, by_role: Mapping[str, Sequence[Game]]) -> list[Block]:
    blocks: list[Block] = []
    meters = list(story.meters.values())
    low = min((m.min for m in meters), default=0)
    high = max((m.max for m in meters), default=1)
    for role_id, games in by_role.items():
        if not games:
            continue
        averages, counts = average_meters(story, games)
        label = story.roles[role_id].label if role_id in story.roles else role_id
        series = [Series(m.label, tuple(averages[m.id])) for m in meters]
        steps = ["Start", *(str(n) for n in range(1, len(counts)))]
        games_at = ", ".join(f"{s}: {n}" for s, n in zip(steps, counts, strict=True))
        blocks.append(
            Figure(
                line_chart(
                    series,
                    steps,
                    title=f"{label}: the average meters after each choice",
                    description=f"One line per meter. Games averaged at each step: {games_at}.",
                    y_min=low,
                    y_max=high,
                    x_title="Choice",
                    chart_id=f"meters-{role_id}",
                )
            )
        )
    if blocks:
        blocks.insert(0, Heading(2, "The meters over the games", anchor="meter-charts"))
        blocks.append(
            Paragraph(
                "Each point averages the games of that role that made that many choices, so "
                "the last points may stand on few games.",
                kind="note",
            )
        )
    return blocks


# -- key scenes, in the order they are played -------------------------------------------------


def _listing(words: Wording, scene_id: str, ids: Sequence[str], counts: Counter[str]) -> str:
    return "; ".join(f"{words.choice(scene_id, c)} ({counts[c]})" for c in ids)


def play_order(story: Story, games: Sequence[Game]) -> list[str]:
    """The scenes games made choices at, by where in a game they come on average (the
    story's file order breaks ties)."""
    places: dict[str, list[int]] = {}
    for game in games:
        for step, (scene_id, _) in enumerate(game.state.history):
            places.setdefault(scene_id, []).append(step)
    file_order = {scene_id: n for n, scene_id in enumerate(story.scenes)}
    return sorted(
        places,
        key=lambda s: (sum(places[s]) / len(places[s]), file_order.get(s, len(file_order))),
    )


def key_scenes_section(
    story: Story, games: Sequence[Game], wording: Wording | None = None
) -> list[Block]:
    """The most and least chosen choices of the scenes many games played (each worded as
    most games read it: `wording`, by default of these games)."""
    words = wording if wording is not None else Wording(story, (g.state for g in games))
    visits: dict[str, list[tuple[int, str]]] = {}
    for n, game in enumerate(games):
        for scene_id, choice_id in game.state.history:
            visits.setdefault(scene_id, []).append((n, choice_id))
    rows = []
    for scene_id in play_order(story, games):
        scene = story.scenes.get(scene_id)
        made = visits.get(scene_id, [])
        played = {n for n, _ in made}
        if scene is None or len(played) < KEY_SCENE_GAMES:
            continue
        counts = Counter(c for _, c in made)
        for choice in scene.choices:
            counts.setdefault(choice.id, 0)
        top, bottom = max(counts.values()), min(counts.values())
        most = [c for c in counts if counts[c] == top]
        least = [c for c in counts if counts[c] == bottom]
        roles = sorted({games[n].state.role for n in played}, key=list(story.roles).index)
        rows.append(
            (
                scene.title,
                ", ".join(story.roles[r].label for r in roles),
                str(len(played)),
                f"all equal ({top} each)"
                if top == bottom
                else _listing(words, scene_id, most, counts),
                "-" if top == bottom else _listing(words, scene_id, least, counts),
            )
        )
    blocks: list[Block] = [Heading(2, "Key scenes: the most and least chosen", anchor="key-scenes")]
    if not rows:
        blocks.append(Paragraph(f"No scene was played in {KEY_SCENE_GAMES} games or more."))
        return blocks
    blocks.append(
        Table(
            ("Scene", "Played by", "Games", "Most chosen (times)", "Least chosen (times)"),
            tuple(rows),
            numeric=frozenset({2}),
        )
    )
    blocks.append(
        Paragraph(
            f"Scenes where at least {KEY_SCENE_GAMES} games made a choice, in the order they "
            "are played (by where they come in a game, on average). A count of 0 means "
            "nobody chose it (it may have been locked).",
            kind="note",
        )
    )
    return blocks


# -- the news the teacher sent ------------------------------------------------------------------


def news_section(story: Story, collection: Collection) -> list[Block]:
    reached: Counter[str] = Counter()
    steps: dict[str, list[int]] = {}
    for game in collection.games:
        for step, inject_id in game.state.news:
            reached[inject_id] += 1
            steps.setdefault(inject_id, []).append(step)
    if not reached and not collection.sent:
        return []
    blocks: list[Block] = [Heading(2, "The news sent during the class", anchor="news")]
    items = []
    sent_ids = [s.inject_id for s in collection.sent]
    for inject_id in dict.fromkeys([*sent_ids, *reached]):
        inject = story.injects.get(inject_id)
        title = inject.title if inject is not None else inject_id
        times = [
            dt.datetime.fromtimestamp(s.sent_at).strftime("%H:%M")
            + (f" to room {s.room}" if s.room else "")
            for s in collection.sent
            if s.inject_id == inject_id
        ]
        where = steps.get(inject_id, [])
        after = f", after {min(where)} to {max(where)} choices" if where else ""
        sent = f"sent {', '.join(times)}; " if times else ""
        sources = f" (sources: {', '.join(inject.source)})" if inject and inject.source else ""
        items.append(f"{title}{sources}: {sent}reached {reached[inject_id]} game(s){after}.")
    blocks.append(Items(tuple(items)))
    blocks.append(
        Paragraph(
            "A game takes news at its next scene after it is sent, once; games that had "
            "ended, or were not yet begun, do not.",
            kind="note",
        )
    )
    return blocks
