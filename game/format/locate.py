"""Find the line where a TOML table or key begins.

tomli gives no positions for values, so this scans the text once (after tomli has
accepted it) and records the line of every table header, key, array element and
inline-table key, by its path: ("scenes", "intro", "choices", 1, "goto").
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BLANK = re.compile(r"(?:[ \t\r]+|#[^\n]*)*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_SCALAR = re.compile(r"[^,\]}\n#]+")
#: the rest of a multi-line string, its closing quotes included (an escaped quote, or
#: one or two quotes, do not close it)
_ML_BASIC = re.compile(r'(?:[^"\\]++|\\[\s\S]|""?+(?!"))*+"{3,5}')
_ML_LITERAL = re.compile(r"(?:[^']++|''?+(?!'))*+'{3,5}")


class Locator:
    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
        #: the 1-based column where each recorded path begins (its key, `[`, or value)
        self.columns: dict[Path, int] = {}
        self._text = text
        self._i = 0
        self._line = 1
        self._aot: dict[Path, int] = {}
        #: the arrays of tables met inside each array of tables
        self._nested: dict[Path, set[Path]] = {}
        # only TOML that tomli accepted reaches here; a surprise leaves lines unknown
        with contextlib.suppress(IndexError, ValueError):
            self._document()

    def line(self, path: Path) -> int:
        """The line of `path`, or of its nearest recorded parent; 1 if none."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return 1

    def position(self, path: Path) -> tuple[int, int]:
        """(line, column) of `path`, or of its nearest recorded parent; (1, 0) if none
        (column 0: not known)."""
        while path:
            if path in self.lines:
                return self.lines[path], self.columns.get(path, 0)
            path = path[:-1]
        return 1, 0

    # -- scanning ---------------------------------------------------------------

    def _peek(self, k: int = 0) -> str:
        j = self._i + k
        return self._text[j] if j < len(self._text) else ""

    def _advance(self, k: int = 1) -> None:
        self._line += self._text.count("\n", self._i, self._i + k)
        self._i += k

    def _skip_blank(self, newlines: bool) -> None:
        match = (_BLANK_LINES if newlines else _BLANK).match(self._text, self._i)
        assert match is not None  # both match the empty string
        self._advance(match.end() - self._i)

    def _column(self) -> int:
        return self._i - (self._text.rfind("\n", 0, self._i) + 1) + 1

    def _record(self, path: Path, column: int = 0) -> None:
        if path not in self.lines:
            self.lines[path] = self._line
            self.columns[path] = column or self._column()

    def _document(self) -> None:
        current: Path = ()
        while self._i < len(self._text):
            self._skip_blank(newlines=True)
            if self._i >= len(self._text):
                return
            if self._peek() == "[":
                column = self._column()
                double = self._peek(1) == "["
                self._advance(2 if double else 1)
                key = self._key("]")
                self._advance(2 if double else 1)
                if double:
                    index = self._aot.get(key, -1) + 1
                    self._aot[key] = index
                    # a new element resets the counts of arrays nested inside it
                    for other in self._nested.pop(key, ()):
                        self._aot.pop(other, None)
                    for depth in range(1, len(key)):
                        if key[:depth] in self._aot:
                            self._nested.setdefault(key[:depth], set()).add(key)
                    current = (*key, index)
                    self._record(key, column)
                else:
                    current = key
                for depth in range(1, len(current) + 1):
                    self._record(current[:depth], column)
            else:
                start, column = self._line, self._column()
                key = self._key("=")
                if (*current, *key) not in self.lines:
                    self.lines[(*current, *key)] = start
                    self.columns[(*current, *key)] = column
                self._advance()  # "="
                self._value((*current, *key))
            self._skip_blank(newlines=False)

    def _key(self, stop: str) -> Path:
        """A dotted key up to `stop` (not consumed), quotes removed."""
        parts: list[str | int] = []
        while True:
            self._skip_blank(newlines=False)
            c = self._peek()
            if c in ('"', "'"):
                parts.append(self._string())
            else:
                bare = _BARE.match(self._text, self._i)
                if bare is None:
                    raise ValueError("bad key")
                parts.append(bare.group())
                self._i = bare.end()
            self._skip_blank(newlines=False)
            if self._peek() == ".":
                self._advance()
                continue
            if self._peek() != stop:
                raise ValueError("bad key")
            return tuple(parts)

    def _string(self) -> str:
        quote = self._peek()
        if self._text.startswith(quote * 3, self._i):
            self._advance(3)
            body = (_ML_BASIC if quote == '"' else _ML_LITERAL).match(self._text, self._i)
            if body is None:
                raise ValueError("open string")
            # a closing run may hold up to two more quotes
            value = self._text[self._i : body.end() - 3]
            self._advance(body.end() - self._i)
            return value
        match = (_BASIC if quote == '"' else _LITERAL).match(self._text, self._i)
        if match is None:
            raise ValueError("open string")
        self._i = match.end()  # one line: no newline to count
        return match.group()[1:-1]

    def _value(self, path: Path) -> None:
        self._skip_blank(newlines=False)
        c = self._peek()
        if c in ('"', "'"):
            self._string()
        elif c == "[":
            self._advance()
            index = 0
            while True:
                self._skip_blank(newlines=True)
                if self._peek() == "]":
                    self._advance()
                    return
                self._record((*path, index))
                self._value((*path, index))
                self._skip_blank(newlines=True)
                if self._peek() == ",":
                    self._advance()
                    index += 1
        elif c == "{":
            self._advance()
            while True:
                self._skip_blank(newlines=True)
                if self._peek() == "}":
                    self._advance()
                    return
                if self._peek() == ",":
                    self._advance()
                    continue
                start, column = self._line, self._column()
                key = self._key("=")
                if (*path, *key) not in self.lines:
                    self.lines[(*path, *key)] = start
                    self.columns[(*path, *key)] = column
                self._advance()
                self._value((*path, *key))
        else:
            scalar = _SCALAR.match(self._text, self._i)
            if scalar is None:
                raise ValueError("empty value")
            self._i = scalar.end()  # no newline in it


