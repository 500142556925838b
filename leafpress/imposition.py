"""Imposition: A5 pages placed two-up on A4 landscape sheets in saddle-stitch order."""

from __future__ import annotations

import io

MM = 72 / 25.4
SHEET = (297 * MM, 210 * MM)  # A4 landscape, in points


def sheet_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) page numbers (1-based) for each sheet side: front, back, front, back...

    For n pages (a multiple of 4), sheet i from 0 has n-2i | 2i+1 on its front and
    2i+2 | n-2i-1 on its back, so the folded, stapled stack reads 1, 2, 3 ... n.
    """
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for i in range(pages // 4):
        sides.append((pages - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, pages - 2 * i - 1))
    return sides


def impose_booklet(pdf: bytes) -> bytes:
    """Impose an A5 PDF as a booklet of A4 landscape sheets; blank pages pad it to a multiple of 4.

    The document's title, author, subject, keywords, dates and language are kept. The tag
    tree is not: two pages share a sheet, so the booklet is for printing, not for reading
    on screen (the A4 and large-print PDFs are the accessible ones).
    """
    from pypdf import PdfReader, PdfWriter, Transformation
    from pypdf.generic import NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    count = len(pages) + (-len(pages) % 4)
    width = max(float(page.mediabox.width) for page in pages)
    height = max(float(page.mediabox.height) for page in pages)
    if 2 * width > SHEET[0] + 0.01 or height > SHEET[1] + 0.01:
        raise ValueError(f"pages of {width / MM:.0f} x {height / MM:.0f} mm do not fit two to an "
                         "A4 landscape sheet")
    # Two A5 pages are 296 mm wide: centre the pair on the 297 mm sheet, and each page on its half.
    left_x = (SHEET[0] - 2 * width) / 2

    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header  # same PDF version as the A5 original (1.7)
    for left, right in sheet_order(count):
        sheet = writer.add_blank_page(*SHEET)
        for number, x in ((left, left_x), (right, left_x + width)):
            if number > len(pages):
                continue  # a blank padding page
            page = pages[number - 1]
            box = page.mediabox
            dx = x + (width - float(box.width)) / 2 - float(box.left)
            dy = (SHEET[1] - float(box.height)) / 2 - float(box.bottom)
            sheet.merge_transformed_page(page, Transformation().translate(dx, dy))
        sheet.compress_content_streams()

    info = reader.metadata or {}
    producer = str(info.get("/Producer", "")).strip()
    writer.add_metadata({**info, "/Producer": f"{producer}; imposed with pypdf".lstrip("; ")})
    if "/Lang" in reader.root_object:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(reader.root_object["/Lang"]))
    preferences = writer.create_viewer_preferences()
    preferences.display_doctitle = True
    # Tell the print dialog what the sheets need: both sides, flipped on the short edge,
    # at 100 % (a "fit to page" shrink would move the fold off the centre).
    preferences.duplex = "/DuplexFlipShortEdge"
    preferences.print_scaling = "/None"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
