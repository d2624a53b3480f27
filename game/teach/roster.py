"""The class as the teacher's console shows it: one row per game, sorted, and the endings
reached so far per role. Plain data from the class store's records and the story; no
Textual here, so it is tested (and reused) without a screen."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from game.core.model import Story
from game.persist.classstore import Clock, GameRecord

#: the columns, in order: (key, header)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("team", "Team"),
    ("role", "Role / room"),
    ("scene", "Scene"),
    ("meters", "Meters"),
    ("ending", "Ending"),
    ("steps", "Steps"),
    ("last", "Last move"),
    ("code", "Code"),
)
SORT_KEYS = tuple(key for key, _ in COLUMNS)


@attrs.frozen
class Row:
    """One game as a row of text cells, with the values its columns sort by."""

    game_id: str
    cells: tuple[str, ...]
    sort: tuple[tuple[int, float | str], ...]


def ago(seconds: float) -> str:
    """'just now', '40 s ago', '3 min ago', '2 h ago'."""
    seconds = max(0.0, seconds)
    if seconds < 5:
        return "just now"
    if seconds < 90:
        return f"{int(seconds)} s ago"
    if seconds < 90 * 60:
        return f"{round(seconds / 60)} min ago"
    return f"{round(seconds / 3600)} h ago"


def short_meters(story: Story | None, meters: dict[str, int] | object) -> str:
    """'Trust 3 · Trade 5 · Escal 6': each meter by its id cut short, in story order."""
    if not isinstance(meters, dict):
        return ""
    order = list(story.meters) if story is not None else sorted(meters)
    order += [m for m in sorted(meters) if m not in order]
    parts = []
    for meter_id in order:
        if meter_id not in meters:
            continue
        parts.append(f"{meter_id.replace('_', ' ').capitalize()[:5]} {meters[meter_id]}")
    return " · ".join(parts)


def role_label(story: Story | None, game: GameRecord) -> str:
    role = game.role
    if story is not None and role in story.roles:
        role = story.roles[role].label
    return f"{role} · room {game.room}" if game.room else role


def scene_title(story: Story | None, game: GameRecord) -> str:
    if game.ending is not None:
        return "-"
    if game.scene is None:
        return "(not begun)"
    if story is not None and game.scene in story.scenes:
        return story.scenes[game.scene].title
    return game.scene


def ending_title(story: Story | None, ending: str | None) -> str:
    if ending is None:
        return ""
    if story is not None and ending in story.endings:
        return story.endings[ending].title
    return ending


def row(story: Story | None, game: GameRecord, now: float) -> Row:
    cells = (
        game.name or "(no name)",
        game.team,
        role_label(story, game),
        scene_title(story, game),
        short_meters(story, dict(game.meters)),
        ending_title(story, game.ending),
        str(game.steps),
        ago(now - game.last_at),
        game.code,
    )
    # text sorts case-blind; numbers as numbers; the newest move first under "last"
    texts = [game.name, *cells[1:6], "", "", game.code]
    values: list[float | str] = [t.casefold() for t in texts]
    values[6], values[7] = float(game.steps), -game.last_at
    filled = [bool(t) for t in texts]
    filled[6] = filled[7] = True
    # an empty cell (no name, no team) sorts after the others
    return Row(
        game.id, cells, tuple((0 if f else 1, v) for f, v in zip(filled, values, strict=True))
    )


def rows(
    story: Story | None,
    games: Iterable[GameRecord],
    now: float,
    sort_by: str = "last",
    reverse: bool = False,
) -> list[Row]:
    """The games as rows, sorted by the column `sort_by` (then by name)."""
    column = SORT_KEYS.index(sort_by) if sort_by in SORT_KEYS else SORT_KEYS.index("last")
    made = sorted((row(story, g, now) for g in games), key=lambda r: r.sort[0])
    return sorted(made, key=lambda r: r.sort[column], reverse=reverse)


def ending_counts(story: Story | None, games: Sequence[GameRecord]) -> list[tuple[str, str]]:
    """Per role (label): 'Draw 3 · Showdown 1 · 4 playing', in the story's order."""
    roles: list[str] = list(story.roles) if story is not None else []
    roles += sorted({g.role for g in games} - set(roles))
    result = []
    for role in roles:
        mine = [g for g in games if g.role == role]
        if not mine:
            continue
        label = story.roles[role].label if story is not None and role in story.roles else role
        result.append((label, ending_tally(story, [g.ending for g in mine])))
    return result


def ending_tally(story: Story | None, endings: Sequence[str | None]) -> str:
    """'Draw 1 · 2 playing': the endings reached, most first (then in the story's order),
    and how many games (None: not ended) are still playing."""
    reached = Counter(e for e in endings if e is not None)
    order = list(story.ending_order) if story is not None else []
    parts = [
        f"{ending_title(story, e)} {n}"
        for e, n in sorted(
            reached.items(),
            key=lambda kv: (-kv[1], order.index(kv[0]) if kv[0] in order else 99),
        )
    ]
    playing = len(endings) - sum(reached.values())
    if playing:
        parts.append(f"{playing} playing")
    return " · ".join(parts)


def clock_text(clock: Clock) -> str:
    """'Running, no time limit', 'Paused · 7:30 left', 'Time is up'."""
    if clock.remaining is None:
        left = "no time limit"
    elif clock.remaining <= 0:
        left = "time is up"
    else:
        whole = int(clock.remaining + 0.999)
        left = f"{whole // 60}:{whole % 60:02d} left"
    return f"{'Paused' if clock.paused else 'Running'} · {left}"
