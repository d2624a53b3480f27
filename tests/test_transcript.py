"""Transcripts: a playthrough as a document a student hands in (Markdown and HTML)."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from game.cli.main import main
from game.core import engine
from game.core.engine import GameState, Start
from game.core.model import Story
from game.format.loader import load_story
from game.persist import saves
from game.tools.documents.document import md_escape
from game.tools.documents.svg import Series, line_chart
from game.tools.documents.transcript import render_transcript, steps
from support import MINI, ROOT

SVG = "{http://www.w3.org/2000/svg}"
VOID = {"meta", "link", "br", "hr", "img", "input", "col", "area", "base", "source", "wbr"}
#: alice: hall (warm) -> yard (hidden door) -> garden (finish) -> "Good"
GOOD_PATH = ("warm", "hidden", "1")


class Page(HTMLParser):
    """Parses a page and checks that every element is closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.ids |= {v for k, v in attrs if k == "id" and v}
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.text.append(" ".join(data.split()))

    @property
    def all_text(self) -> str:
        return "\n".join(self.text)


def parse_page(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    assert page.startswith("<!DOCTYPE html>")
    return parser


def play(story: Story, role: str, *choices: str, start: Start | None = None) -> GameState:
    state = engine.new_game(story, role, start)
    for choice in choices:
        state = engine.choose(story, state, choice)
    return state


@pytest.fixture(scope="module")
def mini() -> Story:
    return load_story(MINI)


@pytest.fixture(scope="module")
def good(mini: Story) -> GameState:
    state = play(mini, "alice", *GOOD_PATH)
    assert state.ending == "good"
    return state


# -- Markdown ---------------------------------------------------------------------------


def test_markdown_has_role_scenes_choices_meters_ending_sources_and_questions(mini, good):
    md = render_transcript(mini, good, "md")
    assert md.startswith("# Mini: transcript of a game\n")
    assert "**Role:** Alice" in md
    for number, title in enumerate(("Hall", "Yard", "Garden"), 1):
        assert f"## {number}. {title}\n" in md
    for choice in ("Be warm.", "Hidden door.", "Finish."):
        assert f"**Choice made:** {choice}" in md
    # the meters after each choice, and their table per step
    assert "**Meters after it:** Trust 5/10 (+2) | Heat 2/5" in md
    assert "| Step | Scene of the choice | Trust | Heat |" in md
    assert "| Start |  | 3 | 2 |" in md
    assert "| 1 | Hall | 5 (+2) | 2 |" in md
    assert "| 3 | Garden | 6 (+1) | 2 |" in md
    assert "Heat: 0 to 5, lower is better" in md
    # the ending: title, text, the passage that held, the final meters
    assert "## The end: Good" in md
    assert "> It went well.\n>\n> Warmth helped." in md
    assert "**Final meters:** Trust 6/10 | Heat 2/5" in md
    # the article paragraphs each step drew on, and the debrief questions
    assert md.count("**Sources:** P1") == 1
    assert "## Article paragraphs this game drew on\n\nP1\n" in md
    assert "## For discussion\n\n1. Why?" in md
    assert "Not finished" not in md


def test_markdown_shows_the_passages_that_held_at_that_moment(mini):
    # trust 3 at the hall: its low-trust passage shows
    low = render_transcript(mini, play(mini, "alice", "cold", "wait"))
    assert "> Low trust." in low
    # the same scene met with trust 5 (a custom start) does not show it
    high = render_transcript(
        mini, play(mini, "alice", "cold", "wait", start=Start("hall", {"trust": 5}))
    )
    assert "Low trust." not in high
    assert "custom start" in high
    # the ending's passage needs the 'warmed' flag: not set on this path
    assert "## The end: Draw" in low
    assert "Warmth helped." not in low


def test_markdown_escapes_story_text_so_it_shows_as_written(mini, good):
    md = render_transcript(mini, good)
    assert r"> A hall. \[bold\]Not markup\[/\]." in md


def test_markdown_escape_rules():
    assert md_escape("a *b* _c_ <d> [e](f) `g` \\") == r"a \*b\* \_c\_ \<d\> \[e\](f) \`g\` \\"
    assert md_escape("# not a heading") == r"\# not a heading"
    assert md_escape("1. not a list") == r"1\. not a list"
    assert md_escape("- not a list") == r"\- not a list"
    assert md_escape("2017. A year") == r"2017\. A year"
    assert md_escape("2017 was a year") == "2017 was a year"
    assert md_escape("a | b") == "a | b"
    assert md_escape("a | b", cell=True) == r"a \| b"
    assert md_escape("Trump & Xi &amp;") == r"Trump & Xi \&amp;"


def test_an_unfinished_game_says_so(mini):
    state = play(mini, "alice", "warm")
    md = render_transcript(mini, state)
    assert "**Outcome:** Not finished yet: 1 choices made so far, at 'Yard'" in md
    assert "## 2. Yard\n\n> A yard." in md
    assert "## Not finished yet" in md
    assert "For discussion" not in md
    html = render_transcript(mini, state, "html")
    assert "Not finished yet" in parse_page(html).all_text


def test_a_game_with_no_choices_yet(mini):
    md = render_transcript(mini, engine.new_game(mini, "bob"))
    assert "**Role:** Bob" in md
    assert "## 1. Yard" in md
    assert "Not finished yet" in md


def test_steps_replay_what_the_player_saw(mini, good):
    start, walked = steps(mini, good)
    assert start.scene == "hall"
    assert [s.scene.id for s in walked] == ["hall", "yard", "garden"]
    assert [s.choice.id for s in walked] == list(GOOD_PATH)
    assert walked[0].shown == ("A hall. [bold]Not markup[/].", "Low trust.")
    assert dict(walked[-1].after) == dict(good.meters)


def test_unknown_format_is_refused(mini, good):
    with pytest.raises(ValueError, match="unknown format"):
        render_transcript(mini, good, "pdf")


# -- HTML -------------------------------------------------------------------------------


def test_html_is_well_formed_with_the_same_content(mini, good):
    page = render_transcript(mini, good, "html")
    parsed = parse_page(page)
    text = parsed.all_text
    assert "Mini: transcript (Alice)" in text  # <title>
    for expected in (
        "Role:",
        "Alice",
        "1. Hall",
        "2. Yard",
        "3. Garden",
        "Be warm.",
        "Hidden door.",
        "Finish.",
        "Trust 5/10 (+2) | Heat 2/5",
        "The end: Good",
        "Warmth helped.",
        "Sources:",
        "P1",
        "For discussion",
        "Why?",
        # escaped, then shown as written
        "A hall. [bold]Not markup[/].",
    ):
        assert expected in text, expected
    assert {"meters", "step-1", "step-3", "ending", "questions", "meters-chart-title"} <= parsed.ids
    assert "<strong>Role:</strong> Alice" in page
    assert "<table>" in page and "<ol>" in page


def test_html_has_an_inline_svg_line_chart_per_meter(mini, good):
    page = render_transcript(mini, good, "html")
    assert "svg" in parse_page(page).tags
    found = re.findall(r"<svg\b.*?</svg>", page, flags=re.DOTALL)
    assert len(found) == 1
    svg = ET.fromstring(found[0])  # well-formed XML, not only tag soup
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    assert svg.findtext(f"{SVG}title") == "The meters over the game"
    lines = svg.findall(f".//{SVG}polyline")
    assert len(lines) == len(mini.meters)
    for line in lines:
        assert len((line.get("points") or "").split()) == len(good.history) + 1
    labels = [t.text or "" for t in svg.iter(f"{SVG}text")]
    assert "Trust 6" in labels and "Heat 2" in labels  # end labels with the last value
    assert "Trust" in labels and "Heat" in labels  # the legend
    assert "Start" in labels
    tooltips = [t.text for t in svg.iter(f"{SVG}title")]
    assert "Trust, 1: 5" in tooltips


def test_markdown_has_no_svg(mini, good):
    assert "<svg" not in render_transcript(mini, good, "md")


def test_svg_chart_edge_cases():
    one = ET.fromstring(
        line_chart([Series('A <&> "b"', (3,))], ["Start"], title="t & <u>", y_min=0, y_max=0)
    )
    assert one.findtext(f"{SVG}title") == "t & <u>"
    assert any((t.text or "").startswith('A <&> "b"') for t in one.iter(f"{SVG}text"))
    many = line_chart(
        [Series(f"M{n}", tuple(5 for _ in range(40))) for n in range(8)],
        [str(n) for n in range(40)],
        title="t",
        y_min=0,
        y_max=100,
    )
    root = ET.fromstring(many)
    assert len(root.findall(f".//{SVG}polyline")) == 8
    # equal end values: the end labels are spread apart, not drawn on top of each other
    ends = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"]
    ys = sorted(float(t.get("y", "0")) for t in ends)
    assert all(b - a >= 12 for a, b in itertools.pairwise(ys))


# -- the command ------------------------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path, mini: Story, good: GameState) -> Path:
    saves.write(tmp_path, "alice-good", mini, good)
    return tmp_path


def test_cli_prints_markdown_for_a_slot(saved, capsys):
    rc = main(["transcript", "alice-good", "--story", str(MINI), "--saves-dir", str(saved)])
    out = capsys.readouterr()
    assert rc == 0
    assert out.out.startswith("# Mini: transcript of a game")
    assert "## The end: Good" in out.out


def test_cli_writes_html_for_a_path_to_a_file(saved, tmp_path, capsys):
    target = tmp_path / "out" / "alice.html"
    rc = main(
        [
            "transcript",
            str(saved / "alice-good.json"),
            "--story",
            str(MINI),
            "--format",
            "html",
            "-o",
            str(target),
        ]
    )
    assert rc == 0
    assert str(target) in capsys.readouterr().out
    assert "The end: Good" in parse_page(target.read_text(encoding="utf-8")).all_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{ not json", "damaged or truncated"),
        (json.dumps({"format": 1, "checksum": "0"}), "checksum does not match"),
        (None, "no such save"),
    ],
)
def test_cli_bad_save_exits_1_with_a_message(tmp_path, capsys, content, message):
    if content is not None:
        (tmp_path / "bad.json").write_text(content)
    rc = main(["transcript", "bad", "--story", str(MINI), "--saves-dir", str(tmp_path)])
    out = capsys.readouterr()
    assert rc == 1
    assert out.out == ""
    assert out.err.startswith("Cannot write a transcript:")
    assert message in out.err
    assert "Traceback" not in out.err


