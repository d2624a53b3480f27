"""The `mar-a-lago` command as a user meets it: real subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.cli.main import main
from game.persist import saves
from support import MINI, ROOT


def run(*args: str, stdin: str = "", cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
    )


def plain(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`mar-a-lago play --plain` on the mini story."""
    return run("play", "--plain", "--story", str(MINI), *args, stdin=stdin)


def test_check_a_valid_story():
    result = run("check", str(MINI))
    assert result.returncode == 0
    assert (
        result.stdout.splitlines()[0]
        == "OK: 'Mini' (mini v1): 3 scenes, 7 choices, 3 endings, 2 roles"
    )


def test_check_from_another_folder(tmp_path):
    result = run("check", str(MINI), cwd=tmp_path)
    assert result.returncode == 0


def test_unknown_option_exits_2_with_usage():
    result = run("check", "--bogus")
    assert result.returncode == 2
    assert "usage:" in result.stderr


def test_unknown_command_exits_2():
    assert run("frobnicate").returncode == 2


def test_help_lists_the_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("play", "check", "explore", "graph", "schema", "transcript", "report", "serve"):
        assert command in result.stdout


def test_plain_plays_to_an_ending_from_stdin(tmp_path):
    result = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="1\n3\n1\n",
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== Hall ==" in out and "Low trust." in out
    assert "A hall. [bold]Not markup[/]." in out
    assert "3. A secret way.  [locked: Nobody trusts you that much.]" in out
    assert "Trust 5/10 (+2)" in out
    assert "== THE END: Good ==" in out and "Warmth helped." in out
    assert "For discussion:" in out and "Why?" in out
    assert list(tmp_path.glob("autosave-mini-alice-*.json"))  # the game's own autosave


def test_plain_reasks_on_bad_input_and_locked_choices(tmp_path):
    result = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="abc\n9\n3\n2\n2\n",
    )
    assert result.returncode == 0
    assert "Please type a number from 1 to 3" in result.stdout
    assert "That choice is locked: Nobody trusts you that much." in result.stdout
    assert "== THE END: Draw ==" in result.stdout


def test_plain_exits_cleanly_at_end_of_input_and_resumes(tmp_path):
    result = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="1\n",
    )
    assert result.returncode == 0
    assert "End of input" in result.stdout
    assert "Traceback" not in result.stderr
    resumed = plain(
        "--load",
        "autosave",
        "--saves-dir",
        str(tmp_path),
        stdin="2\n",
    )
    assert resumed.returncode == 0
    assert "== Yard ==" in resumed.stdout
    assert "== THE END: Good ==" in resumed.stdout  # trust is 5 after "warm"


def test_plain_asks_for_the_role(tmp_path):
    result = plain("--saves-dir", str(tmp_path), stdin="x\n2\n2\n")
    assert "Please type a number from 1 to 2" in result.stdout
    assert "Your role: Bob." in result.stdout
    assert "== THE END: Draw ==" in result.stdout


def test_plain_undo_and_save(tmp_path):
    result = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="u\n1\nu\ns ../bad\ns mine\nq\n",
    )
    assert result.returncode == 0
    assert "Nothing to undo." in result.stdout
    assert "Undone." in result.stdout
    assert "Not saved:" in result.stdout and "not a slot name" in result.stdout
    assert "Saved to slot 'mine'" in result.stdout
    assert list(saves.read(tmp_path / "mine.json").choices) == []


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda p: p.write_text(p.read_text()[:40]), "damaged or truncated"),
        (lambda p: p.write_text(p.read_text().replace('"alice"', '"bob"')), "edited by hand"),
    ],
)
def test_plain_load_of_a_bad_save_exits_nonzero_and_leaves_it(tmp_path, damage, message):
    plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="1\n",
    )
    [slot] = tmp_path.glob("autosave-*.json")
    damage(slot)
    before = slot.read_bytes()
    result = plain("--load", "autosave", "--saves-dir", str(tmp_path))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert slot.read_bytes() == before


def test_plain_load_of_an_edited_story_exits_nonzero(tmp_path):
    story = tmp_path / "story"
    story.mkdir()
    for f in MINI.iterdir():
        (story / f.name).write_text(f.read_text())
    run(
        "play",
        "--plain",
        "--story",
        str(story),
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="1\n",
    )
    scenes = story / "scenes.toml"
    scenes.write_text(scenes.read_text().replace('id = "warm"', 'id = "kind"'))
    result = run(
        "play", "--plain", "--story", str(story), "--load", "autosave", "--saves-dir", str(tmp_path)
    )
    assert result.returncode == 1
    assert "choice 'warm' of scene 'hall' no longer exists" in result.stderr


