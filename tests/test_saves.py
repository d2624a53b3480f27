"""Save slots: atomic, checked, replayed; a bad save is refused and left untouched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.core import engine
from game.format.loader import load_story
from game.persist import locations, saves
from support import MINI, ROOT


@pytest.fixture
def played(mini_story):
    state = engine.new_game(mini_story, "alice")
    return engine.choose(mini_story, state, "warm")


def copy_story(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for f in MINI.iterdir():
        (dest / f.name).write_text(f.read_text())
    return dest


def test_round_trip(tmp_path, mini_story, played):
    path = saves.write(tmp_path, "one", mini_story, played)
    assert path == tmp_path / "one.json"
    loaded = saves.load(mini_story, path)
    assert loaded.state == played
    assert loaded.notice == ""
    header, *lines = path.read_text().splitlines()
    data = json.loads(header)
    assert data["story"] == {"id": "mini", "version": "1", "digest": mini_story.digest}
    assert [json.loads(line) for line in lines] == [["hall", "warm"]]
    assert data["role"] == "alice"
    assert data["format"] == 2 and data["steps"] == 1


def test_custom_start_round_trip(tmp_path, mini_story):
    state = engine.new_game(
        mini_story, "bob", engine.Start("yard", {"trust": 8}, frozenset({"warmed"}))
    )
    state = engine.choose(mini_story, state, "hidden")
    loaded = saves.load(mini_story, saves.write(tmp_path, "s", mini_story, state))
    assert loaded.state == state


def test_no_temp_files_are_left(tmp_path, mini_story, played):
    for _ in range(3):
        saves.write(tmp_path, "one", mini_story, played)
    assert [p.name for p in tmp_path.iterdir()] == ["one.json"]


@pytest.mark.parametrize("name", ["", "../x", "a/b", ".hidden", "..", "a b", "x" * 65, "a\\b", "é"])
def test_bad_slot_names_are_refused(tmp_path, mini_story, played, name):
    with pytest.raises(saves.SaveError, match="not a slot name"):
        saves.write(tmp_path, name, mini_story, played)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["autosave", "Class-3_b", "9"])
def test_good_slot_names(name):
    assert saves.check_slot_name(name) == name


def damage(path: Path, how: str, mini_story, tmp_path: Path) -> str:
    """Damage a save in one of the ways players meet; the expected message."""
    text = path.read_text()
    if how == "corrupt":
        path.write_bytes(b"\x00\xffgarbage")
        return "damaged or truncated"
    if how == "truncated":
        path.write_text(text[: len(text) // 2])
        return "damaged or truncated"
    if how == "hand_edited":
        path.write_text(text + '["yard","wait"]\n["yard","wait"]\n')
        return "edited by hand or damaged"
    if how == "header_edited":
        path.write_text(text.replace('"role":"alice"', '"role":"bob"'))
        return "edited by hand or damaged"
    if how == "not_an_object":
        path.write_text("[1, 2, 3]")
        return "not a save file"
    if how == "other_format":
        path.write_text(text.replace('"format":2', '"format":99'))
        return "save format 99"
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    ["corrupt", "truncated", "hand_edited", "header_edited", "not_an_object", "other_format"],
)
def test_damaged_saves_are_refused_and_left_untouched(tmp_path, mini_story, played, how):
    path = saves.write(tmp_path, "one", mini_story, played)
    expected = damage(path, how, mini_story, tmp_path)
    before = path.read_bytes()
    with pytest.raises(saves.SaveError, match=expected):
        saves.load(mini_story, path)
    assert path.read_bytes() == before
    # the load list shows it with the reason, rather than hiding it or crashing
    [info] = saves.slots(tmp_path)
    assert info.save is None and expected in info.error


def test_save_of_another_story_is_refused(tmp_path, mini_story, played):
    other_dir = copy_story(tmp_path / "other")
    story_toml = other_dir / "story.toml"
    story_toml.write_text(story_toml.read_text().replace('id = "mini"', 'id = "other"'))
    other = load_story(other_dir)
    path = saves.write(
        tmp_path, "x", other, engine.choose(other, engine.new_game(other, "alice"), "warm")
    )
    with pytest.raises(saves.SaveError, match="made for the story 'other', not 'mini'"):
        saves.load(mini_story, path)


def test_save_of_an_edited_story_names_the_missing_choice(tmp_path, mini_story, played):
    path = saves.write(tmp_path, "x", mini_story, played)
    edited_dir = copy_story(tmp_path / "edited")
    scenes = edited_dir / "scenes.toml"
    scenes.write_text(scenes.read_text().replace('id = "warm"', 'id = "friendly"'))
    edited = load_story(edited_dir)
    with pytest.raises(saves.SaveError, match="choice 'warm' of scene 'hall' no longer exists"):
        saves.load(edited, path)


def test_save_of_an_edited_story_that_still_fits_loads_with_a_notice(tmp_path, mini_story, played):
    path = saves.write(tmp_path, "x", mini_story, played)
    edited_dir = copy_story(tmp_path / "edited")
    (edited_dir / "endings.toml").write_text(
        (edited_dir / "endings.toml").read_text() + "\n# typo fixed\n"
    )
    loaded = saves.load(load_story(edited_dir), path)
    assert loaded.state == played
    assert "replayed and still fit" in loaded.notice


def test_slots_newest_first_and_continue(tmp_path, mini_story, played):
    saves.write(tmp_path, "old", mini_story, played)
    os.utime(tmp_path / "old.json", (1, 1))
    time.sleep(0.01)
    saves.write(tmp_path, "new", mini_story, engine.choose(mini_story, played, "wait"))
    (tmp_path / "notes.txt").write_text("not a save")
    names = [s.name for s in saves.slots(tmp_path)]
    assert set(names) == {"old", "new"}
    assert saves.newest(tmp_path, mini_story) is not None


def test_slots_of_a_missing_folder_is_empty(tmp_path):
    assert saves.slots(tmp_path / "none") == []


def test_a_write_error_is_a_clear_message(tmp_path, mini_story, played, monkeypatch):
    saves.write(tmp_path, "one", mini_story, played)
    before = (tmp_path / "one.json").read_bytes()

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(
        saves.SaveError, match=r"No space left on device.*previous save is unharmed"
    ):
        saves.write(tmp_path, "one", mini_story, engine.choose(mini_story, played, "wait"))
    assert (tmp_path / "one.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["one.json"]


def test_resolve_slot_or_path(tmp_path):
    assert saves.resolve(tmp_path, "one") == tmp_path / "one.json"
    file = tmp_path / "elsewhere.json"
    file.write_text("{}")
    assert saves.resolve(tmp_path, str(file)) == file


def test_default_saves_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("MAR_A_LAGO_SAVES_DIR")
    assert locations.default_saves_dir() == ROOT / "saves"  # played from the checkout
    monkeypatch.setattr(locations, "in_checkout", lambda: False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert locations.default_saves_dir() == tmp_path / "mar-a-lago" / "saves"


KILLER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from game.core import engine
    from game.persist import saves
    from game.format.loader import load_story
    story = load_story(sys.argv[1])
    state = engine.new_game(story, "alice")
    states = [state, engine.choose(story, state, "warm"), engine.choose(story, state, "cold")]
    print("ready", flush=True)
    i = 0
    while True:
        saves.write(Path(sys.argv[2]), "slot", story, states[i % 3])
        i += 1
    """
)


def test_sigkill_during_saves_never_damages_the_slot(tmp_path, mini_story):
    for attempt in range(5):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLER, str(MINI), str(tmp_path)],
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(0.05 + 0.03 * attempt)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        loaded = saves.load(mini_story, tmp_path / "slot.json")
        assert loaded.state.role == "alice"
