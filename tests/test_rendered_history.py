"""Past choices read as the players read them: a story whose choice, scene, passage and
ending texts hold `{meter}` values and `{flag: a|b}` conditions (tests/fixtures/rendered),
played in line mode by real processes, then written up by `mar-a-lago transcript` and
`mar-a-lago report`: every past choice shows its rendered words (with the state before
it), never a brace. A duo summit's round reports and transcript too."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.core import engine
from game.format.loader import load_story
from game.tools.documents.report import Collection, Game, render_report
from game.tools.documents.wording import Wording
from support import FIXTURES

RENDERED = FIXTURES / "rendered"

#: the games of the class: player, role, the numbers typed
GAMES = (
    ("Ana", "pilot", "1\n1\n"),  # warn, then turn back
    ("Bo", "pilot", "2\n2\n"),  # wait, then press on
    ("Cy", "mate", "1\n2\n"),  # warn, then press on
    ("Di", "mate", "2\n1\n"),  # wait, then turn back
    ("Ed", "pilot", "1\n1\n"),  # warn, then turn back
)

#: what each player read for the two choices they made
READ = {
    "Ana": (
        "Radio the coast with 3 fuel in the tank, for the first time.",
        "Turn back at 2 fuel as the warning said.",
    ),
    "Bo": ("Wait at the dock with 3 fuel and no warning.", "Press on with calm at 3."),
    "Cy": (
        "Radio the coast with 3 fuel in the tank, for the first time.",
        "Press on with calm at 2.",
    ),
    "Di": (
        "Wait at the dock with 3 fuel and no warning.",
        "Turn back at 3 fuel with nobody warned.",
    ),
    "Ed": (
        "Radio the coast with 3 fuel in the tank, for the first time.",
        "Turn back at 2 fuel as the warning said.",
    ),
}


def run(
    folder: Path, *args: str, stdin: str = "", story: Path = RENDERED
) -> subprocess.CompletedProcess[str]:
    """`mar-a-lago ARGS --story STORY` in a process of its own, kept out of the machine's
    saves, cache and settings."""
    env = {
        **os.environ,
        "MAR_A_LAGO_SAVES_DIR": str(folder / "default-saves"),
        "MAR_A_LAGO_CACHE_DIR": str(folder / "cache"),
        "MAR_A_LAGO_CONFIG_DIR": str(folder / "config"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "game", *args, "--story", str(story)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def words(text: str) -> str:
    return " ".join(text.split())


def no_markup(text: str) -> str:
    """`text` without a page's style sheet: what is left must hold no brace."""
    return re.sub(r"<style>.*?</style>", "", text, flags=re.S)


