"""`mar-a-lago lsp`: a language server for story files, on pygls, over stdio.

- diagnostics as you type: the loader's problems for the whole story the file belongs
  to, with the editor's unsaved texts, published for every file of the story;
- go to definition: on a goto target (`"summit"`, `"end:draw"`), a role's start, a meter
  or a flag, to where it is defined (a flag: its `[flags]` entry, else where first set);
- completion of scene ids (in a goto or a start), flag ids (in set, clear, flags,
  not_flags), role ids (in roles) and meter ids (elsewhere, and inside `{...}` in text);
- hover: what an id is (a scene's title, a meter's range and help, a flag's help).
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from game import __version__
from game.format.symbols import Index, Symbol, index, story_root
from game.lsp.diagnose import Diagnostic, diagnose

#: wait this long after the last keystroke before checking the story again
DEBOUNCE_SECONDS = 0.25
_WORD = re.compile(r"[A-Za-z0-9_:]+")
_GOTO = re.compile(r"\b(goto|start)\s*=\s*\"[^\"]*$")
_FLAGS = re.compile(r"\b(set|clear|flags|not_flags)\s*=\s*\[[^\]]*$")
_ROLES = re.compile(r"\b(roles|role)\s*=\s*[\[\"][^\]]*$")
_KIND = {
    "scenes": lsp.CompletionItemKind.Class,
    "endings": lsp.CompletionItemKind.Event,
    "meters": lsp.CompletionItemKind.Variable,
    "roles": lsp.CompletionItemKind.Interface,
    "flags": lsp.CompletionItemKind.Constant,
}


class StoryServer(LanguageServer):
    def __init__(self, story: Path | None = None) -> None:
        super().__init__(
            "mar-a-lago", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full
        )
        #: the story folder given on the command line: its files belong to it, wherever
        #: its `[story]` table is (other files: the nearest folder with one)
        self.story = story.resolve() if story is not None else None
        #: per story folder: the files that have diagnostics on the editor's screen
        self.shown: dict[Path, set[Path]] = {}
        self.pending: dict[Path, asyncio.Task[None]] = {}

    # -- the story a document belongs to ----------------------------------------------

    def root(self, path: Path) -> Path:
        """The story folder a file belongs to."""
        if self.story is not None and self.story in path.resolve().parents:
            return self.story
        return story_root(path)

    def overrides(self, root: Path) -> dict[Path, str]:
        texts = {}
        for doc in list(self.workspace.text_documents.values()):
            path = _path(doc.uri)
            if path is not None and root in path.parents:
                texts[path] = doc.source
        return texts

    def symbols(self, uri: str) -> Index | None:
        path = _path(uri)
        if path is None:
            return None
        root = self.root(path)
        return index(root, self.overrides(root))

    # -- diagnostics ------------------------------------------------------------------

    def check_soon(self, uri: str, delay: float = DEBOUNCE_SECONDS) -> None:
        path = _path(uri)
        if path is None or path.suffix != ".toml":
            return
        root = self.root(path)
        previous = self.pending.pop(root, None)
        if previous is not None:
            previous.cancel()
        self.pending[root] = asyncio.ensure_future(self._check_later(root, path, delay))

    async def _check_later(self, root: Path, path: Path, delay: float) -> None:
        await asyncio.sleep(delay)
        found = await asyncio.to_thread(diagnose, root, self.overrides(root))
        self.publish(root, path, found)

    def publish(self, root: Path, opened: Path, found: list[Diagnostic]) -> None:
        by_file: dict[Path, list[lsp.Diagnostic]] = {}
        for d in found:
            # a problem with the folder itself is shown on the file being edited
            where = d.path if d.path.suffix == ".toml" else opened
            by_file.setdefault(where, []).append(self._lsp_diagnostic(where, d))
        before = self.shown.get(root, set())
        for path in before | set(by_file) | {opened}:
            uri = from_fs_path(str(path))
            if uri is not None:
                self.text_document_publish_diagnostics(
                    lsp.PublishDiagnosticsParams(uri=uri, diagnostics=by_file.get(path, []))
                )
        self.shown[root] = set(by_file)

    def _lsp_diagnostic(self, path: Path, d: Diagnostic) -> lsp.Diagnostic:
        line = max(d.line - 1, 0)
        text = self._line_text(path, line)
        if d.column:
            start = d.column - 1
            word = _WORD.match(text, start) or re.compile(r"\S+").match(text, start)
            end = word.end() if word else start + 1
        else:
            start = len(text) - len(text.lstrip())
            end = len(text.rstrip()) or start + 1
        return lsp.Diagnostic(
            range=lsp.Range(lsp.Position(line, start), lsp.Position(line, max(end, start + 1))),
            message=d.message,
            severity=(
                lsp.DiagnosticSeverity.Error
                if d.severity == "error"
                else lsp.DiagnosticSeverity.Warning
            ),
            source="mar-a-lago",
            code=d.code or None,
        )

    def _line_text(self, path: Path, line: int) -> str:
        uri = from_fs_path(str(path))
        text = None
        if uri is not None and uri in self.workspace.text_documents:
            text = self.workspace.text_documents[uri].source
        if text is None:
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return ""
        lines = text.splitlines()
        return lines[line] if 0 <= line < len(lines) else ""

    # -- what the cursor is on ---------------------------------------------------------

    def word_at(self, uri: str, position: lsp.Position) -> tuple[str, lsp.Range] | None:
        doc = self.workspace.get_text_document(uri)
        lines = doc.lines
        if position.line >= len(lines):
            return None
        text = lines[position.line]
        for match in _WORD.finditer(text):
            if match.start() <= position.character <= match.end():
                word = match.group()
                rng = lsp.Range(
                    lsp.Position(position.line, match.start()),
                    lsp.Position(position.line, match.end()),
                )
                return word, rng
        return None

    def line_before(self, uri: str, position: lsp.Position) -> str:
        doc = self.workspace.get_text_document(uri)
        lines = doc.lines
        if position.line >= len(lines):
            return ""
        return lines[position.line][: position.character]


def _path(uri: str) -> Path | None:
    fs = to_fs_path(uri)
    return Path(fs).resolve() if fs else None


def _location(symbol: Symbol) -> lsp.Location | None:
    uri = from_fs_path(str(symbol.path))
    if uri is None:
        return None
    line = max(symbol.line - 1, 0)
    return lsp.Location(uri, lsp.Range(lsp.Position(line, 0), lsp.Position(line, 0)))


def completions(symbols: Index, before: str) -> list[lsp.CompletionItem]:
    """What may be typed here, judged by the text before the cursor on its line."""

    def items(kind: str) -> list[lsp.CompletionItem]:
        return [
            lsp.CompletionItem(label=s.id, kind=_KIND[kind], detail=s.summary)
            for s in symbols.of(kind)
        ]

    if _GOTO.search(before):
        if re.search(r"\bstart\s*=", before):
            return items("scenes")
        endings = [
            lsp.CompletionItem(label=f"end:{s.id}", kind=_KIND["endings"], detail=s.summary)
            for s in symbols.of("endings")
        ]
        by_rank = lsp.CompletionItem(
            label="end", kind=lsp.CompletionItemKind.Keyword, detail="the first ending by rank"
        )
        return [*items("scenes"), by_rank, *endings]
    if _FLAGS.search(before):
        return items("flags")
    if _ROLES.search(before):
        return items("roles")
    if before.count("{") > before.count("}"):  # inside `{...}` in a text
        return [*items("meters"), *items("flags")]
    return [*items("meters"), *items("flags")]


def make_server(story: Path | None = None) -> StoryServer:
    server = StoryServer(story)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StoryServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.check_soon(params.text_document.uri, delay=0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StoryServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.check_soon(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: StoryServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.check_soon(params.text_document.uri, delay=0)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: StoryServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.check_soon(params.text_document.uri, delay=0)  # the file on disk counts again

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: StoryServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        found = ls.word_at(params.text_document.uri, params.position)
        symbols = ls.symbols(params.text_document.uri)
        if found is None or symbols is None:
            return None
        symbol = symbols.find(found[0])
        return _location(symbol) if symbol is not None else None

    @server.feature(
        lsp.TEXT_DOCUMENT_COMPLETION,
        lsp.CompletionOptions(trigger_characters=['"', "[", "{", ",", ":"]),
    )
    def completion(ls: StoryServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        symbols = ls.symbols(params.text_document.uri)
        if symbols is None:
            return lsp.CompletionList(is_incomplete=False, items=[])
        before = ls.line_before(params.text_document.uri, params.position)
        return lsp.CompletionList(is_incomplete=False, items=completions(symbols, before))

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: StoryServer, params: lsp.HoverParams) -> lsp.Hover | None:
        found = ls.word_at(params.text_document.uri, params.position)
        symbols = ls.symbols(params.text_document.uri)
        if found is None or symbols is None:
            return None
        word, rng = found
        symbol = symbols.find(word)
        if symbol is None:
            return None
        where = f"{symbol.path.name}:{symbol.line}"
        return lsp.Hover(
            contents=lsp.MarkupContent(
                kind=lsp.MarkupKind.Markdown, value=f"{symbol.summary}\n\n*{where}*"
            ),
            range=rng,
        )

    return server


def serve_stdio(story: Path | None = None) -> None:
    make_server(story).start_io()
