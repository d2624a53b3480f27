"""The first frame stays cheap: what the app imports before it, and what it defers."""

from __future__ import annotations

import subprocess
import sys


def test_the_app_imports_only_the_title_screen_before_its_first_frame() -> None:
    code = (
        "import sys, game.tui.app; print(' '.join(m for m in sys.modules if m.startswith('game.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "game.tui.screens.title" in out
    deferred = {
        "game.persist.saves",
        "game.core.engine",
        "game.tui.screens.scene",
        "game.tui.screens.ending",
        "game.tui.screens.help",
        "game.tui.screens.load",
        "game.tui.screens.role",
        "game.tui.screens.save",
    }
    assert not deferred & set(out)
