"""`mar-a-lago lsp`: a language server session driven over stdio, as an editor does."""

from __future__ import annotations

import asyncio
import shutil
import sys
from pathlib import Path

import pytest
from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

from support import FIXTURES, MINI


class Editor:
    """A language client that keeps the diagnostics the server publishes."""

    def __init__(self) -> None:
        self.client = LanguageClient("test-editor", "1")
        self.diagnostics: dict[str, list[lsp.Diagnostic]] = {}
        self.changed = asyncio.Event()

        @self.client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: lsp.PublishDiagnosticsParams) -> None:
            self.diagnostics[params.uri] = params.diagnostics
            self.changed.set()

    async def start(self, root: Path, *args: str) -> lsp.InitializeResult:
        await self.client.start_io(sys.executable, "-m", "game", "lsp", *args)
        result = await self.client.initialize_async(
            lsp.InitializeParams(
                capabilities=lsp.ClientCapabilities(), root_uri=from_fs_path(str(root))
            )
        )
        self.client.initialized(lsp.InitializedParams())
        return result

    async def open(self, path: Path, text: str | None = None) -> str:
        uri = from_fs_path(str(path))
        assert uri is not None
        self.client.text_document_did_open(
            lsp.DidOpenTextDocumentParams(
                lsp.TextDocumentItem(
                    uri=uri,
                    language_id="toml",
                    version=1,
                    text=path.read_text() if text is None else text,
                )
            )
        )
        return uri

    async def change(self, uri: str, text: str, version: int) -> None:
        self.client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    async def diagnostics_for(self, uri: str, until=lambda ds: True) -> list[lsp.Diagnostic]:
        async def wait() -> list[lsp.Diagnostic]:
            while True:
                if uri in self.diagnostics and until(self.diagnostics[uri]):
                    return self.diagnostics[uri]
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), timeout=30)

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


@pytest.fixture
async def editor():
    e = Editor()
    yield e
    await e.stop()


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    return folder


async def test_a_broken_file_gets_a_diagnostic_at_its_line(editor: Editor, tmp_path: Path):
    case = FIXTURES / "broken" / "goto_missing_scene"
    folder = tmp_path / "story"
    shutil.copytree(case / "story", folder)
    result = await editor.start(folder)
    assert result.capabilities.definition_provider
    uri = await editor.open(folder / "story.toml")
    diagnostics = await editor.diagnostics_for(uri, until=bool)
    expected = (case / "expected.txt").read_text().splitlines()[0]
    line = int(expected.split(":")[1])
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert d.range.start.line == line - 1
    assert "goto 'secnod' names no scene or ending (did you mean 'second'?)" in d.message
    assert d.severity == lsp.DiagnosticSeverity.Error
    assert d.source == "mar-a-lago"


async def test_diagnostics_follow_the_unsaved_text(editor: Editor, mini: Path):
    await editor.start(mini)
    path = mini / "scenes.toml"
    uri = await editor.open(path)
    assert list(await editor.diagnostics_for(uri)) == []
    broken = path.read_text().replace('goto = "garden"\n', 'goto = "gardn"\n', 1)
    await editor.change(uri, broken, 2)
    found = await editor.diagnostics_for(uri, until=bool)
    assert "goto 'gardn' names no scene or ending (did you mean 'garden'?)" in found[0].message
    assert path.read_text() != broken  # nothing written to the author's file
    await editor.change(uri, path.read_text(), 3)
    assert list(await editor.diagnostics_for(uri, until=lambda ds: not ds)) == []


