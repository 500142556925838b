"""The rule for reading a leaflet's local files (images, styles), shared by every format.

WeasyPrint reaches files only through fetcher.py, which applies this; the web page copies
its images through it too. No WeasyPrint here, so formats without it can use the rule.
"""

from __future__ import annotations

import hashlib
import resource
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from leafpress.files import FileRefused, read_regular, resolve
from leafpress.limits import MAX_IMAGE_PIXELS, MAX_RESOURCE_BYTES, out_of_memory


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


def decode_problem(body: bytes) -> str | None:
    """Why a raster image cannot be decoded in full (truncated, corrupt), or None.

    WeasyPrint copies a JPEG into the PDF as it is: a broken one would make a PDF that
    readers and `qpdf --check` reject. Only called on images within the pixel budget.
    """
    from PIL import Image, ImageFile

    # WeasyPrint lets Pillow fill a cut-short file with grey (LOAD_TRUNCATED_IMAGES); here
    # a cut-short file must fail.
    saved = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. odd EXIF: the picture itself is fine
            with Image.open(BytesIO(body)) as image:
                image.load()
    except Image.UnidentifiedImageError:
        return None  # not a raster image (SVG, a font, CSS): not ours to judge here
    except MemoryError:
        raise  # not damage: the caller says so
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds for damaged files
        detail = str(exc).split("\n")[0][:80] or exc.__class__.__name__
        return f"image is damaged or cut short ({detail}); save or export it again"
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = saved
    return None


def check_pixels(body: bytes) -> None:
    """Refuse (fatally) a raster image over the pixel budget, or one that does not decode."""
    size = image_size(body)
    if size is None:
        return
    if size[0] * size[1] > MAX_IMAGE_PIXELS:
        width, height = size
        raise Refused(f"image is {width} x {height} pixels, over the limit of "
                      f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels; make it smaller", fatal=True)
    try:
        problem = decode_problem(body)
    except MemoryError:  # the picture may be fine: this process cannot hold it decoded
        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
        raise Refused(out_of_memory(0 if limit == resource.RLIM_INFINITY else limit)
                      + " decoding it; use a smaller picture", fatal=True) from None
    if problem:
        raise Refused(problem, fatal=True)


def read_local(path: Path | str, roots: list[Path]) -> LocalFile:
    """A regular file of at most 20 MB inside one of roots, after resolving symlinks and '..',
    read through the one capped, non-blocking open (/proc files claim 0 bytes and never end)."""
    try:
        real = resolve(path)
    except FileRefused:  # a NUL byte, a name too long, a symlink loop
        raise Refused("not a usable file name") from None
    if not any(real.is_relative_to(root) for root in roots):
        raise Refused("outside the leaflet's folder, templates/ and styles/")
    try:
        body = read_regular(real, MAX_RESOURCE_BYTES)
    except FileRefused as exc:
        if exc.missing:
            raise Refused("file not found", real, "missing") from None
        if exc.reason in ("not a regular file", "is a folder"):
            raise Refused("not a regular file", real, "not-a-file") from None
        raise Refused(exc.reason) from None
    return LocalFile(real, body, hashlib.sha256(body).hexdigest())
