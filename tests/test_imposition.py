"""Imposition as a pure function: A5 pages in, A4 landscape sheets in saddle-stitch order out."""

from __future__ import annotations

import io
import subprocess

import pypdf
import pytest
import weasyprint

from leafpress.formats.imposition import impose_booklet, sheet_order

MM = 72 / 25.4


def a5_document(pages: int, size: str = "A5") -> bytes:
    """A PDF of numbered pages, with a title, author and language to carry through."""
    body = "".join(f'<p style="break-before: page; font-size: 40pt">Leaf {n}</p>'
                   for n in range(1, pages + 1))
    html = (f'<html lang="cy"><head><title>Numbered</title><meta name="author" content="Tester">'
            f'<meta name="keywords" content="a, b"><meta name="dcterms.created" content="2026-01-02">'
            f'</head><body style="margin: 0">{body}</body></html>')
    css = weasyprint.CSS(string=f"@page {{ size: {size}; margin: 20mm }}")
    return weasyprint.HTML(string=html).write_pdf(stylesheets=[css])


def halves(pdf: bytes, tmp_path) -> list[tuple[str, str]]:
    """Per sheet side, the 'Leaf N' text on the left and on the right half."""
    path = tmp_path / "imposed.pdf"
    path.write_bytes(pdf)
    sides = []
    for side in range(1, len(pypdf.PdfReader(path).pages) + 1):
        found = []
        for x in (0, 421):
            text = subprocess.run(["pdftotext", "-f", str(side), "-l", str(side), "-x", str(x), "-y", "0",
                                   "-W", "420", "-H", "596", str(path), "-"],
                                  check=True, capture_output=True, text=True).stdout
            found.append(" ".join(text.split()))
        sides.append(tuple(found))
    return sides


def test_sheet_order_matches_the_guide_example_for_8_pages():
    # LEAFLET-GUIDE.md: sheet 1 front 8|1, back 2|7; sheet 2 front 6|3, back 4|5.
    assert sheet_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert sheet_order(4) == [(4, 1), (2, 3)]


def test_sheet_order_refuses_a_page_count_that_does_not_fold():
    with pytest.raises(ValueError, match="multiple of 4"):
        sheet_order(6)


def test_five_pages_are_padded_with_blanks_and_imposed_in_order(tmp_path):
    imposed = impose_booklet(a5_document(5))
    reader = pypdf.PdfReader(io.BytesIO(imposed))
    assert len(reader.pages) == 4  # 8 pages: two sheets, both sides
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == \
            pytest.approx((297 * MM, 210 * MM), abs=0.01)
    assert halves(imposed, tmp_path) == [
        ("", "Leaf 1"), ("Leaf 2", ""),          # sheet 1: 8 | 1, 2 | 7 (pages 6-8 blank)
        ("", "Leaf 3"), ("Leaf 4", "Leaf 5"),    # sheet 2: 6 | 3, 4 | 5
    ]


def test_metadata_language_and_print_preferences_are_set(tmp_path):
    reader = pypdf.PdfReader(io.BytesIO(impose_booklet(a5_document(4))))
    assert reader.metadata.title == "Numbered"
    assert reader.metadata.author == "Tester"
    assert reader.metadata["/Keywords"] == "a, b"
    assert reader.metadata["/CreationDate"].startswith("D:20260102")
    assert reader.trailer["/Root"]["/Lang"] == "cy"
    preferences = reader.trailer["/Root"]["/ViewerPreferences"]
    assert preferences["/Duplex"] == "/DuplexFlipShortEdge"
    assert preferences["/PrintScaling"] == "/None"
    assert bool(preferences["/DisplayDocTitle"])
    assert preferences["/Direction"] == "/L2R"
    mirrored = pypdf.PdfReader(io.BytesIO(impose_booklet(a5_document(4), right_to_left=True)))
    assert mirrored.trailer["/Root"]["/ViewerPreferences"]["/Direction"] == "/R2L"


def test_imposition_is_deterministic():
    source = a5_document(6)
    assert impose_booklet(source) == impose_booklet(source)


def test_pages_too_big_for_half_a_sheet_are_refused():
    with pytest.raises(ValueError, match="do not fit"):
        impose_booklet(a5_document(4, size="A4"))
