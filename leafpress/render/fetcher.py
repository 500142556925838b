"""The only door WeasyPrint has to the outside: local files in allowed folders."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import warnings
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from leafpress.limits import MAX_IMAGE_PIXELS, MAX_RESOURCE_BYTES

DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)


class ResourceRefused(ValueError):
    """A URL the leaflet may not load; WeasyPrint skips the resource and goes on."""


def image_size(body: bytes) -> tuple[int, int] | None:
    """Width and height from a raster image's header, without decoding it; None if not one."""
    from PIL import Image

    saved = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = None  # only the header is read here; the budget is ours to apply
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(BytesIO(body)) as image:
                return image.size
    except Exception:  # noqa: BLE001 - not a raster image Pillow knows: nothing to measure
        return None
    finally:
        Image.MAX_IMAGE_PIXELS = saved


class LocalFetcher(URLFetcher):
    """Serve regular files inside the allowed folders, and data: images; refuse the rest.

    Paths are resolved (symlinks and ../ included) before the check, so nothing outside
    the folders can be reached. `document_root` is set per leaflet: its own folder.
    Refusals are kept in `refused` as (url, reason, fatal); fatal ones (an image over
    the pixel budget) stop the leaflet from being written.
    """

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
        self.roots = [root.resolve() for root in roots]
        self.document_root: Path | None = None
        self.refused: list[tuple[str, str, bool]] = []
        # What this document read from its own folder: relative name -> SHA-256 of the bytes
        # served, or "missing" (the manifest rebuilds when a missing file appears).
        self.loaded: dict[str, str] = {}
        self._seen: dict[str, tuple[str, str]] = {}  # url -> (name, digest), across documents

    def used(self, url: str) -> None:
        """A document used url from WeasyPrint's image cache: a dependency all the same."""
        if url in self._seen:
            name, digest = self._seen[url]
            self.loaded[name] = digest

    def start(self, document_root: Path) -> None:
        """Begin a new document whose relative URLs resolve in document_root."""
        self.document_root = document_root
        self.refused.clear()
        self.loaded = {}

    def _note(self, url: str, path: Path, digest: str) -> None:
        if self.document_root and path.is_relative_to(self.document_root):
            name = path.relative_to(self.document_root).as_posix()
            self.loaded[name] = digest
            self._seen[url] = (name, digest)

    def _allowed(self, path: Path) -> bool:
        roots = self.roots + ([self.document_root] if self.document_root else [])
        return any(path.is_relative_to(root) for root in roots)

    def refuse(self, url: str, why: str, fatal: bool = False) -> None:
        self.refused.append((url, why, fatal))
        raise ResourceRefused(f"{self.display(url)}: {why}")

    def display(self, url: str) -> str:
        """How to name a URL to the author: a path, relative to the leaflet when inside it."""
        if not url.lower().startswith("file:"):
            return url
        path = Path(unquote(urlsplit(url).path))
        if self.document_root and path.is_relative_to(self.document_root):
            return str(path.relative_to(self.document_root))
        return str(path)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            if not DATA_IMAGE.match(url):
                self.refuse(url[:60], "only data: images are allowed")
            response = super().fetch(url, headers)
            body = response.read()
            self._check_pixels(url[:60], body)
            return URLFetcherResponse(url, body, response.headers)
        if scheme != "file":
            self.refuse(url, "network resources are not allowed")
        try:
            path = Path(unquote(urlsplit(url).path)).resolve()
            allowed = self._allowed(path)
            regular = path.is_file()
            size = path.stat().st_size if regular else 0
        except (OSError, ValueError, RuntimeError):  # NUL bytes, symlink loops, ...
            self.refuse(url, "not a usable file name")
        if not allowed:
            self.refuse(url, "outside the leaflet's folder, templates/ and styles/")
        if not regular:
            exists = path.exists()
            self._note(url, path, "not-a-file" if exists else "missing")
            self.refuse(url, "not a regular file" if exists else "file not found")
        if size > MAX_RESOURCE_BYTES:
            self.refuse(url, "file larger than 20 MB")
        body = path.read_bytes()
        self._note(url, path, hashlib.sha256(body).hexdigest())
        self._check_pixels(url, body)
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), body,
                                  {"Content-Type": mime or "application/octet-stream"})

    def _check_pixels(self, url: str, body: bytes) -> None:
        size = image_size(body)
        if size and size[0] * size[1] > MAX_IMAGE_PIXELS:
            width, height = size
            self.refuse(url, f"image is {width} x {height} pixels, over the limit of "
                             f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels; make it smaller",
                        fatal=True)
