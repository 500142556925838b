"""PDF: WeasyPrint over the rendered HTML, with parsed CSS and fonts reused per format."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from .config import Brand

PDF_VARIANT = "pdf/ua-1"


def brand_css(brand: Brand) -> str:
    """The brand's values as CSS custom properties (validated hex and numbers only)."""
    # --brand-body-size stays the brand's own, for formats that change --body-size.
    return (f":root {{ --primary: {brand.primary}; --accent: {brand.accent}; "
            f"--body-size: {brand.body_pt:g}pt; --brand-body-size: {brand.body_pt:g}pt; }}")


def format_stylesheet(brand: Brand, fmt: str) -> Path:
    return brand.styles / f"{fmt}.css"


@dataclass
class Rendered:
    """A PDF in memory and what went wrong on the way, as plain messages."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def preload() -> None:
    """Import WeasyPrint now, in the parent, so forked workers inherit it instead of each
    paying the import (about 0.5 s of CPU apiece); only called when there is work."""
    import weasyprint  # noqa: F401
    import weasyprint.text.fonts  # noqa: F401

    from . import fetcher  # noqa: F401


class Renderer:
    """Turns HTML into PDF for one brand and format; build one per worker and reuse it."""

    def __init__(self, brand: Brand, fmt: str):
        import weasyprint  # lazy: check, new and --help must not pay for it
        from weasyprint.text.fonts import FontConfiguration

        from .fetcher import LocalFetcher

        self._weasyprint = weasyprint
        self.fetcher = LocalFetcher([brand.styles, brand.templates, brand.logo.parent])
        self.font_config = FontConfiguration()
        self.stylesheets = [
            weasyprint.CSS(string=brand_css(brand), font_config=self.font_config),
            *(weasyprint.CSS(filename=path, url_fetcher=self.fetcher, font_config=self.font_config)
              for path in (brand.styles / "leaflet.css", format_stylesheet(brand, fmt))),
        ]
        self.image_cache: dict = {}

    def render(self, html: str, folder: Path) -> Rendered:
        """Render one document whose relative URLs resolve against folder."""
        self.fetcher.document_root = folder.resolve()
        self.fetcher.refused.clear()
        collect = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collect)
        try:
            document = self._weasyprint.HTML(
                string=html, base_url=folder.resolve().as_uri() + "/", url_fetcher=self.fetcher,
            ).render(stylesheets=self.stylesheets, font_config=self.font_config,
                     cache=self.image_cache, pdf_variant=PDF_VARIANT, presentational_hints=False)
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        finally:
            logger.removeHandler(collect)
        refused = [f"{why}: {url}" for url, why in self.fetcher.refused]
        others = [m for m in collect.messages
                  if not any(url in m for url, _ in self.fetcher.refused)]
        return Rendered(pdf, len(document.pages), refused + others)
