"""The rule for reading a leaflet's local files (images, styles), shared by every format.

WeasyPrint reaches files only through fetcher.py, which applies this; the web page copies
its images through it too. No WeasyPrint here, so formats without it can use the rule.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from leafpress.limits import MAX_IMAGE_PIXELS, MAX_RESOURCE_BYTES


class Refused(ValueError):
    """A file a leaflet may not read, and why; `digest` marks a dependency to watch."""

    def __init__(self, why: str, path: Path | None = None, digest: str | None = None,
                 fatal: bool = False):
        super().__init__(why)
        self.why, self.path, self.digest, self.fatal = why, path, digest, fatal


@dataclass(frozen=True)
class LocalFile:
    """A file read under the rule: where it really is, its bytes and their SHA-256."""

    path: Path
    body: bytes
    digest: str


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


def check_pixels(body: bytes) -> None:
    """Refuse (fatally) a raster image over the pixel budget."""
    size = image_size(body)
    if size and size[0] * size[1] > MAX_IMAGE_PIXELS:
        width, height = size
        raise Refused(f"image is {width} x {height} pixels, over the limit of "
                      f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels; make it smaller", fatal=True)


def read_local(path: Path, roots: list[Path]) -> LocalFile:
    """A regular file of at most 20 MB inside one of roots, after resolving symlinks and '..'."""
    try:
        path = path.resolve()
        allowed = any(path.is_relative_to(root) for root in roots)
        regular = path.is_file()
        size = path.stat().st_size if regular else 0
    except (OSError, ValueError, RuntimeError):  # NUL bytes, symlink loops, ...
        raise Refused("not a usable file name") from None
    if not allowed:
        raise Refused("outside the leaflet's folder, templates/ and styles/")
    if not regular:
        exists = path.exists()
        raise Refused("not a regular file" if exists else "file not found", path,
                      "not-a-file" if exists else "missing")
    if size > MAX_RESOURCE_BYTES:
        raise Refused("file larger than 20 MB")
    body = path.read_bytes()
    return LocalFile(path, body, hashlib.sha256(body).hexdigest())
