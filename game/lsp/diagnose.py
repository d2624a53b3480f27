"""A story's problems for an editor, with the texts it has not saved yet.

The loader reads files from disk; an editor holds newer texts. When they differ, the
story is mirrored in a temporary folder (links to the files on disk, the editor's
texts written out) and loaded there, and the problems' paths are mapped back. Every
problem is placed on a line and, where the loader knows it, a column.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import attrs

from game.format.codes import code_of
from game.format.loader import Problem, check_story, story_files
from game.tools.static import definitions, static_warnings


@attrs.frozen
class Diagnostic:
    path: Path  # the file, or the story folder for a problem with the folder itself
    line: int  # 1-based
    column: int  # 1-based; 0 when only the line is known
    message: str
    severity: str = "error"  # or "warning"
    code: str = ""


def _changed(folder: Path, overrides: Mapping[Path, str]) -> dict[Path, str]:
    """The editor's texts that differ from the files on disk."""
    changed = {}
    for path, text in overrides.items():
        if folder not in path.parents or path.suffix != ".toml":
            continue
        try:
            on_disk = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            on_disk = None
        if on_disk != text:
            changed[path] = text
    return changed


def diagnose(folder: Path, overrides: Mapping[Path, str] | None = None) -> list[Diagnostic]:
    """Every problem of the story at `folder`, with `overrides` (unsaved texts) applied."""
    changed = _changed(folder, overrides or {})
    if not changed:
        return _found(folder, folder)
    with tempfile.TemporaryDirectory(prefix="mar-a-lago-lsp-") as tmp:
        mirror = Path(tmp) / "story"
        mirror.mkdir()
        for path in story_files(folder):
            if path not in changed:
                target = mirror / path.relative_to(folder)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(path, target)
        for path, text in changed.items():
            target = mirror / path.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return _found(folder, mirror)


def _found(folder: Path, read_from: Path) -> list[Diagnostic]:
    """The loader's problems of the story read from `read_from` (the folder, or its
    mirror with the editor's texts), or, when it loads, the warnings `check` gives
    without a search; each placed in `folder`."""
    story, problems = check_story(read_from)
    found = [_diagnostic(folder, str(read_from), p) for p in problems]
    if story is not None:
        warnings = static_warnings(story, lambda: definitions(read_from))
        for w in warnings:
            found.append(
                attrs.evolve(
                    _diagnostic(folder, str(read_from), Problem(w.path, w.line, w.message)),
                    severity="warning",
                    code=w.code or "warning",
                )
            )
    return found


def _diagnostic(folder: Path, shown_root: str, problem: Problem) -> Diagnostic:
    rel = problem.path[len(shown_root) :].lstrip("/") if problem.path.startswith(shown_root) else ""
    return Diagnostic(
        folder / rel if rel else folder,
        problem.line,
        problem.column,
        problem.message,
        "error",
        code_of(problem),
    )
