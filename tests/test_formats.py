"""Large print and the A5 booklet as they come off the printer: sizes, order, type, QR codes."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest
from PIL import Image

from leafpress.build.builder import build

from .conftest import (BRAND, SAMPLES, figure_alts, front_matter, normalise, pdf_text,
                       reference_html)
from .test_pdf_output import sentences, without_footers, without_link_addresses

MM = 72 / 25.4
A4_PORTRAIT = (210 * MM, 297 * MM)
A4_LANDSCAPE = (297 * MM, 210 * MM)
A5_WIDTH = 148 * MM
STEMS = sorted(p.stem for p in SAMPLES.glob("*.md"))
LONG = "lumbar-discectomy-recovery"  # 12 booklet pages: three sheets
# Five A5 pages with its back matter on a page of its own; four, on one sheet, with the back
# matter under the body's last lines there.
SHARED = "minimally-invasive-spine-surgery"
FOOTER_PAGE = re.compile(r"Page (\d+) of (\d+)")


def leaflet(stem: str) -> tuple[dict, str]:
    """A sample's front matter and body, as PyYAML reads them (not leafpress's parser)."""
    return front_matter(SAMPLES / f"{stem}.md")


def words(path: Path, page: int) -> list[tuple[float, float, float, float, str]]:
    """(xMin, yMin, xMax, yMax, text) of each word on a 1-based page, top-left origin, points."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                         check=True, capture_output=True, text=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml))
    return [(float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")),
             w.text or "") for w in root.iter("{http://www.w3.org/1999/xhtml}word")]


def footers(side_words, x_from: float, x_to: float) -> list[str]:
    """The "Page X of Y" labels whose words lie between x_from and x_to, as text."""
    half = sorted((w for w in side_words if x_from <= w[0] and w[2] <= x_to), key=lambda w: (w[1], w[0]))
    return FOOTER_PAGE.findall(" ".join(w[4] for w in half))


# How the booklet places each A5 page (a Form XObject) on its sheet side.
PLACED = re.compile(r"q 1 0 0 1 (-?[\d.]+) (-?[\d.]+) cm (/P\d+) Do Q")


def text_runs(path: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, font size in points as printed, x, baseline y from the bottom, text) of each run.

    pypdf gives positions inside a drawn Form XObject without the `cm` that placed it, so on
    a booklet sheet both halves would read as the left one: add each page's offset back.
    """
    reader = pypdf.PdfReader(path)
    runs = []
    for number, page in enumerate(reader.pages, 1):
        content = page.get_contents()  # a ContentStream is falsy: compare with None
        drawing = content.get_data().decode("latin-1") if content is not None else ""
        placed = {name: (float(dx), float(dy)) for dx, dy, name in PLACED.findall(drawing)}
        offset = [(0.0, 0.0)]

        def before(operator, operands, cm, tm, placed=placed, offset=offset):
            if operator == b"Do" and str(operands[0]) in placed:
                offset[0] = placed[str(operands[0])]

        def visit(text, cm, tm, font, size, number=number, offset=offset):
            if text.strip():
                a, b, c, d, e, f = _multiply(tm, cm)
                runs.append((number, round(size * abs(a * d - b * c) ** 0.5, 2),
                             e + offset[0][0], f + offset[0][1], text))
        page.extract_text(visitor_operand_before=before, visitor_text=visit)
    return runs


def _multiply(m, n):
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def picture_labels() -> set[str]:
    """Words drawn inside the samples' pictures: they scale with the picture, not the type."""
    labels = set()
    for svg in SAMPLES.glob("images/*.svg"):
        for element in ElementTree.parse(svg).iter():
            if element.tag.rsplit("}", 1)[-1] in ("text", "tspan"):
                labels.update(part.strip() for part in (element.text, element.tail) if part and part.strip())
    return labels


def body_runs(path: Path, bottom_margin_mm: float):
    """Text runs above the bottom margin, outside pictures: the leaflet's own type."""
    pictures = picture_labels()
    return [run for run in text_runs(path)
            if run[3] > bottom_margin_mm * MM and run[4].strip() not in pictures]


# ---- Page sizes and counts ----

@pytest.mark.parametrize("stem", STEMS)
def test_large_print_pages_are_a4_portrait(every_format, stem):
    for page in pypdf.PdfReader(every_format / f"{stem}-large-print.pdf").pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_PORTRAIT, abs=0.1)


