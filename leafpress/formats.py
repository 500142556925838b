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
    """Render leaflet in fmt with a Renderer built for that format.

    Warnings about the body (links printed as text, for example) come first in its warnings.
    """
    folder = leaflet.path.parent
    body_notes: list[str] = []
    rendered = renderer.render(render_html(leaflet, brand, fmt, notes=body_notes), folder)
    rendered.warnings[:0] = body_notes
    if fmt != "booklet":
        return rendered
    # Notes pages go before the back cover and are full pages, so adding k of them adds
    # exactly k pages and moves nothing else: one extra render gives the final layout.
    padding = -rendered.pages % BOOKLET_MULTIPLE
    if padding:
        padded = renderer.render(render_html(leaflet, brand, fmt, {"notes_pages": padding}), folder)
        if padded.pages != rendered.pages + padding:
            raise RuntimeError(f"booklet padding went wrong: {rendered.pages} pages + {padding} "
                               f"notes pages came out as {padded.pages}")
        rendered = replace(padded, warnings=rendered.warnings)
    return replace(rendered, pdf=impose_booklet(rendered.pdf), pages=rendered.pages // 2)
