"""Find the line where a TOML table or key begins.

tomli gives no positions for values, so this scans the text once (after tomli has
accepted it) and records the line of every table header, key, array element and
inline-table key, by its path: ("scenes", "intro", "choices", 1, "goto").
"""

from __future__ import annotations

import contextlib
import re

Path = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_BLANK = re.compile(r"(?:[ \t\r]+|#[^\n]*)*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_SCALAR = re.compile(r"[^,\]}\n#]+")


class Locator:
    def __init__(self, text: str) -> None:
        self.lines: dict[Path, int] = {}
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

    def _record(self, path: Path) -> None:
        self.lines.setdefault(path, self._line)

    def _document(self) -> None:
        current: Path = ()
        while self._i < len(self._text):
            self._skip_blank(newlines=True)
            if self._i >= len(self._text):
                return
            if self._peek() == "[":
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
                    self._record(key)
                else:
                    current = key
                for depth in range(1, len(current) + 1):
                    self._record(current[:depth])
            else:
                start = self._line
                key = self._key("=")
                self.lines.setdefault((*current, *key), start)
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
            end = self._text.find(quote * 3, self._i)
            if end < 0:
                raise ValueError("open string")
            # a closing run may hold up to two more quotes
            while self._text.startswith(quote, end + 3):
                end += 1
            value = self._text[self._i : end]
            self._advance(end + 3 - self._i)
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
                start = self._line
                key = self._key("=")
                self.lines.setdefault((*path, *key), start)
                self._advance()
                self._value((*path, *key))
        else:
            scalar = _SCALAR.match(self._text, self._i)
            if scalar is None:
                raise ValueError("empty value")
            self._i = scalar.end()  # no newline in it
