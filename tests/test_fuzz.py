"""Fuzzing: random and mutated stories and saves never crash, they are refused clearly.

Stories (the mini fixture and the shipped story, mutated by bytes, lines, keys, values
and types, plus stories generated from scratch) go through `check_story`: it either
returns a story, or None and `Problem`s that each name a file of the story (or the
folder) and a line >= 1 inside it. A story that loads must survive random play
through the engine, undo, and a save written and loaded back.

Saves (valid ones mutated, truncated, re-signed, and random JSON) go through
`saves.read`, `saves.load` and `saves.slots`: a `SaveFile`/`Loaded`, or `SaveError`.

Short here (a few seconds, derandomized); `benchmarks/fuzz_long.py --minutes N` runs
the same checks with random seeds for as long as asked.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import itertools
import json
import math
import os
import random
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import tomli
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from game.core import engine
from game.core.model import Story
from game.format import cache
from game.format.loader import (
    RESERVED_CONDITION_KEYS,
    ROOT_KEYS,
    SHAPES,
    Problem,
    check_story,
    story_files,
)
from game.persist import saves
from support import MINI, SHIPPED

#: examples per test here; fuzz_long.py raises it
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


def short(n: int) -> Callable[[Any], Any]:
    """The suite's settings: few examples, no deadline, the same examples every run.

    No shrinking: an example is one or two mutations of a known story, shown as a diff,
    and shrinking a mutated 60 kB story takes minutes.
    """
    return settings(
        max_examples=examples(n),
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# -- the seed corpus ---------------------------------------------------------------


def _corpus(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in story_files(folder)}


CORPORA: dict[str, dict[str, bytes]] = {"mini": _corpus(MINI)}
if SHIPPED.is_dir() and story_files(SHIPPED):
    CORPORA["shipped"] = _corpus(SHIPPED)
ALL_LINES = sorted({line for c in CORPORA.values() for b in c.values() for line in b.split(b"\n")})
KNOWN_KEYS = sorted(
    {*ROOT_KEYS, *RESERVED_CONDITION_KEYS, "min", "max"}
    | {key for shape in SHAPES.values() for key in shape}
)
KNOWN_IDS = ["end", "end:draw", "end:good", "hall", "yard", "garden", "trust", "heat", "alice"]


class StoryCase(dict[str, bytes]):
    """The files of a story to try; shown as a diff against the story it came from."""

    def __init__(self, base: str, files: dict[str, bytes]) -> None:
        super().__init__(files)
        self.base = base
        #: what was done, for mutations that rewrite a whole file
        self.notes: list[str] = []

    def __repr__(self) -> str:
        original = CORPORA.get(self.base, {})
        out = [f"StoryCase(base={self.base!r}) changing:", *self.notes]
        for rel in sorted(set(self) | set(original)):
            old, new = original.get(rel), self.get(rel)
            if old == new:
                continue
            diff = difflib.unified_diff(
                (old or b"").decode(errors="replace").splitlines(),
                (new or b"").decode(errors="replace").splitlines(),
                f"a/{rel}" if old is not None else "/dev/null",
                f"b/{rel}" if new is not None else "/dev/null",
                n=1,
                lineterm="",
            )
            out.extend(line[:200] for line in itertools.islice(diff, 60))
        return "\n".join(out)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


@contextmanager
def story_dir() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-story-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def write_story(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


# -- a small TOML writer (tomli only reads) ---------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{" + items + "}"
    raise TypeError(type(value))


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def dumps(doc: dict[str, Any]) -> str:
    """TOML with [tables] and [[arrays of tables]], as authors write it."""
    out: list[str] = []

    def table(path: tuple[str, ...], body: dict[str, Any]) -> None:
        for key, value in body.items():
            if not isinstance(value, dict) and not _is_table_array(value):
                out.append(f"{_toml_key(key)} = {_toml_value(value)}")
        for key, value in body.items():
            header = ".".join(_toml_key(k) for k in (*path, key))
            if isinstance(value, dict):
                out.append(f"\n[{header}]")
                table((*path, key), value)
            elif _is_table_array(value):
                for item in value:
                    out.append(f"\n[[{header}]]")
                    table((*path, key), item)

    table((), doc)
    return "\n".join(out) + "\n"


# -- mutations ---------------------------------------------------------------------

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
#: scalar values of every TOML type (no integers over 4,300 digits: see test_limits.py)
scalars = st.one_of(
    st.integers(-12, 12),
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.sampled_from(KNOWN_IDS),
    st.dates(),
    st.times(),
    st.datetimes(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KNOWN_KEYS) | _text, inner, max_size=4),
    ),
    max_leaves=8,
)


def mutate_bytes(draw: st.DrawFn, data: bytes, notes: list[str]) -> bytes:
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat", "splice"]))
        at = draw(st.integers(0, len(data)))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1 :]
        elif op == "insert":
            token = draw(
                st.sampled_from(
                    [b"[", b"]", b"{", b"}", b'"', b"'", b'"""', b"=", b"\n", b"#", b","]
                )
                | st.binary(min_size=1, max_size=4)
            )
            data = data[:at] + token + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 40)) :]
        elif op == "truncate":
            data = data[:at]
        elif op == "repeat":
            data = data[:at] + data[at : at + draw(st.integers(1, 200))] * 2 + data[at:]
        elif op == "splice":
            data = data[:at] + draw(st.sampled_from(ALL_LINES)) + data[at:]
    return data


