"""PDF: WeasyPrint over the rendered HTML, with parsed CSS and fonts reused per format."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from .config import Brand

PDF_VARIANT = "pdf/ua-1"
_FAILED_IMAGE = re.compile(r"^Failed to load image at '([^']*)': ?(.*)$", re.DOTALL)


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

        from .fetcher import LocalFetcher, guard_pillow

        self._weasyprint = weasyprint
        guard_pillow()
        self.fetcher = LocalFetcher([brand.styles, brand.templates, brand.logo.parent])
        self.font_config = FontConfiguration()
        self.stylesheets = [
            weasyprint.CSS(string=brand_css(brand), url_fetcher=self.fetcher,
                           font_config=self.font_config),
            *(weasyprint.CSS(filename=path, url_fetcher=self.fetcher, font_config=self.font_config)
              for path in (brand.styles / "leaflet.css", format_stylesheet(brand, fmt))),
        ]
        # One image cache per leaflet folder: a cached image skips the fetcher, so a leaflet
        # must never be handed one that only another leaflet's folder allowed.
        self.image_caches: dict[Path, dict] = {}

    def render(self, html: str, folder: Path) -> Rendered:
        """Render one document whose relative URLs resolve against folder."""
        folder = folder.resolve()
        self.fetcher.document_root = folder
        self.fetcher.refused.clear()
        collect = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collect)
        try:
            document = self._weasyprint.HTML(
                string=html, base_url=folder.as_uri() + "/", url_fetcher=self.fetcher,
            ).render(stylesheets=self.stylesheets, font_config=self.font_config,
                     cache=self.image_caches.setdefault(folder, {}), pdf_variant=PDF_VARIANT,
                     presentational_hints=False)
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        finally:
            logger.removeHandler(collect)
            # A failed image is cached as None and would never be fetched (nor reported) again:
            # forget it, so that every leaflet naming it gets its own warning.
            cache = self.image_caches[folder]
            for url in [url for url, image in cache.items() if image is None]:
                del cache[url]
        refused = [f"{why}: {self.fetcher.shown(url)}" for url, why in self.fetcher.refused]
        # WeasyPrint logs each refusal again, less clearly: keep ours only.
        others = [self._reworded(m) for m in collect.messages
                  if not any(url[:200] in m for url, _ in self.fetcher.refused)]
        return Rendered(pdf, len(document.pages), refused + others)

    def _reworded(self, message: str) -> str:
        # WeasyPrint: "Failed to load image at 'file:///.../x.svg': " (often with no reason).
        failed = _FAILED_IMAGE.match(message)
        if not failed:
            return message
        reason = f" ({failed[2]})" if failed[2].strip() else ""
        return f"could not load image{reason}: {self.fetcher.shown(failed[1])}"
