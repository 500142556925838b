"""What every PDF format shares: the leaflet template through WeasyPrint with its stylesheet."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from leafpress.formats.base import Format, Output
from leafpress.model.brand import Brand
from leafpress.model.leaflet import Leaflet
from leafpress.render.html import TEMPLATE, render_html


class PdfFormat(Format):
    """A PDF from templates/leaflet.html.j2, styles/leaflet.css and styles/<name>.css."""

    makes_picture = True

    def templates(self, brand: Brand) -> list[str]:
        return [TEMPLATE]

    def stylesheets(self, brand: Brand) -> list[Path]:
        return [brand.styles / "leaflet.css", brand.styles / f"{self.name}.css"]

    def prepare(self, brand: Brand) -> Any:
        from leafpress.render.pdf import Renderer  # lazy: WeasyPrint, in workers only

        return Renderer(brand, self.stylesheets(brand))

    def pdf_output(self, leaflet: Leaflet, brand: Brand, renderer: Any,
                   extras: dict | None = None, body: str | None = None,
                   stylesheets: list | None = None,
                   measure: Callable[[Any], Any] | None = None) -> Output:
        """The leaflet through the template and WeasyPrint; body warnings come first.
        measure: called with the laid-out document, its answer kept as Output.measured."""
        body_warnings: list[str] = []
        html = render_html(leaflet, brand, self.name, extras, body_warnings, body)
        rendered = renderer.render(html, leaflet.path.parent, stylesheets, measure)
        return Output(rendered.pdf, rendered.pages, body_warnings + rendered.warnings,
                      rendered.errors, dependencies=rendered.dependencies,
                      measured=rendered.measured)

    def render(self, leaflet: Leaflet, brand: Brand, state: Any) -> Output:
        return self.pdf_output(leaflet, brand, state)

    def count_pages(self, path: Path) -> int | None:
        from leafpress.render.thumbnail import page_count

        return page_count(path)

    def picture(self, data: bytes | Path) -> bytes | None:
        from leafpress.render.thumbnail import thumbnail

        return thumbnail(data)