def mutate_lines(draw: st.DrawFn, data: bytes, notes: list[str]) -> bytes:
    lines = data.split(b"\n")
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        j = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(j, lines[i])
        elif op == "swap" and lines:
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(ALL_LINES)))
        elif op == "replace" and lines:
            lines[i] = draw(st.sampled_from(ALL_LINES))
    return b"\n".join(lines)


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _nodes(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nodes(v, (*path, i))


def mutate_structure(draw: st.DrawFn, data: bytes, notes: list[str]) -> bytes:
    """Parse, then delete, rename, retype or add keys and values, and write it back."""
    try:
        doc = tomli.loads(data.decode())
    except (UnicodeDecodeError, tomli.TOMLDecodeError):
        return data
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_nodes(doc))))
        if not path:
            key, value = draw(st.sampled_from(KNOWN_KEYS) | _text), draw(values)
            doc[key] = value
            notes.append(f"# set [{key!r}] = {value!r}")
            continue
        parent: Any = doc
        for part in path[:-1]:
            parent = parent[part]
        key = path[-1]
        op = draw(st.sampled_from(["delete", "rename", "retype", "add", "wrap"]))
        where = "".join(f"[{p!r}]" for p in path)
        if op == "delete":
            del parent[key]
            notes.append(f"# delete {where}")
        elif op == "rename" and isinstance(parent, dict):
            new = draw(st.sampled_from(KNOWN_KEYS) | _text)
            parent[new] = parent.pop(key)
            notes.append(f"# rename {where} to {new!r}")
        elif op == "retype":
            parent[key] = draw(values)
            notes.append(f"# set {where} = {parent[key]!r}")
        elif op == "add" and isinstance(parent[key], dict):
            new, value = draw(st.sampled_from(KNOWN_KEYS) | _text), draw(values)
            parent[key][new] = value
            notes.append(f"# set {where}[{new!r}] = {value!r}")
        elif op == "add" and isinstance(parent[key], list):
            parent[key].append(draw(values))
            notes.append(f"# append {parent[key][-1]!r} to {where}")
        elif op == "wrap":
            parent[key] = [parent[key]] if draw(st.booleans()) else {"x": parent[key]}
            notes.append(f"# wrap {where} as {type(parent[key]).__name__}")
    try:
        return dumps(doc).encode("utf-8", "surrogatepass")
    except TypeError:
        return data


MUTATORS = {"bytes": mutate_bytes, "lines": mutate_lines, "structure": mutate_structure}


