"""docs/writing-stories.md, run: every file it shows is written, every command run.

The guide's code blocks, in order:
- ```toml file=PATH writes PATH; ```toml append=PATH adds to it; a plain ```toml
  block must parse. A file whose first line is `#:schema PATH` must name a schema
  that exists (beside the file, or where the file would sit in the checkout) and
  must validate against it.
- ```console blocks hold `$ command` lines, each followed by its expected output
  (stdout, then stderr). In the expected output a line `...` stands for any number
  of lines, and `...` inside a line for any text. Options after `console`:
  `exit=N` (the status expected; 0 by default), `norun` (a command that opens the
  full-screen UI: its arguments are only parsed), `needs=TOOL` (skipped when TOOL
  is not installed).
Commands: `mar-a-lago ...` (run as `python -m game ...`), `mkdir DIR`, `cp -r A B`,
other tools when a block `needs` them; `echo TEXT |` feeds stdin (`printf 'A\nB\n' |`
feeds lines), `| grep TEXT`
keeps the lines holding TEXT, `> FILE` writes stdout to FILE.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
import tomli

from game.cli.main import build_parser
from game.format.loader import check_story
from support import ROOT, SHIPPED

DOC = ROOT / "docs" / "writing-stories.md"
PART_2 = "## 7. A new branch in the shipped story"
FENCE = re.compile(r"^```([a-z]*)([^\n]*)\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    lang: str
    options: dict[str, str]
    body: str
    line: int
    part: int


def blocks() -> list[Block]:
    text = DOC.read_text(encoding="utf-8")
    split = text.index(PART_2)
    found = []
    for m in FENCE.finditer(text):
        options = {}
        for opt in m.group(2).split():
            key, _, value = opt.partition("=")
            options[key] = value
        found.append(
            Block(
                lang=m.group(1),
                options=options,
                body=m.group(3),
                line=text.count("\n", 0, m.start()) + 1,
                part=1 if m.start() < split else 2,
            )
        )
    return found


def test_every_code_block_is_one_the_test_runs():
    for block in blocks():
        assert block.lang in ("toml", "console"), f"line {block.line}: ```{block.lang}"
        assert set(block.options) <= {"file", "append", "exit", "norun", "needs"}, block.line


# -- matching output ------------------------------------------------------------------------


def line_matches(pattern: str, line: str) -> bool:
    regex = ".*".join(re.escape(part) for part in pattern.split("..."))
    return re.fullmatch(regex, line) is not None


def output_matches(expected: list[str], actual: list[str]) -> bool:
    """`...` alone on a line matches any lines, as in doctest's ELLIPSIS."""
    memo: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(expected):
                result = j == len(actual)
            elif expected[i] == "...":
                result = match(i + 1, j) or (j < len(actual) and match(i, j + 1))
            else:
                result = (
                    j < len(actual) and line_matches(expected[i], actual[j]) and match(i + 1, j + 1)
                )
            memo[i, j] = result
        return memo[i, j]

    return match(0, 0)


