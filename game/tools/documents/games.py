"""The saves a class report reads: every save file named (or inside folders named),
checked against the story and replayed, each game once however many slots hold it.

A save that is damaged, of another story or version, or of a custom start is named
with the reason and skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import attrs

from game.core.engine import GameState
from game.core.model import Story
from game.persist import saves
from game.persist.classstore import STORE_FILE, ClassStore, Inject, StoreError
from game.tools.documents.duo_games import DuoGame, RoomPlayers


@attrs.frozen
class Game:
    name: str
    state: GameState
    #: the save it was read from (None: a game made in memory, as in tests)
    save: saves.SaveFile | None = None

    @property
    def game_id(self) -> str:
        """The game's own id; a save of an older version is a game of its own file."""
        info = self.save.game if self.save is not None else None
        return info.id if info is not None and info.id else f"file:{self.name}"

    @property
    def player(self) -> saves.Player:
        info = self.save.game if self.save is not None else None
        return info.player if info is not None else saves.Player()

    @property
    def who(self) -> str:
        """'Ana (team Red)', 'Ana', or "" for a game without a name."""
        return who(self.player)

    @property
    def info(self) -> saves.GameInfo:
        info = self.save.game if self.save is not None else None
        return info if info is not None else saves.GameInfo()


def who(player: saves.Player) -> str:
    """A player as a transcript names them: 'Ana (team Red)', 'Ana', or ""."""
    if not player.name:
        return f"team {player.team}" if player.team else ""
    return f"{player.name} (team {player.team})" if player.team else player.name


@attrs.frozen
class Skipped:
    name: str
    reason: str


@attrs.frozen
class Collection:
    games: tuple[Game, ...]
    skipped: tuple[Skipped, ...]
    #: used saves with something worth knowing (the story changed since)
    notes: tuple[str, ...] = ()
    files: int = 0
    #: the news sent to the class folders among the paths (from their class store)
    sent: tuple[Inject, ...] = ()
    #: duo summits' saves (game.tools.documents.duo_games), apart from the games above
    duos: tuple[DuoGame, ...] = ()
    #: who played each duo room's sides, by room (from the class stores among the paths)
    players: Mapping[str, RoomPlayers] = attrs.field(factory=dict)


def save_files(paths: Sequence[Path]) -> tuple[list[tuple[str, Path]], list[Skipped]]:
    """The save files named or inside the folders named (recursively), each once."""
    found: list[tuple[str, Path]] = []
    problems: list[Skipped] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append((str(path), path))

    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*.json")
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                problems.append(Skipped(str(path), "this folder holds no save files (*.json)"))
            for p in inside:
                add(p)
        elif path.is_file():
            add(path)
        else:
            problems.append(Skipped(str(path), "no such file or folder"))
    return found, problems


def _reason(name: str, message: str) -> str:
    prefix = f"{name}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def collect(story: Story, paths: Sequence[Path]) -> Collection:
    """Read and replay every save; the ones that cannot be used are skipped with a reason."""
    files, skipped = save_files(paths)
    games: list[Game] = []
    notes: list[str] = []
    duos: list[DuoGame] = []
    for name, path in files:
        try:
            save = saves.read(path)
        except saves.SaveError as exc:
            skipped.append(Skipped(name, _reason(str(path), str(exc))))
            continue
        stamp = save.story
        if stamp.id != story.id:
            skipped.append(
                Skipped(
                    name,
                    f"a save of another story ('{stamp.id}', version {stamp.version}); "
                    f"this report is of '{story.id}'",
                )
            )
            continue
        if stamp.version != story.version:
            skipped.append(
                Skipped(
                    name,
                    f"made with version {stamp.version} of the story; this report uses "
                    f"version {story.version} (report on it with --story DIR of that version)",
                )
            )
            continue
        if save.start is not None:
            skipped.append(
                Skipped(
                    name,
                    f"a game started mid-story at '{save.start.scene}' (play --from), "
                    "not a whole game",
                )
            )
            continue
        try:
            loaded = saves.restore(story, save, name)
        except saves.SaveError as exc:
            skipped.append(Skipped(name, _reason(name, str(exc))))
            continue
        if loaded.notice:
            notes.append(f"{name}: {loaded.notice}")
        if loaded.duo is not None:
            duos.append(DuoGame(name, loaded.duo, save))
            continue
        games.append(Game(name, loaded.state, save))
    games, doubled = one_per_game(games)
    if doubled:
        notes.append(
            f"{doubled} save(s) held a game also saved under another slot; each game is "
            "counted once, by its newest save."
        )
    return Collection(
        tuple(games),
        tuple(skipped),
        tuple(notes),
        files=len(files),
        sent=sent_news(paths),
        duos=tuple(duos),
        players=room_players(paths),
    )


def sent_news(paths: Sequence[Path]) -> tuple[Inject, ...]:
    """The news sent to each class folder among `paths`, in the order sent."""
    sent: list[Inject] = []
    for path in paths:
        if (path / STORE_FILE).is_file():
            try:
                sent += ClassStore.open(path).injects()
            except StoreError:
                continue  # the report stands without it
    return tuple(sorted(sent, key=lambda news: news.sent_at))


def room_players(paths: Sequence[Path]) -> dict[str, RoomPlayers]:
    """Each duo room's named players, side by side, from the class folders among `paths`
    (a duo save names no player; each side reports its player to the class store)."""
    found: dict[str, RoomPlayers] = {}
    for path in paths:
        if not (path / STORE_FILE).is_file():
            continue
        try:
            store = ClassStore.open(path)
            records = {record.id: record for record in store.games()}
            rooms = store.rooms()
        except StoreError:
            continue  # the report stands without them
        for room in rooms:
            sides = []
            for seat in room.seats:
                record = records.get(seat.game_id)
                if record is not None and (record.name or record.team):
                    sides.append((seat.role, saves.Player(record.name, record.team)))
            if sides:
                found[room.code] = tuple(sides)
    return found


def one_per_game(games: Sequence[Game]) -> tuple[list[Game], int]:
    """Each game once (by its id), by its newest save (then the one furthest on): a game
    in its autosave and in a named slot is one game. Also: how many saves were dropped."""
    best: dict[str, Game] = {}
    for game in games:
        kept = best.get(game.game_id)
        if kept is None or _newer(game, kept):
            best[game.game_id] = game
    order = {id(g): n for n, g in enumerate(games)}
    chosen = sorted(best.values(), key=lambda g: order[id(g)])
    return chosen, len(games) - len(chosen)


def _newer(game: Game, than: Game) -> bool:
    def key(g: Game) -> tuple[bool, str, int]:
        return (g.state.over, g.save.saved_at if g.save else "", len(g.state.history))

    return key(game) > key(than)
