"""The reception catalogue: <out>/index.html, one offline page listing every built leaflet."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import json
import logging
import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from leafpress import __version__
from leafpress import formats as registry
from leafpress.formats.base import human_size
from leafpress.model.brand import MIN_CONTRAST, Brand, contrast_on_white, shown_ratio
from leafpress.errors import Diagnostic, error, shown, warning
from leafpress.files import FileRefused, atomic_write, read_regular, remove_partials, write_if_changed
from leafpress.limits import MAX_MANIFEST_BYTES
from leafpress.model.leaflet import FIELDS, Leaflet
from leafpress.render.html import environment

log = logging.getLogger(__name__)

INDEX = "index.html"
THUMBS = "thumbs"  # thumbnails, the logo copy and the catalogue's record, beside the outputs
RECORD = "catalogue.json"
TEMPLATE = "catalogue.html.j2"
STYLESHEET = "catalogue.css"
SCRIPT = "catalogue.js"
THUMB_SUFFIX = ".webp"  # never .svg/.png, so a thumbnail cannot collide with the logo copy


@dataclass(frozen=True)
class FormatFile:
    """One built file of a leaflet, as the catalogue links to it."""

    fmt: str
    name: str
    size: int
    pages: int | None

    @property
    def href(self) -> str:
        """The file's address relative to index.html (a stem may hold spaces or '#')."""
        return quote(self.name)

    @property
    def format(self) -> registry.Format:
        return registry.get(self.fmt)

    @property
    def label(self) -> str:
        """What the link says: 'Large print PDF'."""
        return self.format.label

    @property
    def details(self) -> str:
        """Pages and size, as in '3 pages, 48 KB' ('8 pages on 2 sheets' for a booklet)."""
        return self.format.details(self.size, self.pages)


@dataclass(frozen=True)
class Card:
    """What the catalogue shows for one leaflet: its details, files and thumbnail."""

    stem: str
    title: str
    summary: str | None
    tags: tuple[str, ...]
    reviewed: datetime.date | None
    review_due: datetime.date | None
    url: str | None
    reference: str | None
    version: str | None
    files: tuple[FormatFile, ...]
    thumbnail: str | None
    stale: bool  # the source failed this build: the files are from an earlier one

    def overdue(self, today: datetime.date) -> bool:
        """Past its review date (due today is not overdue yet)."""
        return self.review_due is not None and self.review_due < today

    @property
    def search_text(self) -> str:
        """What the search box matches: title, summary, reference and tags, folded."""
        return fold(" ".join([self.title, self.summary or "", self.reference or "", *self.tags]))

    @property
    def tag_keys(self) -> str:
        """The topic filter's keys for this card, as a JSON list."""
        return json.dumps(sorted({fold(tag) for tag in self.tags}))


@dataclass
class CatalogueResult:
    """What write_catalogue did, for the CLI's summary and the tests."""

    path: Path
    cards: list[Card] = field(default_factory=list)
    thumbnails: list[Path] = field(default_factory=list)  # rendered in this run
    diagnostics: list[Diagnostic] = field(default_factory=list)


def fold(text: str) -> str:
    """Lower case without accents, as the page's script folds what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def csp_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline style or script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# ---- The record: what the last catalogue listed, so a broken source keeps its card ----

_OPTIONAL = ("summary", "reviewed", "review_due", "url", "reference", "version")


def plain_stem(stem: object) -> bool:
    """A leaflet stem as discovery makes them: one plain file name, nothing that could lead
    out of the output folder ("../x", "/etc/x") or print as something else."""
    return (isinstance(stem, str) and 0 < len(stem) <= 200 and stem not in (".", "..")
            and "/" not in stem and "\\" not in stem and shown(stem) == stem)


def _valid(key: str, value: object) -> bool:
    """A recorded value as the leaflet's own FIELDS would accept it, or absent."""
    if value is None:
        return True
    if key in ("reviewed", "review_due"):
        return _date(value) is not None
    parse = FIELDS[key][0]
    return isinstance(value, str) and parse(value) == value


