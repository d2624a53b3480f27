"""Save slots on disk: a save is the choices made plus the story's id, version and digest.

Writes are atomic (a temp file in the same folder, fsync, rename), so a crash mid-write
never harms the previous save. Loading replays the choices through the engine, so a
save can never disagree with the story; a damaged or foreign save is refused with a
message and left untouched on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import cattrs

from game.core.engine import GameState, ReplayError, Start, replay
from game.core.errors import MarALagoError
from game.core.model import Story
from game.core.text import shown

if TYPE_CHECKING:
    from game.core.duo import DuoState

SAVE_FORMAT = 1
AUTOSAVE = "autosave"
SLOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}\Z")
#: a save holds a list of choices; anything far larger is not one of ours
MAX_SAVE_BYTES = 5_000_000


class SaveError(MarALagoError):
    """A save that cannot be written or read; the message says why and what to do (never
    with a control character, from a file name or a save's field, that a terminal
    would act on)."""

    def __init__(self, message: str) -> None:
        super().__init__(shown(message))


@attrs.frozen
class StoryStamp:
    id: str
    version: str
    digest: str


@attrs.frozen
class Summary:
    """What a slot list shows without loading the story."""

    scene: str | None
    ending: str | None
    meters: dict[str, int]
    steps: int


@attrs.frozen
class StartPoint:
    scene: str
    meters: dict[str, int]
    flags: list[str]


@attrs.frozen
class Player:
    """Who plays a game: the name (and team) given when it began."""

    name: str = ""
    team: str = ""


@attrs.frozen
class Undone:
    """A choice taken back with undo: its number in the game (1-based), scene and choice."""

    step: int
    scene: str
    choice: str


@attrs.frozen
class GameInfo:
    """What a save says of its game beside the choices (saves of older versions have none):
    the game's own id (one game may lie in several slots), its player, the short code a
    player rejoins it by, its duo room, when it began, the slot it autosaves to, the game
    it branched from (undo after an ending), every choice undone, and the class store's
    number of the last news it took."""

    id: str = ""
    player: Player = Player()
    code: str = ""
    room: str = ""
    started_at: str = ""
    autosave: str = ""
    branch_of: str = ""
    undone: list[Undone] = attrs.Factory(list)
    news_seq: int = 0


@attrs.frozen
class NewsItem:
    """News that reached the game after `step` choices (an inject of the story)."""

    step: int
    id: str


@attrs.frozen
class DuoMark:
    """A duo summit's save: the side that made each of `choices` (both sides' moves, in
    the order made), the room ("" at one screen) and the side this save's player played
    ("" : both, at one screen). The save's `role` is that side (or the first side)."""

    sides: list[str]
    room: str = ""
    side: str = ""


@attrs.frozen
class SaveFile:
    format: int
    story: StoryStamp
    role: str
    choices: list[tuple[str, str]]
    saved_at: str
    summary: Summary
    checksum: str = ""
    start: StartPoint | None = None
    game: GameInfo | None = None
    news: list[NewsItem] = attrs.Factory(list)
    #: the class clock ended the game after this many choices
    closed: int | None = None
    #: set for a duo summit's save (None: a one-player game)
    duo: DuoMark | None = None


@attrs.frozen
class SlotInfo:
    """One entry of the load list: a readable save, or the reason it is not."""

    name: str
    path: Path
    modified: float
    save: SaveFile | None = None
    error: str = ""


@attrs.frozen
class Loaded:
    state: GameState
    save: SaveFile
    #: set when the story changed since the save but its choices still fit
    notice: str = ""
    #: a duo save's joint state (`state` is then the view of the save's side)
    duo: DuoState | None = None


_converter = cattrs.Converter(forbid_extra_keys=True)


