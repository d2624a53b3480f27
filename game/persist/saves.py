"""Save slots on disk: a save is the choices made plus the story's id, version and digest.

A save file is a header line and one line per choice (`journal.py`, format 2; format 1,
one JSON object, is still read). A choice made after the last save is appended as one
line, so saving costs the same at the 10th choice as at the 10,000th; anything else
rewrites the file atomically (a temp file in the same folder, fsync, rename), so a
crash mid-write never harms the previous save. A game too long for a save to be read
back (`MAX_SAVE_BYTES`, `validate.MAX_CHOICES`) is refused before writing, and the last
save stays. Loading reads only regular files, without blocking and at most the limit
plus one byte; checks every field (`validate.py`) and replays the choices through the
engine, so a save can never disagree with the story; a damaged or foreign save is
refused with a message and left untouched on disk.

Slot names are checked as Windows and macOS see them too: a device name (`CON`,
`NUL`...) is refused, and a slot differing from another only by case is refused rather
than overwriting it on a case-insensitive disk.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import cattrs

from game.core import duo
from game.core.engine import GameState, ReplayError, Start, replay
from game.core.errors import SAVES_FOLDER, STORY_FOLDER, MarALagoError
from game.core.model import Story
from game.core.text import shown
from game.persist import files, journal, validate, writing

if TYPE_CHECKING:
    from game.core.duo import DuoState

#: the format written (a journal: `journal.py`); READS are the formats read
SAVE_FORMAT = journal.FORMAT
READS = (1, 2)
AUTOSAVE = "autosave"
SLOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{0,63}\Z")
#: names Windows keeps for devices, whatever the case or extension ("nul.json" is NUL)
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CLOCK$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in range(10)]
)
#: a save holds a list of choices; anything far larger is not one of ours
MAX_SAVE_BYTES = 5_000_000
#: saves that could not be written (silent unless a program adds a handler)
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())


class SaveError(MarALagoError):
    """A save that cannot be written or read; the message says why and what to do (never
    with a control character, from a file name or a save's field, that a terminal
    would act on)."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(shown(message))
        self.kind = kind


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
    #: (scene, choice) in the order made; a tuple from the game, a list read back
    choices: Sequence[tuple[str, str]]
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
    #: the seed of the game's random routes (older saves: 0); a replay draws alike
    seed: int = 0


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
    if name.upper() in RESERVED:
        raise SaveError(
            f"'{name}' is a name Windows keeps for a device (a save there would be lost); "
            "choose another slot name"
        )
    return name


def resolve(saves_dir: Path, slot_or_path: str) -> Path:
    """A slot name inside `saves_dir`, or a path to a save file (for transcripts)."""
    if SLOT_NAME.match(slot_or_path):
        candidate = saves_dir / f"{slot_or_path}.json"
        if files.exists(candidate) or not files.exists(Path(slot_or_path)):
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
        choices=state.history,  # not copied: a save costs the same at any length
        saved_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        summary=Summary(state.scene, state.ending, dict(state.meters), len(state.history)),
        start=start,
        game=game,
        news=[NewsItem(step, inject_id) for step, inject_id in state.news],
        closed=state.closed,
        seed=state.seed,
    )
    return save


def seal(save: SaveFile) -> SaveFile:
    """The save with its format-1 checksum (a written save has its own: `journal`)."""
    payload = _converter.unstructure(save)
    return attrs.evolve(save, checksum=hashlib.sha256(_canonical(payload)).hexdigest())


def write(
    saves_dir: Path, slot: str, story: Story, state: GameState, game: GameInfo | None = None
) -> Path:
    """Save `state` (and what is known of its `game`) to `slot` atomically; the previous
    save survives any crash."""
    return write_save(saves_dir, slot, make_save(story, state, game))


