"""Limits: oversized, deeply nested, huge and cyclic stories and saves are refused with
a message, or handled in bounded time and memory.

The big cases run the real command in a subprocess under a generous timeout and an
address-space cap (RLIMIT_AS), so "bounded" is enforced by the OS, not by a timing
assertion.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.core import engine
from game.format.loader import MAX_FILE_BYTES, check_story, load_story
from game.persist import saves
from support import MINI, ROOT

#: generous: each of these takes well under a second here
SECONDS = 60
#: address space for one subprocess (Python with the game needs about 200 MB)
MEMORY = 768 * 2**20

STORY_TOML = """\
[story]
id = "limits"
title = "Limits"
version = "1"
format = 1

[meters.m]
label = "M"
min = 0
max = 10
start = 5

[roles.r]
label = "R"
start = "a"

[endings.fallback]
title = "The End"
text = "It ends."
"""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_game(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`mar-a-lago ARGS` with a time and a memory cap; no traceback may reach the user."""
    result = subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=SECONDS,
        cwd=ROOT,
        preexec_fn=_cap_memory,
    )
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    assert "MemoryError" not in result.stderr
    return result


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=SECONDS,
        cwd=ROOT,
        preexec_fn=_cap_memory,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def make_story(folder: Path, scenes: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.toml").write_text(STORY_TOML)
    (folder / "scenes.toml").write_text(scenes)
    return folder


def check_refuses(folder: Path, message: str) -> str:
    result = run_game("check", str(folder))
    assert result.returncode == 1
    assert message in result.stderr, result.stderr[-2000:]
    return result.stderr


# -- size ---------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    line = b"# " + b"x" * 98 + b"\n"
    (folder / "big.toml").write_bytes(line * (MAX_FILE_BYTES // len(line) + 1))
    story, problems = check_story(folder)
    assert story is None
    assert [(p.path, p.line) for p in problems] == [(f"{folder}/big.toml", 1)]
    assert "over the limit" in problems[0].message
    assert "split it into several files" in problems[0].message


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    folder = tmp_path / "story"
    shutil.copytree(MINI, folder)
    with (folder / "huge.toml").open("wb") as fh:
        fh.truncate(3 * 2**30)  # 3 GB, sparse: no disk used; reading it needs 3 GB of memory
    check_refuses(folder, "over the limit")


def test_a_save_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (saves.MAX_SAVE_BYTES + 1))
    with pytest.raises(saves.SaveError, match="too large to be a save file"):
        saves.read(path)


# -- nesting ------------------------------------------------------------------------

DEEP = 10_000


@pytest.mark.parametrize(
    "value",
    [
        "[" * DEEP + "]" * DEEP,
        "{ a = " * DEEP + "1" + " }" * DEEP,
        "[{ a = " * (DEEP // 2) + "1" + " }]" * (DEEP // 2),
    ],
    ids=["arrays", "inline-tables", "mixed"],
)
def test_deeply_nested_values_are_refused(tmp_path: Path, value: str) -> None:
    folder = make_story(tmp_path / "story", f'[scenes.a]\ntitle = "A"\ntext = {value}\n')
    stderr = check_refuses(folder, "nested too deeply")
    assert f"{folder}/scenes.toml:" in stderr


@pytest.mark.parametrize(
    "text",
    [
        "[" + ".".join(["t"] * DEEP) + "]\nx = 1\n",
        ".".join(["t"] * DEEP) + " = 1\n",
        "[[" + ".".join(["t"] * DEEP) + "]]\nx = 1\n",
    ],
    ids=["table-header", "dotted-key", "array-of-tables"],
)
def test_deeply_nested_tables_are_refused(tmp_path: Path, text: str) -> None:
    folder = make_story(tmp_path / "story", text)
    check_refuses(folder, f"{folder}/scenes.toml:1: tables or arrays are nested too deeply")


def test_conditions_nested_too_deeply_are_refused(tmp_path: Path) -> None:
    # tomli allows 400 levels; `any` stops at 16
    when = "{ any = [" * 100 + "{ m = { min = 1 } }" + "] }" * 100
    folder = make_story(
        tmp_path / "story",
        f'[scenes.a]\ntitle = "A"\ntext = "a"\n\n[[scenes.a.choices]]\n'
        f'text = "c"\ngoto = "end"\nrequires = {when}\n',
    )
    check_refuses(folder, "nested too deeply (over 16 levels of `any`)")


@pytest.mark.parametrize("text", ["[" * 100_000, '{"a":' * 100_000], ids=["arrays", "objects"])
def test_a_deeply_nested_save_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "deep.json"
    path.write_text(text)
    with pytest.raises(saves.SaveError, match="damaged"):
        saves.read(path)


# -- numbers ------------------------------------------------------------------------


def test_an_integer_too_long_to_read_is_refused(tmp_path: Path) -> None:
    folder = make_story(
        tmp_path / "story",
        f'[scenes.a]\ntitle = "A"\ntext = "a"\n\n[[scenes.a.choices]]\n'
        f'text = "c"\ngoto = "end"\neffects = {{ m = {"1" * 5000} }}\n',
    )
    story, problems = check_story(folder)
    assert story is None
    assert problems[0].path == f"{folder}/scenes.toml"


def test_a_meter_too_large_to_print_is_refused(tmp_path: Path) -> None:
    huge = "0x" + "f" * 3600  # hex literals have no digit limit; printing it in decimal does
    folder = make_story(
        tmp_path / "story",
        '[scenes.a]\ntitle = "A"\ntext = "a"\n\n[[scenes.a.choices]]\ntext = "c"\ngoto = "end"\n',
    )
    toml = (folder / "story.toml").read_text()
    (folder / "story.toml").write_text(toml.replace("max = 10", f"max = {huge}"))
    check_refuses(folder, "max")


# -- big stories -----------------------------------------------------------------------


def test_a_1mb_scene_text_loads_and_plays(tmp_path: Path) -> None:
    paragraph = ("The envoy reads the memo again. " * 3 + "\n") * 8
    text = (paragraph + "\n") * (2**20 // (len(paragraph) + 1) + 1)
    assert len(text) > 2**20
    folder = make_story(
        tmp_path / "story",
        f'[scenes.a]\ntitle = "A"\ntext = """\n{text}THE LAST LINE\n"""\n\n'
        '[[scenes.a.choices]]\ntext = "Go on."\ngoto = "end"\n',
    )
    result = run_game(
        "play", "--plain", "--story", str(folder), "--saves-dir", str(tmp_path / "s"), stdin="1\n"
    )
    assert result.returncode == 0
    assert "THE LAST LINE" in result.stdout
    assert "THE END" in result.stdout


def test_a_1mb_single_line_string_loads(tmp_path: Path) -> None:
    folder = make_story(
        tmp_path / "story",
        f'[scenes.a]\ntitle = "A"\ntext = "{"x" * 2**20}"\n\n'
        '[[scenes.a.choices]]\ntext = "Go on."\ngoto = "end"\n',
    )
    run_python(f"from game.format.loader import load_story; load_story({str(folder)!r})")


def test_10000_choices_in_one_scene(tmp_path: Path) -> None:
    choices = "".join(
        f'[[scenes.a.choices]]\ntext = "Option {i}."\ngoto = "{"end" if i == 9999 else "a"}"\n'
        f"effects = {{ m = {i % 3 - 1} }}\n\n"
        for i in range(10_000)
    )
    folder = make_story(tmp_path / "story", f'[scenes.a]\ntitle = "A"\ntext = "a"\n\n{choices}')
    run_python(
        f"""
        from game.format.loader import load_story
        assert load_story({str(folder)!r}).choice_count == 10_000
        """
    )
    result = run_game(
        "play",
        "--plain",
        "--story",
        str(folder),
        "--saves-dir",
        str(tmp_path / "s"),
        stdin="5000\n10000\n",
    )
    assert result.returncode == 0
    assert "Option 9999." in result.stdout
    assert "THE END" in result.stdout


def test_check_of_a_looping_scene_of_1000_choices_ends(tmp_path: Path) -> None:
    # check's statistics play random games: they must not grow with choices x steps x games
    choices = "".join(
        f'[[scenes.a.choices]]\ntext = "Option {i}."\ngoto = "{"end" if i == 999 else "a"}"\n\n'
        for i in range(1_000)
    )
    folder = make_story(tmp_path / "story", f'[scenes.a]\ntitle = "A"\ntext = "a"\n\n{choices}')
    result = run_game("check", str(folder))
    assert result.returncode == 0
    assert "1000 choices" in result.stdout


# -- cycles --------------------------------------------------------------------------

CYCLE = """\
[scenes.a]
title = "A"
text = "Round and round."

[[scenes.a.choices]]
id = "up"
text = "Up."
goto = "b"
effects = { m = 1 }

[[scenes.a.choices]]
id = "down"
text = "Down."
goto = "b"
effects = { m = -1 }

[scenes.b]
title = "B"
text = "And back."

[[scenes.b.choices]]
id = "back"
text = "Back."
goto = "a"
"""


def test_a_goto_cycle_is_a_story_that_never_has_to_end(tmp_path: Path) -> None:
    folder = make_story(tmp_path / "story", CYCLE)
    story = load_story(folder)
    state = engine.new_game(story, "r")
    for i in range(2_000):
        opened = engine.open_choices(story, state)
        state = engine.choose(story, state, opened[i % len(opened)])
    assert not state.over
    result = run_game(
        "play",
        "--plain",
        "--story",
        str(folder),
        "--saves-dir",
        str(tmp_path / "s"),
        stdin="1\n" * 100 + "q\n",
    )
    assert result.returncode == 0
    assert "Goodbye" in result.stdout


def test_a_long_save_of_a_cycle_writes_and_loads_in_bounded_time(tmp_path: Path) -> None:
    folder = make_story(tmp_path / "story", CYCLE)
    run_python(
        f"""
        from pathlib import Path
        from game.core import engine
        from game.persist import saves
        from game.format.loader import load_story
        story = load_story({str(folder)!r})
        state = engine.new_game(story, "r")
        for i in range(10_000):
            opened = engine.open_choices(story, state)
            state = engine.choose(story, state, opened[i % len(opened)])
        path = saves.write(Path({str(tmp_path)!r}), "long", story, state)
        assert saves.load(story, path).state == state
        """
    )
    assert len(saves.read(tmp_path / "long.json").choices) == 10_000


def test_exploring_a_cycle_ends(tmp_path: Path) -> None:
    pytest.importorskip("game.tools.explore.analysis")
    folder = make_story(tmp_path / "story", CYCLE)
    result = run_game("explore", str(folder))
    assert result.returncode in (0, 1), result.stderr
    assert result.stdout.strip()


# -- start-up: the non-UI commands never import Textual ---------------------------------
# (tests/test_imports.py covers check and play --plain)

PROBE = """
import sys, runpy
sys.argv = ["mar-a-lago", *{args!r}]
try:
    runpy.run_module("game", run_name="__main__")
except SystemExit:
    pass
print("TEXTUAL" if "textual" in sys.modules else "NO-TEXTUAL", file=sys.stderr)
"""


@pytest.fixture(scope="module")
def a_save(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("saves")
    story = load_story(MINI)
    state = engine.choose(story, engine.new_game(story, "alice"), "warm")
    return saves.write(folder, "one", story, state)


@pytest.mark.parametrize(
    ("module", "args"),
    [
        ("game.tools.explore.analysis", ["explore", str(MINI)]),
        ("game.tools.graph", ["graph", str(MINI)]),
        ("game.tools.schema", ["schema"]),
        ("game.tools.documents.transcript", ["transcript", "{save}", "--story", str(MINI)]),
        ("game.tools.documents.report", ["report", "{save}", "--story", str(MINI)]),
    ],
    ids=["explore", "graph", "schema", "transcript", "report"],
)
def test_non_ui_commands_import_no_textual(module: str, args: list[str], a_save: Path) -> None:
    pytest.importorskip(module)
    args = [a.replace("{save}", str(a_save)) for a in args]
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=SECONDS,
    )
    assert result.stderr.strip().endswith("NO-TEXTUAL"), result.stderr[-2000:]
