"""A class overview from many saves: `mar-a-lago report`.

A report is "replay many": every save is read, checked against the story and
replayed through the engine. It says how many played each role, which endings each
role reached, the average meters at the end, the most and least chosen choices at
the scenes many games passed, and where the paths diverged, within a role and
between the roles at the scenes both played. A save that is damaged, of another
story or version, or of a custom start is named with the reason and skipped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from game.core.model import Choice, Story
from game.tools.documents import classreport
from game.tools.documents.document import Block, Heading, Items, Paragraph, Table, render
from game.tools.documents.duo_games import duo_section
from game.tools.documents.games import Collection, Game, Skipped, collect, save_files
from game.tools.documents.wording import Wording, most

__all__ = ["Collection", "Game", "Skipped", "collect", "render_report", "save_files"]


# -- figures ----------------------------------------------------------------------------


def _share(count: int, total: int) -> str:
    return f"{round(100 * count / total)}%" if total else "-"


def n_games(n: int) -> str:
    return f"{n} game" if n == 1 else f"{n} games"


def _by_role(story: Story, games: Sequence[Game]) -> dict[str, list[Game]]:
    result: dict[str, list[Game]] = {role: [] for role in story.roles}
    for game in games:
        result.setdefault(game.state.role, []).append(game)
    return result


def roles_section(story: Story, by_role: dict[str, list[Game]]) -> list[Block]:
    rows = []
    for role_id, games in by_role.items():
        finished = sum(1 for g in games if g.state.over)
        rows.append(
            (story.roles[role_id].label, str(len(games)), str(finished), str(len(games) - finished))
        )
    return [
        Heading(2, "Who played which role", anchor="roles"),
        Table(
            ("Role", "Games", "Finished", "Unfinished"), tuple(rows), numeric=frozenset({1, 2, 3})
        ),
    ]


def endings_section(story: Story, by_role: dict[str, list[Game]]) -> list[Block]:
    blocks: list[Block] = [Heading(2, "Endings reached", anchor="endings")]
    order = {ending: n for n, ending in enumerate(story.ending_order)}
    for role_id, games in by_role.items():
        if not games:
            continue
        label = story.roles[role_id].label
        reached = Counter(g.state.ending for g in games if g.state.ending is not None)
        finished = sum(reached.values())
        unfinished = len(games) - finished
        blocks.append(Heading(3, label, anchor=f"endings-{role_id}"))
        if reached:
            rows = tuple(
                (story.endings[e].title, str(n), _share(n, finished))
                for e, n in sorted(reached.items(), key=lambda kv: (-kv[1], order.get(kv[0], 0)))
            )
            blocks.append(
                Table(
                    ("Ending", "Games", "Share of finished games"),
                    rows,
                    numeric=frozenset({1, 2}),
                )
            )
        else:
            blocks.append(Paragraph("No game of this role reached an ending yet."))
        if unfinished:
            blocks.append(
                Paragraph(
                    f"Unfinished, counted apart: {n_games(unfinished)} "
                    f"({_share(unfinished, len(games))} of this role's games).",
                    kind="note",
                )
            )
    return blocks


def meters_section(story: Story, by_role: dict[str, list[Game]]) -> list[Block]:
    meters = list(story.meters.values())
    rows = []
    for role_id, games in by_role.items():
        finished = [g for g in games if g.state.over]
        cells = [
            f"{sum(g.state.meters[m.id] for g in finished) / len(finished):.1f}"
            if finished
            else "-"
            for m in meters
        ]
        rows.append((story.roles[role_id].label, str(len(finished)), *cells))
    key = "; ".join(f"{m.label}: {m.min} to {m.max}, {m.good.side} is better" for m in meters)
    return [
        Heading(2, "Average meters at the end", anchor="meters"),
        Table(
            ("Role", "Finished games", *(m.label for m in meters)),
            tuple(rows),
            numeric=frozenset(range(1, 2 + len(meters))),
        ),
        Paragraph(f"Finished games only. {key}.", kind="note"),
    ]


def _visits(games: Sequence[Game]) -> dict[str, list[tuple[int, str]]]:
    """scene id -> (game index, choice id) for every choice made there, in story order later."""
    visits: dict[str, list[tuple[int, str]]] = {}
    for n, game in enumerate(games):
        for scene_id, choice_id in game.state.history:
            visits.setdefault(scene_id, []).append((n, choice_id))
    return visits


def _wording(story: Story, games: Sequence[Game], wording: Wording | None) -> Wording:
    return wording if wording is not None else Wording(story, (g.state for g in games))


def first_split(
    story: Story, label: str, games: Sequence[Game], wording: Wording | None = None
) -> list[Block]:
    """Where the games of one role first made different choices (each choice worded as
    most games read it: `wording`, by default of these games)."""
    words = _wording(story, games, wording)
    agreed: list[str] = []
    step = 0
    while True:
        active = [g for g in games if len(g.state.history) > step]
        if len(active) < 2:
            if not agreed:
                return [Paragraph("Not enough choices made to compare.", label=label)]
            return [
                Paragraph(
                    f"The games never split: as far as each went, they made the same "
                    f"choices, at {', '.join(agreed)}.",
                    label=label,
                )
            ]
        taken = Counter(g.state.history[step] for g in active)
        if len(taken) == 1:
            ((scene_id, _),) = taken
            agreed.append(f"'{story.scenes[scene_id].title}'")
            step += 1
            continue
        lead = (
            f"After the same choices at {', '.join(agreed)}, the"
            if agreed
            else "From the first choice on, the"
        )
        ranked = sorted(taken.items(), key=lambda kv: -kv[1])

        # each move as most of the games that made it here read it
        read = {
            move: most(words.said(g.state, step) for g in active if g.state.history[step] == move)
            for move in taken
        }
        scenes = {s for s, _ in taken}
        if len(scenes) == 1:
            scene = story.scenes[next(iter(scenes))]
            return [
                Paragraph(
                    f"{lead} games split at '{scene.title}' (choice {step + 1}):", label=label
                ),
                Items(tuple(f"{n_games(n)}: {read[move]}" for move, n in ranked)),
            ]
        return [
            Paragraph(f"{lead} games were at different scenes at choice {step + 1}:", label=label),
            Items(
                tuple(
                    f"{n_games(n)}: '{story.scenes[move[0]].title}', {read[move]}"
                    for move, n in ranked
                )
            ),
        ]


def divergence_section(
    story: Story, by_role: dict[str, list[Game]], wording: Wording | None = None
) -> list[Block]:
    words = _wording(story, [g for games in by_role.values() for g in games], wording)
    blocks: list[Block] = [
        Heading(2, "Where the paths diverged", anchor="divergence"),
        Heading(3, "Within each role: the first split", anchor="first-split"),
    ]
    for role_id, games in by_role.items():
        if not games:
            continue
        label = story.roles[role_id].label
        if len(games) < 2:
            blocks.append(Paragraph("Only one game: nothing to compare.", label=f"{label}:"))
            continue
        blocks += first_split(story, f"{label} ({n_games(len(games))}):", games, words)
    if sum(1 for games in by_role.values() if games) >= 2:
        blocks += meter_moves(story, by_role)
        blocks += shared_scenes(story, by_role, words)
    return blocks


def _effect(story: Story, choice: Choice) -> str:
    parts = [f"{story.meters[m].label} {delta:+d}" for m, delta in choice.effects.items() if delta]
    return ", ".join(parts) or "no meter change"


def meter_moves(story: Story, by_role: dict[str, list[Game]]) -> list[Block]:
    """How each role's choices moved the meters: comparable even without shared scenes."""
    meters = list(story.meters.values())
    rows = []
    for role_id, games in by_role.items():
        if not games:
            continue
        made = [
            choice
            for g in games
            for scene_id, choice_id in g.state.history
            if (choice := story.scenes[scene_id].choice(choice_id)) is not None
        ]
        cells = []
        for m in meters:
            change = sum(g.state.meters[m.id] - m.start for g in games) / len(games)
            sign = m.good.sign
            helped = sum(1 for c in made if sign * c.effects.get(m.id, 0) > 0)
            hurt = sum(1 for c in made if sign * c.effects.get(m.id, 0) < 0)
            cells.append(
                f"{change:+.1f}; {_share(helped, len(made))} helped, {_share(hurt, len(made))} hurt"
            )
        rows.append((story.roles[role_id].label, str(len(made)), *cells))
    return [
        Heading(3, "Between the roles: how their choices moved the meters", anchor="moves"),
        Table(
            ("Role", "Choices made", *(m.label for m in meters)),
            tuple(rows),
            numeric=frozenset({1}),
        ),
        Paragraph(
            "Each cell: the average change from the start to where the games stopped, then "
            "the share of all this role's choices that moved the meter the good way or the "
            "bad way.",
            kind="note",
        ),
    ]


