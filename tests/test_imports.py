"""Import hygiene: no import circle among the game's modules, and the engine and the
non-UI commands never load Textual."""

from __future__ import annotations

import subprocess
import sys

import grimp
import pytest

from support import MINI, ROOT

PURE = [
    "game.core.model",
    "game.core.engine",
    "game.core.text",
    "game.core.frozenmap",
    "game.format.loader",
    "game.format.shapes",
    "game.format.references",
    "game.format.build",
    "game.format.cache",
    "game.persist.saves",
    "game.tools.explore.analysis",
    "game.tools.explore.asserts",
    "game.tools.stats",
    "game.session.session",
    "game.plain.linegame",
    "game.cli.main",
]

#: circles known when this test was written, each owned by work in progress; the test
#: fails on any other, and on these once they are gone from the graph (then drop them)
KNOWN_CIRCLES: list[list[str]] = []


def import_circles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The groups of modules that import one another in a circle (strongly connected
    components of more than one module, or a module importing itself), each sorted."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for root in modules:  # Tarjan's algorithm, without recursion
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(edges[root]))]
        while work:
            node, todo = work[-1]
            for nxt in todo:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(edges[nxt])))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    group = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.append(member)
                        if member == node:
                            break
                    if len(group) > 1 or node in edges[node]:
                        circles.append(sorted(group))
    return sorted(circles)


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    # every import counts: at the top of a module, inside functions, under TYPE_CHECKING
    return grimp.build_graph("game", cache_dir=None)


def test_no_import_circles_among_the_games_modules(graph):
    circles = import_circles(graph)
    new = [c for c in circles if c not in KNOWN_CIRCLES]
    assert not new, "modules that import one another in a circle: " + "; ".join(
        " <-> ".join(c) for c in new
    )
    gone = [c for c in KNOWN_CIRCLES if c not in circles]
    assert not gone, f"no longer a circle, drop it from KNOWN_CIRCLES: {gone}"


def test_the_circle_finder_finds_circles():
    graph = grimp.ImportGraph()
    for module in ("a", "a.b", "a.c", "a.d", "a.e"):
        graph.add_module(module)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.d")
    graph.add_import(importer="a.d", imported="a.b")  # b -> c -> d -> b
    graph.add_import(importer="a.e", imported="a.b")  # into the circle, not part of it
    assert import_circles(graph) == [["a.b", "a.c", "a.d"]]
    graph.add_import(importer="a.e", imported="a.e")
    assert import_circles(graph) == [["a.b", "a.c", "a.d"], ["a.e"]]


def test_imports_inside_functions_count(graph):
    # `play` without --plain starts the TUI from inside cmd_play
    assert "game.tui.app" in graph.find_modules_directly_imported_by("game.cli.play")


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


def test_building_the_command_line_loads_no_server_or_editor_code():
    # every command builds the whole parser first: it must stay light (`check`, `lsp`
    # and `play` start at once), so serve's options come without aiohttp/textual-serve
    code = (
        "import sys, importlib; importlib.import_module('game.cli.main').build_parser(); "
        "print(sorted(m for m in ('aiohttp', 'textual_serve', 'textual', 'pygls') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"
