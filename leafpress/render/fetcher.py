"""The only door WeasyPrint has to the outside: local files in allowed folders."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from leafpress.limits import MAX_LEAFLET_IMAGE_BYTES
from leafpress.render.local import Refused, check_pixels, read_local

DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)


class ResourceRefused(ValueError):
    """A URL the leaflet may not load; WeasyPrint skips the resource and goes on."""


def canonical_url(url: str) -> str:
    """One name per local file: "images/x.png?1" and "./images/x.png#a" are the same picture,
    so WeasyPrint's image cache (keyed by URL) loads and embeds it once."""
    if not url.lower().startswith("file:"):
        return url
    try:
        return "file://" + str(Path(unquote(urlsplit(url).path)).resolve())
    except (OSError, ValueError, RuntimeError):
        return url


class _Served(URLFetcherResponse):
    """A response whose bytes are the ones we checked. WeasyPrint would re-read a local
    JPEG from its path when writing the PDF (after our checks, and whatever it is by then);
    with no path it keeps these bytes instead."""

    @property
    def path(self):
        return None


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
        self._seen: dict[str, tuple[str, str]] = {}  # canonical url -> (name, digest)
        self.sizes: dict[str, int] = {}  # canonical url -> bytes served, across documents
        self._counted: set[str] = set()  # canonical urls this document has paid for
        self._spent = 0

    def used(self, url: str) -> None:
        """A document used url from WeasyPrint's image cache: a dependency all the same,
        and its bytes count towards the document's budget."""
        if url in self._seen:
            name, digest = self._seen[url]
            self.loaded[name] = digest
        self._spend(url, self.sizes.get(url, 0))

    def start(self, document_root: Path) -> None:
        """Begin a new document whose relative URLs resolve in document_root."""
        self.document_root = document_root
        self.refused.clear()
        self.loaded = {}
        self._counted = set()
        self._spent = 0

    def _spend(self, url: str, size: int) -> bool:
        """Count a file's bytes once per document; False (and a fatal refusal, noted once)
        when the document's pictures add up to more than the budget."""
        if url in self._counted:
            return True
        self._counted.add(url)
        before, self._spent = self._spent, self._spent + size
        if self._spent > MAX_LEAFLET_IMAGE_BYTES:
            if before <= MAX_LEAFLET_IMAGE_BYTES:
                self.refused.append((url, f"the pictures in this leaflet add up to more than "
                                          f"{MAX_LEAFLET_IMAGE_BYTES // 1024**2} MB; use "
                                          "smaller files", True))
            return False
        return True

    def _note(self, url: str, path: Path, digest: str) -> None:
        if self.document_root and path.is_relative_to(self.document_root):
            name = path.relative_to(self.document_root).as_posix()
            self.loaded[name] = digest
            self._seen[canonical_url(url)] = (name, digest)


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
            try:
                response = super().fetch(url, headers)
                body = response.read()
            except ValueError:  # bad base64 or percent-encoding (binascii.Error is one)
                self.refuse(url[:60], "not a valid data: image")
            self._check_pixels(url[:60], body)
            return URLFetcherResponse(url, body, response.headers)
        if scheme != "file":
            self.refuse(url, "network resources are not allowed")
        roots = self.roots + ([self.document_root] if self.document_root else [])
        try:
            found = read_local(unquote(urlsplit(url).path), roots)  # the one rule
        except Refused as exc:
            if exc.digest:
                self._note(url, exc.path, exc.digest)
            self.refuse(url, exc.why)
        self._note(url, found.path, found.digest)
        key = canonical_url(url)
        self.sizes[key] = len(found.body)
        self._check_pixels(url, found.body)
        if not self._spend(key, len(found.body)):
            raise ResourceRefused(f"{self.display(url)}: over the leaflet's picture budget")
        mime, _ = mimetypes.guess_type(found.path.name)
        return _Served(found.path.as_uri(), found.body,
                       {"Content-Type": mime or "application/octet-stream"})

    def _check_pixels(self, url: str, body: bytes) -> None:
        """Refuse (fatally) a raster image over the pixel budget, or one that does not decode."""
        try:
            check_pixels(body)
        except Refused as exc:
            self.refuse(url, exc.why, fatal=exc.fatal)
