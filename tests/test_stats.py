"""`mar-a-lago check`: the statistics after its first line, its warnings, `--strict`."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from game.format.loader import check_story, load_story
from game.tools import stats
from game.tools.explore import analysis
from support import FIXTURES, MINI, ROOT, SHIPPED

EXPLORE = FIXTURES / "explore"


def check(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "check", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def warnings_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


def test_mini_statistics():
    result = check(str(MINI), "--deep")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "OK: 'Mini' (mini v1): 3 scenes, 7 choices, 3 endings, 2 roles"
    assert lines[1] == "Words: 38 (scenes 10, choices 18, endings 10)"
    assert lines[2].startswith(
        "Role alice: 3 scenes, 6 choices, 3 endings reachable (4 states); a playthrough: "
    )
    assert lines[3].startswith(
        "Role bob: 1 scene, 2 choices, 2 endings reachable (1 state); a playthrough: 1.0 choices, "
    )
    assert lines[3].endswith("min at 200 words/min")
    assert warnings_of(result) == [
        f"{MINI}/scenes.toml:24: warning: scene 'hall', choice 'secret': never open where the "
        "scene is reached (its `requires` never holds there)"
    ]


def test_statistics_values():
    story = load_story(MINI)
    reports = analysis.explore_all(story)
    played = {r: analysis.random_play(story, r, 200) for r in story.roles}
    s = stats.statistics(story, reports, played)
    assert (s.scene_words, s.choice_words, s.ending_words, s.words) == (10, 18, 10, 38)
    bob = s.roles[1]
    assert (bob.role, bob.scenes, bob.choices, bob.endings, bob.states) == ("bob", 1, 2, 2, 1)
    assert bob.mean_choices == 1.0
    assert bob.minutes == bob.mean_words / 200


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        (
            "unreachable",
            [
                "scenes.toml:12: warning: scene 'gate', choice 'magic': never open where the "
                "scene is reached (its `requires` never holds there)",
                "scenes.toml:33: warning: scene 'vault': no role reaches it; link it or remove it",
                "scenes.toml:43: warning: scene 'attic': no role reaches it; link it or remove it",
                "scenes.toml:63: warning: scene 'backstage' is for roles ['two'], but role 'one' "
                "reaches it",
                "story.toml:22: warning: ending 'jackpot': no role reaches it",
            ],
        ),
        (
            "dead_end",
            [
                "story.toml:35: warning: scene 'office' can be entered with no choice open (role "
                "one, via lobby/bluster); the game then ends by rank, at 'walkout'",
                "story.toml:45: warning: scene 'office', choice 'plead': never open where the "
                "scene is reached (its `requires` never holds there)",
            ],
        ),
        (
            "trap",
            [
                "story.toml:33: warning: scene 'lobby': 3 state(s) with no way to any ending "
                "(role one, via door/skip)",
                "story.toml:49: warning: scene 'corridor': 2 state(s) with no way to any ending "
                "(role one, via door/skip → lobby/wait)",
            ],
        ),
        (
            "stuck",
            [
                "story.toml:8: warning: role 'prisoner' starts at 'cell' with no choice open",
                "story.toml:20: warning: scene 'cell', choice 'escape': never open where the "
                "scene is reached (its `requires` never holds there)",
            ],
        ),
    ],
)
def test_warnings_with_known_answers(fixture: str, expected: list[str], monkeypatch, capsys):
    from game.cli.main import main

    monkeypatch.setattr(stats, "CHECK_MAX_STEPS", 20)  # the trap loops: keep random games short
    folder = EXPLORE / fixture
    assert main(["check", "--deep", str(folder)]) == 0  # warnings alone do not fail
    out, err = capsys.readouterr()
    assert out.startswith("OK: ")
    assert [line for line in err.splitlines() if ": warning: " in line] == [
        f"{folder}/{w}" for w in expected
    ]
    assert main(["check", "--deep", str(folder), "--strict"]) == 1
    err = capsys.readouterr().err
    assert err.strip().endswith(f"{len(expected)} warning(s), and --strict makes them errors.")


STORY = """\
[story]
id = "lint"
title = "Lint"
version = "1"
format = 1

[meters.trust]
label = "Trust"
min = 0
max = 3
start = 1

[meters.idle]
label = "Idle"
min = 0
max = 3
start = 1

[roles.one]
label = "One"
start = "a"

[scenes.a]
title = "A"
text = "A."

[[scenes.a.passages]]
when = { flags = ["noted"] }
text = "Noted."

[[scenes.a.choices]]
id = "go"
text = "Go."
goto = "end"
effects = { trust = 1 }
set = ["noted", "unused"]
clear = ["ghost"]

[[scenes.a.choices]]
id = "wish"
text = "Wish."
goto = "end"
requires = { flags = ["never_set"] }

[endings.fine]
title = "Fine"
text = "Fine."
"""


def test_flag_and_meter_warnings(tmp_path: Path):
    (tmp_path / "story.toml").write_text(STORY, encoding="utf-8")
    result = check(str(tmp_path), "--deep")
    assert warnings_of(result) == [
        f"{tmp_path}/story.toml:13: warning: meter 'idle': no choice moves it (no `effects` "
        "name it)",
        f"{tmp_path}/story.toml:31: warning: flag 'ghost' is cleared but no choice sets it or "
        "tests it",
        f"{tmp_path}/story.toml:31: warning: flag 'unused' is set but no condition tests it",
        f"{tmp_path}/story.toml:39: warning: flag 'never_set' is tested but no choice sets it",
        f"{tmp_path}/story.toml:39: warning: scene 'a', choice 'wish': never open where the "
        "scene is reached (its `requires` never holds there)",
    ]  # 'noted' is set, and tested by a passage: no warning


def test_a_clean_story_passes_strict(tmp_path: Path):
    clean = STORY.replace(', "unused"]', "]").replace('clear = ["ghost"]\n', "")
    clean = clean.replace('requires = { flags = ["never_set"] }', "effects = { idle = 1 }")
    (tmp_path / "story.toml").write_text(clean, encoding="utf-8")
    for deep in ([], ["--deep"]):
        result = check(str(tmp_path), "--strict", *deep)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""


def test_a_broken_story_still_fails_before_any_statistics():
    result = check(str(FIXTURES / "broken" / "no_fallback" / "story"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "no fallback ending" in result.stderr


def test_a_search_cut_short_falls_back_to_the_map(monkeypatch, tmp_path: Path):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_story import generate

    folder = generate(40, tmp_path / "syn")
    story = load_story(folder)
    monkeypatch.setattr(stats, "CHECK_MAX_STATES", 20)
    out, err = io.StringIO(), io.StringIO()
    from game.cli.check import run_check

    assert run_check(story, folder, deep=True, out=out, err=err) == 0
    assert "Note: the search stopped at 20 states per role" in out.getvalue()
    assert "search cut short" in out.getvalue()
    # without the whole search, only what the map proves: no "no role reaches" endings
    assert "ending '" not in err.getvalue()
    for line in err.getvalue().splitlines():
        if "no goto leads to it" in line:
            assert "scene 's" in line


def test_check_the_shipped_story():
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    result = check()
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"OK: '{story.title}'")
    assert lines[1].startswith("Words: ")
    for role, line in zip(story.roles, lines[2:], strict=False):
        assert line.startswith(f"Role {role}: ")
        assert "search cut short" not in line