@st.composite
def mutated_story(draw: st.DrawFn) -> StoryCase:
    base = draw(st.sampled_from(sorted(CORPORA)))
    files = StoryCase(base, CORPORA[base])
    for _ in range(draw(st.integers(1, 2))):
        rel = draw(st.sampled_from(sorted(files)))
        how = draw(st.sampled_from(sorted(MUTATORS)))
        files.notes.append(f"# {how} of {rel}:")
        files[rel] = MUTATORS[how](draw, files[rel], files.notes)
    if draw(st.integers(0, 9)) == 0:  # sometimes a file goes missing, or one is added
        if len(files) > 1:
            del files[draw(st.sampled_from(sorted(files)))]
        else:
            files["extra.toml"] = draw(st.sampled_from(ALL_LINES))
    return files


# -- stories from scratch ------------------------------------------------------------

_ids = st.sampled_from(["a", "b", "c", "d", "e", "f"])


@st.composite
def condition(
    draw: st.DrawFn, meters: list[str], flags: list[str], depth: int = 0
) -> dict[str, Any]:
    cond: dict[str, Any] = {}
    for meter in draw(st.lists(st.sampled_from(meters), max_size=2, unique=True)):
        bound = {}
        if draw(st.booleans()):
            bound["min"] = draw(st.integers(-2, 8))
        if not bound or draw(st.booleans()):
            bound["max"] = draw(st.integers(-2, 8))
        cond[meter] = bound
    if draw(st.booleans()):
        cond["flags"] = draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))
    if draw(st.booleans()):
        cond["not_flags"] = draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))
    if depth < 2 and draw(st.integers(0, 4)) == 0:
        cond["any"] = draw(st.lists(condition(meters, flags, depth + 1), min_size=1, max_size=2))
    return cond


@st.composite
def generated_story(draw: st.DrawFn) -> StoryCase:
    """A story built from random parts: meters, roles, scenes, choices, routes, endings."""
    meters = draw(st.lists(st.sampled_from(["m", "n", "o"]), min_size=1, max_size=3, unique=True))
    flags = ["f", "g", "h"]
    scene_ids = draw(st.lists(_ids, min_size=1, max_size=6, unique=True))
    ending_ids = draw(
        st.lists(st.sampled_from(["x", "y", "z"]), min_size=1, max_size=3, unique=True)
    )
    targets = [*scene_ids, "end", *(f"end:{e}" for e in ending_ids)]
    doc: dict[str, Any] = {
        "story": {"id": "gen", "title": "Generated", "version": "1", "format": 1},
        "meters": {},
        "roles": {},
        "scenes": {},
        "endings": {},
    }
    for m in meters:
        lo = draw(st.integers(-3, 3))
        hi = lo + draw(st.integers(1, 8))
        doc["meters"][m] = {
            "label": m.upper(),
            "min": lo,
            "max": hi,
            "start": draw(st.integers(lo, hi)),
        }
    for r in draw(st.lists(st.sampled_from(["p", "q"]), min_size=1, max_size=2, unique=True)):
        doc["roles"][r] = {"label": r, "start": draw(st.sampled_from(scene_ids))}
    for sid in scene_ids:
        choices = []
        for i in range(draw(st.integers(1, 4))):
            choice: dict[str, Any] = {
                "id": f"c{i}",
                "text": f"choice {i}",
                "goto": draw(st.sampled_from(targets)),
            }
            if draw(st.booleans()):
                choice["effects"] = {
                    m: draw(st.integers(-3, 3))
                    for m in draw(st.lists(st.sampled_from(meters), max_size=2, unique=True))
                }
            if draw(st.booleans()):
                choice["set"] = draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))
            if draw(st.integers(0, 3)) == 0:
                choice["clear"] = draw(st.lists(st.sampled_from(flags), max_size=2, unique=True))
            if draw(st.integers(0, 2)) == 0:
                choice["requires"] = draw(condition(meters, flags))
                choice["hide_locked"] = draw(st.booleans())
            if draw(st.integers(0, 3)) == 0:
                choice["routes"] = [
                    {"when": draw(condition(meters, flags)), "goto": draw(st.sampled_from(targets))}
                    for _ in range(draw(st.integers(1, 2)))
                ]
            choices.append(choice)
        scene: dict[str, Any] = {"title": sid.upper(), "text": f"Scene {sid}.", "choices": choices}
        if draw(st.integers(0, 3)) == 0:
            scene["passages"] = [{"when": draw(condition(meters, flags)), "text": "more"}]
        doc["scenes"][sid] = scene
    for k, eid in enumerate(ending_ids):
        ending: dict[str, Any] = {
            "title": eid,
            "text": f"Ending {eid}.",
            "rank": draw(st.integers(0, 3)),
        }
        if k > 0:  # the first is the fallback
            ending["when"] = draw(condition(meters, flags))
            ending["immediate"] = draw(st.booleans())
        doc["endings"][eid] = ending
    case = StoryCase("generated", {"story.toml": dumps(doc).encode()})
    if draw(st.integers(0, 3)) == 0:
        case["story.toml"] = mutate_structure(draw, case["story.toml"], case.notes)
    return case


