"""`mar-a-lago init DIR`: a small commented story that checks clean and plays to an end."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.tools.starter import story_id_for, title_for


def mar_a_lago(
    *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_init_then_check_then_a_line_mode_game(tmp_path: Path):
    folder = tmp_path / "winter-night"
    made = mar_a_lago("init", str(folder))
    assert made.returncode == 0, made.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["endings.toml", "scenes.toml", "story.toml"]
    assert f"mar-a-lago check {folder}" in made.stdout
    story_toml = (folder / "story.toml").read_text()
    assert 'id = "winter_night"' in story_toml and 'title = "Winter Night"' in story_toml
    assert story_toml.count("#") > 10  # commented for the author

    checked = mar_a_lago("check", "--strict", str(folder))
    assert checked.returncode == 0, checked.stderr
    assert "OK: 'Winter Night' (winter_night v0.1)" in checked.stdout
    assert checked.stderr == ""  # not one warning

    # climb early, then signal: the rescue, with the passage the early lamp earns
    saves = tmp_path / "saves"
    played = mar_a_lago("play", str(folder), "--plain", "--saves-dir", str(saves), stdin="2\n1\n\n")
    assert played.returncode == 0, played.stderr
    out = played.stdout
    assert "== Dusk ==" in out and "== The Lamp ==" in out
    assert "Because you lit it early" in out
    # the starter's text shows a meter's value and an inline condition
    words = " ".join(out.split())
    assert "You have 3 days of oil and coal." in words
    assert "The sea is rough, but the air is clear." in words  # storm 2: not >= 3
    assert "== THE END: The Ship Turns ==" in out
    assert "What made the difference tonight?" in out


def test_every_ending_of_the_starter_story_can_be_reached(tmp_path: Path):
    folder = tmp_path / "night"
    assert mar_a_lago("init", str(folder)).returncode == 0
    endings = {
        "2\n1\n": "The Ship Turns",  # climb, signal
        "1\n3\n": "The Wreck",  # stock up (storm 3), wait (storm 5): the route
        "2\n2\n": "A Dark Tower",  # climb, burn the last oil: immediate
        "2\n3\n": "A Long Night",  # climb, wait: the fallback
    }
    for picks, title in endings.items():
        out = mar_a_lago(
            "play", str(folder), "--plain", "--saves-dir", str(tmp_path / "s"), stdin=picks + "\n"
        ).stdout
        assert f"THE END: {title}" in out, (picks, out[-400:])


def test_init_refuses_a_folder_with_files_and_writes_nothing(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("mine")
    result = mar_a_lago("init", str(tmp_path))
    assert result.returncode == 1
    assert "a folder with files in it" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_init_takes_an_id_and_refuses_a_bad_one(tmp_path: Path):
    assert mar_a_lago("init", str(tmp_path / "a"), "--id", "lighthouse").returncode == 0
    assert 'id = "lighthouse"' in (tmp_path / "a" / "story.toml").read_text()
    bad = mar_a_lago("init", str(tmp_path / "b"), "--id", "Light House")
    assert bad.returncode == 2 and "not an id" in bad.stderr
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize(
    ("name", "story_id", "title"),
    [
        ("winter-night", "winter_night", "Winter Night"),
        ("2049", "story_2049", "2049"),
        ("--", "my_story", "My Story"),
        ("Über Story", "ber_story", "Über Story"),
    ],
)
def test_ids_and_titles_from_folder_names(name: str, story_id: str, title: str):
    assert story_id_for(name) == story_id
    assert title_for(name) == title
