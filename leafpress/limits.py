"""Limits on what a leaflet may ask for: nesting depth (checked on the source before anything
renders), file sizes and image pixels (checked by the fetcher). Deep nesting only ever comes
from a mistake or an attack, and both Markdown and WeasyPrint recurse once per level."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import Diagnostic, error

# Lists, quotes and callouts inside each other. Leaflets use three at most; Python-Markdown
# stops with a RecursionError at about 100 and takes minutes on the way.
MAX_NESTING = 20
# Raw HTML elements inside each other; WeasyPrint stops with a RecursionError near 150.
MAX_HTML_NESTING = 50
TAB = 4
# colspan and rowspan: WeasyPrint lays out every spanned column (65534 take 15 s).
MAX_TABLE_SPAN = 100
# Any one file a leaflet loads (image, font, style sheet).
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
# A 300 dpi photo filling an A4 page is 8.7 megapixels; 50 decode to 200 MB, well inside a
# worker's memory cap. A 20000 x 20000 PNG is a few KB on disk and 1.6 GB decoded.
MAX_IMAGE_PIXELS = 50_000_000

_QUOTE_OR_SPACE = re.compile(r"[ \t>]*")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*?(/?)>")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


def line_depth(line: str) -> int:
    """How deep a Markdown line sits: one level per '>' and per four columns of indent."""
    prefix = _QUOTE_OR_SPACE.match(line)[0].expandtabs(TAB)
    # The space after each '>' belongs to the quote marker, not to the indent.
    indent = prefix.count(" ") - prefix.count("> ")
    return prefix.count(">") + indent // TAB


def nesting_problems(path: Path, body: str, first_line: int) -> list[Diagnostic]:
    """One error at the first line nested deeper than the limits, for each kind of nesting."""
    problems: list[Diagnostic] = []
    for number, line in enumerate(body.split("\n"), first_line):
        if not line.strip():  # a blank line nests nothing, whatever its spaces
            continue
        depth = line_depth(line)
        if depth > MAX_NESTING:
            problems.append(error("too-deep", path, number,
                                  f"nested {depth} levels deep (lists, quotes and callouts may "
                                  f"go {MAX_NESTING} deep): flatten it"))
            break
    depth = 0
    for match in _TAG.finditer(body):
        closing, name, self_closing = match[1], match[2].lower(), match[3]
        if name in _VOID or self_closing:
            continue
        depth = max(0, depth - 1) if closing else depth + 1
        if depth > MAX_HTML_NESTING:
            line = first_line + body.count("\n", 0, match.start())
            problems.append(error("too-deep", path, line,
                                  f"HTML tags nested more than {MAX_HTML_NESTING} deep: "
                                  "close them or flatten the markup"))
            break
    return problems