# -- the checks -----------------------------------------------------------------------


def check_problems(folder: Path, files: dict[str, bytes], problems: list[Problem]) -> None:
    assert problems, "a story that does not load must say why"
    lines = {f"{folder}/{rel}": data.count(b"\n") + 1 for rel, data in files.items()}
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.message.strip(), problem
        assert isinstance(problem.line, int)
        assert problem.line >= 1, problem
        assert problem.path == str(folder) or problem.path in lines, problem
        if problem.path in lines:
            assert problem.line <= lines[problem.path], (problem, lines[problem.path])
        assert "Traceback" not in problem.message


def play_randomly(story: Story, rng: random.Random, saves_dir: Path, steps: int = 60) -> None:
    """Random play: every state is sound, undo works, a save loads back as the same state."""
    for role in story.roles:
        state = engine.new_game(story, role)
        for _ in range(steps):
            assert engine.shown_text(story, state)
            for meter in story.meters.values():
                assert meter.min <= state.meters[meter.id] <= meter.max
            if state.over:
                assert state.ending in story.endings
                break
            opened = [o.choice_id for o in engine.options(story, state) if o.open]
            if not opened:
                # only a role's start can strand the player (choose() ends the game
                # instead); `mar-a-lago explore` reports it to the author as stuck
                assert not state.history, f"stranded in scene {state.scene!r}"
                break
            before = state
            state = engine.choose(story, state, rng.choice(opened))
            if rng.random() < 0.1:
                assert engine.undo(story, state) == before
        path = saves.write(saves_dir, "fuzz", story, state)
        assert saves.load(story, path).state == state


# -- values of the wrong type: each a problem, never a crash (once a bug: the shape check
# reported them, then the builder used them anyway) -------------------------------------


MISSHAPEN = {
    "choice goto is an int": ('goto = "yard"\neffects = { trust = 2 }', "goto = 5\neffects = {}"),
    "route goto is a table": ('goto = "garden" }]', "goto = { x = 1 } }]"),
    "scene roles hold a table": ('roles = ["alice"]', "roles = [{ a = 1 }]"),
    "scene roles hold an int": ('roles = ["alice"]', "roles = [1]"),
    "scene roles is an int": ('roles = ["alice"]', "roles = 1"),
    "scene source is an int": ('source = ["P1"]', "source = 1"),
    "choice effects is an int": ("effects = { trust = 2 }", "effects = 0"),
    "choice routes is an int": (
        'routes = [{ when = { flags = ["warmed"] }, goto = "garden" }]',
        "routes = 1",
    ),
}


@pytest.mark.parametrize("case", sorted(MISSHAPEN))
def test_a_misshapen_value_is_a_problem_not_a_crash(case: str) -> None:
    old, new = MISSHAPEN[case]
    text = CORPORA["mini"]["scenes.toml"].decode()
    assert old in text
    files = StoryCase("mini", {**CORPORA["mini"], "scenes.toml": text.replace(old, new).encode()})
    with story_dir() as folder:
        write_story(folder, files)
        story, problems = check_story(folder)
    assert story is None
    check_problems(folder, files, problems)


def check_story_files(files: dict[str, bytes], seed: int = 0) -> None:
    """Load the files; then check the problems, or play."""
    with story_dir() as folder:
        write_story(folder / "story", files)
        story, problems = check_story(folder / "story")
        if story is None:
            check_problems(folder / "story", files, problems)
        else:
            assert problems == []
            assert cache.loads(cache.dumps(story)) == story  # the story cache keeps it whole
            play_randomly(story, random.Random(seed), folder / "saves")