def _canonical(payload: Mapping[str, Any]) -> bytes:
    body = {k: v for k, v in payload.items() if k != "checksum"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def check_slot_name(name: str) -> str:
    if not SLOT_NAME.match(name):
        raise SaveError(
            f"'{name}' is not a slot name: use letters, digits, '-' and '_' "
            "(up to 64, starting with a letter or digit; no '/', '..' or leading '.')"
        )
    return name


def resolve(saves_dir: Path, slot_or_path: str) -> Path:
    """A slot name inside `saves_dir`, or a path to a save file (for transcripts)."""
    if SLOT_NAME.match(slot_or_path):
        candidate = saves_dir / f"{slot_or_path}.json"
        if candidate.exists() or not Path(slot_or_path).exists():
            return candidate
    return Path(slot_or_path)


def make_save(story: Story, state: GameState, game: GameInfo | None = None) -> SaveFile:
    start = None
    if state.origin is not None:
        start = StartPoint(
            state.origin.scene, dict(state.origin.meters), sorted(state.origin.flags)
        )
    save = SaveFile(
        format=SAVE_FORMAT,
        story=StoryStamp(story.id, story.version, story.digest),
        role=state.role,
        choices=[(s, c) for s, c in state.history],
        saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        summary=Summary(state.scene, state.ending, dict(state.meters), len(state.history)),
        start=start,
        game=game,
        news=[NewsItem(step, inject_id) for step, inject_id in state.news],
        closed=state.closed,
    )
    return seal(save)


def seal(save: SaveFile) -> SaveFile:
    """The save with its checksum."""
    payload = _converter.unstructure(save)
    return attrs.evolve(save, checksum=hashlib.sha256(_canonical(payload)).hexdigest())


def write(
    saves_dir: Path, slot: str, story: Story, state: GameState, game: GameInfo | None = None
) -> Path:
    """Save `state` (and what is known of its `game`) to `slot` atomically; the previous
    save survives any crash."""
    return write_save(saves_dir, slot, make_save(story, state, game))


def write_save(saves_dir: Path, slot: str, save: SaveFile) -> Path:
    """Write a made (and sealed) save to `slot` atomically."""
    check_slot_name(slot)
    data = json.dumps(_converter.unstructure(save), indent=1, ensure_ascii=False)
    target = saves_dir / f"{slot}.json"
    tmp_name = None
    try:
        saves_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=saves_dir, prefix=f".{slot}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
        tmp_name = None
        _fsync_dir(saves_dir)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if saves_dir.exists() and not saves_dir.is_dir():
            reason = f"{saves_dir} is a file, not a folder"
        raise SaveError(
            f"could not save to {target} ({reason}); "
            "the previous save is unharmed. Free some space or choose a writable "
            "folder with --saves-dir"
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    return target


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read(path: Path) -> SaveFile:
    """Parse and verify a save file (not yet against a story)."""
    where = str(path)
    try:
        if path.stat().st_size > MAX_SAVE_BYTES:
            raise SaveError(f"{where}: too large to be a save file; it was left as it is")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SaveError(f"{where}: no such save") from None
    except OSError as exc:
        raise SaveError(f"{where}: cannot read it ({exc.strerror})") from None
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SaveError(
            f"{where}: damaged or truncated, not a readable save ({exc.__class__.__name__}); "
            "it was left as it is"
        ) from None
    if not isinstance(payload, dict):
        raise SaveError(f"{where}: not a save file; it was left as it is")
    if payload.get("format") != SAVE_FORMAT:
        raise SaveError(
            f"{where}: save format {payload.get('format')!r} is not one this game reads "
            f"(it reads {SAVE_FORMAT}); it was left as it is"
        )
    if payload.get("checksum") != hashlib.sha256(_canonical(payload)).hexdigest():
        raise SaveError(
            f"{where}: its checksum does not match: the file was edited by hand or damaged; "
            "it was left as it is"
        )
    try:
        return _converter.structure(payload, SaveFile)
    except Exception as exc:  # cattrs raises ExceptionGroups of many kinds
        details = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        raise SaveError(f"{where}: not a valid save ({details}); it was left as it is") from None


def restore(story: Story, save: SaveFile, where: str = "save") -> Loaded:
    """Replay a save's choices through the engine."""
    if save.duo is not None:
        from game.persist.duosaves import restore_duo

        return restore_duo(story, save, where)
    if save.story.id != story.id:
        raise SaveError(
            f"{where}: made for the story '{save.story.id}', not '{story.id}'; "
            "load it with that story (--story DIR)"
        )
    start = None
    if save.start is not None:
        start = Start(save.start.scene, dict(save.start.meters), frozenset(save.start.flags))
    try:
        state = replay(
            story,
            save.role,
            save.choices,
            start,
            news=[(item.step, item.id) for item in save.news],
            closed=save.closed,
        )
    except ReplayError as exc:
        changed = (
            f"the story was edited since (version {save.story.version}, now {story.version})"
            if save.story.version != story.version
            else "the story's files were edited since"
        )
        if save.story.digest == story.digest:
            changed = "the save does not fit the story"
        raise SaveError(f"{where}: cannot be replayed: {exc}; {changed}") from None
    notice = ""
    if save.story.digest != story.digest:
        notice = (
            f"The story changed since this save (version {save.story.version} -> {story.version}); "
            f"its {len(save.choices)} choices were replayed and still fit."
        )
    return Loaded(state=state, save=save, notice=notice)


def load(story: Story, path: Path) -> Loaded:
    return restore(story, read(path), str(path))


def slots(saves_dir: Path, only: Collection[str] | None = None) -> list[SlotInfo]:
    """Every save in the folder (or those named in `only`), newest first.

    Damaged ones are listed with the reason.
    """
    try:
        paths = [
            p
            for p in saves_dir.glob("*.json")
            if SLOT_NAME.match(p.stem) and (only is None or p.stem in only)
        ]
    except OSError:
        return []
    result = []
    for path in paths:
        try:
            modified = path.stat().st_mtime
        except OSError:
            continue
        try:
            result.append(SlotInfo(path.stem, path, modified, save=read(path)))
        except SaveError as exc:
            result.append(SlotInfo(path.stem, path, modified, error=str(exc)))
    result.sort(key=lambda s: (s.save.saved_at if s.save else "", s.modified), reverse=True)
    return result


def newest(saves_dir: Path, story: Story, only: Collection[str] | None = None) -> SlotInfo | None:
    """The newest readable save of this story (for Continue), among `only` if given."""
    for info in slots(saves_dir, only):
        if info.save is not None and info.save.story.id == story.id and info.save.duo is None:
            return info
    return None
