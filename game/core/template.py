"""Text that shows the state: values and inline conditions in a story's prose.

    Trust stands at {trust}.                         the meter's current value
    {coal_cited: Xi nods at the coal figures.}       shown while the flag is set
    {not coal_cited: Nobody mentions coal.}          shown while it is not
    {trust >= 5: a warm handshake|a cool nod}        a meter compared with a number:
                                                     the text before `|` if it holds,
                                                     the text after it if not
    {{ and }}                                        a literal { and }

The form is ink's conditional text (`{flag: shown|otherwise}`) with meters compared
as in Yarn's `<<if $trust >= 5>>`. A branch may hold values and further conditions:
`{trust >= 5: trust {trust}, and rising|low}`. The comparisons are >=, <=, >, <, ==
and !=, against a whole number. Nothing is evaluated as code: a text is parsed into
parts once, and its names are checked against the story's meters and flags by the
loader (`names`), so a typo is an error before anyone plays.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

import attrs

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_CONDITION = re.compile(
    r"\s*(?:(not)\s+)?([a-z][a-z0-9_]*)\s*(?:(>=|<=|==|!=|>|<)\s*(-?\d{1,18}))?\s*\Z"
)
_OPS = {
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


class TemplateError(ValueError):
    """A text whose braces do not parse; `offset` is where, in the text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@attrs.frozen
class Value:
    name: str
    offset: int


@attrs.frozen
class When:
    """`{name: yes|no}`, `{not name: yes}` or `{meter OP number: yes|no}`."""

    name: str
    op: str  # "" for a flag (or "not"), else a comparison
    number: int
    negated: bool
    yes: tuple[Part, ...]
    no: tuple[Part, ...]
    offset: int


Part = str | Value | When


def has_markup(text: str) -> bool:
    return "{" in text or "}" in text


@lru_cache(maxsize=4096)
def parse(text: str) -> tuple[Part, ...]:
    """The parts of `text`; raises `TemplateError` with the offset of the mistake."""
    parts, end = _parse(text, 0, top=True)
    assert end == len(text)
    return parts


def _parse(text: str, i: int, top: bool) -> tuple[tuple[Part, ...], int]:
    parts: list[Part] = []
    literal: list[str] = []
    n = len(text)
    while i < n:
        c = text[i]
        if c == "{" and text.startswith("{{", i):
            literal.append("{")
            i += 2
        elif c == "}" and text.startswith("}}", i) and top:
            literal.append("}")
            i += 2
        elif c == "{":
            if literal:
                parts.append("".join(literal))
                literal = []
            part, i = _brace(text, i)
            parts.append(part)
        elif not top and c in "|}":
            break
        elif c == "}":
            raise TemplateError("a '}' with no '{' before it (write }} for a '}')", i)
        else:
            literal.append(c)
            i += 1
    if literal:
        parts.append("".join(literal))
    return tuple(parts), i


def _brace(text: str, start: int) -> tuple[Part, int]:
    """The `{...}` at `start`: a value or a condition; returns it and the index past it."""
    close = text.find("}", start)
    colon = text.find(":", start)
    if close == -1 and colon == -1:
        raise TemplateError("a '{' that is never closed (write {{ for a '{')", start)
    if colon == -1 or (close != -1 and close < colon):
        inner = text[start + 1 : close]
        name = inner.strip()
        if not _NAME.fullmatch(name):
            raise TemplateError(
                f"'{{{inner}}}' is not a meter: write {{meter}}, or {{flag: text}} "
                "for text shown while a flag is set",
                start,
            )
        return Value(name, start), close + 1
    head = text[start + 1 : colon]
    match = _CONDITION.match(head)
    if match is None:
        raise TemplateError(
            f"'{head.strip()}' is not a condition: write {{flag: text}}, {{not flag: text}} "
            "or {meter >= 3: text|other text}",
            start,
        )
    negated, name, op, number = match.groups()
    if negated and op:
        raise TemplateError("'not' goes with a flag, not with a comparison", start)
    yes, i = _parse(text, colon + 1, top=False)
    no: tuple[Part, ...] = ()
    if i < len(text) and text[i] == "|":
        no, i = _parse(text, i + 1, top=False)
    if i >= len(text) or text[i] != "}":
        raise TemplateError("a condition '{...: ...}' that is never closed with '}'", start)
    return When(
        name, op or "", int(number) if number else 0, bool(negated), _strip(yes), _strip(no), start
    ), i + 1


def _strip(parts: tuple[Part, ...]) -> tuple[Part, ...]:
    """A branch without the space after ':' or around '|' (`{a: x | y}` reads as x, y)."""
    if parts and isinstance(parts[0], str):
        parts = (parts[0].lstrip(), *parts[1:])
    if parts and isinstance(parts[-1], str):
        parts = (*parts[:-1], parts[-1].rstrip())
    return tuple(p for p in parts if p != "")


def names(parts: tuple[Part, ...]) -> list[tuple[str, str, int]]:
    """Every name a text uses: ("meter" | "flag" | "either", name, offset). A value and a
    comparison need a meter; a bare condition needs a flag."""
    found: list[tuple[str, str, int]] = []
    for part in parts:
        if isinstance(part, Value):
            found.append(("meter", part.name, part.offset))
        elif isinstance(part, When):
            found.append(("meter" if part.op else "flag", part.name, part.offset))
            found += names(part.yes) + names(part.no)
    return found


def render(text: str, meters: Mapping[str, int], flags: frozenset[str]) -> str:
    """`text` with its values filled in and its conditions decided by the state."""
    if not has_markup(text):
        return text
    return _render(parse(text), meters, flags)


def _render(parts: tuple[Part, ...], meters: Mapping[str, int], flags: frozenset[str]) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Value):
            out.append(str(meters.get(part.name, "?")))
        else:
            if part.op:
                holds = part.name in meters and _OPS[part.op](meters[part.name], part.number)
            else:
                holds = (part.name in flags) != part.negated
            out.append(_render(part.yes if holds else part.no, meters, flags))
    return "".join(out)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    """Where `offset` is in `text`: (lines after the first, 1-based column)."""
    before = text[:offset]
    return before.count("\n"), offset - (before.rfind("\n") + 1) + 1