async def test_go_to_the_scene_a_goto_names(editor: Editor, mini: Path):
    await editor.start(mini)
    path = mini / "scenes.toml"
    uri = await editor.open(path)
    lines = path.read_text().splitlines()
    row = next(i for i, line in enumerate(lines) if line == 'goto = "garden"')
    found = await editor.client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(row, 10))
    )
    assert isinstance(found, lsp.Location)
    assert found.uri == uri
    assert lines[found.range.start.line] == "[scenes.garden]"
    # an ending, in another file
    row = next(i for i, line in enumerate(lines) if line == 'goto = "end:good"')
    found = await editor.client.text_document_definition_async(
        lsp.DefinitionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(row, 12))
    )
    assert isinstance(found, lsp.Location)
    assert found.uri.endswith("/endings.toml")
    ending_lines = (mini / "endings.toml").read_text().splitlines()
    assert ending_lines[found.range.start.line] == "[endings.good]"


async def test_completion_of_scenes_flags_and_meters(editor: Editor, mini: Path):
    await editor.start(mini)
    path = mini / "scenes.toml"
    text = path.read_text() + '\n[[scenes.garden.choices]]\ntext = "x"\ngoto = "\nset = [""]\n'
    uri = await editor.open(path, text)
    rows = text.splitlines()

    async def labels(row: int, column: int) -> set[str]:
        found = await editor.client.text_document_completion_async(
            lsp.CompletionParams(lsp.TextDocumentIdentifier(uri), lsp.Position(row, column))
        )
        assert isinstance(found, lsp.CompletionList)
        return {item.label for item in found.items}

    goto_row = rows.index('goto = "')
    assert {"hall", "yard", "garden", "end", "end:good", "end:draw"} <= await labels(goto_row, 8)
    set_row = rows.index('set = [""]')
    assert await labels(set_row, 8) == {"warmed"}
    effects_row = rows.index("effects = { trust = 2 }")
    assert {"trust", "heat"} <= await labels(effects_row, 12)


async def test_hover_says_what_an_id_is(editor: Editor, mini: Path):
    await editor.start(mini)
    path = mini / "scenes.toml"
    uri = await editor.open(path)
    rows = path.read_text().splitlines()
    row = rows.index("effects = { trust = -1, heat = 2 }")
    column = rows[row].index("heat") + 1
    found = await editor.client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(row, column))
    )
    assert found is not None
    assert isinstance(found.contents, lsp.MarkupContent)
    assert "meter 'heat': Heat, 0..5, starts at 2" in found.contents.value
    assert "story.toml:" in found.contents.value


async def test_warnings_come_too_as_warnings(editor: Editor, tmp_path: Path):
    folder = tmp_path / "typo"
    shutil.copytree(FIXTURES / "warnings" / "flag_typo" / "story", folder)
    await editor.start(folder)
    uri = await editor.open(folder / "story.toml")
    found = await editor.diagnostics_for(uri, until=lambda ds: len(ds) == 2)
    typo = next(d for d in found if "signaled" in d.message)
    assert typo.severity == lsp.DiagnosticSeverity.Warning
    assert typo.code == "flag-never-set"
    assert "(did you mean 'signalled'?)" in typo.message
    assert typo.range.start.line == 31  # the passage that tests it (line 32)


@pytest.mark.parametrize("given", [False, True], ids=["by-file", "story-folder-given"])
async def test_a_story_folder_given_holds_its_files_wherever_its_header_is(
    editor: Editor, mini: Path, given: bool
):
    """The `[story]` table in a subfolder: each file alone would make `meta/` the story
    (where `hall` is no scene); `lsp STORY_DIR` keeps every file under it in one story."""
    (mini / "meta").mkdir()
    (mini / "story.toml").rename(mini / "meta" / "story.toml")
    await editor.start(mini, *([str(mini)] if given else []))
    uri = await editor.open(mini / "meta" / "story.toml")
    diagnostics = await editor.diagnostics_for(uri)
    messages = " ".join(d.message for d in diagnostics)
    if given:
        assert [d for d in diagnostics if d.severity == lsp.DiagnosticSeverity.Error] == []
    else:
        assert "'hall'" in messages


def test_lsp_refuses_a_story_folder_that_is_not_one(tmp_path: Path):
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "game", "lsp", str(tmp_path / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "is not a folder" in done.stderr
