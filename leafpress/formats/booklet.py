"""A5 booklet: padded with notes pages to a multiple of 4, imposed two-up on A4 sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leafpress.formats.base import Output, human_size, plural
from leafpress.formats.pdf import PdfFormat
from leafpress.model.brand import Brand
from leafpress.model.language import is_rtl
from leafpress.model.leaflet import Leaflet

PAGES_PER_SHEET = 4  # a folded A4 sheet, printed on both sides
# The leaflet's own layer: its pages exactly as laid out with a footer, without drawing one.
# (Only the margin boxes go: a named page, or a page without its rule, would lay out anew.
# A draft's top-margin words go too: the footer layer draws them, on every page. A right-
# to-left leaflet's pages are named "rtl", whose own footer rules would win over these.)
_NO_MARGIN_BOXES = ("@bottom-left { content: none } @bottom-center { content: none } "
                    "@bottom-right { content: none } @top-center { content: none }")
NO_FOOTER = (f"@page {{ border-bottom-color: transparent; {_NO_MARGIN_BOXES} }} "
             f"@page rtl {{ {_NO_MARGIN_BOXES} }}")


def back_matter_fits_under_body(document: Any) -> bool:
    """In a laid-out booklet whose back matter has the last page to itself, whether moving
    it up under the body's last lines saves a sheet: there is one page over a multiple of 4,
    and the room left on the body's last page holds the back matter whole, with the space
    above it (booklet.css gives it the same 5 mm on either page)."""
    pages = [page._page_box for page in document.pages]
    if len(pages) % PAGES_PER_SHEET != 1 or len(pages) < 2:
        return False
    body_end, back = pages[-2], pages[-1]
    main, back_matter = _box(body_end, "main"), _box(back, "aside", "back-matter")
    if main is None or back_matter is None or _box(body_end, "aside", "back-matter"):
        return False  # no back matter, or it runs over more than the last page
    room = body_end.content_box_y() + body_end.height - (main.position_y + main.margin_height())
    return back_matter.margin_height() <= room


def _box(page: Any, tag: str, css_class: str | None = None) -> Any:
    """The first box on the page for an element with this tag (and class), or None."""
    for box in page.descendants():
        if getattr(box, "element_tag", None) == tag and (
                css_class is None or css_class in (box.element.get("class") or "").split()):
            return box
    return None


class Booklet(PdfFormat):
    name = "booklet"
    suffix = "-booklet"
    label = "Booklet PDF"
    help_template = "help/booklet.html.j2"
    # Two A5 pages share each sheet, so the booklet carries no tags: said where it is chosen
    # (the catalogue, beside its link) and in the PDF's own metadata.
    audience = "For printing only: for screen readers and email, use the A4 PDF."

    def prepare(self, brand: Brand) -> Any:
        renderer = super().prepare(brand)
        renderer.no_footer = renderer.add_css(NO_FOOTER)
        # Imposition keeps no tag tree (two pages share a sheet), so tagging would be wasted.
        renderer.variant = None
        return renderer

    def render(self, leaflet: Leaflet, brand: Brand, state: Any) -> Output:
        from leafpress.formats.imposition import impose_booklet

        # The leaflet is laid out once, without footers; a second, cheap document of blank
        # pages carries the footers ("Page 3 of 8" needs the padded count) and the notes
        # pages, which go before the back cover, and the imposition lays one over the other.
        content = {"layer": "content"}
        output = self.pdf_output(leaflet, brand, state, content, stylesheets=state.no_footer,
                                 measure=back_matter_fits_under_body)
        if output.errors:
            return output
        if output.measured:
            # Laid out again, only to save a sheet: the back matter under the body's last
            # lines, still the last page (the back cover), the body as before.
            shared = self.pdf_output(leaflet, brand, state, {**content, "back_matter_follows": True},
                                     stylesheets=state.no_footer)
            if shared.pages == output.pages - 1 and not shared.errors:  # as measured
                shared.warnings = output.warnings
                output = shared
        pages = output.pages + -output.pages % PAGES_PER_SHEET
        furniture = self.pdf_output(leaflet, brand, state, {
            "layer": "furniture", "pages": pages, "notes_pages": pages - output.pages}, body="")
        if furniture.pages != pages:
            raise RuntimeError(f"booklet padding went wrong: {output.pages} pages padded to "
                               f"{pages} came out as {furniture.pages}")
        output.data = impose_booklet(output.data, furniture.data, self.print_only(leaflet.stem),
                                     right_to_left=is_rtl(leaflet.lang))
        output.pages = pages // 2  # sheet sides
        return output

    def print_only(self, stem: str) -> str:
        """The PDF's subject: this is the print-only edition, and which file to use instead."""
        from leafpress.formats.a4 import A4

        return (f"Print-only edition: two pages share each sheet, so it is not tagged for "
                f"screen readers. For screen readers and email, use {A4().output_name(stem)}.")

    def picture(self, data: bytes | Path) -> bytes | None:
        from leafpress.render.thumbnail import reads_right_to_left, thumbnail

        # Page 1 is on the first sheet's front: its right half, or its left half in a booklet
        # that opens right to left (the imposition says which). Made only when the catalogue
        # takes its picture from the booklet.
        return thumbnail(data, half="left" if reads_right_to_left(data) else "right")

    def details(self, size: int, pages: int | None) -> str:
        if pages is None:
            return human_size(size)
        sheets = (pages + 1) // 2  # its PDF pages are sheet sides, each holding two pages
        return f"{pages * 2} pages on {plural(sheets, 'sheet')}, {human_size(size)}"
