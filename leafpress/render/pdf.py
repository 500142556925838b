"""PDF: WeasyPrint over the rendered HTML, with parsed CSS and fonts reused per format."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leafpress.limits import IMAGE_CACHE_BYTES
from leafpress.model.brand import Brand
from leafpress.model.links import LINK_SCHEMES, scheme_of
from leafpress.model.scripts import language_css
from leafpress.render.cid_fonts import shrink_cid_fonts
from leafpress.render.fetcher import canonical_url
from leafpress.render.pdfua import repair

PDF_VARIANT = "pdf/ua-1"


def brand_css(brand: Brand) -> str:
    """The brand's values as CSS custom properties (validated hex and numbers only)."""
    # --brand-body-size stays the brand's own, for formats that change --body-size.
    return (f":root {{ --primary: {brand.primary}; --accent: {brand.accent}; "
            f"--body-size: {brand.body_pt:g}pt; --brand-body-size: {brand.body_pt:g}pt; "
            f"--easy-read-size: {brand.easy_read_pt:g}pt; }}\n{language_css()}")


@dataclass
class Rendered:
    """A PDF in memory and what went wrong on the way, as plain messages."""

    pdf: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the PDF must not be written
    dependencies: dict[str, str] = field(default_factory=dict)  # what the fetcher read
    measured: Any = None  # what render's measure found in the laid-out pages


class _ImageCache(dict):
    """WeasyPrint's image cache for one folder. A cached image never reaches the fetcher, so
    the cache tells it which URLs a document used (WeasyPrint asks `url in cache` first).

    Local URLs are keyed by the file they resolve to: one picture named thirty times with
    different "?n" queries is loaded, and embedded, once.
    """

    def __init__(self, used):
        super().__init__()
        self._used = used

    def __contains__(self, key) -> bool:
        key = canonical_url(key) if isinstance(key, str) else key
        # A failure (None) is fetched again, so each reference to it is warned about.
        found = super().__contains__(key) and super().__getitem__(key) is not None
        if found and isinstance(key, str):
            self._used(key)
        return found

    def __getitem__(self, key):
        return super().__getitem__(canonical_url(key) if isinstance(key, str) else key)

    def __setitem__(self, key, value) -> None:
        super().__setitem__(canonical_url(key) if isinstance(key, str) else key, value)

    def get(self, key, default=None):
        return super().get(canonical_url(key) if isinstance(key, str) else key, default)


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

    from leafpress.render import actual_text, fetcher  # noqa: F401

    actual_text.install()


class Renderer:
    """Turns HTML into PDF for one brand and stylesheet; build one per worker and reuse it."""

    def __init__(self, brand: Brand, stylesheets: list[Path]):
        import weasyprint  # lazy: check, new and --help must not pay for it
        from PIL import Image
        from weasyprint.text.fonts import FontConfiguration

        from leafpress.limits import MAX_IMAGE_PIXELS
        from leafpress.render import actual_text
        from leafpress.render.fetcher import LocalFetcher

        actual_text.install()

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
        # Tagged for screen readers (PDF/UA); None for a PDF that is only printed.
        self.variant: str | None = PDF_VARIANT
        # One image cache per leaflet folder: a cached image skips the fetcher, so a shared
        # cache would let one folder's leaflet show another folder's pictures.
        self.image_caches: dict[Path, dict] = {}

    def add_css(self, css: str) -> list:
        """This renderer's stylesheets plus css, for documents that need a variation."""
        return [*self.stylesheets, self._weasyprint.CSS(
            string=css, url_fetcher=self.fetcher, font_config=self.font_config)]

    def render(self, html: str, folder: Path, stylesheets: list | None = None,
               measure: Callable[[Any], Any] | None = None) -> Rendered:
        """Render one document whose relative URLs resolve against folder; measure, if given,
        is called with the laid-out WeasyPrint document, and what it returns is kept."""
        folder = folder.resolve()
        self.fetcher.start(folder)
        cache = self.image_caches.setdefault(folder, _ImageCache(self.fetcher.used))
        collect = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collect)
        try:
            document = self._weasyprint.HTML(
                string=html, base_url=folder.as_uri() + "/", url_fetcher=self.fetcher,
            ).render(stylesheets=stylesheets or self.stylesheets, font_config=self.font_config,
                     cache=cache, pdf_variant=self.variant, presentational_hints=False)
            _strip_leaks(document)
            off_page = off_page_messages(document)
            measured = measure(document) if measure else None
            # A refused leaflet is not written: skip drawing it (50 MB of pictures take long).
            fatal = off_page or any(fatal for _, _, fatal in self.fetcher.refused)
            pdf = b"" if fatal else shrink_cid_fonts(document.write_pdf(pdf_variant=self.variant))
            if pdf and self.variant:  # WeasyPrint's tag tree has faults a PDF/UA validator finds
                pdf = repair(pdf)
        finally:
            logger.removeHandler(collect)
            # Forget failures, so that the next leaflet naming the same image is warned too.
            for url in [url for url, image in cache.items() if image is None]:
                del cache[url]
            # A leaflet full of big pictures must not leave them all to the next one: past
            # the budget the cache starts again (WeasyPrint also keeps decoded data in it).
            if sum(self.fetcher.sizes.get(url, 0) for url in cache) > IMAGE_CACHE_BYTES:
                cache.clear()
        messages = self._messages(collect, self.fetcher.refused, folder)
        return Rendered(pdf, len(document.pages),
                        self.stylesheet_warnings + [m for m, fatal in messages if not fatal],
                        [m for m, fatal in messages if fatal] + off_page,
                        dict(self.fetcher.loaded), measured)

    def _messages(self, collect: _Collect, refused: list[tuple[str, str, bool]],
                  folder: Path | None = None) -> list[tuple[str, bool]]:
        """(message, fatal) for each refusal, then WeasyPrint's own warnings not about them."""
        messages = [(f"{self.fetcher.display(url)}: {why}", fatal) for url, why, fatal in refused]
        return messages + [(_shorten(m, folder), False) for m in collect.messages
                           if not any(url in m for url, _, _ in refused)]