# -- the fast pass: table headers only ------------------------------------------------

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
#: a header's key: plain (bare keys, dots, no blanks: the first group) or any other
_KEY = (
    r"(?:([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(?=[ \t]*\])|("
    + _KEY_PART
    + r"(?:[ \t]*\.[ \t]*"
    + _KEY_PART
    + r")*))"
)
#: a line that starts with "[": a header, `[[a.b]]` (groups 1-2) or `[a.b]` (groups
#: 3-4) then only a comment, or something else (no group): an array in a multi-line value
_HEADER = re.compile(
    r"\n[ \t]*\[(?:(?:\[[ \t]*"
    + _KEY
    + r"[ \t]*\]\]|[ \t]*"
    + _KEY
    + r"[ \t]*\])[ \t\r]*(?:#[^\n]*)?(?=\n|\Z))?"
)
_KEY_PARTS = re.compile(_KEY_PART)
#: what can hide a header-like line: multi-line strings, and the one-line strings and
#: comments that may hold three quotes without opening one
_STRINGS = re.compile(
    r'"""(?:[^"\\]++|\\[\s\S]|""?+(?!"))*+"{3,5}'
    r"|'''(?:[^']++|''?+(?!'))*+'{3,5}"
    r'|"(?:[^"\\\n]++|\\.)*+"'
    r"|'[^'\n]*+'"
    r"|#[^\n]*+"
)


def _multiline_spans(text: str) -> list[tuple[int, int]]:
    """Where the multi-line strings are, as (start, end) offsets, in order."""
    if '"""' not in text and "'''" not in text:
        return []
    return [
        m.span()
        for m in _STRINGS.finditer(text)
        if m.group().startswith(('"""', "'''")) and "\n" in m.group()
    ]


def _split(body: str) -> Path:
    """A header's dotted key as `Locator._key` reads it: quotes removed, no escapes."""
    if '"' in body or "'" in body:
        return tuple(p[1:-1] if p[0] in "\"'" else p for p in _KEY_PARTS.findall(body))
    if " " in body or "\t" in body:
        return tuple(p.strip() for p in body.split("."))
    return tuple(body.split("."))


def _headers(text: str) -> list[tuple[int, bool, Path]] | None:
    """Each header line outside multi-line strings: (line, array of tables?, key)."""
    found = []
    spans = _multiline_spans(text)
    span = 0
    line, counted = 1, 0
    for match in _HEADER.finditer("\n" + text):
        start = match.start()  # the line's offset in `text` (a "\n" is put in front)
        while span < len(spans) and spans[span][1] <= start:
            span += 1
        if span < len(spans) and spans[span][0] < start:
            continue
        aot, aot_quoted, table, table_quoted = match.groups()
        body = aot or aot_quoted or table or table_quoted
        if body is None:
            return None
        line += text.count("\n", counted, start)
        counted = start
        found.append((line, bool(aot or aot_quoted), _split(body)))
    return found