@short(60)
@given(mutated_story(), st.integers(0, 2**32))
def test_mutated_stories_load_or_say_where_and_why(files: dict[str, bytes], seed: int) -> None:
    check_story_files(files, seed)


@short(40)
@given(generated_story(), st.integers(0, 2**32))
def test_generated_stories_load_or_say_why_and_play(files: dict[str, bytes], seed: int) -> None:
    check_story_files(files, seed)


@short(40)
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_random_bytes_are_a_problem_not_a_crash(data: bytes) -> None:
    check_story_files(StoryCase("mini", {**CORPORA["mini"], "scenes.toml": data}))


# -- saves --------------------------------------------------------------------------

MINI_STORY = check_story(MINI)[0]
assert MINI_STORY is not None


def sign(payload: Any) -> Any:
    """Give a (mutated) payload the checksum it needs, to reach the checks after it."""
    if isinstance(payload, dict):
        body = {k: v for k, v in payload.items() if k != "checksum"}
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        payload = {**body, "checksum": hashlib.sha256(canonical.encode()).hexdigest()}
    return payload


@st.composite
def valid_save(draw: st.DrawFn) -> dict[str, Any]:
    story = MINI_STORY
    assert story is not None
    state = engine.new_game(story, draw(st.sampled_from(sorted(story.roles))))
    for _ in range(draw(st.integers(0, 4))):
        if state.over:
            break
        state = engine.choose(
            story, state, draw(st.sampled_from(engine.open_choices(story, state)))
        )
    payload: dict[str, Any] = saves._converter.unstructure(saves.make_save(story, state))
    return payload


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=10,
)


@st.composite
def mutated_save(draw: st.DrawFn) -> bytes:
    payload: Any = draw(valid_save())
    how = draw(st.sampled_from(["structure", "bytes", "random", "truncate"]))
    if how == "random":
        payload = draw(json_values | st.dictionaries(st.sampled_from(sorted(payload)), json_values))
    if how in ("structure", "random"):
        for _ in range(draw(st.integers(0, 3))):
            paths = list(_nodes(payload))[1:]
            if not paths:
                break
            path = draw(st.sampled_from(paths))
            parent = payload
            for part in path[:-1]:
                parent = parent[part]
            op = draw(st.sampled_from(["delete", "retype", "add"]))
            if op == "delete":
                del parent[path[-1]]
            elif op == "retype":
                parent[path[-1]] = draw(json_values | st.sampled_from(KNOWN_IDS))
            elif isinstance(parent, dict):
                parent[draw(_text)] = draw(json_values)
            else:
                parent.append(draw(json_values))
        if draw(st.booleans()):
            payload = sign(payload)
    data = json.dumps(payload, indent=1, ensure_ascii=False).encode("utf-8", "surrogatepass")
    if how == "bytes":
        data = mutate_bytes(draw, data, [])
    elif how == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    return data


def check_save_bytes(data: bytes) -> None:
    story = MINI_STORY
    assert story is not None
    with story_dir() as folder:
        path = folder / "slot.json"
        path.write_bytes(data)
        try:
            save = saves.read(path)
        except saves.SaveError as exc:
            assert str(exc).startswith(str(path)), exc
            save = None
        try:
            loaded = saves.load(story, path)
        except saves.SaveError as exc:
            assert str(path) in str(exc)
        else:
            assert save is not None
            for meter in story.meters.values():
                assert meter.min <= loaded.state.meters[meter.id] <= meter.max
        (info,) = saves.slots(folder)
        assert (info.save is None) == bool(info.error)
        assert path.read_bytes() == data, "a refused save is left as it was"


@short(150)
@given(mutated_save())
def test_damaged_saves_are_refused_with_a_message(data: bytes) -> None:
    check_save_bytes(data)


@short(30)
@given(valid_save())
def test_valid_saves_load(payload: dict[str, Any]) -> None:
    check_save_bytes(json.dumps(payload).encode())
