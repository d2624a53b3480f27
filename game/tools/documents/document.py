"""A small document model rendered as Markdown or as one standalone HTML page.

Transcripts and class reports are written once, as a list of blocks, and rendered
to either format here. Story text is plain text: every character of it is escaped
for the format, so a "[", a "*" or a "<" in a scene shows as itself.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import attrs

from game.core.errors import MarALagoError

FORMATS = ("md", "html")


@attrs.frozen
class Heading:
    level: int
    text: str
    #: an HTML id, for the page's own links and for tests
    anchor: str = ""


@attrs.frozen
class Paragraph:
    text: str
    #: a bold lead-in such as "Your choice:"
    label: str = ""
    #: "" or "note" (shown smaller, in italics)
    kind: str = ""


@attrs.frozen
class Quote:
    """Story text: paragraphs the player read."""

    paragraphs: tuple[str, ...]


@attrs.frozen
class Items:
    items: tuple[str, ...]
    ordered: bool = False


@attrs.frozen
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    #: columns holding numbers (aligned right)
    numeric: frozenset[int] = frozenset()


@attrs.frozen
class Figure:
    """Markup for one format only (an SVG chart in HTML); the other format skips it."""

    html: str
    markdown: str = ""


Block = Heading | Paragraph | Quote | Items | Table | Figure


class FormatError(MarALagoError, ValueError):
    """A format this module does not write."""


def render(title: str, blocks: Sequence[Block], fmt: str = "md") -> str:
    if fmt == "md":
        return _markdown(blocks)
    if fmt == "html":
        return _html(title, blocks)
    raise FormatError(f"unknown format '{fmt}'; use one of: {', '.join(FORMATS)}")


# -- Markdown -------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_BLOCK_START = re.compile(r"^(\s*)(#{1,6}|[+\-]|\d+[.)])(?=\s|$)")


def md_escape(text: str, *, block_start: bool = True, cell: bool = False) -> str:
    """Plain text as Markdown that shows exactly this text (on one line).

    `block_start` escapes a leading "#", "-" or "1." that would start a heading or a
    list; `cell` escapes "|" for a table cell.
    """
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub(r"\\&", text)
    if cell:
        text = text.replace("|", "\\|")
    if block_start:
        text = _MD_BLOCK_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)
    return text


def _escape_marker(marker: str) -> str:
    if marker[-1] in ".)":
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + md_escape(block.text, block_start=False))
        elif isinstance(block, Paragraph):
            text = md_escape(block.text)
            if block.label:
                text = f"**{md_escape(block.label)}** {md_escape(block.text, block_start=False)}"
            if block.kind == "note":
                text = f"*{text}*"
            out.append(text)
        elif isinstance(block, Quote):
            out.append("\n>\n".join("> " + md_escape(p) for p in block.paragraphs))
        elif isinstance(block, Items):
            out.append(
                "\n".join(
                    (f"{n}. " if block.ordered else "- ") + md_escape(item)
                    for n, item in enumerate(block.items, 1)
                )
            )
        elif isinstance(block, Table):
            out.append(_md_table(block))
        elif block.markdown:
            out.append(block.markdown)
    return "\n\n".join(out) + "\n"


def _md_table(table: Table) -> str:
    lines = []
    if table.caption:
        lines += [f"*{md_escape(table.caption, block_start=False)}*", ""]
    lines.append(
        "| " + " | ".join(md_escape(h, block_start=False, cell=True) for h in table.header) + " |"
    )
    lines.append(
        "|"
        + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.header)))
        + "|"
    )
    for row in table.rows:
        lines.append(
            "| " + " | ".join(md_escape(c, block_start=False, cell=True) for c in row) + " |"
        )
    return "\n".join(lines)


# -- HTML -----------------------------------------------------------------------------

_CSS = """
body { font-family: Georgia, "Times New Roman", serif; max-width: 48rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; background: #fff; }
h1, h2, h3, h4 { font-family: system-ui, sans-serif; line-height: 1.2; }
h2 { border-top: 1px solid #ccc; padding-top: 1rem; margin-top: 2rem; }
blockquote { margin: 0.5rem 0; padding: 0.1rem 1rem; border-left: 4px solid #9bb;
             background: #f5f8f8; }
table { border-collapse: collapse; margin: 0.5rem 0; font-family: system-ui, sans-serif;
        font-size: 0.9rem; }
th, td { border: 1px solid #bbb; padding: 0.2rem 0.5rem; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; }
caption { text-align: left; font-style: italic; padding-bottom: 0.2rem; }
p.note { font-style: italic; color: #555; font-size: 0.9rem; }
figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; }
@media print { h2 { break-before: auto; } figure, table { break-inside: avoid; } }
""".strip()


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _html(title: str, blocks: Sequence[Block]) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
    ]
    for block in blocks:
        out.append(_html_block(block))
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def _html_block(block: Block) -> str:
    if isinstance(block, Heading):
        anchor = f' id="{_esc(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{_esc(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        cls = f' class="{_esc(block.kind)}"' if block.kind else ""
        label = f"<strong>{_esc(block.label)}</strong> " if block.label else ""
        return f"<p{cls}>{label}{_esc(block.text)}</p>"
    if isinstance(block, Quote):
        inner = "\n".join(f"<p>{_esc(p)}</p>" for p in block.paragraphs)
        return f"<blockquote>\n{inner}\n</blockquote>"
    if isinstance(block, Items):
        tag = "ol" if block.ordered else "ul"
        inner = "\n".join(f"<li>{_esc(item)}</li>" for item in block.items)
        return f"<{tag}>\n{inner}\n</{tag}>"
    if isinstance(block, Table):
        return _html_table(block)
    return f"<figure>\n{block.html}\n</figure>"


def _html_table(table: Table) -> str:
    def cell(tag: str, i: int, text: str) -> str:
        cls = ' class="num"' if i in table.numeric else ""
        scope = ' scope="col"' if tag == "th" else ""
        return f"<{tag}{cls}{scope}>{_esc(text)}</{tag}>"

    lines = ["<table>"]
    if table.caption:
        lines.append(f"<caption>{_esc(table.caption)}</caption>")
    lines.append(
        "<thead><tr>"
        + "".join(cell("th", i, h) for i, h in enumerate(table.header))
        + "</tr></thead>"
    )
    lines.append("<tbody>")
    for row in table.rows:
        lines.append("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>")
    lines += ["</tbody>", "</table>"]
    return "\n".join(lines)