@pytest.mark.parametrize("stem", STEMS)
def test_booklet_sheets_are_a4_landscape_and_carry_every_page_once(every_format, stem):
    path = every_format / f"{stem}-booklet.pdf"
    reader = pypdf.PdfReader(path)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4_LANDSCAPE, abs=0.01)
    labels = FOOTER_PAGE.findall(normalise(pdf_text(path)))
    total = int(labels[0][1])
    assert total % 4 == 0 and total >= 4
    assert len(reader.pages) == total // 2  # two sides per sheet, two pages per side
    assert sorted(int(x) for x, _ in labels) == list(range(1, total + 1))
    assert {y for _, y in labels} == {str(total)}


def test_the_long_sample_is_a_booklet_of_more_than_one_sheet(every_format):
    labels = FOOTER_PAGE.findall(pdf_text(every_format / f"{LONG}-booklet.pdf"))
    assert int(labels[0][1]) >= 8


# ---- Booklet imposition, read back from where the text is ----

@pytest.mark.parametrize("stem", STEMS)
def test_booklet_pages_are_in_saddle_stitch_order(every_format, stem):
    path = every_format / f"{stem}-booklet.pdf"
    reader = pypdf.PdfReader(path)
    n = 2 * len(reader.pages)
    centre = A4_LANDSCAPE[0] / 2
    seen = []
    for side in range(len(reader.pages)):
        side_words = words(path, side + 1)
        seen.append((footers(side_words, 0, centre), footers(side_words, centre, A4_LANDSCAPE[0])))
    expected = []
    for i in range(n // 4):  # LEAFLET-GUIDE.md: front n-2i | 2i+1, back 2i+2 | n-2i-1
        expected += [(n - 2 * i, 2 * i + 1), (2 * i + 2, n - 2 * i - 1)]
    assert seen == [([(str(left), str(n))], [(str(right), str(n))]) for left, right in expected]


def test_booklet_pages_are_centred_and_text_stays_10mm_from_the_fold_and_edges(every_format):
    path = every_format / f"{LONG}-booklet.pdf"
    width, height = A4_LANDSCAPE
    gap = (width - 2 * A5_WIDTH) / 2  # 0.5 mm each side
    for side in range(1, len(pypdf.PdfReader(path).pages) + 1):
        side_words = words(path, side)
        for x0, y0, x1, y1, text in side_words:
            fold = width / 2 - x1 if x1 <= width / 2 else x0 - width / 2
            assert fold >= 10 * MM, f"{text!r} on or near the fold on side {side}"
            assert min(x0, y0, width - x1, height - y1) >= 10 * MM, f"{text!r} too near the edge"
        # The footer starts at the A5 page's 12 mm margin, on both halves.
        refs = sorted(x0 for x0, _, _, _, text in side_words if text == "Ref")
        assert refs == pytest.approx([gap + 12 * MM, gap + A5_WIDTH + 12 * MM], abs=0.2)


@pytest.mark.parametrize("fmt", ["a4", "large-print"])
def test_a4_text_stays_10mm_inside_the_page(every_format, fmt):
    for stem in STEMS:
        path = every_format / (f"{stem}.pdf" if fmt == "a4" else f"{stem}-{fmt}.pdf")
        width, height = A4_PORTRAIT
        for page in range(1, len(pypdf.PdfReader(path).pages) + 1):
            found = words(path, page)
            assert found, f"{path.name} p{page}: no words read"  # or the loop checks nothing
            for x0, y0, x1, y1, text in found:
                assert min(x0, y0, width - x1, height - y1) >= 10 * MM, f"{path.name} p{page}: {text!r}"


def test_notes_pages_pad_the_booklet_just_before_the_back_cover(every_format):
    path = every_format / f"{LONG}-booklet.pdf"
    reader = pypdf.PdfReader(path)
    centre = A4_LANDSCAPE[0] / 2
    pages: dict[int, str] = {}
    for side in range(1, len(reader.pages) + 1):
        side_words = words(path, side)
        for x_from, x_to in ((0, centre), (centre, A4_LANDSCAPE[0])):
            half = [w for w in side_words if x_from <= w[0] and w[2] <= x_to]
            text = " ".join(w[4] for w in sorted(half, key=lambda w: (w[1], w[0])))
            pages[int(FOOTER_PAGE.search(text)[1])] = text
    n = len(pages)
    notes = [number for number, text in pages.items() if "Notes / questions to ask" in text]
    assert 1 <= len(notes) <= 3
    assert notes == list(range(n - len(notes), n))  # the pages before the back cover
    assert "Contact us" in pages[n] and BRAND["disclaimer"] in normalise(pages[n])
    assert BRAND["disclaimer"] not in normalise(pages[n - len(notes) - 1])


def test_back_matter_shares_the_body_last_page_when_that_saves_a_sheet(every_format):
    path = every_format / f"{SHARED}-booklet.pdf"
    assert len(pypdf.PdfReader(path).pages) == 2  # one sheet, printed on both sides
    side = words(path, 1)
    centre = A4_LANDSCAPE[0] / 2
    assert footers(side, 0, centre) == [("4", "4")]  # the back cover: the first sheet's left
    back = normalise(" ".join(w[4] for w in sorted((w for w in side if w[2] <= centre),
                                                   key=lambda w: (round(w[1]), w[0]))))
    paragraphs = [normalise(p) for p in leaflet(SHARED)[1].split("\n\n") if p.strip()]
    last_lines, contact = paragraphs[-1], back.find("Contact us")
    assert 0 <= back.find(last_lines) < contact  # the body ends above the back matter
    assert back.find(BRAND["disclaimer"]) > contact  # and all of it is on this page
    assert "Scan to read this leaflet online" in back and "About this leaflet" in back
    assert "Notes / questions to ask" not in pdf_text(path)


def test_the_booklet_is_laid_out_again_only_when_that_saves_a_sheet(brand):
    """The back matter is tried on the body's last page only when the first layout shows
    that it fits whole there and that a sheet is saved."""
    from leafpress.formats.booklet import Booklet
    from leafpress.model.editions import read_leaflets

    fmt = Booklet()
    state = fmt.prepare(brand)
    layouts: list[str] = []
    render = state.render

    def counted(html, *args, **kwargs):  # the leaflet's layouts; not its footer layer
        if "layer-furniture" not in html:
            layouts.append("follows" if " follows\"" in html else "first")
        return render(html, *args, **kwargs)

    state.render = counted
    sources = [SAMPLES / f"{SHARED}.md", SAMPLES / f"{LONG}.md",
               SAMPLES / "editions" / f"{SHARED}.ar.md"]
    leaflets, problems = read_leaflets(sources, brand)
    assert not problems
    seen = {}
    for item in leaflets:
        layouts.clear()
        output = fmt.render(item, brand, state)
        seen[item.path.name] = (list(layouts), output.pages)  # pages: sheet sides
    assert seen == {
        f"{SHARED}.md": (["first", "follows"], 2),  # 5 pages, then 4: one sheet
        f"{LONG}.md": (["first"], 6),  # 11 pages: one page less would save no sheet
        f"{SHARED}.ar.md": (["first"], 4),  # 5 pages, but its body's last page is too full
    }


@pytest.mark.parametrize("fmt", ["large-print", "booklet"])
def test_every_sentence_of_the_long_sample_is_in_the_format(every_format, fmt):
    pages = printed_pages(every_format / f"{LONG}-{fmt}.pdf", fmt)
    in_order = sorted(pages, key=lambda text: int(FOOTER_PAGE.search(text)[1]))
    text = without_footers(normalise(without_link_addresses(" ".join(in_order))))
    flat = text.replace("-", "")
    found = sentences(leaflet(LONG)[1])
    missing = [s for s in found if s.replace("-", "") not in flat]
    assert len(found) > 20 and not missing, missing


# ---- Type sizes measured on the page ----

@pytest.mark.parametrize("stem", STEMS)
def test_large_print_body_is_18pt_and_nothing_but_the_footer_is_under_16pt(every_format, stem):
    runs = body_runs(every_format / f"{stem}-large-print.pdf", bottom_margin_mm=28)
    by_size = Counter()
    for _, size, _, _, text in runs:
        by_size[size] += len(text)
    body_size = by_size.most_common(1)[0][0]
    assert body_size >= 18
    small = [(size, text) for _, size, _, _, text in runs if size < 16]
    assert not small
    footer = [run for run in text_runs(every_format / f"{stem}-large-print.pdf") if run[3] <= 28 * MM]
    assert footer and min(size for _, size, _, _, _ in footer) >= 12


@pytest.mark.parametrize("stem", STEMS)
def test_booklet_text_is_at_least_11pt_on_paper(every_format, stem):
    runs = body_runs(every_format / f"{stem}-booklet.pdf", bottom_margin_mm=20)
    by_size = Counter()
    for _, size, _, _, text in runs:
        by_size[size] += len(text)
    assert by_size.most_common(1)[0][0] >= 11.5
    assert min(by_size) >= 11


# ---- Print rules: headings, callouts, table rows ----

def page_bottoms(path: Path, fmt: str) -> list[tuple[float, str]]:
    """For each printed page, the size and text of its lowest line above the footer."""
    margin = {"a4": 24, "large-print": 28, "booklet": 20}[fmt]
    lowest: dict[tuple[int, int], tuple[float, float, str]] = {}
    for page, size, x, y, text in body_runs(path, margin):
        half = int(x >= A4_LANDSCAPE[0] / 2) if fmt == "booklet" else 0
        key = (page, half)
        if key not in lowest or y < lowest[key][0] - 0.5:
            lowest[key] = (y, size, text)
        elif abs(y - lowest[key][0]) <= 0.5:
            lowest[key] = (y, max(size, lowest[key][1]), lowest[key][2] + text)
    return [(size, text) for _, size, text in lowest.values()]


@pytest.mark.parametrize("fmt", ["a4", "large-print", "booklet"])
def test_no_page_ends_with_a_heading(every_format, fmt):
    body = {"a4": BRAND["type"]["body_pt"], "large-print": 18, "booklet": 12}[fmt]
    for stem in STEMS:
        path = every_format / (f"{stem}.pdf" if fmt == "a4" else f"{stem}-{fmt}.pdf")
        bottoms = page_bottoms(path, fmt)
        sides = len(pypdf.PdfReader(path).pages)
        # One lowest line per printed page (two per booklet sheet side), or nothing was read.
        assert len(bottoms) == (2 * sides if fmt == "booklet" else sides), path.name
        for size, text in bottoms:
            if text.strip() == "Notes / questions to ask":
                continue  # a page of ruled lines to write on: its heading is its only text
            assert size <= body * 1.05, f"{path.name}: page ends with a heading: {text!r}"


class _Groups(HTMLParser):
    """Text of each callout box and of each table row, from the leaflet's HTML."""

    def __init__(self):
        super().__init__()
        self.callouts: list[str] = []
        self.rows: list[list[str]] = []
        self._depth = 0  # inside a callout: nesting depth of <div>
        self._cell = False

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class", "") or ""
        if tag == "div" and (self._depth or "admonition" in classes.split()):
            if not self._depth:
                self.callouts.append("")
            self._depth += 1
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._cell = True

    def handle_endtag(self, tag):
        if tag == "div" and self._depth:
            self._depth -= 1
        elif tag in ("td", "th"):
            self._cell = False

    def handle_data(self, data):
        if self._depth:
            self.callouts[-1] += data
        if self._cell:
            self.rows[-1][-1] += data


def printed_pages(path: Path, fmt: str) -> list[str]:
    """Text of every printed page (each half of a booklet sheet side), without list bullets."""
    reader = pypdf.PdfReader(path)
    # -raw: in drawing order, so a table cell's wrapped lines stay together (reading order
    # interleaves a two-line cell with its one-line neighbour).
    if fmt != "booklet":
        texts = [subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(n), "-l", str(n),
                                 str(path), "-"], check=True, capture_output=True,
                                text=True).stdout
                 for n in range(1, len(reader.pages) + 1)]
    else:
        texts = [subprocess.run(
                    ["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(side), "-l", str(side), "-x", str(x),
                     "-y", "0", "-W", str(int(A4_LANDSCAPE[0] / 2)), "-H", "600", str(path), "-"],
                    check=True, capture_output=True, text=True).stdout
                 for side in range(1, len(reader.pages) + 1) for x in (0, int(A4_LANDSCAPE[0] / 2))]
    return [normalise(text.replace("\u2022", " ")) for text in texts]