def _written(story: Story, scene_id: str, choice_id: str) -> str:
    choice = story.scenes[scene_id].choice(choice_id)
    return choice.text if choice is not None else choice_id


def shared_scenes(
    story: Story, by_role: dict[str, list[Game]], wording: Wording | None = None
) -> list[Block]:
    """At the moments games of two roles or more played: how each role chose.

    A moment is a scene, or scenes of the same title written for different roles
    (each side's view of the same meeting).
    """
    words = _wording(story, [g for games in by_role.values() for g in games], wording)
    per_role = {role: _visits(games) for role, games in by_role.items() if games}
    moments: dict[str, dict[str, list[str]]] = {}
    for scene_id, scene in story.scenes.items():
        for role, visits in per_role.items():
            if scene_id in visits:
                moments.setdefault(scene.title, {}).setdefault(role, []).append(scene_id)
    blocks: list[Block] = [
        Heading(3, "Between the roles: the moments both played", anchor="shared")
    ]
    found = False
    order = list(story.roles)
    for title, found_roles in moments.items():
        if len(found_roles) < 2:
            continue
        roles = {r: found_roles[r] for r in sorted(found_roles, key=order.index)}
        found = True
        rows = []
        #: each role's most chosen: (as written, to compare; as its games read them)
        favourites: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        for role, scene_ids in roles.items():
            label = story.roles[role].label
            counts: Counter[tuple[str, str]] = Counter(
                (s, c) for s in scene_ids for _, c in per_role[role][s]
            )
            total = sum(counts.values())
            for scene_id in scene_ids:
                for choice in story.scenes[scene_id].choices:
                    n = counts[(scene_id, choice.id)]
                    rows.append(
                        (
                            label,
                            words.choice(scene_id, choice.id, role),
                            str(n),
                            _share(n, total),
                            _effect(story, choice),
                        )
                    )
            top = max(counts.values())
            picks = sorted(
                (_written(story, s, c), words.choice(s, c, role))
                for (s, c), n in counts.items()
                if n == top
            )
            favourites.append((label, tuple(w for w, _ in picks), tuple(r for _, r in picks)))
        shared_ids = set.intersection(*(set(ids) for ids in roles.values()))
        blocks.append(Heading(4, title, anchor=f"shared-{len(blocks)}"))
        blocks.append(
            Table(
                ("Role", "Choice", "Times", "Share", "Effect"),
                tuple(rows),
                numeric=frozenset({2, 3}),
            )
        )
        lead = "Most chosen: "
        if shared_ids:
            alike = len({written for _, written, _ in favourites}) == 1
            lead = ("The roles chose alike. " if alike else "The roles chose differently. ") + lead
        said = "; ".join(
            f"{label}: '{picks[0]}'" if len(picks) == 1 else f"{label}: a tie of {len(picks)}"
            for label, _, picks in favourites
        )
        blocks.append(Paragraph(f"{lead}{said}."))
    if not found:
        blocks.append(Paragraph("No scene or scene title was played by games of two roles."))
    return blocks


