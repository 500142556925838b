"""PDF: WeasyPrint over the rendered HTML, with parsed CSS and fonts reused per format."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from leafpress.model.brand import Brand
from leafpress.model.links import LINK_SCHEMES, scheme_of

PDF_VARIANT = "pdf/ua-1"


def brand_css(brand: Brand) -> str:
    """The brand's values as CSS custom properties (validated hex and numbers only)."""
    # --brand-body-size stays the brand's own, for formats that change --body-size.
    return (f":root {{ --primary: {brand.primary}; --accent: {brand.accent}; "
            f"--body-size: {brand.body_pt:g}pt; --brand-body-size: {brand.body_pt:g}pt; }}")


@dataclass
class Rendered:
    """A PDF in memory and what went wrong on the way, as plain messages."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the PDF must not be written
    dependencies: dict[str, str] = field(default_factory=dict)  # what the fetcher read


class _ImageCache(dict):
    """WeasyPrint's image cache for one folder. A cached image never reaches the fetcher, so
    the cache tells it which URLs a document used (WeasyPrint asks `url in cache` first)."""

    def __init__(self, used):
        super().__init__()
        self._used = used

    def __contains__(self, key) -> bool:
        found = super().__contains__(key)
        if found and isinstance(key, str):
            self._used(key)
        return found


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

    from leafpress.render import fetcher  # noqa: F401


class Renderer:
    """Turns HTML into PDF for one brand and stylesheet; build one per worker and reuse it."""

    def __init__(self, brand: Brand, stylesheets: list[Path]):
        import weasyprint  # lazy: check, new and --help must not pay for it
        from PIL import Image
        from weasyprint.text.fonts import FontConfiguration

        from leafpress.limits import MAX_IMAGE_PIXELS
        from leafpress.render.fetcher import LocalFetcher

        # Second line of defence behind the fetcher's own check: Pillow refuses bombs too.
        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        self._weasyprint = weasyprint
        self.fetcher = LocalFetcher([brand.styles, brand.templates, brand.logo.parent])
        self.font_config = FontConfiguration()
        collect = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collect)
        try:
            self.stylesheets = [
                weasyprint.CSS(string=brand_css(brand), url_fetcher=self.fetcher,
                               font_config=self.font_config),
                *(weasyprint.CSS(filename=path, url_fetcher=self.fetcher,
                                 font_config=self.font_config)
                  for path in stylesheets),
            ]
        finally:
            logger.removeHandler(collect)
        # What the stylesheets could not load is missing from every leaflet: say so each time.
        self.stylesheet_warnings = [m for m, _ in self._messages(collect, self.fetcher.refused)]
        # One image cache per leaflet folder: a cached image skips the fetcher, so a shared
        # cache would let one folder's leaflet show another folder's pictures.
        self.image_caches: dict[Path, dict] = {}

    def render(self, html: str, folder: Path) -> Rendered:
        """Render one document whose relative URLs resolve against folder."""
        folder = folder.resolve()
        self.fetcher.start(folder)
        cache = self.image_caches.setdefault(folder, _ImageCache(self.fetcher.used))
        collect = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collect)
        try:
            document = self._weasyprint.HTML(
                string=html, base_url=folder.as_uri() + "/", url_fetcher=self.fetcher,
            ).render(stylesheets=self.stylesheets, font_config=self.font_config,
                     cache=cache, pdf_variant=PDF_VARIANT, presentational_hints=False)
            _strip_leaks(document)
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
        finally:
            logger.removeHandler(collect)
            # Forget failures, so that the next leaflet naming the same image is warned too.
            for url in [url for url, image in cache.items() if image is None]:
                del cache[url]
        messages = self._messages(collect, self.fetcher.refused, folder)
        return Rendered(pdf, len(document.pages),
                        self.stylesheet_warnings + [m for m, fatal in messages if not fatal],
                        [m for m, fatal in messages if fatal], dict(self.fetcher.loaded))

    def _messages(self, collect: _Collect, refused: list[tuple[str, str, bool]],
                  folder: Path | None = None) -> list[tuple[str, bool]]:
        """(message, fatal) for each refusal, then WeasyPrint's own warnings not about them."""
        messages = [(f"{self.fetcher.display(url)}: {why}", fatal) for url, why, fatal in refused]
        return messages + [(_shorten(m, folder), False) for m in collect.messages
                           if not any(url in m for url, _, _ in refused)]


def _shorten(message: str, folder: Path | None) -> str:
    """A WeasyPrint message with the leaflet folder's URL cut, as authors name their files."""
    if folder is not None:
        message = message.replace(folder.as_uri() + "/", "")
    return message.rstrip(": ")


def _strip_leaks(document) -> None:
    """Drop attachments and links to anything but https/mailto/tel (file: paths leak)."""
    document.metadata.attachments = []
    for page in document.pages:
        page.links[:] = [
            link for link in page.links
            if link[0] == "internal"
            or (link[0] == "external" and scheme_of(str(link[1])) in LINK_SCHEMES)]