@pytest.mark.parametrize("fmt", ["a4", "large-print", "booklet"])
def test_callouts_and_table_rows_are_never_split(every_format, fmt):
    checked = 0
    for stem in STEMS:
        path = every_format / (f"{stem}.pdf" if fmt == "a4" else f"{stem}-{fmt}.pdf")
        pages = printed_pages(path, fmt)
        groups = _Groups()
        groups.feed(reference_html(leaflet(stem)[1]))
        for callout in groups.callouts:
            assert any(normalise(callout) in page for page in pages), f"{path.name}: split {callout!r}"
            checked += 1
        for row in groups.rows:
            cells = [normalise(cell) for cell in row if cell.strip()]
            assert any(all(cell in page for cell in cells) for page in pages), f"{path.name}: split {cells}"
            checked += 1
    assert checked >= 20


# ---- QR code ----

def qr_page(path: Path, fmt: str) -> int:
    """The page (or sheet side) that carries the QR code: the first sheet of a booklet (its
    back cover), else the page that says "Scan to read" (the back matter may break)."""
    if fmt == "booklet":
        return 1
    pages = len(pypdf.PdfReader(path).pages)
    return next(n for n in range(pages, 0, -1)
                if "Scan to read this leaflet online" in pdf_text(path, n))


@pytest.mark.parametrize("fmt", ["a4", "large-print", "booklet"])
def test_qr_code_scans_to_the_leaflet_url_and_is_at_least_25mm(every_format, fmt,
                                                               tmp_path):
    stem = LONG
    url = "https://www.example.org/leaflets/lumbar-discectomy-recovery"
    path = every_format / (f"{stem}.pdf" if fmt == "a4" else f"{stem}-{fmt}.pdf")
    page = qr_page(path, fmt)
    dpi = 150
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", "-f", str(page),
                    "-l", str(page), str(path), str(tmp_path / "page")], check=True)
    png = tmp_path / "page.png"
    scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True, text=True)
    assert scanned.returncode == 0, scanned.stderr
    assert scanned.stdout.strip() == url
    # The code is the only pure black on the page (text ink is #1a1a1a): measure its extent.
    image = Image.open(png)
    box = image.point(lambda v: 255 if v < 8 else 0).getbbox()
    assert box is not None
    width_mm = (box[2] - box[0]) / dpi * 25.4
    height_mm = (box[3] - box[1]) / dpi * 25.4
    assert width_mm >= 25 and height_mm >= 25 and abs(width_mm - height_mm) < 1
    text = normalise(pdf_text(path, page))
    assert "Scan to read this leaflet online" in text
    # The address breaks only after a slash, never at a hyphen the reader has to type.
    assert "www.example.org/leaflets/lumbar-discectomy-recovery" in text.replace("/ ", "/")


