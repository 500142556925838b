"""Formats: one leaflet as A4, large print, or an A5 booklet padded and imposed for folding."""

from __future__ import annotations

from dataclasses import replace

from .config import Brand
from .imposition import impose_booklet
from .model import Leaflet
from .pdf import Renderer, Rendered
from .render import render_html

BOOKLET_MULTIPLE = 4  # pages per folded A4 sheet


def render_leaflet(renderer: Renderer, leaflet: Leaflet, brand: Brand, fmt: str) -> Rendered:
    """Render leaflet in fmt with a Renderer built for that format."""
    folder = leaflet.path.parent
    rendered = renderer.render(render_html(leaflet, brand, fmt), folder)
    if fmt != "booklet":
        return rendered
    # Notes pages go before the back cover and are full pages, so adding k of them adds
    # exactly k pages and moves nothing else: one extra render gives the final layout.
    notes = -rendered.pages % BOOKLET_MULTIPLE
    if notes:
        padded = renderer.render(render_html(leaflet, brand, fmt, {"notes_pages": notes}), folder)
        if padded.pages != rendered.pages + notes:
            raise RuntimeError(f"booklet padding went wrong: {rendered.pages} pages + {notes} "
                               f"notes pages came out as {padded.pages}")
        rendered = padded
    return replace(rendered, pdf=impose_booklet(rendered.pdf), pages=rendered.pages // 2)
