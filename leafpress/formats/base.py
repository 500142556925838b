"""The interface every output format implements, and what rendering one leaflet gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from leafpress.model.brand import Brand
from leafpress.model.leaflet import Leaflet


@dataclass
class Output:
    """One leaflet in one format, in memory, and what went wrong on the way (plain messages)."""

    data: bytes
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the output must not be written
    thumbnail: bytes | None = None  # page 1 for the catalogue, made while the worker has it
    extras: dict[str, bytes] = field(default_factory=dict)  # files beside it: name -> bytes
    # Files the renderer actually read from the leaflet's folder, relative to it, with the
    # SHA-256 of the bytes it read ("missing" when it looked and found none): the manifest
    # rebuilds the output when any of them changes.
    dependencies: dict[str, str] = field(default_factory=dict)
    # What the format asked the renderer to measure in the laid-out pages, for its own use
    # (the booklet: whether its back matter would fit on the body's last page).
    measured: Any = None


def human_size(size: int) -> str:
    """File size as people read it: 48 KB, 1.2 MB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def plural(count: int, word: str) -> str:
    """'1 page', '3 pages'."""
    return f"{count} {word}{'' if count == 1 else 's'}"


class Format:
    """One output: declared once here, read by the CLI, brand, build, manifest and catalogue.

    A subclass sets the class attributes and implements `render`; `prepare` builds whatever
    a worker should keep between leaflets (parsed CSS, fonts, translation tables).
    """

    name: ClassVar[str]  # the --format and brand `formats` value
    suffix: ClassVar[str]  # added to the stem: <stem><suffix><extension>
    extension: ClassVar[str] = ".pdf"
    label: ClassVar[str]  # what the catalogue's link says: "Large print PDF"
    media_type: ClassVar[str] = "application/pdf"
    needs_weasyprint: ClassVar[bool] = True  # the parent preloads WeasyPrint only for these
    makes_picture: ClassVar[bool] = False  # can give the catalogue its picture of page 1
    cover: ClassVar[bool] = False  # preferred for that picture when built
    help_template: ClassVar[str | None] = None  # the catalogue's printing-help part, if any
    # Read by the catalogue: a short note on who the file is for, shown beside its link.
    audience: ClassVar[str | None] = None

    def output_name(self, stem: str) -> str:
        """File name of a leaflet (or edition) stem in this format."""
        return f"{stem}{self.suffix}{self.extension}"

    def details(self, size: int, pages: int | None) -> str:
        """Pages and size as the catalogue shows them: '3 pages, 48 KB'."""
        if pages is None:
            return human_size(size)
        return f"{plural(pages, 'page')}, {human_size(size)}"

    def count_pages(self, path: Path) -> int | None:
        """Pages in a written file, for the catalogue (None when pages mean nothing)."""
        return None

    def picture(self, data: bytes | Path) -> bytes | None:
        """Page 1 of the leaflet as a catalogue thumbnail, from this format's output."""
        return None

    def skip_reason(self, leaflet: Leaflet) -> str | None:
        """Why this format makes nothing for this leaflet (a language braille lacks), or None."""
        return None

    def key_parts(self, brand: Brand) -> dict[str, Any]:
        """Inputs of this format beyond the brand, templates and styles, for the manifest."""
        return {}

    def templates(self, brand: Brand) -> list[str]:
        """Jinja2 templates (names in the brand's templates folder) this format renders."""
        return []

    def stylesheets(self, brand: Brand) -> list[Path]:
        """Stylesheets this format needs: each must be a readable file before any work starts."""
        return []

    def prepare(self, brand: Brand) -> Any:
        """Per-worker state reused across leaflets (built on first use in each worker)."""
        return None

    def render(self, leaflet: Leaflet, brand: Brand, state: Any) -> Output:
        """Render one leaflet; state is what prepare returned in this worker."""
        raise NotImplementedError