@pytest.fixture(scope="module")
def played(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The class's games played in line mode: (the saves folder, each player's output)."""
    root = tmp_path_factory.mktemp("rendered")
    saves_dir = root / "saves"
    outputs = {}
    for name, role, typed in GAMES:
        result = run(
            root,
            "play",
            "--plain",
            "--role",
            role,
            "--name",
            name,
            "--saves-dir",
            str(saves_dir),
            stdin=typed + "\n",  # Enter alone after the ending: no transcript yet
        )
        outputs[name] = result.stdout
    return saves_dir, outputs


def save_of(saves_dir: Path, name: str) -> Path:
    (path,) = saves_dir.glob(f"autosave-rendered-{name}-*.json")
    return path


def test_line_mode_shows_the_texts_with_the_state(played):
    _, outputs = played
    ana = words(outputs["Ana"])
    assert "Fuel stands at 3. No warning has gone out." in ana
    assert "1. Radio the coast with 3 fuel in the tank, for the first time." in ana
    assert "2. Wait at the dock with 3 fuel and no warning." in ana
    assert "Out at sea with 2 fuel and calm at 2. Boats keep clear." in ana
    assert "The coast guard answers: stay alert." in ana
    assert "Home with 2 fuel left. The warning held." in ana
    for name, out in outputs.items():
        assert "{" not in out and "}" not in out, name
        for text in READ[name]:
            assert text in words(out), (name, text)


def test_transcript_says_each_choice_as_the_player_read_it(played, tmp_path):
    saves_dir, outputs = played
    for name, _, _ in GAMES:
        page = run(tmp_path, "transcript", str(save_of(saves_dir, name))).stdout
        made = re.findall(r"^\*\*Choice made:\*\* (.*)$", page, flags=re.M)
        assert made == list(READ[name]), name
        # the very words line mode offered
        assert all(f". {text}" in words(outputs[name]) for text in made)
        assert "{" not in page and "}" not in page, name
    ana = words(run(tmp_path, "transcript", str(save_of(saves_dir, "Ana"))).stdout)
    assert "Out at sea with 2 fuel and calm at 2. Boats keep clear." in ana
    assert "Home with 2 fuel left. The warning held." in ana
    html = run(tmp_path, "transcript", str(save_of(saves_dir, "Di")), "--format", "html").stdout
    assert "Turn back at 3 fuel with nobody warned." in html
    assert "{" not in no_markup(html) and "}" not in no_markup(html)


def test_a_class_folder_of_transcripts_has_no_brace(played, tmp_path):
    saves_dir, _ = played
    out = tmp_path / "transcripts"
    run(tmp_path, "transcript", str(saves_dir), "-o", str(out))
    pages = sorted(out.glob("*.md"))
    assert len(pages) == len(GAMES)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "**Choice made:**" in text
        assert "{" not in text and "}" not in text, page.name


def test_report_words_each_choice_as_the_games_that_made_it_read_it(played, tmp_path):
    saves_dir, _ = played
    report = run(tmp_path, "report", str(saves_dir)).stdout
    assert "{" not in report and "}" not in report
    # key scenes: the most chosen, in the words most of its choosers read
    assert "Radio the coast with 3 fuel in the tank, for the first time. (3)" in report
    assert "Turn back at 2 fuel as the warning said. (3)" in report
    least = re.search(r"\| At Sea \|.*\| (Press on with calm at \d\.) \(2\) \|", report)
    assert least is not None and least.group(1) in (READ["Bo"][1], READ["Cy"][1])
    # the first split of each role
    pilots = report[report.index("**Pilot (3 games):**") :]
    assert "2 games: Radio the coast with 3 fuel in the tank, for the first time." in pilots
    assert "1 game: Wait at the dock with 3 fuel and no warning." in pilots
    # the moments both roles played: each role's row in its own games' words
    sea = report[report.index("#### At Sea") :]
    for row in (
        "| Pilot | Turn back at 2 fuel as the warning said. | 2 |",
        "| Pilot | Press on with calm at 3. | 1 |",
        "| Mate | Turn back at 3 fuel with nobody warned. | 1 |",
        "| Mate | Press on with calm at 2. | 1 |",
    ):
        assert row in sea, row
    assert (
        "The roles chose differently. Most chosen: "
        "Pilot: 'Turn back at 2 fuel as the warning said.'; Mate: a tie of 2." in words(sea)
    )
    html = run(tmp_path, "report", str(saves_dir), "--format", "html").stdout
    assert "Turn back at 3 fuel with nobody warned." in html
    assert "{" not in no_markup(html) and "}" not in no_markup(html)


def test_a_choice_nobody_made_reads_as_the_games_at_its_scene_were_offered_it():
    story = load_story(RENDERED)
    warned = engine.replay(story, "pilot", [("dock", "warn")])
    quiet = engine.replay(story, "mate", [("dock", "wait"), ("sea", "on")])
    wording = Wording(story, [warned, quiet])
    # nobody turned back: the games at the sea were offered it in two wordings, one each
    assert wording.choice("sea", "back") == "Turn back at 2 fuel as the warning said."
    assert wording.choice("sea", "back", "mate") == "Turn back at 3 fuel with nobody warned."
    assert wording.choice("sea", "on") == "Press on with calm at 3."  # the mate's, who chose it
    assert wording.said(quiet, 0) == "Wait at the dock with 3 fuel and no warning."
    # a text without markup is never replayed for
    assert Wording(story, []).choice("sea", "on") == "Press on with calm at 2."


def test_roles_that_made_the_same_choice_in_other_words_chose_alike():
    story = load_story(RENDERED)
    games = [
        Game("a", engine.replay(story, "pilot", [("dock", "warn"), ("sea", "back")])),
        Game("b", engine.replay(story, "mate", [("dock", "wait"), ("sea", "back")])),
    ]
    report = words(render_report(story, Collection(tuple(games), ())))
    assert (
        "The roles chose alike. Most chosen: Pilot: 'Turn back at 2 fuel as the warning "
        "said.'; Mate: 'Turn back at 3 fuel with nobody warned.'." in report
    )
    assert "{" not in report and "}" not in report


def duo_story(tmp_path: Path) -> Path:
    """The duo test story with values and a condition in two of its choices."""
    folder = tmp_path / "duo"
    shutil.copytree(FIXTURES / "duo", folder)
    guest = folder / "guest.toml"
    guest.write_text(
        guest.read_text(encoding="utf-8").replace(
            'text = "Offer talks."', 'text = "Offer talks at trust {trust}."'
        ),
        encoding="utf-8",
    )
    host = folder / "host.toml"
    host.write_text(
        host.read_text(encoding="utf-8").replace(
            'text = "Threaten them."',
            'text = "Threaten them at heat {heat}, {heat >= 4: in a hot room|calmly}."',
        ),
        encoding="utf-8",
    )
    return folder


def test_duo_round_reports_and_transcript_render_each_sides_choice(tmp_path):
    story = duo_story(tmp_path)
    saves_dir = tmp_path / "saves"
    # host presses, guest offers talks (trust +1); host threatens, guest bristles: boom
    typed = "\n2\n\n1\n\n2\n\n1\n\n"
    out = run(
        tmp_path,
        "play",
        "--duo",
        "--plain",
        "--saves-dir",
        str(saves_dir),
        stdin=typed,
        story=story,
    )
    said = words(out.stdout)
    # each side's move as it read it: the trust before the round, not after it
    assert "Adviser to the Guest: Offer talks at trust 3." in said
    assert "Trust 4/10 (+1)" in said
    assert "2. Threaten them at heat 5, in a hot room." in said
    assert "Adviser to the Host: Threaten them at heat 5, in a hot room." in said
    assert "{" not in out.stdout and "}" not in out.stdout
    (save,) = saves_dir.glob("duo-*.json")
    page = run(tmp_path, "transcript", str(save), story=story).stdout
    made = re.findall(r"^\*\*Choice made:\*\* (.*)$", page, flags=re.M)
    assert "Offer talks at trust 3." in made
    assert "Threaten them at heat 5, in a hot room." in made
    assert "{" not in page and "}" not in page
