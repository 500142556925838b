"""Paper and measure of built leaflets: pages, booklet sheets, line lengths, blank page feet.

    .venv/bin/python bench/layout.py dist/

Reads the PDFs back with poppler's `pdftotext -bbox-layout` (word boxes), so it measures
what prints, whatever made it. Not part of the tests (tests/test_layout.py holds the limits).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

MM = 72 / 25.4
NS = "{http://www.w3.org/1999/xhtml}"


def lines(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Per page, each text line as (x_min, y_min, x_max, y_max, text)."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = []
    for page in ET.fromstring(xml).iter(f"{NS}page"):
        found = []
        for line in page.iter(f"{NS}line"):
            words = [w.text or "" for w in line.iter(f"{NS}word")]
            found.append((float(line.get("xMin")), float(line.get("yMin")),
                          float(line.get("xMax")), float(line.get("yMax")), " ".join(words)))
        pages.append((float(page.get("height")), found))
    return pages


def full_lines(path: Path) -> list[int]:
    """Characters in each line that runs to the right edge of the text (a wrapped line)."""
    counts = []
    for height, found in lines(path):
        body = [line for line in found if line[1] < height * 0.9]
        if not body:
            continue
        right = max(line[2] for line in body)
        # A bullet and its space hang outside the measure: not counted.
        counts += [len(line[4].removeprefix("• ")) for line in body if line[2] > right - 40]
    return counts


def foot_gaps(path: Path) -> list[float]:
    """Blank space in mm between the last line of text and the footer, page by page."""
    gaps = []
    for height, found in lines(path):
        footer = [line for line in found if line[1] >= height * 0.9]
        body = [line for line in found if line[1] < height * 0.9]
        if footer and body:
            gaps.append((min(line[1] for line in footer) - max(line[3] for line in body)) / MM)
    return gaps


def main(folder: Path) -> None:
    totals: dict[str, int] = {}
    for path in sorted(folder.glob("*.pdf")):
        pages = len(lines(path))
        kind = ("booklet" if path.stem.endswith("-booklet") else
                "large-print" if path.stem.endswith("-large-print") else "a4")
        if kind == "booklet":
            totals["booklet sheets"] = totals.get("booklet sheets", 0) + pages // 2
            print(f"{path.name:52} {pages // 2} sheets ({pages * 2} pages)")
            continue
        totals[f"{kind} pages"] = totals.get(f"{kind} pages", 0) + pages
        gaps = foot_gaps(path)[:-1]  # the last page ends where the leaflet does
        print(f"{path.name:52} {pages:2} pages, largest gap before the footer "
              f"{max(gaps, default=0):5.1f} mm", end="")
        if kind == "a4":
            counts = full_lines(path)
            print(f", full lines {statistics.median(counts):.0f} characters median, "
                  f"{max(counts)} longest", end="")
        print()
    print(", ".join(f"{name}: {count}" for name, count in totals.items()))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "dist"))
