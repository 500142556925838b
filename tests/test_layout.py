"""The printed page as RNIB Clear Print asks for it, measured in the built PDFs: the A4
measure, the smallest type, headings kept with their text, and the paper used."""

from __future__ import annotations

import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from .conftest import ROOT, SAMPLES
from .pdfcheck import Structure, kids

sys.path.insert(0, str(ROOT / "bench"))
from layout import full_lines  # noqa: E402  (bench/layout.py: the README's measurements)

# The shared every_format fixture is built once per run, whichever worker asks first.
pytestmark = pytest.mark.xdist_group("every-format")
STEMS = sorted(p.stem for p in SAMPLES.glob("*.md"))
MM = 72 / 25.4
# The paper the shipped samples used before this layout (README, "Paper"): A4 29 pages,
# large print 40, booklets 12 sheets. Each must not grow back.
PAPER = {"a4": 28, "large-print": 39, "booklet sheets": 10}


@pytest.fixture(scope="module")
def out(every_format):
    return every_format


@pytest.mark.parametrize("stem", STEMS)
def test_a4_lines_are_60_to_70_characters(out, stem):
    """Full lines (those that wrap at the right edge), as pdftotext reads them."""
    counts = [n for n in full_lines(out / f"{stem}.pdf") if n >= 40]
    assert len(counts) >= 15
    assert 60 <= statistics.median(counts) <= 70, sorted(counts)
    assert sum(n <= 71 for n in counts) >= 0.85 * len(counts), sorted(counts)
    assert max(counts) <= 75


@pytest.mark.parametrize("fmt, suffix, smallest", [("a4", "", 12.0),
                                                   ("large-print", "-large-print", 16.0)])
@pytest.mark.parametrize("stem", STEMS)
def test_nothing_a_patient_reads_is_below_the_minimum(out, stem, fmt, suffix, smallest):
    structure = Structure(out / f"{stem}{suffix}.pdf")
    sizes = [s for page in structure.text_sizes(artifacts=False).values() for s in page]
    assert sizes and min(sizes) >= smallest - 0.01, sorted(set(sizes))[:5]
    # Everything, the running footer too (its reference, review date and page numbers).
    footer = [s for page in structure.text_sizes(artifacts=True).values() for s in page]
    assert footer and min(footer) >= smallest - 0.01
    structure.close()


@pytest.mark.parametrize("suffix", ["", "-large-print"])
@pytest.mark.parametrize("stem", STEMS)
def test_a_heading_never_ends_a_page(out, stem, suffix):
    """The last thing tagged on each page but the last is not a heading."""
    structure = Structure(out / f"{stem}{suffix}.pdf")
    last: dict[int, str] = {}
    for element in structure.elements():
        for kid in kids(element):
            if isinstance(kid, int):
                page = structure.page_of(element)
                heading = next((str(a.S) for a in _ancestors(element)
                                if str(a.get("/S")) in {f"/H{i}" for i in range(1, 7)}), "")
                last[page] = heading
    pages = len(structure.pdf.pages)
    assert [page for page, heading in last.items() if heading and page < pages - 1] == []
    structure.close()


def _ancestors(element):
    while element is not None and element.get("/Type") == "/StructElem":
        yield element
        element = element.get("/P")


@pytest.mark.parametrize("name", ["", "-large-print", "-booklet"])
@pytest.mark.parametrize("stem", STEMS)
def test_no_text_is_clipped_or_off_the_page(out, stem, name):
    """Every word lies on the paper, at least 10 mm in from each edge (the README's promise:
    office printers cannot reach about 5 mm)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(out / f"{stem}{name}.pdf"), "-"],
                         check=True, capture_output=True, text=True).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    for page in ET.fromstring(xml).iter(f"{ns}page"):
        width, height = float(page.get("width")), float(page.get("height"))
        for word in page.iter(f"{ns}word"):
            box = [float(word.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
            assert box[0] >= 10 * MM and box[2] <= width - 10 * MM, word.text
            assert box[1] >= 10 * MM and box[3] <= height - 10 * MM, word.text


def test_paper_stays_within_the_targets(out):
    used = {"a4": 0, "large-print": 0, "booklet sheets": 0}
    for stem in STEMS:
        used["a4"] += _pages(out / f"{stem}.pdf")
        used["large-print"] += _pages(out / f"{stem}-large-print.pdf")
        used["booklet sheets"] += _pages(out / f"{stem}-booklet.pdf") // 2  # two sides a sheet
    assert all(used[k] <= PAPER[k] for k in PAPER), used


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    return int(info.split("Pages:")[1].split()[0])
