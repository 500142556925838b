"""The only door WeasyPrint has to the outside: local files in allowed folders."""

from __future__ import annotations

import io
import mimetypes
import os
import re
import stat
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .limits import MAX_IMAGE_PIXELS, MAX_RESOURCE_BYTES

DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a raster image's header (nothing is decoded); None if not one."""
    from PIL import Image  # comes with WeasyPrint

    limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # the caller judges the size, with a clearer message
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - SVG, CSS, fonts, or a broken image Pillow will report
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = limit


def guard_pillow() -> None:
    """Make Pillow refuse decompression bombs outright, below the fetcher's budget or not."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)


class ResourceRefused(ValueError):
    """A URL the leaflet may not load; WeasyPrint skips the resource and goes on."""


class LocalFetcher(URLFetcher):
    """Serve regular files inside the allowed folders, and data: images; refuse the rest.

    Paths are resolved (symlinks and ../ included) before the check, so nothing outside
    the folders can be reached. `document_root` is set per leaflet: its own folder.
    """

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
        self.roots = [root.resolve() for root in roots]
        self.document_root: Path | None = None
        self.refused: list[tuple[str, str]] = []

    def _allowed(self, path: Path) -> bool:
        roots = self.roots + ([self.document_root] if self.document_root else [])
        return any(path.is_relative_to(root) for root in roots)

    def shown(self, url: str) -> str:
        """A file URL as the author wrote it (relative to the leaflet's folder), else the URL."""
        shown = url[:200]
        if url.startswith("file:") and self.document_root:
            path = Path(unquote(urlsplit(url).path))
            if path.is_relative_to(self.document_root):
                shown = path.relative_to(self.document_root).as_posix()
        return "".join(char if char.isprintable() else "?" for char in shown)  # one clean line

    def refuse(self, url: str, why: str) -> None:
        self.refused.append((url, why))
        raise ResourceRefused(f"{why}: {self.shown(url)}")

    def read_regular_file(self, url: str, path: Path) -> bytes:
        """The bytes of a regular file of at most MAX_RESOURCE_BYTES; refuse anything else."""
        try:
            # O_NONBLOCK: a FIFO must not hang the worker; fstat on the open file leaves no
            # gap for a swap between the check and the read.
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        except FileNotFoundError:
            self.refuse(url, "file not found")
        except OSError as exc:
            self.refuse(url, f"cannot read ({exc.strerror})")
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RESOURCE_BYTES:
            os.close(fd)
            self.refuse(url, "not a regular file" if not stat.S_ISREG(info.st_mode)
                        else f"file larger than {MAX_RESOURCE_BYTES // 2**20} MB")
        with os.fdopen(fd, "rb") as handle:
            return handle.read(MAX_RESOURCE_BYTES + 1)

    def check_pixels(self, url: str, data: bytes) -> None:
        """Refuse a raster image over the pixel budget before anything decodes it."""
        size = image_size(data)
        if size and size[0] * size[1] > MAX_IMAGE_PIXELS:
            width, height = size
            megapixels, limit = width * height / 1e6, MAX_IMAGE_PIXELS / 1e6
            self.refuse(url, f"image of {width} x {height} pixels ({megapixels:.0f} megapixels) "
                             f"is over the {limit:.0f} megapixel limit")

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            if not DATA_IMAGE.match(url):
                self.refuse(url, "only data: images are allowed")
            response = super().fetch(url, headers)
            try:
                data = response.read()
            finally:
                response.close()
            self.check_pixels(url, data)
            return URLFetcherResponse(url, data, {"Content-Type": response.content_type})
        if scheme != "file":
            self.refuse(url, "network resources are not allowed")
        try:
            path = Path(unquote(urlsplit(url).path)).resolve()
        except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL byte
            self.refuse(url, "not a usable file name")
        if not self._allowed(path):
            self.refuse(url, "outside the leaflet's folder, templates/ and styles/")
        data = self.read_regular_file(url, path)
        self.check_pixels(url, data)
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), data,
                                  {"Content-Type": mime or "application/octet-stream"})
