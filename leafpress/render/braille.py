"""Braille: the rendered leaflet page as linear blocks, set on 40-cell, 25-line BRF pages.

The page is the same template's HTML every format renders (so the same words, in the same
order); here it is read as text. `translate` turns print into braille ASCII (liblouis in
formats/brf.py); this module only decides where lines and pages break.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

CELLS = 40  # a line of the usual embosser paper (11 x 11.5 in)
LINES = 25  # lines on a page, the first carrying the braille page number
BOX_LINE = "7" * CELLS  # dots 2356 across the line: UEB's box line around a callout
LINE_END, PAGE_END = "\r\n", "\f"  # what embossers and BRF readers expect

TITLE, HEADING, SUBHEADING, PARA, ITEM, BOX, BLANK = (
    "title", "heading", "subheading", "para", "item", "box", "blank")
HEADINGS = {"h1": TITLE, "h2": HEADING}
SKIPPED = {"head", "title", "style", "script", "template"}


@dataclass(frozen=True)
class Block:
    """One piece of the leaflet in reading order: what it is, its print text, its depth."""

    kind: str
    text: str = ""
    level: int = 0


class _Linear(HTMLParser):
    """Sanitised page HTML to blocks: headings, paragraphs, list items, table rows, boxes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.kind, self.level = PARA, 0
        self.skipping = 0
        self.lists: list[list[int | None]] = []  # per open list: [next number] or [None]
        self.in_item = 0
        self.row: list[tuple[bool, str]] | None = None  # cells of the open table row
        self.cell: list[str] | None = None
        self.headers: list[str] = []
        self.boxes: list[bool] = []  # per open div: whether it is a callout

    def flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.text)).strip()
        if text:
            self.blocks.append(Block(self.kind, text, self.level))
        self.text = []
        self.kind, self.level = (ITEM, self.level) if self.in_item else (PARA, 0)

    def start(self, kind: str, level: int = 0) -> None:
        self.flush()
        self.kind, self.level = kind, level

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED:
            self.skipping += 1
        if self.skipping:
            return
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if tag in HEADINGS or tag in ("h3", "h4", "h5", "h6"):
            self.start(HEADINGS.get(tag, SUBHEADING))
        elif tag == "p" and "admonition-title" in classes:
            self.start(SUBHEADING)
        elif tag in ("p", "figcaption", "caption", "pre"):
            if not self.in_item and self.cell is None:
                self.start(PARA)
            elif self.text:
                self.text.append(" ")
        elif tag in ("ul", "ol"):
            self.flush()
            start = values.get("start")
            self.lists.append([int(start) if start and start.lstrip("-").isdigit() else 1]
                              if tag == "ol" else [None])
        elif tag in ("li", "dt"):
            self.in_item += tag == "li"
            number = self.lists[-1][0] if tag == "li" and self.lists else None
            self.start(ITEM, max(0, len(self.lists) - 1))
            if number is not None:
                self.text.append(f"{number}. ")
                self.lists[-1][0] = number + 1
        elif tag == "dd":
            self.text.append(": ")
        elif tag == "tr":
            self.flush()
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "div":
            callout = "admonition" in classes
            self.boxes.append(callout)
            self.flush()
            if callout:
                self.blocks.append(Block(BOX))
        elif tag == "img":
            alt = (values.get("alt") or "").strip()
            if alt:
                self._text(f" {alt} ")
        elif tag == "br":
            self._text(" ")
        elif tag == "hr":
            self.flush()
            self.blocks.append(Block(BLANK))
        elif tag in ("section", "aside", "header", "main", "footer", "blockquote", "figure",
                     "table", "dl"):
            self.flush()

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in ("img", "br", "hr", "wbr"):
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.skipping:
            self.skipping -= tag in SKIPPED
            return
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append((tag == "th", re.sub(r"\s+", " ", "".join(self.cell)).strip()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self._row(self.row)
            self.row = None
        elif tag == "table":
            self.headers = []
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()
        elif tag == "li":
            self.flush()
            self.in_item = max(0, self.in_item - 1)
            self.kind, self.level = (ITEM, self.level) if self.in_item else (PARA, 0)
        elif tag == "dd":
            self.flush()
        elif tag == "div" and self.boxes:
            self.flush()
            if self.boxes.pop():
                self.blocks.append(Block(BOX))
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "caption", "pre"):
            if not self.in_item and self.cell is None:
                self.flush()

    def _row(self, row: list[tuple[bool, str]]) -> None:
        """A header row names the columns; each body row is an entry, its first cell at the
        margin and the others indented under it, each with its column's name."""
        if row and all(header for header, _ in row) and not self.headers:
            self.headers = [text for _, text in row]
            return
        if len(row) > 1 and row[0][0] and not self.headers:
            # A row named by its first cell (the back matter's "Phone | 020 ..."): one entry.
            values = "; ".join(text for _, text in row[1:] if text)
            self.blocks.append(Block(ITEM, f"{row[0][1]}: {values}" if values else row[0][1]))
            return
        level = 0
        for index, (_, text) in enumerate(row):
            name = self.headers[index] if index < len(self.headers) else ""
            if text:
                self.blocks.append(Block(ITEM, f"{name}: {text}" if name else text, level))
                level = 1

    def _text(self, data: str) -> None:
        (self.cell if self.cell is not None else self.text).append(data)

    def handle_data(self, data):
        if not self.skipping:
            self._text(data)


def linear(page: str) -> list[Block]:
    """The page's text as blocks in reading order (head, scripts and styles left out)."""
    parser = _Linear()
    parser.feed(page)
    parser.close()
    parser.flush()
    return parser.blocks


def wrap(braille: str, first: int, rest: int, width: int = CELLS) -> list[str]:
    """Braille text in lines of at most width cells: the first indented by first cells, the
    others by rest; a word longer than a line is cut (only long addresses are)."""
    lines: list[str] = []
    line = ""
    for word in braille.split():
        indent = first if not lines else rest
        room = width - indent
        candidate = f"{line} {word}" if line else word
        if len(candidate) <= room:
            line = candidate
            continue
        if line:
            lines.append(" " * indent + line)
            indent, room = rest, width - rest
        while len(word) > room:
            lines.append(" " * indent + word[:room])
            word = word[room:]
            indent, room = rest, width - rest
        line = word
    if line:
        lines.append(" " * (first if not lines else rest) + line)
    return lines


def centred(lines: list[str], width: int = CELLS) -> list[str]:
    return [" " * ((width - len(line)) // 2) + line for line in lines]


def typeset(blocks: list[Block], translate: Callable[[str], str], running: str = "") -> bytes:
    """Blocks to a BRF: braille ASCII, 40 cells by 25 lines, page numbers at the top right,
    and `running` (a draft's mark) at the top left of every page."""
    body = LINES - 1
    pages: list[list[str]] = [[]]

    def room() -> int:
        return body - len(pages[-1])

    def put(lines: list[str], blank_before: bool = False, keep: int | None = None) -> None:
        """Add lines, flowing onto the next page; a heading (keep: lines that must follow it
        on its page) starts a new page rather than end one."""
        blank_before = blank_before and bool(pages[-1]) and pages[-1][-1] not in ("", BOX_LINE)
        needed = len(lines) + (keep or 0) + blank_before
        if keep is not None and pages[-1] and needed > room() and needed <= body:
            pages.append([])
            blank_before = False
        if blank_before:
            pages[-1].append("")
        for line in lines:
            if not room():
                pages.append([])
            if line or pages[-1]:  # a page never starts with a blank line
                pages[-1].append(line)

    for block in blocks:
        if block.kind == BOX:
            put([BOX_LINE])
            continue
        if block.kind == BLANK:
            put([""])
            continue
        cells = translate(block.text)
        if block.kind == TITLE:
            put(centred(wrap(cells, 0, 0)), blank_before=True, keep=1)
            put([""])
        elif block.kind == HEADING:
            put(centred(wrap(cells, 0, 0)), blank_before=True, keep=2)
        elif block.kind == SUBHEADING:
            put(wrap(cells, 4, 4), blank_before=True, keep=2)
        elif block.kind == ITEM:
            put(wrap(cells, 2 * block.level, 2 * block.level + 2))
        else:
            put(wrap(cells, 2, 0))
    head = translate(running) if running else ""
    out = []
    for number, lines in enumerate(pages, 1):
        while lines and not lines[-1]:  # nor ends with one
            lines.pop()
        label = translate(str(number))
        top = head[:CELLS - len(label) - 1].ljust(CELLS - len(label)) + label if head \
            else label.rjust(CELLS)
        out.append(LINE_END.join([top, *lines]) + LINE_END + PAGE_END)
    return "".join(out).encode("ascii")
