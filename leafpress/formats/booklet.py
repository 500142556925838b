"""A5 booklet: padded with notes pages to a multiple of 4, imposed two-up on A4 sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leafpress.formats.base import Output, human_size, plural
from leafpress.formats.pdf import PdfFormat
from leafpress.model.brand import Brand
from leafpress.model.leaflet import Leaflet

PAGES_PER_SHEET = 4  # a folded A4 sheet, printed on both sides


class Booklet(PdfFormat):
    name = "booklet"
    suffix = "-booklet"
    label = "Booklet PDF"
    help_template = "help/booklet.html.j2"
    # Two A5 pages share each sheet, so the booklet carries no tags: said where it is chosen
    # (the catalogue, beside its link) and in the PDF's own metadata.
    audience = "For printing only: for screen readers and email, use the A4 PDF."

    def render(self, leaflet: Leaflet, brand: Brand, state: Any) -> Output:
        from leafpress.formats.imposition import impose_booklet

        output = self.render_pdf(leaflet, brand, state)
        padding = -output.pages % PAGES_PER_SHEET
        # Notes pages go before the back cover and are full pages, so adding k of them adds
        # exactly k pages and moves nothing else: one extra render gives the final layout.
        if padding and not output.errors:
            padded = self.render_pdf(leaflet, brand, state, {"notes_pages": padding})
            if padded.pages != output.pages + padding:
                raise RuntimeError(f"booklet padding went wrong: {output.pages} pages + "
                                   f"{padding} notes pages came out as {padded.pages}")
            padded.warnings = output.warnings
            output = padded
        # The catalogue's picture is the leaflet's page 1, taken before imposition.
        output.thumbnail = super().picture(output.data)
        output.data = impose_booklet(output.data, self.print_only(leaflet.stem))
        output.pages //= 2  # sheet sides
        return output

    def print_only(self, stem: str) -> str:
        """The PDF's subject: this is the print-only edition, and which file to use instead."""
        from leafpress.formats.a4 import A4

        return (f"Print-only edition: two pages share each sheet, so it is not tagged for "
                f"screen readers. For screen readers and email, use {A4().output_name(stem)}.")

    def picture(self, data: bytes | Path) -> bytes | None:
        from leafpress.render.thumbnail import thumbnail

        # Page 1 is the right half of the first sheet's front.
        return thumbnail(data, half="right")

    def details(self, size: int, pages: int | None) -> str:
        if pages is None:
            return human_size(size)
        sheets = (pages + 1) // 2  # its PDF pages are sheet sides, each holding two pages
        return f"{pages * 2} pages on {plural(sheets, 'sheet')}, {human_size(size)}"