class Headers:
    """The lines of a file's table headers, by path, as `Locator` records them.

    For TOML that tomli accepted, each path here has the line the full scan gives it;
    paths that only a key or an inline value defines are missing (ask a `Locator`).
    A story without problems needs only these: the lines of its scenes, endings and
    choices.
    """

    __slots__ = ("elements", "tables")

    def __init__(self, tables: dict[Path, int], elements: dict[Path, list[int]]) -> None:
        #: each path a header records, but the elements of arrays of tables
        self.tables = tables
        #: the lines of the elements of each array of tables
        self.elements = elements

    def get(self, path: Path) -> int | None:
        if path and type(path[-1]) is int:
            lines = self.elements.get(path[:-1])
            if lines is not None:
                return lines[path[-1]] if 0 <= path[-1] < len(lines) else None
        return self.tables.get(path)

    def items(self) -> Iterator[tuple[Path, int]]:
        """Every (path, line) held, as `Locator.lines` would hold them."""
        yield from self.tables.items()
        for key, lines in self.elements.items():
            for index, line in enumerate(lines):
                yield (*key, index), line


def header_lines(text: str) -> Headers | None:
    """The lines of the table headers in `text`, without scanning the rest.

    None when a line starts with "[" but is no header this pass reads (an array in a
    multi-line value, say): then only the full scan can tell.
    """
    tables: dict[Path, int] = {}
    elements: dict[Path, list[int]] = {}
    by_body: dict[str, list[int]] = {}
    nested = False  # an array of tables inside another one
    spans = _multiline_spans(text)
    span = 0
    line, counted = 1, 0  # the line at offset `counted`
    count = text.count
    for match in _HEADER.finditer("\n" + text):
        start = match.start()  # the line's offset in `text` (a "\n" is put in front)
        if spans:
            while span < len(spans) and spans[span][1] <= start:
                span += 1
            if span < len(spans) and spans[span][0] < start:
                continue  # a line of a multi-line string
        line += count("\n", counted, start)
        counted = start
        aot, aot_quoted, table, table_quoted = match.groups()
        if aot is not None or aot_quoted is not None:
            body = aot or aot_quoted
            lines = by_body.get(body)
            if lines is None:  # the first element (of this spelling of the key)
                key = tuple(aot.split(".")) if aot else _split(aot_quoted)
                lines = elements.get(key)
                if lines is None:
                    # in another array of tables, or above one (both are rare)
                    if key in tables:
                        nested = True
                    for depth in range(1, len(key)):
                        if key[:depth] in elements:
                            nested = True
                    lines = elements[key] = []
                    _record(tables, key, line)
                by_body[body] = lines
            lines.append(line)
        elif table is not None:
            key = tuple(table.split("."))
            if key[:-1] in tables and key not in tables:  # the usual case: a new table
                tables[key] = line
            else:
                _record(tables, key, line)
        elif table_quoted is not None:
            _record(tables, _split(table_quoted), line)
        else:
            return None
    if nested:
        # an array of tables in another: a new outer element restarts the inner count
        return _nested(text)
    return Headers(tables, elements)


def _record(lines: dict[Path, int], key: Path, line: int) -> None:
    """`key` and the tables above it, as a header records them: each once, the first."""
    depth = len(key)
    # the first one known has its own prefixes known as well
    while depth and key[:depth] not in lines:
        depth -= 1
    for d in range(depth + 1, len(key) + 1):
        lines[key[:d]] = line


def _nested(text: str) -> Headers | None:
    """`header_lines` for arrays of tables inside arrays of tables, as `Locator` does."""
    found = _headers(text)
    if found is None:
        return None
    lines: dict[Path, int] = {}
    aot: dict[Path, int] = {}
    nested: dict[Path, set[Path]] = {}
    for line, double, key in found:
        current = key
        if double:
            index = aot.get(key, -1) + 1
            aot[key] = index
            for other in nested.pop(key, ()):
                aot.pop(other, None)
            for depth in range(1, len(key)):
                if key[:depth] in aot:
                    nested.setdefault(key[:depth], set()).add(key)
            current = (*key, index)
        _record(lines, current, line)
    return Headers(lines, {})
