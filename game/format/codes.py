"""A stable code for each kind of problem the loader reports, for tools: `check --format
json` and the language server. A problem made with a code keeps it; the others get one
from the words of their message, which the loader keeps stable (its tests pin them)."""

from __future__ import annotations

from game.format.diagnostics import Problem

#: (words in the message, code), the first that matches wins
_BY_WORDS = (
    ("TOML syntax", "toml-syntax"),
    ("not UTF-8", "not-utf8"),
    ("cannot read this file", "unreadable-file"),
    ("over the limit of", "file-too-big"),
    ("nested too deeply", "too-deep"),
    ("defined in another file", "table-in-another-file"),
    ("defined twice", "duplicate-id"),
    ("is used twice", "duplicate-id"),
    ("unknown table", "unknown-table"),
    ("unknown key", "unknown-key"),
    ("unknown bound", "unknown-key"),
    ("missing key", "missing-key"),
    ("must be", "wrong-type"),
    ("names no scene", "unknown-scene"),
    ("names no ending", "unknown-ending"),
    ("unknown meter", "unknown-meter"),
    ("does not exist", "unknown-role"),
    ("not declared", "undeclared-flag"),
    ("in text", "text-markup"),
    ("outside", "out-of-range"),
    ("beyond", "out-of-range"),
    ("can never hold", "out-of-range"),
    ("no fallback", "no-fallback"),
    ("has no ending", "no-fallback"),
    ("has no role", "no-role"),
    ("no file holds [story]", "no-story"),
    ("has no choices", "no-choices"),
    ("reserved", "reserved-id"),
    ("ids use", "bad-id"),
    ("is not a valid name", "bad-id"),
    ("format ", "format-version"),
    ("no .toml files", "no-files"),
    ("immediate ending needs", "immediate-without-when"),
)


def code_of(problem: Problem) -> str:
    """The problem's code: its own, or the one its message's words give ("error" if none)."""
    if problem.code:
        return problem.code
    for words, code in _BY_WORDS:
        if words in problem.message:
            return code
    return "error"
