"""The only door WeasyPrint has to the outside: local files in allowed folders."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

MAX_RESOURCE_BYTES = 20 * 1024 * 1024
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp|svg\+xml)[;,]", re.IGNORECASE)


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

    def refuse(self, url: str, why: str) -> None:
        self.refused.append((url, why))
        raise ResourceRefused(f"{why}: {url}")

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            if not DATA_IMAGE.match(url):
                self.refuse(url[:60], "only data: images are allowed")
            return super().fetch(url, headers)
        if scheme != "file":
            self.refuse(url, "network resources are not allowed")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not self._allowed(path):
            self.refuse(url, "outside the leaflet's folder, templates/ and styles/")
        if not path.is_file():
            self.refuse(url, "file not found" if not path.exists() else "not a regular file")
        if path.stat().st_size > MAX_RESOURCE_BYTES:
            self.refuse(url, "file larger than 20 MB")
        mime, _ = mimetypes.guess_type(path.name)
        return URLFetcherResponse(path.as_uri(), path.read_bytes(),
                                  {"Content-Type": mime or "application/octet-stream"})
