"""`mar-a-lago check`: fast by default (no search), `--deep`, grouped warnings and `--all`,
`--strict`, and `--format json`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import FIXTURES, MINI

WARNINGS = sorted(p for p in (FIXTURES / "warnings").iterdir() if p.is_dir())


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def warnings_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


@pytest.mark.parametrize("case", WARNINGS, ids=[p.name for p in WARNINGS])
def test_warning_fixture_gives_its_warnings(case: Path):
    folder = case / "story"
    result = check(str(folder))
    assert result.returncode == 0, result.stderr  # warnings alone do not fail
    expected = [f"{folder}/{line}" for line in (case / "expected.txt").read_text().splitlines()]
    assert warnings_of(result) == expected
    strict = check(str(folder), "--strict")
    assert strict.returncode == 1


def test_the_default_check_searches_nothing():
    result = check(str(MINI))
    assert result.returncode == 0
    assert "states)" not in result.stdout and "a playthrough:" not in result.stdout
    assert "Role alice: 3 scenes and 7 choices its gotos lead to" in result.stdout
    assert "check --deep" in result.stdout
    deep = check(str(MINI), "--deep")
    assert "3 endings reachable (4 states)" in deep.stdout


def test_many_warnings_of_a_kind_are_one_line_and_all_lists_them():
    folder = FIXTURES / "warnings" / "many_unlinked" / "story"
    every = warnings_of(check(str(folder), "--all"))
    assert len(every) == 8
    assert every[0] == (
        f"{folder}/story.toml:30: warning: scene 'orphan_1': no goto leads to it from a start; "
        "link it or remove it"
    )
    strict = check(str(folder), "--strict")
    assert strict.stderr.strip().endswith("8 warning(s), and --strict makes them errors.")


def test_json_of_a_story_with_warnings():
    folder = FIXTURES / "warnings" / "flag_typo" / "story"
    result = check(str(folder), "--format", "json")
    assert result.returncode == 0
    report = json.loads(result.stdout)
    assert report["story"] == {"id": "typo", "title": "Typo", "version": "1"}
    assert report["ok"] is True
    typo = report["diagnostics"][1]
    assert typo == {
        "file": f"{folder}/story.toml",
        "line": 32,
        "column": typo["column"],
        "severity": "warning",
        "code": "flag-never-set",
        "message": "flag 'signaled' is tested but no choice sets it (did you mean 'signalled'?)",
    }
    assert isinstance(typo["column"], int)
    strict = check(str(folder), "--format", "json", "--strict")
    assert strict.returncode == 1 and json.loads(strict.stdout)["ok"] is False


def test_json_of_a_broken_story():
    case = FIXTURES / "broken" / "goto_missing_scene"
    result = check(str(case / "story"), "--format", "json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["story"] is None and report["ok"] is False
    first = report["diagnostics"][0]
    assert set(first) == {"file", "line", "column", "severity", "code", "message"}
    assert first["severity"] == "error"
    expected = (case / "expected.txt").read_text().splitlines()[0]
    at = f"{first['line']}:{first['column']}" if first["column"] else str(first["line"])
    assert f"{first['file']}:{at}: {first['message']}".endswith(expected.split(":", 1)[1])
    assert first["column"] > 0


BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def test_every_broken_fixture_has_a_code_of_its_own():
    from game.format.codes import code_of
    from game.format.loader import check_story

    for case in BROKEN:
        _, problems = check_story(case / "story")
        assert code_of(problems[0]) != "error", (case.name, problems[0].message)