def test_plain_with_a_read_only_saves_folder_goes_on(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the saves folder should be")
    result = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(blocker),
        stdin="1\n2\n",
    )
    assert result.returncode == 0
    assert result.stderr.count("Notice: could not save") == 1  # once, not after every choice
    assert "is a file, not a folder" in result.stderr
    assert "== THE END: Good ==" in result.stdout


def test_plain_from_a_scene_with_meters_and_flags(tmp_path):
    result = plain(
        "--role",
        "alice",
        "--from",
        "yard",
        "--set",
        "trust=8",
        "--flag",
        "warmed",
        "--saves-dir",
        str(tmp_path),
        stdin="3\n1\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Trust 8/10" in result.stdout
    assert "== Garden ==" in result.stdout
    assert "== THE END: Good ==" in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "nowhere"], "no scene 'nowhere'"),
        (["--from", "yard", "--set", "nope=1"], "no meter 'nope'"),
        (["--from", "yard", "--set", "trust"], "write METER=N"),
        (["--set", "trust=1"], "need --from"),
        (["--role", "carol"], "no role 'carol'"),
    ],
)
def test_bad_play_options_exit_2(tmp_path, args, message):
    result = plain("--saves-dir", str(tmp_path), *args)
    assert result.returncode == 2
    assert message in result.stderr


def test_broken_story_does_not_start(tmp_path):
    (tmp_path / "a.toml").write_text("[story\n")
    result = run("play", "--plain", "--story", str(tmp_path))
    assert result.returncode == 1
    assert "a.toml:1:7: TOML syntax" in result.stderr  # tomli's line and column


def test_main_in_process_check(capsys):
    assert main(["check", str(MINI)]) == 0
    assert capsys.readouterr().out.startswith("OK:")


def test_plain_autosave_is_a_valid_save(tmp_path, mini_story):
    plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="1\n",
    )
    [slot] = tmp_path.glob("autosave-mini-alice-*.json")
    assert saves.check_slot_name(slot.stem)
    assert saves.load(mini_story, slot).state.scene == "yard"


def test_unique_autosave_slots(tmp_path):
    plain(
        "--role",
        "bob",
        "--saves-dir",
        str(tmp_path),
        "--autosave-slot",
        "unique",
        stdin="2\n",
    )
    [save] = list(tmp_path.glob("game-*.json"))
    assert saves.check_slot_name(save.stem)


@pytest.mark.parametrize(
    "args, message",
    [
        (["serve", "--port", "99999"], "not a port number"),
        (["play", "--plain", "--autosave-slot", "../../escaped"], "not a slot name"),
    ],
)
def test_bad_values_are_usage_errors(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("answer", ["²", "①", "9" * 5000, "-1", "1.0", "0"])
def test_plain_reasks_on_numbers_it_cannot_use(tmp_path, answer):
    result = plain(
        "--role",
        "bob",
        "--saves-dir",
        str(tmp_path),
        stdin=f"{answer}\n2\n",
    )
    assert result.returncode == 0, result.stderr
    assert "Please type a number from 1 to 2" in result.stdout
    assert "== THE END: Draw ==" in result.stdout


def test_plain_with_stdin_closed_exits_cleanly(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            "--plain",
            "--story",
            str(MINI),
            "--saves-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        preexec_fn=lambda: __import__("os").close(0),
    )
    assert result.returncode == 0
    assert "Traceback" not in result.stderr


def test_plain_says_saved_only_when_it_is(tmp_path):
    quit_at_once = plain(
        "--role",
        "bob",
        "--saves-dir",
        str(tmp_path),
        stdin="q\n",
    )
    assert "Nothing new to save." in quit_at_once.stdout
    blocker = tmp_path / "file"
    blocker.write_text("")
    failed = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(blocker),
        stdin="1\nq\n",
    )
    assert "could not be saved" in failed.stdout
    saved = plain(
        "--role",
        "alice",
        "--saves-dir",
        str(tmp_path),
        stdin="1\nq\n",
    )
    assert "Your game is saved in slot 'autosave-mini-alice-" in saved.stdout