def write_save(saves_dir: Path, slot: str, save: SaveFile) -> Path:
    """Write a made save to `slot`: one line appended when it is the last save written
    here plus one choice, else the whole file atomically. Raises `SaveError` (a bad
    name, a game too long to be read back, disk trouble); the last save stays whole.
    A save that could not be written is also logged (`log`: a served game's server
    prints it on the teacher's console)."""
    check_slot_name(slot)
    try:
        return _write_save(saves_dir, slot, save)
    except SaveError as exc:
        log.warning("%s", exc)
        raise


def _write_save(saves_dir: Path, slot: str, save: SaveFile) -> Path:
    target = saves_dir / f"{slot}.json"
    if len(save.choices) > validate.MAX_CHOICES:
        raise _too_long(target, len(save.choices))
    fields = _converter.unstructure(attrs.evolve(save, choices=()))
    for key in ("choices", "saved_at", "summary", "checksum", "format"):
        fields.pop(key, None)
    summary = _converter.unstructure(save.summary)
    header = journal.canonical(fields)
    tail = _tails.get(str(target))
    if tail is not None and tail.extended_by(header, save.choices):
        line, chain = journal.line(save.choices[-1], save.saved_at, summary, tail.chain)
        if tail.size + len(line) <= MAX_SAVE_BYTES and tail.append(target, line):
            tail.choices, tail.chain = save.choices, chain
            return target
    _tails.pop(str(target), None)
    data, chain = journal.encode(fields, save.choices, save.saved_at, summary)
    if len(data) > MAX_SAVE_BYTES:
        raise _too_long(target, len(save.choices))
    _write_atomic(saves_dir, slot, target, data)
    info = files.stat_of(target)
    if info is not None:
        _tails[str(target)] = journal.Tail(
            header, save.choices, chain, info.st_dev, info.st_ino, len(data)
        )
    return target


def _too_long(target: Path, choices: int) -> SaveError:
    return SaveError(
        f"could not save to {target}: this game is {choices:,} choices long, too long for "
        "a save to be read back; the last save is kept. Start a new game to save again"
    )


#: the save files this process wrote last, by path
_tails: dict[str, journal.Tail] = {}


def _write_atomic(saves_dir: Path, slot: str, target: Path, data: bytes) -> None:
    try:
        writing.write_atomic(saves_dir, slot, target, data)
    except writing.CaseTwin as twin:
        raise SaveError(
            f"could not save to {target}: the slot '{twin.name}' is in this folder, and names "
            "that differ only by case are one file on Windows and macOS; choose another "
            "slot name"
        ) from None
    except writing.WriteFailed as failed:
        raise SaveError(
            f"could not save to {target} ({failed.reason}); "
            "the previous save is unharmed. Free some space or choose a folder for "
            "saves that can be written to",
            SAVES_FOLDER,
        ) from None


def read(path: Path) -> SaveFile:
    """Parse and verify a save file (not yet against a story): a regular file of at most
    `MAX_SAVE_BYTES`, read without blocking, every field checked."""
    where = str(path)
    kept = "it was left as it is"
    try:
        raw = files.read_regular(path, MAX_SAVE_BYTES)
    except files.NotReadable as exc:
        if exc.missing:
            raise SaveError(f"{where}: no such save") from None
        if exc.too_large:
            raise SaveError(f"{where}: too large to be a save file; {kept}") from None
        raise SaveError(f"{where}: {exc.reason}; {kept}") from None
    version = journal.header_format(raw)
    if version not in (None, 1, journal.FORMAT):
        raise SaveError(
            f"{where}: save format {version!r} is not one this game reads "
            f"(it reads {', '.join(map(str, READS))}); {kept}"
        )
    if version == journal.FORMAT:
        try:
            payload, checksum = journal.decode(raw)
        except journal.JournalError as exc:
            raise SaveError(f"{where}: damaged, not a readable save ({exc}); {kept}") from None
        payload["checksum"] = checksum
    else:
        payload = _format_1(raw, where)
    try:
        save = _converter.structure(payload, SaveFile)
    except Exception as exc:  # cattrs raises ExceptionGroups of many kinds
        details = (
            "; ".join(cattrs.transform_error(exc))
            if isinstance(exc, cattrs.BaseValidationError)
            else str(exc)
        )
        raise SaveError(f"{where}: not a valid save ({details}); {kept}") from None
    wrong = validate.same_shape(payload, _converter.unstructure(save))
    if wrong:
        raise SaveError(f"{where}: not a valid save ({wrong} is of the wrong kind); {kept}")
    wrong = validate.problem(payload)
    if wrong:
        raise SaveError(f"{where}: not a valid save ({wrong}); {kept}")
    return save


