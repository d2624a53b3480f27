"""The class report over saves of real, scripted plain-mode games of both roles."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from test_transcript import parse_page

from game.cli.main import main
from game.core import engine
from game.core.model import Story
from game.format.loader import check_story, load_story
from game.persist import saves
from game.tools.documents.report import Collection, Game, collect, first_split, render_report
from support import MINI, ROOT, SHIPPED

#: (slot, role, what the student types) on the mini story. Alice starts at the hall
#: (1 warm, 2 cold), then the yard (1 push, 2 wait, 3 hidden door once warm); Bob
#: starts at the yard, where the hidden door is not shown.
MINI_GAMES = [
    ("a-good-wait", "alice", "1\n2\n"),  # warm, wait -> Good
    ("a-good-door", "alice", "1\n3\n1\n"),  # warm, hidden door, finish -> Good
    ("a-boom", "alice", "2\n1\n"),  # cold, push -> Boom
    ("a-unfinished", "alice", "1\n"),  # warm, then the class ended
    ("b-boom", "bob", "1\n"),  # push -> Boom
    ("b-draw-1", "bob", "2\n"),  # wait -> Draw
    ("b-draw-2", "bob", "2\n"),  # wait -> Draw
]


def play_all(story_dir: Path, saves_dir: Path, games: Sequence[tuple[str, str, str]]) -> None:
    """Run the games as real `play --plain` subprocesses, side by side."""
    procs = [
        (
            slot,
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "game",
                    "play",
                    "--plain",
                    "--story",
                    str(story_dir),
                    "--role",
                    role,
                    "--saves-dir",
                    str(saves_dir),
                    "--autosave-slot",
                    slot,
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            ),
            keys,
        )
        for slot, role, keys in games
    ]
    for slot, proc, keys in procs:
        try:
            _, err = proc.communicate(keys, timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
        assert proc.returncode == 0, f"{slot}: {err}"
        assert (saves_dir / f"{slot}.json").is_file(), slot


def variant(src: Path, dest: Path, old: str, new: str) -> Path:
    shutil.copytree(src, dest)
    toml = dest / "story.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text
    toml.write_text(text.replace(old, new), encoding="utf-8")
    return dest


@pytest.fixture(scope="module")
def mini() -> Story:
    return load_story(MINI)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory: pytest.TempPathFactory, mini: Story) -> Path:
    """A folder of class saves: 7 real games, plus one of another story, one of another
    version and a damaged one; and a transcript, which is not a save."""
    root = tmp_path_factory.mktemp("class")
    folder = root / "saves"
    play_all(MINI, folder, MINI_GAMES)
    other = load_story(variant(MINI, root / "other", 'id = "mini"', 'id = "elsewhere"'))
    saves.write(
        folder, "z-other-story", other, engine.choose(other, engine.new_game(other, "bob"), "wait")
    )
    v2 = load_story(variant(MINI, root / "v2", 'version = "1"', 'version = "2"'))
    saves.write(folder, "z-version-2", v2, engine.choose(v2, engine.new_game(v2, "bob"), "wait"))
    (folder / "z-damaged.json").write_text('{"format": 1, "story": ', encoding="utf-8")
    (folder / "a-good-wait-transcript.md").write_text("# not a save\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def report_md(classroom: Path) -> str:
    collection = collect(load_story(MINI), [classroom])
    return render_report(load_story(MINI), collection, "md")


def test_collect_uses_the_games_and_skips_the_others_with_a_reason(classroom, mini):
    collection = collect(mini, [classroom, classroom / "a-boom.json"])  # listed twice: once
    assert sorted(Path(g.name).stem for g in collection.games) == sorted(
        s for s, _, _ in MINI_GAMES
    )
    reasons = {Path(s.name).name: s.reason for s in collection.skipped}
    assert set(reasons) == {"z-other-story.json", "z-version-2.json", "z-damaged.json"}
    assert "another story ('elsewhere'" in reasons["z-other-story.json"]
    assert "version 2 of the story" in reasons["z-version-2.json"]
    assert "damaged or truncated" in reasons["z-damaged.json"]
    assert collection.files == 10


def test_report_counts_roles_and_finished_games(report_md):
    assert "**Saves:** 7 games used; 3 skipped (listed at the end)." in report_md
    assert "| Alice | 4 | 3 | 1 |" in report_md
    assert "| Bob | 3 | 3 | 0 |" in report_md


def test_report_endings_per_role_with_shares_and_unfinished_apart(report_md):
    alice = report_md.split("### Alice", 1)[1].split("### Bob", 1)[0]
    assert "| Good | 2 | 67% |" in alice
    assert "| Boom | 1 | 33% |" in alice
    assert "Unfinished, counted apart: 1 game (25% of this role's games)." in alice
    bob = report_md.split("### Bob", 1)[1].split("## Average", 1)[0]
    assert "| Draw | 2 | 67% |" in bob
    assert "| Boom | 1 | 33% |" in bob
    assert "Unfinished" not in bob


def test_report_average_meters_at_the_end_per_role(report_md):
    # Alice's finished games end at trust 5, 6, 2 and heat 2, 2, 5; Bob's at 3, 3, 3 and 5, 2, 2
    assert "| Role | Finished games | Trust | Heat |" in report_md
    assert "| Alice | 3 | 4.3 | 3.0 |" in report_md
    assert "| Bob | 3 | 3.0 | 3.0 |" in report_md


def test_report_most_and_least_chosen_at_key_scenes(report_md):
    assert "| Hall | Alice | 4 | Be warm. (3) | A secret way. (0) |" in report_md
    assert "| Yard | Alice, Bob | 6 | Wait. (3) | Hidden door. (1) |" in report_md
    assert "| Garden |" not in report_md  # one game passed it: not a key scene


def test_report_where_the_paths_diverged(report_md):
    assert "**Alice (4 games):** From the first choice on, the games split at 'Hall'" in report_md
    assert "- 3 games: Be warm.\n- 1 game: Be cold." in report_md
    assert "**Bob (3 games):** From the first choice on, the games split at 'Yard'" in report_md
    # between the roles, at the scene both played
    shared = report_md.split("#### Yard", 1)[1]
    assert "| Alice | Push hard. | 1 | 33% | Heat +3 |" in shared
    assert "| Bob | Wait. | 2 | 67% | no meter change |" in shared
    assert "| Bob | Hidden door. | 0 | 0% | no meter change |" in shared
    assert "The roles chose differently. Most chosen: Alice: a tie of 3; Bob: 'Wait.'." in shared
    assert "| Alice | 8 | +1.5; 50% helped, 12% hurt |" in report_md


def test_report_names_the_skipped_saves(report_md, classroom):
    skipped = report_md.split("## Skipped saves", 1)[1]
    for name in ("z-other-story.json", "z-version-2.json", "z-damaged.json"):
        assert str(classroom / name) in skipped
    assert "transcript" not in skipped


def test_first_split_after_shared_choices(mini):
    def game(*choices: str) -> Game:
        state = engine.new_game(mini, "alice")
        for choice in choices:
            state = engine.choose(mini, state, choice)
        return Game("g", state)

    blocks = first_split(mini, "Alice:", [game("warm", "wait"), game("warm", "hidden", "1")])
    text = render_report(mini, Collection((), ()), "md")  # renders with no games at all
    assert "Who played" in text
    from game.tools.documents.document import render

    md = render("t", blocks)
    assert "After the same choices at 'Hall', the games split at 'Yard' (choice 2)" in md
    same = render("t", first_split(mini, "Alice:", [game("warm", "wait"), game("warm")]))
    assert "never split" in same and "'Hall'" in same


def test_counterpart_scenes_of_the_same_title_are_compared(tmp_path):
    """Roles with scenes of their own for the same meeting: matched by title."""
    story_dir = variant(MINI, tmp_path / "paired", 'start = "yard"', 'start = "bob_hall"')
    (story_dir / "bob.toml").write_text(
        """
