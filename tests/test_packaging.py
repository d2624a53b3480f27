"""A plain (non-editable) install finds its shipped story from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("*.whl")
    return built


def test_the_wheel_carries_the_story_and_the_command(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = sorted(
        p.relative_to(ROOT / "story").as_posix() for p in (ROOT / "story").rglob("*.toml")
    )
    assert shipped, "the repo's story/ folder is the one source"
    for rel in shipped:
        assert f"game/story/{rel}" in names
    assert "game/py.typed" in names
    assert "game/story.schema.json" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "mar-a-lago = game.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_game_runs_from_any_folder(wheel: Path, tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("MAR_A_LAGO_SAVES_DIR", None)
    code = (
        "import game.persist.locations as l, sys; "
        "print(l.shipped_story_dir()); print(l.in_checkout()); print(l.default_saves_dir())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    story_dir, checkout, saves_dir = out.stdout.splitlines()
    assert story_dir == str(target / "game" / "story")
    assert checkout == "False"
    assert saves_dir == str(tmp_path / "data" / "mar-a-lago" / "saves")
    check = subprocess.run(
        [sys.executable, "-m", "game", "check"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("OK: 'Cooperate or Else!'")
