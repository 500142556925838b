"""Text inside an author's SVG drawing: the size it prints at in each format.

An image is scaled to fit the text column, and its words with it: a label that reads well
on screen can print below the format's minimum, and large print cannot enlarge it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from leafpress.files import FileRefused, read_regular
from leafpress.limits import MAX_RESOURCE_BYTES, MIN_TEXT_PT, TEXT_WIDTH_MM

PT_PER_MM = 72 / 25.4
PX = 0.75  # a CSS pixel in points
DEFAULT_FONT_UNITS = 16.0  # SVG's initial font-size: medium, 16px
SVG = "{http://www.w3.org/2000/svg}"
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|mm|cm|in)?\s*$")
_UNITS = {None: PX, "px": PX, "pt": 1.0, "mm": PT_PER_MM, "cm": 10 * PT_PER_MM, "in": 72.0}
_STYLE_SIZE = re.compile(r"(?:^|;)\s*font-size\s*:\s*([0-9]*\.?[0-9]+)\s*(?:px)?\s*(?:;|$)")


@dataclass(frozen=True)
class Drawing:
    """What fixes an SVG's printed text size: its smallest font size and its width, both
    in user units, and the width it asks for in points."""

    smallest: float
    units_wide: float
    natural_pt: float

    def printed_pt(self, fmt: str) -> float:
        """The smallest text's size in points once the drawing fits fmt's text column
        (`img { max-width: 100% }`: shrunk to the column, never enlarged)."""
        width = min(self.natural_pt, TEXT_WIDTH_MM[fmt] * PT_PER_MM)
        return self.smallest * width / self.units_wide

    def too_small(self) -> dict[str, float]:
        """Format -> printed size, for each format where it falls below the minimum."""
        return {fmt: round(self.printed_pt(fmt), 1) for fmt in MIN_TEXT_PT
                if self.printed_pt(fmt) < MIN_TEXT_PT[fmt] - 0.05}


def read_drawing(svg: Path) -> Drawing | None:
    """The drawing's text and width, or None when it has no text or cannot be read safely."""
    try:
        data = read_regular(svg, MAX_RESOURCE_BYTES)  # never a FIFO, a device or /proc
    except FileRefused:
        return None
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        return None  # never expand entities (the renderer refuses such files anyway)
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return None
    sizes = list(_text_sizes(root, DEFAULT_FONT_UNITS))
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    width = _length(root.get("width"))
    try:
        units = float(view_box[2]) if len(view_box) == 4 else None
    except ValueError:
        units = None
    if units is None and width is not None:
        units = width / PX  # no viewBox: one user unit is one CSS pixel
    if not sizes or not units or units <= 0:
        return None
    return Drawing(min(sizes), units, width if width is not None else units * PX)


def _text_sizes(element: ET.Element, inherited: float):
    """The font size (user units) of every text or tspan that holds words."""
    size = inherited
    attribute = _length(element.get("font-size"), unitless=True)
    if attribute is not None:
        size = attribute
    style = _STYLE_SIZE.search(element.get("style") or "")
    if style:
        size = float(style.group(1))
    if element.tag in (f"{SVG}text", f"{SVG}tspan", "text", "tspan") and (element.text or "").strip():
        yield size
    for child in element:
        yield from _text_sizes(child, size)


def _length(value: str | None, unitless: bool = False) -> float | None:
    """A length in points (or, with unitless, a bare number in user units)."""
    match = _LENGTH.match(value or "")
    if not match:
        return None
    number = float(match.group(1))
    if unitless and match.group(2) in (None, "px"):
        return number
    return number * _UNITS[match.group(2)]