def report_blocks(story: Story, collection: Collection) -> list[Block]:
    games = collection.games
    by_role = _by_role(story, games)
    wording = Wording(story, (g.state for g in games))
    blocks: list[Block] = [Heading(1, f"{story.title}: class report")]
    blocks.append(Paragraph(f"{story.title} ({story.id}, version {story.version})", label="Story:"))
    skipped = len(collection.skipped)
    blocks.append(
        Paragraph(
            f"{n_games(len(games))} used"
            + (f"; {skipped} skipped (listed at the end)." if skipped else "."),
            label="Saves:",
        )
    )
    blocks += roles_section(story, by_role)
    blocks += classreport.games_section(story, games)
    blocks += endings_section(story, by_role)
    blocks.append(classreport.endings_chart(story, by_role))
    blocks += meters_section(story, by_role)
    blocks += classreport.meters_charts(story, by_role)
    blocks += classreport.key_scenes_section(story, games, wording)
    blocks += divergence_section(story, by_role, wording)
    blocks += classreport.news_section(story, collection)
    blocks += duo_section(story, collection.duos, collection.players)
    if collection.notes:
        blocks.append(Heading(2, "Notes", anchor="notes"))
        blocks.append(Items(collection.notes))
    if collection.skipped:
        blocks.append(Heading(2, "Skipped saves", anchor="skipped"))
        blocks.append(Items(tuple(f"{s.name}: {s.reason}" for s in collection.skipped)))
    return blocks


def render_report(story: Story, collection: Collection, fmt: str = "md") -> str:
    """The report as Markdown ("md"), one HTML page ("html") or one CSV row per game."""
    if fmt == "csv":
        return classreport.render_csv(story, collection)
    return render(f"{story.title}: class report", report_blocks(story, collection), fmt)
