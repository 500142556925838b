"""The web page: the leaflet as one accessible, standalone HTML page, for screen readers and
phones, from the same template and the same sanitised body as the PDFs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from leafpress.formats.base import Format, Output
from leafpress.model.brand import Brand
from leafpress.model.leaflet import Leaflet
from leafpress.render.html import csp_hash, render_body, render_html
from leafpress.render.web import media_name, web_body

STYLESHEET = "web.css"


@dataclass(frozen=True)
class _Page:
    """What every page of one brand shares, made once per worker."""

    style: str
    csp: str
    logo_name: str
    logo: bytes


class WebPage(Format):
    name = "html"
    suffix = ""
    extension = ".html"
    label = "Web page: for screen readers and phones"
    media_type = "text/html"
    needs_weasyprint = False
    help_template = "help/html.html.j2"

    def check_inputs(self, brand: Brand) -> list[Path]:
        return [brand.styles / STYLESHEET]

    def prepare(self, brand: Brand) -> _Page:
        css = (brand.styles / STYLESHEET).read_text(encoding="utf-8")
        if "</" in css:  # would end the inline <style> early
            raise ValueError(f"{STYLESHEET} must not contain '</'")
        style = f":root {{ --primary: {brand.primary}; --accent: {brand.accent}; }}\n{css}"
        # Nothing but the page's own inline style and its own folder's images: no script,
        # no fonts, no requests elsewhere, no forms, no <base>.
        csp = "; ".join(["default-src 'none'", "img-src 'self'", f"style-src {csp_hash(style)}",
                         "base-uri 'none'", "form-action 'none'"])
        logo = brand.logo.read_bytes()
        return _Page(style, csp, media_name(brand.logo.name, hashlib.sha256(logo).hexdigest()),
                     logo)

    def render(self, leaflet: Leaflet, brand: Brand, state: _Page) -> Output:
        warnings: list[str] = []
        body = web_body(render_body(leaflet, warnings), leaflet.path.parent,
                        [brand.styles, brand.templates, brand.logo.parent])
        extras = {**body.extras, state.logo_name: state.logo}
        values: dict[str, Any] = {"style": Markup(state.style), "csp": state.csp,
                                  "logo_url": state.logo_name, "qr_code": None}
        if leaflet.url:
            from leafpress.render.qr import qr_svg

            qr = qr_svg(leaflet.url)
            values["qr_code"] = media_name("qr.svg", hashlib.sha256(qr).hexdigest())
            extras[values["qr_code"]] = qr
        page = render_html(leaflet, brand, self.name, values, body=body.html)
        return Output(page.encode("utf-8"), None, warnings + body.warnings, body.errors,
                      extras=extras, dependencies=body.dependencies)
