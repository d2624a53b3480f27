"""A cache of loaded stories, so a big story starts at once the second time.

`check_story(folder)` is `game.format.loader.check_story` with a memory: the key is the
digest of every story file's bytes (the same digest a save records), the display
path, and the code that built the story. On a hit, nothing is parsed: the story is
read back from the user's cache folder, its scenes decoded only when first used. A
story that changes by one byte, or a new version of the loader, is a miss, and is
loaded and checked as usual. Only stories that load without a problem are kept.

Small stories skip the cache (reading it costs about what it saves); so does any
error here: a cache can make the game faster, never break it. The entries are
`marshal` data (no code is ever run from the cache) behind a SHA-256 checksum, in
a folder only the user can write. `MAR_A_LAGO_CACHE_DIR` moves the folder, or
turns the cache off when set to "off".
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import marshal
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from game.core import frozenmap, model
from game.core.model import Scene, Story
from game.format import additions, build, loader, references, shapes, tables
from game.format import duo as duo_format
from game.format.loader import Problem
from game.format.loader import check_story as _load

CACHE_ENV = "MAR_A_LAGO_CACHE_DIR"
#: stories smaller than this are loaded directly (the shipped story, ~60 kB, is cached)
MIN_STORY_BYTES = 32 * 1024
#: entries kept; the oldest are removed when a new one is written
MAX_ENTRIES = 16
#: the format of an entry; the code that builds a story is part of the key as well
FORMAT = b"mar-a-lago story cache 1"
#: every class a story is made of, by a stable tag
_CLASSES: tuple[type, ...] = tuple(
    cls for _, cls in sorted(vars(model).items()) if isinstance(cls, type) and attrs.has(cls)
)
_TAG = {cls: tag for tag, cls in enumerate(_CLASSES)}
_SALT: bytes | None = None


def cache_dir() -> Path | None:
    """The cache folder, or None when the cache is off."""
    override = os.environ.get(CACHE_ENV)
    if override == "off":
        return None
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_cache_path("mar-a-lago") / "stories"


def check_story(folder: Path | str) -> tuple[Story | None, list[Problem]]:
    """`game.format.loader.check_story`, served from the cache when the story is large."""
    folder = Path(folder)
    where = cache_dir()
    key = None
    if where is not None:
        with contextlib.suppress(OSError, ValueError):
            key = _key(folder)
    if key is None or where is None:
        return _load(folder)
    story = _read(where / f"{key}.bin")
    if story is not None:
        return story, []
    story, problems = _load(folder)
    if story is not None and not problems:
        _write(where, key, story)
    return story, problems


# -- the key ------------------------------------------------------------------------


def _salt() -> bytes:
    """What else a cached story depends on: the code that built it, and Python."""
    global _SALT
    if _SALT is None:
        code = hashlib.sha256(FORMAT)
        code.update(sys.version.encode())
        modules = (
            *(loader, shapes, tables, references, additions, build, duo_format),  # the loader
            *(model, frozenmap),
            *(sys.modules["game.format.locate"], sys.modules["tomli"]),
        )
        for module in (*modules, sys.modules[__name__]):
            code.update(Path(str(module.__file__)).read_bytes())
        _SALT = code.digest()
    return _SALT


def _key(folder: Path) -> str | None:
    """The entry's name for this story as it is on disk; None: too small to cache."""
    digest = hashlib.sha256()  # as loader._Builder computes a story's digest
    size = 0
    for path in loader.story_files(folder):
        if path.stat().st_size > loader.MAX_FILE_BYTES:
            return None  # the loader refuses it, without reading it all
        raw = path.read_bytes()
        size += len(raw)
        rel = path.relative_to(folder).as_posix()
        digest.update(rel.encode() + b"\0" + hashlib.sha256(raw).digest())
    if size < MIN_STORY_BYTES:
        return None
    display = loader._display_root(folder)
    return hashlib.sha256(_salt() + display.encode() + b"\0" + digest.digest()).hexdigest()


# -- stories as marshal data ---------------------------------------------------------------
# An attrs object is (tag, [field values]); a tuple is a list (it has no other meaning
# here); a mapping is a dict and an enum its value (the fields' converters make them
# read-only mappings and enums again); frozensets, strings, numbers, booleans and None
# are themselves.


