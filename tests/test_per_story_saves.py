"""Saves are kept per story: two stories autosaving into one saves folder never overwrite
each other, and each resumes its own game."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from game.format.loader import load_story
from game.persist import saves
from support import FIXTURES, MINI

LIGHTHOUSE = FIXTURES / "additions"


def play(story: Path, saves_dir: Path, stdin: str, *args: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            str(story),
            "--plain",
            "--saves-dir",
            str(saves_dir),
            *list(args),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_two_stories_in_one_saves_folder_keep_their_own_autosaves(tmp_path: Path):
    play(MINI, tmp_path, "1\n", "--role", "alice")  # mini: Be warm, then stop in the yard
    play(LIGHTHOUSE, tmp_path, "1\n", "--role", "keeper")  # lighthouse: Signal, then stop
    autosaves = sorted(p.name for p in tmp_path.glob("autosave*.json"))
    assert len(autosaves) == 2, autosaves
    assert any("mini" in name for name in autosaves)
    assert any("additions" in name for name in autosaves)
    by_story = {}
    for path in tmp_path.glob("autosave*.json"):
        save = saves.read(path)
        by_story[save.story.id] = save
    assert by_story["mini"].choices[0][1] == "warm"
    assert by_story["additions"].choices[0][1] == "signal"
    # each story resumes its own game: the newest autosave *of that story*
    mini = play(MINI, tmp_path, "q\n", "--load", "autosave")
    assert "== Yard ==" in mini
    lighthouse = play(LIGHTHOUSE, tmp_path, "q\n", "--load", "autosave")
    assert "== The Lamp ==" in lighthouse and "and the oil at 1." in lighthouse
    # and loading a save of one story with the other is refused, with the reason
    story = load_story(MINI)
    other = next(p for p in tmp_path.glob("autosave*.json") if "additions" in p.name)
    try:
        saves.load(story, other)
    except saves.SaveError as exc:
        assert "made for the story 'additions', not 'mini'" in str(exc)
    else:
        raise AssertionError("a save of another story loaded")
