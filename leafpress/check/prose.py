"""The prose of a Markdown body as a reader meets it: blocks of plain text with source lines.

Headings, callout titles, paragraphs, list items and table cells each become a Block;
code, rules, link definitions and HTML comments are dropped. Inline markup is removed
(a link keeps its text, an image and a bare address disappear), and newlines are kept
so a position in a block's text maps back to its line in the file.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

HEADING = "heading"
PARAGRAPH = "paragraph"
ITEM = "item"
CELL = "cell"

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# The closing #s are stripped in Python: a lazy (.*?) before \s*#*\s*$ is quadratic on '#' * n.
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*)|#*\s*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")
_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
_CALLOUT = re.compile(r'^\s*[!?]{3}\+?\s+[\w-]+(?:\s+"(.*)")?\s*$')
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\[\]]+\]:\s*\S")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
# No two \s* side by side (with an optional | between): quadratic on a line of spaces.
_TABLE_DELIMITER = re.compile(r"^\s*(?:\|\s*)?:?-+:?\s*(?:\|\s*:?-+:?\s*)*(?:\|\s*)?$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(frozen=True)
class Block:
    """Plain text of one heading, paragraph, list item or table cell."""

    kind: str
    text: str  # newlines kept: line of offset i is line + text.count("\n", 0, i)
    line: int

    @cached_property
    def _find_line(self) -> Callable[[int], int]:
        return line_finder(self.text, self.line)

    def line_at(self, offset: int) -> int:
        """The source line of a position in text."""
        return self._find_line(offset)


def line_finder(text: str, first_line: int) -> Callable[[int], int]:
    """A function from an offset in text to its line, fast on long texts."""
    newlines = [match.start() for match in re.finditer("\n", text)]
    return lambda offset: first_line + bisect_left(newlines, offset)


def _keep_lines(kept: str, matched: str) -> str:
    """The replacement for matched, padded with the newlines it removed."""
    return kept + "\n" * (matched.count("\n") - kept.count("\n"))


# Each scan stops where its markup cannot go on (an unclosed comment runs to the end, as in
# HTML), so that no start position rescans the rest of a hostile line: linear time.
_INLINE = [
    (re.compile(r"<!--.*?(?:-->|\Z)", re.S), lambda m: ""),
    (re.compile(r"`+([^`]*)`+"), lambda m: m[1]),  # code keeps its words
    (re.compile(r"!\[[^\[\]]*\](?:\([^()]*\)|\[[^\[\]]*\])?"), lambda m: ""),  # images
    (re.compile(r"\[([^\[\]]*)\](?:\([^()]*\)|\[[^\[\]]*\])"), lambda m: m[1]),  # links
    (re.compile(r"<(?:https?|mailto|tel|ftp):[^<>\s]*>", re.I), lambda m: ""),  # autolinks
    (re.compile(r"<[A-Za-z/][^<>]*>"), lambda m: ""),  # HTML tags
    (re.compile(r"\b(?:https?://|www\.)[^\s<>()]*[^\s<>().,;:!?]", re.I), lambda m: ""),
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), lambda m: ""),  # email addresses
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])"), lambda m: m[1]),  # escapes
    (re.compile(r"\*+|(?<!\w)_+|_+(?!\w)"), lambda m: ""),  # emphasis markers
]


def plain(text: str) -> str:
    """Markdown inline markup to plain text, keeping every newline."""
    for pattern, replace in _INLINE:
        text = pattern.sub(lambda m, r=replace: _keep_lines(r(m), m[0]), text)
    return html.unescape(text)


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return _CELL_SPLIT.split(row)


def blocks(body: str, first_line: int = 1) -> Iterator[Block]:
    """Yield the prose blocks of a Markdown body whose first line is first_line."""
    lines = body.split("\n")
    buffer: list[str] = []
    kind, start = PARAGRAPH, 0
    fence = ""
    in_table = in_comment = False

    def flush() -> Iterator[Block]:
        nonlocal buffer
        if buffer:
            text = plain("\n".join(buffer))
            if text.strip():
                yield Block(kind, text, start)
        buffer = []

    for index, raw in enumerate(lines):
        number = first_line + index
        if fence:
            if raw.strip().startswith(fence):
                fence = ""
            continue
        if in_comment:
            in_comment = "-->" not in raw
            continue
        line = _QUOTE.sub("", raw)  # a quote's text is prose like any other
        stripped = line.strip()
        if match := _FENCE.match(line):
            yield from flush()
            fence = match[1][0] * 3
            continue
        if stripped.startswith("<!--") and "-->" not in stripped:
            yield from flush()
            in_comment = True
            continue
        if not stripped:
            yield from flush()
            in_table = False
            continue
        if buffer and kind == PARAGRAPH and _SETEXT.match(line):
            kind = HEADING  # the paragraph above was a heading underlined with === or ---
            yield from flush()
            continue
        if _RULE.match(line) or _LINK_DEFINITION.match(line):
            yield from flush()
            continue
        if match := _ATX.match(line):
            yield from flush()
            # The optional closing sequence: "## Title ##" is "Title".
            yield from _single(HEADING, (match[2] or "").rstrip().rstrip("#").rstrip(), number)
            continue
        if match := _CALLOUT.match(line):
            yield from flush()
            yield from _single(HEADING, match[1] or "", number)  # a callout's title
            continue
        next_line = lines[index + 1] if index + 1 < len(lines) else ""
        if "|" in stripped and (in_table or "|" in next_line
                                and _TABLE_DELIMITER.match(_QUOTE.sub("", next_line))):
            yield from flush()
            if not in_table or not _TABLE_DELIMITER.match(line):
                for cell in _cells(line):
                    yield from _single(CELL, cell, number)
            in_table = True
            continue
        if match := _ITEM.match(line):
            yield from flush()
            kind, start = ITEM, number
            buffer = [line[match.end():]]
            continue
        if not buffer:
            kind, start = PARAGRAPH, number
        buffer.append(stripped)
    yield from flush()


def _single(kind: str, text: str, line: int) -> Iterator[Block]:
    text = plain(text)
    if text.strip():
        yield Block(kind, text, line)


def without_code(body: str) -> str:
    """The body with code blocks, code spans and comments blanked, offsets and lines kept."""
    lines = body.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        opening = _FENCE.match(_QUOTE.sub("", line))
        if fence or opening:
            if fence and line.strip().startswith(fence):
                fence = ""
            elif not fence:
                fence = opening[1][0] * 3
            lines[index] = " " * len(line)
    # An unclosed comment runs to the end (as in HTML): '<!--' * n stays linear.
    return re.sub(r"<!--.*?(?:-->|\Z)|`+[^`]*`+", _blank, "\n".join(lines), flags=re.S)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match[0])