def tidy(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def test_output_matching():
    assert output_matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert output_matches(["a", "...", "b"], ["a", "b"])
    assert output_matches(["x ... z"], ["x y z"])
    assert not output_matches(["a", "b"], ["a", "b", "c"])
    assert not output_matches(["x ... z"], ["x y"])


# -- running the guide ------------------------------------------------------------------------


class Guide:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = {
            **os.environ,
            "COLUMNS": "80",
            "LINES": "24",
            "MAR_A_LAGO_SAVES_DIR": str(root / ".saves"),
        }
        self.env.pop("NO_COLOR", None)
        self.validator = jsonschema.Draft202012Validator(
            json.loads((ROOT / "game" / "story.schema.json").read_text(encoding="utf-8"))
        )

    def toml(self, block: Block) -> None:
        where = f"docs line {block.line}"
        if "file" not in block.options and "append" not in block.options:
            tomli.loads(block.body)  # a snippet: it must at least parse
            return
        target = self.root / (block.options.get("file") or block.options["append"])
        target.parent.mkdir(parents=True, exist_ok=True)
        if "file" in block.options:
            target.write_text(block.body, encoding="utf-8")
        else:
            with target.open("a", encoding="utf-8") as out:
                out.write(block.body)
        text = target.read_text(encoding="utf-8")
        data = tomli.loads(text)
        errors = [e.message for e in self.validator.iter_errors(data)]
        assert not errors, (where, errors)
        first = text.splitlines()[0]
        if first.startswith("#:schema "):
            rel = first.removeprefix("#:schema ").strip()
            here = target.parent / rel
            in_checkout = ROOT / target.parent.relative_to(self.root) / rel
            assert here.is_file() or in_checkout.resolve().is_file(), (where, rel)

    def console(self, block: Block) -> None:
        if "needs" in block.options and shutil.which(block.options["needs"]) is None:
            return
        commands: list[tuple[str, list[str]]] = []
        for line in block.body.splitlines():
            if line.startswith("$ "):
                commands.append((line[2:], []))
            else:
                assert commands, f"docs line {block.line}: output before any command"
                commands[-1][1].append(line)
        for command, expected in commands:
            status, output = self.run(command, norun="norun" in block.options)
            where = f"docs line {block.line}: $ {command}"
            assert status == int(block.options.get("exit", "0")), (where, output)
            assert output_matches(tidy("\n".join(expected)), tidy(output)), (
                f"{where}\n--- expected\n" + "\n".join(expected) + "\n--- got\n" + output
            )

    def run(self, command: str, norun: bool) -> tuple[int, str]:
        words = shlex.split(command)
        stdin, grep, into = "", None, None
        if "|" in words and words[0] == "echo":
            bar = words.index("|")
            stdin, words = " ".join(words[1:bar]) + "\n", words[bar + 1 :]
        elif "|" in words and words[0] == "printf":  # printf 'a\nb\n' | ...: lines of input
            bar = words.index("|")
            stdin, words = words[1].replace("\\n", "\n"), words[bar + 1 :]
        if "|" in words:
            bar = words.index("|")
            assert words[bar + 1] == "grep" and len(words) == bar + 3, command
            grep, words = words[bar + 2], words[:bar]
        if ">" in words:
            assert words[-2] == ">", command
            into, words = words[-1], words[:-2]
        program, args = words[0], words[1:]
        if program == "mkdir":
            (self.root / args[0]).mkdir()
            return 0, ""
        if program == "cp":
            assert args[0] == "-r", command
            shutil.copytree(self.root / args[1], self.root / args[2])
            return 0, ""
        if program == "mar-a-lago":
            if norun:  # the full-screen UI: check that the arguments parse, and the story loads
                parsed = build_parser().parse_args(args)
                assert check_story(self.root / parsed.story)[0] is not None
                return 0, ""
            argv = [sys.executable, "-m", "game", *args]
        else:
            argv = [program, *args]
        result = subprocess.run(
            argv,
            input=stdin,
            capture_output=True,
            text=True,
            cwd=self.root,
            env=self.env,
            timeout=120,
        )
        out = result.stdout
        if into is not None:
            (self.root / into).write_text(out, encoding="utf-8")
            out = ""
        if grep is not None:
            out = "".join(line for line in out.splitlines(keepends=True) if grep in line)
        return result.returncode, out + result.stderr

    def play(self, part: int) -> None:
        for block in blocks():
            if block.part != part:
                continue
            if block.lang == "toml":
                self.toml(block)
            else:
                self.console(block)


def test_part_1_a_story_from_an_empty_folder(tmp_path: Path):
    Guide(tmp_path).play(1)
    assert check_story(tmp_path / "tutorial")[0] is not None


def test_part_2_a_new_branch_in_the_shipped_story(tmp_path: Path):
    story, problems = check_story(SHIPPED)
    if story is None:
        pytest.skip(f"the shipped story does not load yet ({len(problems)} problems)")
    shutil.copytree(SHIPPED, tmp_path / "story")
    Guide(tmp_path).play(2)
    branched = check_story(tmp_path / "mystory")[0]
    assert branched is not None and "us_backchannel" in branched.scenes