# How far past the content area a box may reach: the QR code's own white border sits 1 mm
# into the margin on purpose; text that far out is still well inside the paper's margins.
BOUNDS_TOLERANCE_PX = 1.5 * 96 / 25.4
MAX_OFF_PAGE = 5  # messages per leaflet: enough to find the table or word at fault
PX_TO_PT = 0.75
# A text box is one line's piece; no line of this paper holds more than about 150
# characters. WeasyPrint gives up on a word of hundreds of thousands of letters: one
# box with all of it, 0 pt wide, of which a line's worth is drawn and the rest lost.
MAX_LINE_CHARACTERS = 1000


def off_page_messages(document) -> list[str]:
    """After layout, every text or picture that lies outside its page's content area.

    CSS keeps tables and long words inside the measure (leaflet.css); this is the check
    that nothing got through anyway: a dose printed off the edge of the paper is lost.
    """
    from weasyprint.formatting_structure import boxes

    found: list[str] = []
    for number, page in enumerate(document.pages, 1):
        box = page._page_box
        left, top = box.content_box_x(), box.content_box_y()
        right, bottom = left + box.width, top + box.height
        paper = box.margin_width() * PX_TO_PT
        for child in box.children:
            if isinstance(child, boxes.MarginBox):  # the footer lives in the margin
                continue
            for inner in child.descendants():
                if not isinstance(inner, (boxes.TextBox, boxes.ReplacedBox)):
                    continue
                if isinstance(inner, boxes.TextBox) and len(inner.text) > MAX_LINE_CHARACTERS:
                    word = max(inner.text.split(), key=len, default="")
                    found.append(f'a word of {len(word)} characters ("{word[:30]}...") on page '
                                 f"{number} cannot be laid out: all but its start would be "
                                 "lost; break it up")
                    continue
                x, y = inner.position_x, inner.position_y
                width, height = inner.margin_width(), inner.margin_height()
                if (x >= left - BOUNDS_TOLERANCE_PX and x + width <= right + BOUNDS_TOLERANCE_PX
                        and y + height <= bottom + BOUNDS_TOLERANCE_PX
                        and y >= top - BOUNDS_TOLERANCE_PX):
                    continue
                if isinstance(inner, boxes.TextBox):
                    what = f'text "{inner.text.strip()[:60]}"'
                else:
                    what = f"picture {(inner.element.get('src') or '')[:60]}"
                found.append(f"{what} runs off page {number}: it reaches x = "
                             f"{(x + width) * PX_TO_PT:.0f} pt, y = {(y + height) * PX_TO_PT:.0f} "
                             f"pt, past the text area ({right * PX_TO_PT:.0f} x "
                             f"{bottom * PX_TO_PT:.0f} pt) on paper {paper:.0f} pt wide; "
                             "shorten it or split the table")
                if len(found) >= MAX_OFF_PAGE:
                    return found
    return found


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