[scenes.bob_hall]
title = "Hall"
text = "Bob's side of the hall."
roles = ["bob"]

[[scenes.bob_hall.choices]]
text = "Shout."
goto = "yard"
effects = { heat = 1 }
""",
        encoding="utf-8",
    )
    story = load_story(story_dir)
    for n, (role, first) in enumerate([("alice", "warm"), ("bob", "1"), ("bob", "1")]):
        state = engine.choose(story, engine.new_game(story, role), first)
        saves.write(tmp_path / "s", f"g{n}", story, state)
    md = render_report(story, collect(story, [tmp_path / "s"]))
    hall = md.split("#### Hall", 1)[1]
    assert "| Alice | Be warm. | 1 | 100% | Trust +2 |" in hall
    assert "| Bob | Shout. | 2 | 100% | Heat +1 |" in hall
    assert "Most chosen: Alice: 'Be warm.'; Bob: 'Shout.'." in hall


# -- the command ------------------------------------------------------------------------


def test_cli_report_markdown_to_stdout_and_skips_on_stderr(classroom, capsys):
    rc = main(["report", str(classroom), "--story", str(MINI)])
    out = capsys.readouterr()
    assert rc == 0
    assert out.out.startswith("# Mini: class report")
    assert out.err.count("Skipped ") == 3
    assert "z-damaged.json" in out.err


def test_cli_report_html_to_a_file(classroom, tmp_path, capsys):
    target = tmp_path / "report.html"
    files = sorted(str(p) for p in classroom.glob("*.json"))
    rc = main(["report", *files, "--story", str(MINI), "--format", "html", "-o", str(target)])
    assert rc == 0
    assert "Report of 7 games written to" in capsys.readouterr().out
    page = parse_page(target.read_text(encoding="utf-8"))
    text = page.all_text
    for expected in ("Who played which role", "Endings reached", "Good", "67%", "Skipped saves"):
        assert expected in text
    assert {"roles", "endings", "key-scenes", "divergence", "skipped"} <= page.ids


def test_cli_report_with_no_usable_save_exits_1(classroom, tmp_path, capsys):
    rc = main(
        ["report", str(classroom / "z-damaged.json"), str(tmp_path / "empty"), "--story", str(MINI)]
    )
    out = capsys.readouterr()
    assert rc == 1
    assert out.out == ""
    assert "No usable saves of 'mini' version 1" in out.err
    assert "Skipped" in out.err and "no such file or folder" in out.err


def test_cli_report_of_an_empty_folder_exits_1(tmp_path, capsys):
    assert main(["report", str(tmp_path), "--story", str(MINI)]) == 1
    assert "holds no save files" in capsys.readouterr().err


# -- the shipped story ------------------------------------------------------------------


def test_report_over_scripted_games_of_the_shipped_story(tmp_path, capsys):
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    patterns = ["1\n" * 60, "2\n" * 60, "3\n2\n1\n" * 20]
    games = [(f"{role}-{n}", role, keys) for role in story.roles for n, keys in enumerate(patterns)]
    play_all(SHIPPED, tmp_path, games)
    rc = main(["report", str(tmp_path), "--story", str(SHIPPED), "--format", "md"])
    out = capsys.readouterr()
    assert rc == 0, out.err
    assert out.err == ""
    assert f"**Saves:** {len(games)} games used." in out.out
    for role in story.roles.values():
        assert f"| {role.label} | {len(patterns)} |" in out.out
    assert "Where the paths diverged" in out.out
    # every one of these games can be handed in as a transcript too
    rc = main(
        ["transcript", f"{games[0][0]}", "--story", str(SHIPPED), "--saves-dir", str(tmp_path)]
    )
    assert rc == 0
    assert "**Role:**" in capsys.readouterr().out
