"""The loader: valid stories load; every broken fixture gives its message at its line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.format.loader import StoryLoadError, check_story, load_story
from game.format.locate import Locator
from support import FIXTURES, MINI

BROKEN = sorted(p for p in (FIXTURES / "broken").iterdir() if p.is_dir())


def test_there_are_at_least_25_broken_fixtures():
    assert len(BROKEN) >= 25


@pytest.mark.parametrize("case", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_fixture_reports_its_problem_at_its_line(case: Path):
    folder = case / "story"
    expected = (case / "expected.txt").read_text().splitlines()[0]
    where, _, message = expected.partition(": ")
    rel, line, column = _where(where)
    story, problems = check_story(folder)
    assert story is None
    assert problems, "a broken story must report a problem"
    first = problems[0]
    want_path = f"{folder}/{rel}" if rel else str(folder)
    assert first.path == want_path
    assert first.line == line
    if column is not None:
        assert first.column == column
    assert first.message.startswith(message), first.message
    # the same as the author sees it: `path:line:column: message` (no column if unknown)
    at = f"{first.line}:{first.column}" if first.column else str(first.line)
    assert str(first) == f"{first.path}:{at}: {first.message}"


def _where(where: str) -> tuple[str, int, int | None]:
    """`file:line` or `file:line:column` -> (file, line, column or None)."""
    rel, _, last = where.rpartition(":")
    head, _, before = rel.rpartition(":")
    if before.isdigit():
        return head, int(before), int(last)
    return rel, int(last), None


@pytest.mark.parametrize("case", BROKEN[:5], ids=[p.name for p in BROKEN[:5]])
def test_check_cli_prints_problems_and_exits_1_without_traceback(case: Path):
    result = subprocess.run(
        [sys.executable, "-m", "game", "check", str(case / "story")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    expected = (case / "expected.txt").read_text().splitlines()[0]
    assert expected.split(": ", 1)[1][:30] in result.stderr


def test_the_mini_story_loads_with_everything(mini_story):
    story = mini_story
    assert story.id == "mini"
    assert list(story.meters) == ["trust", "heat"]
    assert story.meters["heat"].good == "low"
    assert list(story.roles) == ["alice", "bob"]
    hall = story.scenes["hall"]
    assert [c.id for c in hall.choices] == ["warm", "cold", "secret"]
    assert hall.choices[2].locked_reason == "Nobody trusts you that much."
    assert story.scenes["garden"].choices[0].id == "1"  # default id by position
    assert story.ending_order == ("boom", "good", "draw")
    assert hall.file.endswith("scenes.toml") and hall.line == 1
    assert hall.choices[1].line == 18
    assert len(story.digest) == 64


def test_all_problems_are_reported_at_once(tmp_path: Path):
    text = (MINI / "scenes.toml").read_text()
    text = text.replace('goto = "yard"', 'goto = "yrd"').replace(
        "effects = { trust = 2 }", "effects = { trst = 2 }"
    )
    for name in ("story.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    (tmp_path / "scenes.toml").write_text(text)
    _, problems = check_story(tmp_path)
    messages = [p.message for p in problems]
    assert sum("goto 'yrd'" in m for m in messages) == 2
    assert any("unknown meter 'trst'" in m for m in messages)


def test_load_story_raises_with_every_problem(tmp_path: Path):
    (tmp_path / "a.toml").write_text('[story]\nid = "x"\n')
    with pytest.raises(StoryLoadError) as info:
        load_story(tmp_path)
    assert len(info.value.problems) >= 3  # title, version, format missing, no role, no ending
    assert "a.toml:1:" in str(info.value)


def test_missing_folder_and_file_instead_of_folder(tmp_path: Path):
    _, problems = check_story(tmp_path / "nope")
    assert "no such folder" in problems[0].message
    (tmp_path / "f.toml").write_text("")
    _, problems = check_story(tmp_path / "f.toml")
    assert "not a folder" in problems[0].message


def test_hidden_files_and_other_extensions_are_ignored(tmp_path: Path):
    for name in ("story.toml", "scenes.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    (tmp_path / ".#scenes.toml").write_text("not toml at all [[[")
    (tmp_path / "notes.txt").write_text("not toml")
    assert load_story(tmp_path).id == "mini"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; see the monkeypatched test")
def test_unreadable_file_by_permissions(tmp_path: Path):  # pragma: no cover - non-root only
    (tmp_path / "a.toml").write_text("[story]\n")
    (tmp_path / "a.toml").chmod(0)
    _, problems = check_story(tmp_path)
    assert "cannot read this file" in problems[0].message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("story.toml", "scenes.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    real = Path.read_bytes

    def deny(self: Path) -> bytes:
        if self.name == "scenes.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", deny)
    _, problems = check_story(tmp_path)
    assert [str(p) for p in problems] == [
        f"{tmp_path}/scenes.toml:1: cannot read this file (Permission denied); check its permissions"
    ]


def test_digest_changes_with_any_file(tmp_path: Path):
    for name in ("story.toml", "scenes.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    before = load_story(tmp_path).digest
    (tmp_path / "endings.toml").write_text((MINI / "endings.toml").read_text() + "\n# a comment\n")
    assert load_story(tmp_path).digest != before


def test_nothing_in_a_story_is_evaluated(tmp_path: Path):
    for name in ("story.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    text = (
        (MINI / "scenes.toml")
        .read_text()
        .replace('text = "A yard."', "text = \"__import__('os').system('touch pwned')\"")
    )
    (tmp_path / "scenes.toml").write_text(text)
    story = load_story(tmp_path)
    assert story.scenes["yard"].text.startswith("__import__")
    assert not (tmp_path / "pwned").exists()


class TestLocator:
    def test_headers_keys_arrays_and_inline_tables(self):
        text = (
            '[a]\nx = 1\n\n[[a.items]]\nname = "one"\n\n[[a.items]]\nname = """two\n[fake]\n"""\n'
            'routes = [\n  { when = { m = 1 }, goto = "s" },\n  { goto = "t" },\n]\n'
        )
        loc = Locator(text)
        assert loc.line(("a", "x")) == 2
        assert loc.line(("a", "items", 0, "name")) == 5
        assert loc.line(("a", "items", 1)) == 7
        assert loc.line(("fake",)) == 1  # inside a string: not a header
        assert loc.line(("a", "items", 1, "routes", 1)) == 13
        assert loc.line(("a", "items", 1, "routes", 0, "goto")) == 12
        assert loc.line(("a", "items", 1, "missing")) == 7  # nearest known parent

    def test_quoted_and_dotted_keys(self):
        loc = Locator('[scenes."odd.id"]\nmeta.note = "x"\n')
        assert loc.line(("scenes", "odd.id", "meta", "note")) == 2


def test_a_file_name_that_is_not_utf8_is_a_problem(tmp_path: Path):
    for name in ("story.toml", "scenes.toml", "endings.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    (tmp_path / os.fsdecode(b"bad\xffname.toml")).write_text("")
    _, problems = check_story(tmp_path)
    assert [p.message for p in problems] == ["the file name is not UTF-8; rename the file"]
    assert problems[0].path == f"{tmp_path}/bad\\xffname.toml"


def test_an_immediate_ending_that_always_holds_is_refused(tmp_path: Path):
    for name in ("story.toml", "scenes.toml"):
        (tmp_path / name).write_text((MINI / name).read_text())
    text = (MINI / "endings.toml").read_text().replace("when = { heat = { min = 5 } }", "when = {}")
    (tmp_path / "endings.toml").write_text(text)
    _, problems = check_story(tmp_path)
    assert "an immediate ending needs a `when` that tests something" in problems[0].message