def test_cli_save_of_another_story_exits_1(tmp_path, capsys, mini, good):
    other = tmp_path / "other"
    shutil.copytree(MINI, other)
    story_toml = other / "story.toml"
    story_toml.write_text(story_toml.read_text().replace('id = "mini"', 'id = "other"'))
    saves.write(tmp_path, "theirs", load_story(other), play(load_story(other), "bob", "wait"))
    rc = main(["transcript", "theirs", "--story", str(MINI), "--saves-dir", str(tmp_path)])
    assert rc == 1
    assert "made for the story 'other'" in capsys.readouterr().err


# -- plain mode: one key at the end writes it -------------------------------------------


def run_plain(saves_dir: Path, slot: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "play",
            "--plain",
            "--story",
            str(MINI),
            "--role",
            "alice",
            "--saves-dir",
            str(saves_dir),
            "--autosave-slot",
            slot,
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_plain_mode_writes_the_transcript_with_t(tmp_path):
    result = run_plain(tmp_path, "kim", "1\n2\nt\n")
    assert result.returncode == 0, result.stderr
    target = tmp_path / "kim-transcript.md"
    assert "Press t then Enter to write a transcript" in result.stdout
    assert f"Transcript written to {target}" in result.stdout
    md = target.read_text(encoding="utf-8")
    assert "**Choice made:** Be warm." in md and "**Choice made:** Wait." in md
    assert "## The end: Good" in md


def test_plain_mode_end_of_input_after_the_ending_is_quiet(tmp_path):
    result = run_plain(tmp_path, "kim", "1\n2\n")
    assert result.returncode == 0
    assert result.stderr == ""
    assert not (tmp_path / "kim-transcript.md").exists()
    assert (tmp_path / "kim.json").exists()


def test_plain_mode_unique_slot_names_the_transcript_after_the_save(tmp_path):
    result = run_plain(tmp_path, "unique", "1\n2\nT\n")
    assert result.returncode == 0, result.stderr
    (save,) = tmp_path.glob("game-*.json")
    assert re.fullmatch(r"game-\d{8}-\d{6}-[0-9a-f]{4}\.json", save.name)
    assert (tmp_path / f"{save.stem}-transcript.md").is_file()


def test_transcript_and_report_do_not_import_textual():
    code = (
        "import sys, game.tools.documents.transcript, game.tools.documents.report, game.tools.documents.svg, game.tools.documents.document; "
        "print('textual' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.stdout.strip() == "False False", out.stderr


def test_the_chart_keeps_a_few_gridlines_whatever_the_meter_range():
    from game.tools.documents.svg import _ticks

    for low, high in [(0, 10), (0, 3), (-5, 5), (0, 10**9), (-(10**18), 10**18), (4, 4)]:
        ticks = _ticks(low, high)
        assert 1 <= len(ticks) <= 12
        assert all(low <= t <= high for t in ticks)
