"""`mar-a-lago graph`: the story map as Mermaid and Graphviz DOT, checked for syntax
(structurally, always; by Graphviz itself when `dot` is installed)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.core.model import Story
from game.format.loader import check_story, load_story
from game.tools import graph
from support import FIXTURES, MINI, ROOT, SHIPPED

EXPLORE = FIXTURES / "explore"

TRICKY = '''
[story]
id = "tricky"
title = 'He said "go" [now] {or} <never> | #1; `x` \\ back'
version = "1"
format = 1

[meters.trust]
label = "Trust"
min = 0
max = 3
start = 1

[roles.one]
label = 'The "one" [role]'
start = "a"

[scenes.a]
title = 'A "quoted" [bracketed] {braced} <angled> | piped #hashed; `ticked` \\ slashed'
text = "A."
roles = ["one"]

[[scenes.a.choices]]
id = "go"
text = "Go."
goto = "b"
effects = { trust = 1 }
set = ["went"]
requires = { any = [{ trust = { min = 1 } }, { flags = ["went"] }] }

[scenes.b]
title = """Two
lines"""
text = "B."

[[scenes.b.choices]]
text = "End."
goto = "end"
routes = [{ when = { not_flags = ["went"] }, goto = "end:odd" }]

[endings.odd]
title = 'Odd "one"'
text = "Odd."
rank = 0
immediate = true
when = { trust = { min = 3, max = 3 } }

[endings.fine]
title = "Fine"
text = "Fine."
rank = 5
'''


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Story:
    folder = tmp_path_factory.mktemp("tricky")
    (folder / "story.toml").write_text(TRICKY, encoding="utf-8")
    return load_story(folder)


def stories() -> list[Path]:
    return [MINI, *sorted(p for p in EXPLORE.iterdir() if p.is_dir())]


def shipped() -> Story:
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    return story


# -- a structural DOT parser: the subset `graph.dot` writes --------------------------------

TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|(->|[{}\[\];,=])|([A-Za-z_][A-Za-z0-9_]*)|(\S))')


def dot_tokens(text: str) -> list[str]:
    tokens = []
    pos = 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        assert m, text[pos : pos + 40]
        if m.group(4):
            raise AssertionError(f"stray character {m.group(4)!r} at {pos}")
        tokens.append(next(g for g in m.groups() if g is not None))
        pos = m.end()
        if not text[pos:].strip():
            break
    return tokens


def unquote(token: str) -> str:
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), token[1:-1])


def parse_dot(text: str):
    """(nodes: id -> attrs, edges: [(a, b, attrs)]); fails on anything else."""
    t = dot_tokens(text)
    assert t[0] == "digraph" and t[2] == "{" and t[-1] == "}", (t[:3], t[-1])
    unquote(t[1])
    i = 3
    nodes: dict[str, dict[str, str]] = {}
    edges: list[tuple[str, str, dict[str, str]]] = []

    def attrs(i: int) -> tuple[dict[str, str], int]:
        found: dict[str, str] = {}
        if t[i] != "[":
            return found, i
        i += 1
        while t[i] != "]":
            key, eq, value = t[i], t[i + 1], t[i + 2]
            assert re.fullmatch(r"[a-z]+", key) and eq == "=", t[i : i + 3]
            found[key] = unquote(value)
            i += 3
            if t[i] == ",":
                i += 1
        return found, i + 1

    while t[i] != "}":
        if t[i] in ("graph", "node", "edge"):
            _, i = attrs(i + 1)
        else:
            a = unquote(t[i])
            if t[i + 1] == "->":
                b = unquote(t[i + 2])
                found, i = attrs(i + 3)
                edges.append((a, b, found))
            else:
                found, i = attrs(i + 1)
                nodes[a] = found
        assert t[i] == ";", t[i - 2 : i + 2]
        i += 1
    assert i == len(t) - 1
    return nodes, edges


def check_dot(text: str) -> tuple[dict[str, dict[str, str]], list]:
    nodes, edges = parse_dot(text)
    for a, b, _ in edges:
        assert a in nodes and b in nodes, (a, b)
    return nodes, edges


# -- Mermaid, structurally ----------------------------------------------------------------

LABEL = r'"(?:[^"\[\]{}|<>`;#\n]|#(?:quot|lt|gt|\d+);)*"'
NODE = re.compile(
    rf"    [rse]_[a-z0-9_]+(?:\(\({LABEL}\)\)|\[{LABEL}\]|\(\[{LABEL}\]\))"
    r":::[a-z0-9_]+"
    rf"|    by_rank\{{\{{{LABEL}\}}\}}:::shared"
)
EDGE = re.compile(rf"    ([a-z0-9_]+) (?:-->|-\.->|==>)(?:\|{LABEL}\|)? ([a-z0-9_]+)")
CLASSDEF = re.compile(r"    classDef [a-z0-9_]+ [a-z-]+:[#a-z0-9]+(,[a-z-]+:[#a-z0-9]+)*")


def check_mermaid(text: str) -> tuple[set[str], list[tuple[str, str]]]:
    lines = text.splitlines()
    assert lines[0] == "flowchart TD"
    nodes: set[str] = set()
    edges = []
    for line in lines[1:]:
        if line.startswith("    %%"):
            assert "\n" not in line
        elif NODE.fullmatch(line):
            nodes.add(re.match(r"    ([a-z0-9_]+)", line).group(1))  # type: ignore[union-attr]
        elif m := EDGE.fullmatch(line):
            edges.append((m.group(1), m.group(2)))
        else:
            assert CLASSDEF.fullmatch(line), line
    for a, b in edges:
        assert a in nodes and b in nodes, (a, b)
    return nodes, edges


# -- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", stories(), ids=lambda p: p.name)
def test_mermaid_is_well_formed(folder: Path):
    check_mermaid(graph.mermaid(load_story(folder)))


@pytest.mark.parametrize("folder", stories(), ids=lambda p: p.name)
def test_dot_is_well_formed(folder: Path):
    check_dot(graph.dot(load_story(folder)))


def test_mini_map():
    story = load_story(MINI)
    nodes, edges = check_dot(graph.dot(story))
    assert nodes["s_hall"]["fillcolor"] == graph.PALETTE[0]  # alice's colour
    assert nodes["s_yard"]["fillcolor"] == graph.SHARED  # no `roles`: shared
    assert nodes["e_boom"]["fillcolor"] == graph.IMMEDIATE
    assert nodes["e_good"]["shape"] == "doubleoctagon"
    assert nodes["e_boom"]["label"] == "Boom (boom) · at once if heat≥5"
    labels = {(a, b, e.get("label", "")) for a, b, e in edges}
    assert ("s_hall", "s_yard", "warm · trust +2 · +warmed") in labels
    assert ("s_hall", "e_good", "secret · if trust≥9") in labels
    assert ("s_yard", "by_rank", "push · heat +3") in labels
    assert ("r_alice", "s_hall", "") in labels
    routes = [e for a, b, e in edges if e.get("style") == "dashed"]
    assert routes == [{"label": "push: route if warmed", "style": "dashed"}]
    assert ("by_rank", "e_draw", "rank 9") in labels
    text = graph.mermaid(story)
    assert '    s_hall -->|"warm · trust +2 · +warmed"| s_yard' in text
    assert '    s_yard -.->|"push: route if warmed"| s_garden' in text
    assert '    s_hall["Hall (hall)"]:::role_alice' in text
    assert '    e_boom(["Boom (boom) · at once if heat#gt;=5"]):::immediate' not in text
    assert '    e_boom(["Boom (boom) · at once if heat≥5"]):::immediate' in text


def test_labels_are_escaped(tricky: Story):
    nodes, _ = check_dot(graph.dot(tricky))
    assert nodes["s_a"]["label"] == tricky.scenes["a"].title + "\n(a)"  # round trip
    assert nodes["s_b"]["label"] == "Two\nlines\n(b)"
    assert nodes["r_one"]["label"] == 'The "one" [role]'
    text = graph.mermaid(tricky)
    check_mermaid(text)
    assert "#quot;quoted#quot; #91;bracketed#93; #123;braced#125; #lt;angled#gt;" in text
    assert "#124; piped #35;hashed#59; #96;ticked#96;" in text
    assert "if (trust≥1 #124; went)" in text  # `any`, its bar escaped in the label
    assert "#40;" not in text


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
@pytest.mark.parametrize("which", ["mini", "tricky", "shipped"])
def test_graphviz_renders_it(which: str, tricky: Story):
    story = {"mini": lambda: load_story(MINI), "tricky": lambda: tricky, "shipped": shipped}[
        which
    ]()
    result = subprocess.run(
        ["dot", "-Tsvg"], input=graph.dot(story), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "<svg" in result.stdout
    assert "Warning" not in result.stderr and "Error" not in result.stderr


def test_shipped_story_maps():
    story = shipped()
    nodes, edges = check_dot(graph.dot(story))
    assert {f"s_{s}" for s in story.scenes} <= set(nodes)
    assert len([e for e in edges if e[0].startswith("s_")]) >= story.choice_count
    check_mermaid(graph.mermaid(story))


def test_graph_command():
    for fmt, check in (("mermaid", check_mermaid), ("dot", check_dot)):
        result = subprocess.run(
            [sys.executable, "-m", "game", "graph", str(MINI), "--format", fmt],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        assert result.returncode == 0
        check(result.stdout)
    result = subprocess.run(
        [sys.executable, "-m", "game", "graph", str(MINI)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.stdout.startswith("flowchart TD\n")


def test_graph_of_a_broken_story_exits_1():
    result = subprocess.run(
        [sys.executable, "-m", "game", "graph", str(FIXTURES / "broken" / "no_roles" / "story")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1 and "no role" in result.stderr


def _graph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "graph", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_graph_of_one_role_shows_only_what_it_can_come_to():
    result = _graph("--story", str(MINI), "--role", "bob")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "s_yard[" in out and "s_garden[" in out
    assert "s_hall" not in out  # only alice starts there, and no goto leads back
    assert "r_bob" in out and "r_alice" not in out
    assert "push · heat +3" in out  # labels are on by default


def test_graph_without_labels_leaves_edges_bare_in_both_formats():
    mermaid_out = _graph(str(MINI), "--no-labels").stdout
    assert "s_hall --> s_yard" in mermaid_out
    assert '|"' not in mermaid_out
    dot_out = _graph(str(MINI), "--no-labels", "--format", "dot").stdout
    assert '"s_hall" -> "s_yard";' in dot_out
    assert "trust +2" not in dot_out


def test_graph_of_an_unknown_role_names_the_roles():
    result = _graph(str(MINI), "--role", "carol")
    assert result.returncode == 2
    assert "no role 'carol'; roles: alice, bob" in result.stderr