def _encode(value: Any, memo: dict[int, Any]) -> Any:
    """`value` as marshal data; `memo` holds what each object (by id) made, for the
    objects a story shares (equal conditions, effects)."""
    kind = type(value)
    itself = _ITSELF
    fields = _FIELDS.get(kind)
    if fields is not None:
        done = memo.get(id(value))
        if done is None:
            done = memo[id(value)] = (
                _TAG[kind],
                [
                    v if type(v) in itself else _encode(v, memo)
                    for v in [getattr(value, name) for name in fields]
                ],
            )
        return done
    if kind in itself:
        return value
    if kind is tuple:
        return [v if type(v) in itself else _encode(v, memo) for v in value] if value else []
    if kind is frozenmap.FrozenMap or kind is dict:
        done = memo.get(id(value))
        if done is None:
            done = memo[id(value)] = {
                k: v if type(v) in itself else _encode(v, memo) for k, v in value.items()
            }
        return done
    if isinstance(value, enum.Enum):  # a meter's `good`: its value; the field converts back
        return value.value
    if isinstance(value, Mapping):
        return {k: _encode(v, memo) for k, v in value.items()}
    return value


#: the values that are themselves in marshal data (the most common, tested first)
_ITSELF = frozenset((str, int, bool, type(None), frozenset))
#: each class's field names, in order
_FIELDS = {cls: tuple(f.name for f in attrs.fields(cls)) for cls in _CLASSES}


def _decode(data: Any) -> Any:
    kind = type(data)
    if kind is tuple:
        return _CLASSES[data[0]](*[_decode(v) for v in data[1]])
    if kind is list:
        return tuple([_decode(v) for v in data])
    if kind is dict:
        return {k: _decode(v) for k, v in data.items()}
    return data


class LazyScenes(Mapping[str, Scene]):
    """A story's scenes, each decoded the first time it is looked up."""

    #: `game.core.text.clean` cleans each scene when it is looked up, not all at once
    decoded_on_lookup = True

    def __init__(self, blobs: dict[str, bytes]) -> None:
        self._blobs = blobs
        self._scenes: dict[str, Scene] = {}

    def __getitem__(self, scene_id: str) -> Scene:
        scene = self._scenes.get(scene_id)
        if scene is None:
            scene = _decode(marshal.loads(self._blobs[scene_id]))
            assert isinstance(scene, Scene)
            self._scenes[scene_id] = scene
        return scene

    def __contains__(self, scene_id: object) -> bool:
        return scene_id in self._blobs

    def __iter__(self) -> Iterator[str]:
        return iter(self._blobs)

    def __len__(self) -> int:
        return len(self._blobs)


def dumps(story: Story) -> bytes:
    """The story as marshal data, each scene a blob of its own."""
    memo: dict[int, Any] = {}  # (the story holds every object it names: ids stay theirs)
    fields = {
        f.name: _encode(getattr(story, f.name), memo)
        for f in attrs.fields(Story)
        if f.name != "scenes"
    }
    fields["scenes"] = {k: marshal.dumps(_encode(s, memo)) for k, s in story.scenes.items()}
    return marshal.dumps(fields)


def loads(data: bytes) -> Story:
    fields = marshal.loads(data)
    scenes = LazyScenes(fields.pop("scenes"))
    return Story(scenes=scenes, **{k: _decode(v) for k, v in fields.items()})


# -- the entries on disk -------------------------------------------------------------------


def _read(path: Path) -> Story | None:
    try:
        with path.open("rb") as fh:
            info = os.fstat(fh.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None  # not written by us: not trusted
            blob = fh.read()
        checksum, data = blob[:32], blob[32:]
        if hashlib.sha256(data).digest() != checksum:
            return None
        os.utime(path)  # recently used: pruned last
        return loads(data)
    except Exception:  # a damaged or foreign entry is a miss, and is replaced
        return None


def _write(folder: Path, key: str, story: Story) -> None:
    tmp = None
    try:
        data = dumps(story)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")  # mode 0o600
        with os.fdopen(fd, "wb") as fh:
            fh.write(hashlib.sha256(data).digest() + data)
        os.replace(tmp, folder / f"{key}.bin")
        tmp = None
        _prune(folder)
    except Exception:  # full disk, read-only home, a value marshal cannot hold: no cache
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("*.bin"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            old.unlink()
