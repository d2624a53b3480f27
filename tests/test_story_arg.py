"""Every command takes the story folder alike: as a positional STORY_DIR or `--story DIR`."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli.main import _merge_story, build_parser
from support import MINI


def _parse(*argv: str) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    _merge_story(parser, args)
    return args


@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("play", []),
        ("check", []),
        ("explore", []),
        ("graph", []),
        ("schema", []),
        ("serve", []),
        ("transcript", ["autosave"]),
    ],
)
def test_positional_and_option_give_the_same_story(command: str, extra: list[str]):
    assert _parse(command, *extra, str(MINI)).story == MINI
    assert _parse(command, *extra, "--story", str(MINI)).story == MINI
    assert _parse(command, *extra).story is None


def test_report_finds_the_story_folder_among_its_save_paths(tmp_path: Path):
    saves = tmp_path / "class"
    saves.mkdir()
    (saves / "game-1.json").write_text("{}")
    args = _parse("report", str(saves), str(MINI))
    assert args.story == MINI
    assert args.saves == [saves]
    assert _parse("report", str(saves), "--story", str(MINI)).story == MINI


def test_two_different_story_folders_are_refused(capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exc:
        _parse("check", str(MINI), "--story", "elsewhere")
    assert exc.value.code == 2
    assert "two story folders" in capsys.readouterr().err


def test_check_runs_with_either_form():
    for argv in ([str(MINI)], ["--story", str(MINI)]):
        result = subprocess.run(
            [sys.executable, "-m", "game", "check", *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "'Mini' (mini v1)" in result.stdout