def test_qr_code_is_a_figure_with_alt_text(every_format):
    alts = figure_alts(every_format / f"{LONG}.pdf")
    assert "QR code that opens this leaflet online at www.example.org/leaflets/" \
           "lumbar-discectomy-recovery" in alts


def test_a_leaflet_without_url_has_no_qr_code(every_format, tmp_path):
    stem = "preparing-for-spinal-surgery"  # its front matter has no url
    path = every_format / f"{stem}.pdf"
    assert "Scan to read" not in pdf_text(path)
    last = str(len(pypdf.PdfReader(path).pages))
    subprocess.run(["pdftoppm", "-r", "150", "-gray", "-png", "-singlefile", "-f", last, "-l", last,
                    str(path), str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "--quiet", str(tmp_path / "page.png")], capture_output=True)
    assert scanned.returncode == 4 and not scanned.stdout  # 4: no barcode found


# ---- Metadata ----

@pytest.mark.parametrize("fmt", ["large-print", "booklet"])
def test_metadata_and_language_are_kept(every_format, fmt):
    item, _ = leaflet(LONG)
    reader = pypdf.PdfReader(every_format / f"{LONG}-{fmt}.pdf")
    meta = reader.metadata
    if fmt == "booklet":  # the print-only edition says so, and names the accessible one
        assert (meta.title, meta.author) == (f"{item['title']} (booklet for printing)",
                                             item["author"])
        assert meta.subject.startswith("Print-only edition") and f"{LONG}.pdf" in meta.subject
    else:
        assert (meta.title, meta.author, meta.subject) == (item["title"], item["author"],
                                                           item["summary"])
    assert meta["/Keywords"] == ", ".join(item["tags"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    fonts = subprocess.run(["pdffonts", str(every_format / f"{LONG}-{fmt}.pdf")], check=True,
                           capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(row.split()[-5:-3] == ["yes", "yes"] for row in fonts)


def test_large_print_is_tagged_pdf_ua(every_format):
    root = pypdf.PdfReader(every_format / f"{LONG}-large-print.pdf").trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_data()


def test_booklet_asks_the_printer_for_short_edge_duplex_at_actual_size(every_format):
    root = pypdf.PdfReader(every_format / f"{LONG}-booklet.pdf").trailer["/Root"]
    assert root["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipShortEdge"
    assert root["/ViewerPreferences"]["/PrintScaling"] == "/None"
    # Not tagged any more (two pages share a sheet), so it must not claim PDF/UA.
    assert "/Metadata" not in root and "/StructTreeRoot" not in root


def test_every_format_rebuilds_byte_identical(every_format, brand, tmp_path):
    source = tmp_path / "src" / f"{LONG}.md"  # a copy: a build archives beside its sources
    source.parent.mkdir()
    shutil.copy(SAMPLES / f"{LONG}.md", source)
    result = build([source], tmp_path / "out", brand, formats=("large-print", "booklet"), jobs=1)
    assert result.ok
    for fmt in ("large-print", "booklet"):
        name = f"{LONG}-{fmt}.pdf"
        assert (tmp_path / "out" / name).read_bytes() == (every_format / name).read_bytes()
