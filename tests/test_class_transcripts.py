"""Transcripts of class games: the news that reached a game, the clock's close and the
player's name are in them; `transcript DIR -o FOLDER` writes every game's at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs

from game.core import engine
from game.core.model import Inject, Story
from game.persist import saves
from game.persist.saves import GameInfo, Player
from game.tools.documents.transcript import render_transcript, steps
from support import MINI, ROOT


def test_a_transcript_shows_the_news_where_it_came(mini_story: Story) -> None:
    calm = Inject("calm", "Calm news", "Things calm down.", {"heat": -2}, source=("P14",))
    story = attrs.evolve(mini_story, injects={"calm": calm})
    state = engine.choose(story, engine.new_game(story, "alice"), "cold")  # heat 4
    state = engine.inject(story, state, "calm")  # heat 2
    state = engine.close(story, state)
    text = render_transcript(story, state, "md", who="Ana (team Red)")
    assert "**Player:** Ana (team Red)" in text
    choice = text.index("**Choice made:** Be cold.")
    flash = text.index("**News flash:** Calm news")
    assert choice < flash < text.index("The end:")
    assert "> Things calm down." in text and "**Sources:** P14" in text
    assert "**Meters after the news:** Trust 2/10 | Heat 2/5 (-2)" in text
    assert "the class clock ended the game after 1 choices" in text
    _, walked = steps(story, state)
    assert walked[0].after["heat"] == 4 and walked[0].settled["heat"] == 2


def play(folder: Path, slot: str, name: str, *choices: str, story: Story) -> None:
    state = engine.new_game(story, "alice")
    for choice in choices:
        state = engine.choose(story, state, choice)
    info = GameInfo(id=f"id-{name}", player=Player(name, "Red"))
    saves.write(folder, slot, story, state, info)


def test_every_transcript_of_a_class_folder_at_once(tmp_path: Path, mini_story: Story) -> None:
    folder, out = tmp_path / "class", tmp_path / "out"
    play(folder, "autosave-mini-Ana-alice", "Ana", "warm", "wait", story=mini_story)
    play(folder, "ana-copy", "Ana", "warm", story=mini_story)  # the same game, earlier
    play(folder, "autosave-mini-Bo-alice", "Bo", "cold", story=mini_story)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "transcript",
            str(folder),
            "--story",
            str(MINI),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "2 transcript(s) written" in done.stdout
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "autosave-mini-Ana-alice-transcript.md",
        "autosave-mini-Bo-alice-transcript.md",
    ]
    ana = (out / written[0]).read_text()
    assert "**Player:** Ana (team Red)" in ana and "The end: Good" in ana
    without_o = subprocess.run(
        [sys.executable, "-m", "game", "transcript", str(folder), "--story", str(MINI)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert without_o.returncode == 2 and "-o FOLDER" in without_o.stderr
