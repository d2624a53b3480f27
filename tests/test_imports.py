"""Import hygiene: the engine and the non-UI commands never load Textual."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support import MINI, ROOT

PURE = [
    "game.core.model",
    "game.format.loader",
    "game.core.engine",
    "game.persist.saves",
    "game.plain.linegame",
    "game.cli.main",
    "game.core.text",
]


@pytest.mark.parametrize("module", PURE)
def test_pure_modules_do_not_import_textual(module):
    code = f"import sys, {module}; print('textual' in sys.modules, 'rich' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "False False"


PROBE = """
import sys, runpy
sys.argv = ["mar-a-lago", *{args!r}]
try:
    runpy.run_module("game", run_name="__main__")
except SystemExit:
    pass
print("TEXTUAL" if "textual" in sys.modules else "NO-TEXTUAL", file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["check", str(MINI)],
        ["play", "--plain", "--story", str(MINI), "--role", "bob"],
    ],
)
def test_non_ui_commands_do_not_import_textual(args, tmp_path):
    args = [*args, "--saves-dir", str(tmp_path)] if args[0] == "play" else args
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        input="2\n",
        timeout=60,
    )
    assert out.stderr.strip().endswith("NO-TEXTUAL"), out.stderr