def _well_formed(stem: object, entry: object) -> bool:
    """A record entry as _details_of wrote it. The record lies in the output folder, which
    others may write: every value is checked again as if it came from a source."""
    if not plain_stem(stem) or not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
        return False
    details = entry.get("details")
    return (isinstance(details, dict)
            and isinstance(details.get("title"), str) and isinstance(details.get("source"), str)
            and Path(details["source"]).is_absolute() and details["source"].endswith(".md")
            and all(_valid(key, details.get(key)) for key in _OPTIONAL if key != "summary")
            and isinstance(details.get("summary"), (str, type(None)))
            and isinstance(details.get("tags"), list)
            and all(isinstance(tag, str) for tag in details["tags"]))


def _read_record(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(read_regular(path, MAX_MANIFEST_BYTES))
    except (FileRefused, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("leaflets"), dict):
        return {}
    return {stem: entry for stem, entry in data["leaflets"].items() if _well_formed(stem, entry)}


def _details_of(leaflet: Leaflet) -> dict:
    return {
        "source": str(leaflet.path.resolve()),
        "title": leaflet.title,
        "summary": leaflet.summary,
        "tags": list(leaflet.tags),
        "reviewed": leaflet.reviewed.isoformat() if leaflet.reviewed else None,
        "review_due": leaflet.review_due.isoformat() if leaflet.review_due else None,
        "url": leaflet.url,
        "reference": leaflet.reference,
        "version": leaflet.version,
    }


def _date(value: object) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _is_file(name: str) -> bool:
    try:
        return os.path.isfile(name)
    except (OSError, ValueError):  # a NUL byte or a name too long, from an edited record
        return False


def _listed_details(leaflets: Iterable[Leaflet], record: dict[str, dict]) -> dict[str, dict]:
    """This build's leaflets, plus recorded ones whose source still exists but did not load.

    A source with an error (or one left out of this build) keeps its last card while its
    PDF is still there; a deleted source drops out of the catalogue.
    """
    details = {leaflet.stem: _details_of(leaflet) for leaflet in leaflets}
    for stem, entry in record.items():
        if stem not in details and _is_file(entry["details"]["source"]):
            details[stem] = entry["details"]
    return details


# ---- Files: sizes, page counts (cached in the record) and thumbnails ----

def _files_of(stem: str, out: Path, cached: dict, rebuilt: set[Path],
              problems: list[Diagnostic]) -> tuple[list[FormatFile], dict]:
    """Every format file present for a leaflet, with sizes and page counts."""
    files: list[FormatFile] = []
    cache: dict = {}
    for fmt in registry.REGISTRY.values():
        path = out / fmt.output_name(stem)
        try:
            stat = path.stat()
        except OSError:
            continue
        key = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        known = cached.get(path.name, {})
        known = known if isinstance(known, dict) else {}
        pages = known.get("pages")
        if not (isinstance(pages, int) and not isinstance(pages, bool) and 0 < pages < 100_000):
            pages = None  # the record is not to be trusted: count again
        if path.resolve() in rebuilt or {k: known.get(k) for k in key} != key or pages is None:
            try:
                pages = fmt.count_pages(path)
            except Exception as exc:  # noqa: BLE001 - pdfium raises its own types; listed, not fatal
                problems.append(warning("catalogue", path, 0, f"cannot read the page count: {exc}"))
                pages = None
        cache[path.name] = {**key, "pages": pages}
        files.append(FormatFile(fmt.name, path.name, stat.st_size, pages))
    return files, cache


def _cover(files: list[FormatFile]) -> FormatFile | None:
    """The file the card's picture comes from: the cover format, else any that has pages."""
    able = [file for file in files if file.format.makes_picture]
    return next((file for file in able if file.format.cover), able[0] if able else None)


def _thumbnail(stem: str, cover: Path, fmt: registry.Format, thumbs: Path, rebuilt: set[Path], result: CatalogueResult,
               made: Mapping[Path, bytes]) -> str | None:
    """Render the cover's page 1 unless its thumbnail is newer than the cover file already.

    Thumbnails skip fsync (most of their cost): one lost in a crash is empty or missing,
    and either is rendered again by the next build.
    """
    thumb = thumbs / f"{stem}{THUMB_SUFFIX}"
    try:
        stat = thumb.stat()
        fresh = (cover.resolve() not in rebuilt and stat.st_size > 0
                 and stat.st_mtime_ns >= cover.stat().st_mtime_ns)
    except OSError:
        fresh = False
    if not fresh:
        try:
            stamp = cover.stat().st_mtime_ns
            image = made.get(cover.resolve()) or fmt.picture(cover)
            atomic_write(thumb, image, durable=False)  # a cache: see above
            os.utime(thumb, ns=(stamp, stamp))  # the cover's time: exact even if its clock differs
        except Exception as exc:  # noqa: BLE001 - a card without a picture is still useful
            result.diagnostics.append(warning("catalogue", cover, 0,
                                              f"cannot make a thumbnail: {exc}"))
            thumb.unlink(missing_ok=True)
            return None
        result.thumbnails.append(thumb)
    return f"{THUMBS}/{quote(thumb.name)}"


def _copy_logo(brand: Brand, thumbs: Path) -> str:
    """Copy the brand's logo beside the thumbnails (only when it changed)."""
    target = thumbs / f"brand-logo{brand.logo.suffix.lower()}"
    write_if_changed(target, brand.logo.read_bytes())
    return f"{THUMBS}/{target.name}"


# ---- The page ----

def _tags(cards: list[Card]) -> list[tuple[str, str, int]]:
    """(key, label, count) for every tag, sorted; tags differing only in case are one."""
    labels: dict[str, str] = {}
    counts: dict[str, int] = {}
    for card in cards:
        for tag in card.tags:
            key = fold(tag)
            labels.setdefault(key, tag)
        for key in {fold(tag) for tag in card.tags}:
            counts[key] = counts.get(key, 0) + 1
    return [(key, labels[key], counts[key]) for key in sorted(labels)]


def _inline(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "</" in text:  # would end the inline element early
        raise ValueError(f"{path.name} must not contain '</'")
    return text


def render_page(cards: list[Card], brand: Brand, today: datetime.date, logo: str | None) -> str:
    """The catalogue's HTML, with its CSS and script inline and allowed by hash."""
    style = (f":root{{--primary:{brand.primary};--accent:{brand.accent}}}\n"
             + _inline(brand.styles / STYLESHEET))
    script = _inline(brand.templates / SCRIPT)
    csp = "; ".join([
        "default-src 'none'",
        "img-src 'self'",
        f"style-src {csp_hash(style)}",
        f"script-src {csp_hash(script)}",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    formats = {file.fmt for card in cards for file in card.files}
    return environment(brand.templates).get_template(TEMPLATE).render(
        brand=brand,
        cards=cards,
        tags=_tags(cards),
        today=today,
        overdue=sum(card.overdue(today) for card in cards),
        help=[(fmt, fmt.name in formats) for fmt in registry.REGISTRY.values() if fmt.help_template],
        logo=logo,
        csp=csp,
        style=Markup(style),
        script=Markup(script),
        generator=f"leafpress {__version__}",
    )


def write_catalogue(
    out: Path,
    leaflets: Iterable[Leaflet],
    brand: Brand,
    rebuilt: Iterable[Path] = (),
    failed: Iterable[Path] = (),
    today: datetime.date | None = None,
    thumbnails: Mapping[Path, bytes] | None = None,
) -> CatalogueResult:
    """Write out/index.html listing every leaflet with an output in out; refresh thumbnails.

    leaflets are the ones this build loaded; rebuilt the outputs it wrote; failed the sources
    it could not build (their cards are marked as not updated). Thumbnails are rendered
    only for a rebuilt cover file or when missing or older than it; thumbnails maps a cover
    file to one already made (by the worker that rendered it).
    """
    made = {Path(p).resolve(): image for p, image in (thumbnails or {}).items()}
    today = today or datetime.date.today()
    thumbs = out / THUMBS
    result = CatalogueResult(out / INDEX)
    rebuilt_paths = {Path(p).resolve() for p in rebuilt}
    failed_sources = {str(Path(p).resolve()) for p in failed}
    # thumbs/ must be a real folder inside out: a link would have us write and delete
    # pictures wherever it points.
    own_thumbs = not thumbs.is_symlink() and (thumbs.is_dir() or not thumbs.exists())
    if not own_thumbs:
        result.diagnostics.append(warning("catalogue", thumbs, 0, "not a folder of the "
                                          "catalogue (a link or a file): left alone, so the "
                                          "catalogue has no pictures; remove it"))
    record = _read_record(thumbs / RECORD) if own_thumbs else {}
    if own_thumbs:
        remove_partials(thumbs)  # left by a build that was killed
    remove_partials(out, [INDEX])

    for name, colour in (("primary", brand.primary), ("accent", brand.accent)):
        if (ratio := contrast_on_white(colour)) < MIN_CONTRAST:
            result.diagnostics.append(warning(
                "catalogue", brand.path, 0, f"colour '{name}' {colour} has a contrast of "
                f"{shown_ratio(ratio)} on white; text needs {MIN_CONTRAST}:1 (WCAG AA)"))

    new_record: dict[str, dict] = {}
    for stem, details in _listed_details(leaflets, record).items():
        cached = record.get(stem, {}).get("files", {})
        files, cache = _files_of(stem, out, cached, rebuilt_paths, result.diagnostics)
        if not files:
            continue  # never built (or its PDFs were deleted): nothing to open
        cover = _cover(files) if own_thumbs else None
        thumb = cover and _thumbnail(stem, out / cover.name, cover.format, thumbs, rebuilt_paths,
                                     result, made)
        new_record[stem] = {"details": details, "files": cache}
        result.cards.append(Card(
            stem=stem,
            title=details["title"],
            summary=details.get("summary"),
            tags=tuple(details.get("tags") or ()),
            reviewed=_date(details.get("reviewed")),
            review_due=_date(details.get("review_due")),
            url=details.get("url"),
            reference=details.get("reference"),
            version=details.get("version"),
            files=tuple(files),
            thumbnail=thumb,
            stale=details["source"] in failed_sources,
        ))
    result.cards.sort(key=lambda card: (fold(card.title), card.stem))

    listed = {f"{card.stem}{THUMB_SUFFIX}" for card in result.cards}
    for orphan in thumbs.glob(f"*{THUMB_SUFFIX}") if own_thumbs and thumbs.is_dir() else ():
        if orphan.name not in listed:
            orphan.unlink(missing_ok=True)

    try:
        logo = _copy_logo(brand, thumbs) if own_thumbs else None
        page = render_page(result.cards, brand, today, logo)
    except jinja2.TemplateNotFound as exc:
        result.diagnostics.append(error("catalogue", brand.templates / exc.name, 0,
                                        "cannot write the catalogue: file not found"))
        return result
    except jinja2.TemplateSyntaxError as exc:
        result.diagnostics.append(error("catalogue", brand.templates / TEMPLATE, exc.lineno,
                                        f"cannot write the catalogue: {exc.message}"))
        return result
    except (OSError, ValueError, jinja2.TemplateError) as exc:
        where = Path(getattr(exc, "filename", None) or brand.path)
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        result.diagnostics.append(error("catalogue", where, 0,
                                        f"cannot write the catalogue: {reason}"))
        return result
    try:
        if own_thumbs:
            write_if_changed(thumbs / RECORD, json.dumps({"version": 1, "leaflets": new_record},
                                                         indent=1, sort_keys=True).encode("utf-8"))
        write_if_changed(result.path, page.encode("utf-8"))
    except OSError as exc:  # a full disk, index.html that is a folder: the PDFs stay as they are
        result.diagnostics.append(error("catalogue", result.path, 0, "cannot write the "
                                        f"catalogue: {(exc.strerror or str(exc)).lower()}"))
        return result
    log.debug("catalogue: %d cards, %d thumbnails", len(result.cards), len(result.thumbnails))
    return result
