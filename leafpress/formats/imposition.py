"""Imposition: A5 pages placed two-up on A4 landscape sheets in saddle-stitch order."""

from __future__ import annotations

import io

MM = 72 / 25.4
SHEET = (297 * MM, 210 * MM)  # A4 landscape, in points


def sheet_order(pages: int, right_to_left: bool = False) -> list[tuple[int, int]]:
    """(left, right) page numbers (1-based) for each sheet side: front, back, front, back...

    For n pages (a multiple of 4), sheet i from 0 has n-2i | 2i+1 on its front and
    2i+2 | n-2i-1 on its back, so the folded, stapled stack reads 1, 2, 3 ... n. A
    right-to-left booklet (Arabic, Urdu) opens the other way: every pair is mirrored.
    """
    if pages % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {pages}")
    sides = []
    for i in range(pages // 4):
        sides.append((pages - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, pages - 2 * i - 1))
    return [(right, left) for left, right in sides] if right_to_left else sides


def impose_booklet(pdf: bytes, furniture: bytes | None = None, print_only: str | None = None,
                   right_to_left: bool = False) -> bytes:
    """Impose an A5 PDF as a booklet of A4 landscape sheets; blank pages pad it to a multiple of 4.

    furniture, if given, is a second A5 PDF drawn under the first, page for page, with as many
    pages as the booklet: the first PDF's pages go on its first pages, and its last page (the
    back cover) on the last page; the pages between show the furniture alone (notes pages).

    The document's title, author, subject, keywords, dates and language are kept. The tag
    tree and link annotations are not: two pages share a sheet, so the booklet is for
    printing, not for reading on screen (the A4 and large-print PDFs are the accessible ones);
    print_only, when given, becomes its subject and the title says "booklet for printing".
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    pages = list(reader.pages)
    under = list(PdfReader(io.BytesIO(furniture)).pages) if furniture else []
    count = max(len(under), len(pages) + (-len(pages) % 4))
    if count % 4 or len(under) not in (0, count):
        raise ValueError(f"furniture of {len(under)} pages for a booklet of {count}")
    # Booklet page number (1-based) -> the layers drawn on it, bottom first.
    layers: dict[int, list[int]] = {n: [] for n in range(1, count + 1)}
    for index in range(len(under)):
        layers[index + 1].append(len(pages) + index)
    for index in range(len(pages)):
        last = index == len(pages) - 1 and under
        layers[count if last else index + 1].append(index)
    width = max(float(page.mediabox.width) for page in pages + under)
    height = max(float(page.mediabox.height) for page in pages + under)
    if 2 * width > SHEET[0] + 0.01 or height > SHEET[1] + 0.01:
        raise ValueError(f"pages of {width / MM:.0f} x {height / MM:.0f} mm do not fit two to an "
                         "A4 landscape sheet")
    # Two A5 pages are 296 mm wide: centre the pair on the 297 mm sheet, and each page on its half.
    left_x = (SHEET[0] - 2 * width) / 2

    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header  # same PDF version as the A5 original (1.7)
    everything = pages + under
    forms = [_as_form(page, writer) for page in everything]
    for left, right in sheet_order(count, right_to_left):
        drawing = []
        xobjects = {}
        for number, x in ((left, left_x), (right, left_x + width)):
            for index in layers[number]:  # none: a blank padding page
                box = everything[index].mediabox
                dx = x + (width - float(box.width)) / 2 - float(box.left)
                dy = (SHEET[1] - float(box.height)) / 2 - float(box.bottom)
                drawing.append(f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm /P{index} Do Q")
                xobjects[NameObject(f"/P{index}")] = forms[index]
        sheet = writer.add_blank_page(*SHEET)
        sheet[NameObject("/Resources")] = _dictionary({"/XObject": _dictionary(xobjects)})
        sheet[NameObject("/Contents")] = writer._add_object(_stream("\n".join(drawing).encode()))

    info = reader.metadata or {}
    producer = str(info.get("/Producer", "")).strip()
    metadata = {**info, "/Producer": f"{producer}; imposed with pypdf".lstrip("; ")}
    if print_only:
        # A reader or a screen reader shows the title first: say it is the printing edition.
        metadata["/Title"] = f"{info.get('/Title', '')} (booklet for printing)".lstrip()
        metadata["/Subject"] = print_only
    writer.add_metadata(metadata)
    if "/Lang" in reader.root_object:
        writer.root_object[NameObject("/Lang")] = TextStringObject(str(reader.root_object["/Lang"]))
    preferences = writer.create_viewer_preferences()
    preferences.display_doctitle = True
    # Tell the print dialog what the sheets need: both sides, flipped on the short edge,
    # at 100 % (a "fit to page" shrink would move the fold off the centre).
    preferences.duplex = "/DuplexFlipShortEdge"
    preferences.print_scaling = "/None"
    # A right-to-left booklet says so: its pages read from right to left (and its page 1 is
    # the left half of the first sheet's front).
    preferences.direction = "/R2L" if right_to_left else "/L2R"
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _as_form(page, writer):
    """The page as a Form XObject in writer: its drawing unparsed, its resources shared."""
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    contents = page.get("/Contents")
    contents = contents.get_object() if contents is not None else ArrayObject()
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    form = _stream(b"\n".join(stream.get_object().get_data() for stream in streams))
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in page.mediabox)
    for key in ("/Resources", "/Group"):
        if key in page:
            # Cloning through one writer copies each shared font or image only once.
            form[NameObject(key)] = page[key].clone(writer)
    return writer._add_object(form)


def _stream(data: bytes):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream.flate_encode()


def _dictionary(entries: dict):
    from pypdf.generic import DictionaryObject, NameObject

    return DictionaryObject({NameObject(key): value for key, value in entries.items()})