def _format_1(raw: bytes, where: str) -> dict[str, Any]:
    """A format-1 save: one JSON object with a checksum of its canonical form."""
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SaveError(
            f"{where}: damaged or truncated, not a readable save ({exc.__class__.__name__}); "
            "it was left as it is"
        ) from None
    if not isinstance(payload, dict):
        raise SaveError(f"{where}: not a save file; it was left as it is")
    if payload.get("format") != 1:
        raise SaveError(
            f"{where}: save format {payload.get('format')!r} is not one this game reads "
            f"(it reads {', '.join(map(str, READS))}); it was left as it is"
        )
    if payload.get("checksum") != hashlib.sha256(_canonical(payload)).hexdigest():
        raise SaveError(
            f"{where}: its checksum does not match: the file was edited by hand or damaged; "
            "it was left as it is"
        )
    return payload


def restore(story: Story, save: SaveFile, where: str = "save") -> Loaded:
    """Replay a save's choices through the engine."""
    if save.story.id != story.id:
        raise SaveError(
            f"{where}: made for the story '{save.story.id}', not '{story.id}'; "
            "load it with that story",
            STORY_FOLDER,
        )
    start = None
    if save.start is not None:
        start = Start(save.start.scene, dict(save.start.meters), frozenset(save.start.flags))
    joint = None
    try:
        if save.duo is not None:  # a duo summit's: both sides' moves, each with its side
            joint, state = duo.replay_save(story, save.duo.sides, save.choices, save.duo.side)
        else:
            state = replay(
                story,
                save.role,
                save.choices,
                start,
                news=[(item.step, item.id) for item in save.news],
                closed=save.closed,
                seed=save.seed,
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
    return Loaded(state=state, save=save, notice=notice, duo=joint)


def load(story: Story, path: Path) -> Loaded:
    return restore(story, read(path), str(path))


def slots(saves_dir: Path, only: Collection[str] | None = None) -> list[SlotInfo]:
    """Every save in the folder (or those named in `only`), newest first.

    Damaged ones (and files that are not saves: a FIFO, a folder) are listed with the
    reason. Never raises: a folder that cannot be read has no slots.
    """
    paths = [
        p
        for p in files.entries(saves_dir, ".json")
        if SLOT_NAME.match(p.stem) and (only is None or p.stem in only)
    ]
    result = []
    for path in paths:
        info = files.stat_of(path)
        if info is None:
            continue
        try:
            result.append(SlotInfo(path.stem, path, info.st_mtime, save=read(path)))
        except SaveError as exc:
            result.append(SlotInfo(path.stem, path, info.st_mtime, error=str(exc)))
    result.sort(key=_newest_first, reverse=True)
    return result


def _newest_first(info: SlotInfo) -> tuple[float, float]:
    moment = validate.parse_time(info.save.saved_at) if info.save is not None else None
    return (moment.timestamp() if moment is not None else 0.0, info.modified)


def newest(saves_dir: Path, story: Story, only: Collection[str] | None = None) -> SlotInfo | None:
    """The newest readable save of this story (for Continue), among `only` if given."""
    for info in slots(saves_dir, only):
        if info.save is not None and info.save.story.id == story.id and info.save.duo is None:
            return info
    return None
