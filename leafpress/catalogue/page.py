"""The reception catalogue: <out>/index.html, one offline page listing every built leaflet."""

from __future__ import annotations

import datetime
import json
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from leafpress import __version__
from leafpress import formats as registry
from leafpress.catalogue import search
from leafpress.catalogue.search import fold
from leafpress.model.brand import MIN_CONTRAST, Brand, contrast_on_white, shown_ratio
from leafpress.control.archive import archived
from leafpress.control.record import RECORD_NAME, RecordError, Records
from leafpress.errors import Diagnostic, error, shown, warning
from leafpress.files import (FileRefused, atomic_write, read_regular, remove_partials,
                             write_if_changed)
from leafpress.limits import MAX_MANIFEST_BYTES
from leafpress.model.editions import name_of, versions_behind
from leafpress.model.language import is_rtl
from leafpress.model.leaflet import APPROVED, DRAFT, FIELDS, WITHDRAWN, Leaflet
from leafpress.render.html import csp_hash, environment

log = logging.getLogger(__name__)

INDEX = "index.html"
THUMBS = "thumbs"  # thumbnails, the logo copy and the catalogue's record, beside the outputs
RECORD = "catalogue.json"
TEMPLATE = "catalogue.html.j2"
STYLESHEET = "catalogue.css"
SCRIPT = "catalogue.js"
THUMB_SUFFIX = ".webp"  # never .svg/.png, so a thumbnail cannot collide with the logo copy
_INDENT = re.compile(r"\n[ \t]+")
DUE_SOON_DAYS = 90  # the review filter's "due": within about three months, or overdue


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
class Edition:
    """A translation or Easy Read edition, listed on its master's card."""

    stem: str
    lang: str
    name: str  # in its own language: "Polski", "العربية", "Easy Read"
    title: str
    easy_read: bool
    based_on_version: str | None
    files: tuple[FormatFile, ...]
    out_of_date: bool  # made from an older version of the master than the master is now
    rtl: bool

    def as_data(self) -> dict:
        """What the catalogue's script and filters read: lang, name, files, stale."""
        return {"lang": self.lang, "name": self.name, "title": self.title,
                "easy_read": self.easy_read, "files": [f.name for f in self.files],
                "stale": self.out_of_date}


@dataclass(frozen=True)
class EarlierVersion:
    """An issued version before the current one, with its archived files."""

    version: str
    issued: datetime.date
    files: tuple[tuple[str, str], ...]  # (label, address relative to index.html)


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
    editions: tuple[Edition, ...] = ()
    status: str = APPROVED  # drafts are listed apart, never among the leaflets to print
    earlier: tuple[EarlierVersion, ...] = ()
    lang: str = ""
    sentences: tuple[str, ...] = ()  # the body's, for search (not shown on the card)

    def overdue(self, today: datetime.date) -> bool:
        """Past its review date (due today is not overdue yet)."""
        return self.review_due is not None and self.review_due < today

    @property
    def editions_data(self) -> str:
        """The card's editions as JSON, for the page's language filter."""
        return json.dumps([edition.as_data() for edition in self.editions], ensure_ascii=False)

    @property
    def tag_keys(self) -> str:
        """The topic filter's keys for this card, as a JSON list."""
        return json.dumps(sorted({fold(tag) for tag in self.tags}))

    # The filters and the search index read only languages, format_names and document(),
    # editions included.
    @property
    def languages(self) -> tuple[str, ...]:
        """Every language the card offers, its editions' too (the language filter's keys)."""
        langs = [self.lang] if self.lang else []
        return tuple(dict.fromkeys(langs + [edition.lang for edition in self.editions]))

    @property
    def format_names(self) -> tuple[str, ...]:
        """Every format the card has a file in (the format filter's keys), in registry order."""
        present = {file.fmt for file in self.files} | {
            file.fmt for edition in self.editions for file in edition.files}
        return tuple(name for name in registry.names() if name in present)

    def email_href(self, clinic: str) -> str:
        """A mailto: link that opens a new email with the title and, if any, the online link.

        A browser cannot attach a file to it: the page says so, next to the link.
        """
        lines = [self.title]
        if self.url:
            lines += ["", f"Read it online: {self.url}"]
        lines += ["", clinic]
        return ("mailto:?subject=" + quote(self.title, safe="")
                + "&body=" + quote("\r\n".join(lines), safe=""))

    def document(self) -> search.Document:
        """What search reads of this card."""
        return search.Document(
            id=self.stem, title=self.title,
            editions=" ".join(part for e in self.editions for part in (e.title, e.name)),
            topics=" ".join(self.tags),
            reference=self.reference or "", summary=self.summary or "",
            body=" ".join(self.sentences),
            sentences=self.sentences)


@dataclass
class CatalogueResult:
    """What write_catalogue did, for the CLI's summary and the tests."""

    path: Path
    cards: list[Card] = field(default_factory=list)
    thumbnails: list[Path] = field(default_factory=list)  # rendered in this run
    diagnostics: list[Diagnostic] = field(default_factory=list)


# ---- The record: what the last catalogue listed, so a broken source keeps its card ----

_OPTIONAL = ("summary", "reviewed", "review_due", "url", "reference", "version", "status", "lang")


def _edition_well_formed(details: dict) -> bool:
    """An edition's recorded keys (absent for a master), checked like the rest."""
    name = details.get("name")
    return (all(_valid(key, details.get(key)) for key in ("edition_of", "lang", "based_on_version"))
            and _valid("version", details.get("master_version"))
            and (name is None or isinstance(name, str) and shown(name) == name)
            and isinstance(details.get("easy_read", False), bool))


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
    if not (plain_stem(stem) and isinstance(entry, dict) and isinstance(entry.get("files"), dict)):
        return False
    details = entry.get("details")
    return (isinstance(details, dict)
            and isinstance(details.get("title"), str) and isinstance(details.get("source"), str)
            and Path(details["source"]).is_absolute() and details["source"].endswith(".md")
            and all(_valid(key, details.get(key)) for key in _OPTIONAL if key != "summary")
            and isinstance(details.get("summary"), (str, type(None)))
            and _edition_well_formed(details)
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
        **({"edition_of": leaflet.edition_of, "name": name_of(leaflet),
            "easy_read": leaflet.easy_read, "based_on_version": leaflet.based_on_version,
            "master_version": leaflet.master_version} if leaflet.is_edition else {}),
        "status": leaflet.status,
        "lang": leaflet.lang,
    }


def _sentences(leaflet: Leaflet | None, recorded: object) -> tuple[dict, tuple[str, ...]]:
    """A card's body sentences, from the record while the source's body is unchanged.

    Markdown and the sanitiser cost milliseconds a leaflet: a no-op build of 1,000 must
    not pay them again. A card kept from an earlier build keeps its recorded text.
    """
    cached = recorded if isinstance(recorded, dict) else {}  # the record may be edited or forged
    sentences = cached.get("sentences")
    fine = isinstance(sentences, list) and all(isinstance(s, str) for s in sentences)
    if leaflet is None:
        key = cached.get("key")
        return ({"key": key if isinstance(key, str) else "", "sentences": sentences}, tuple(sentences)
                ) if fine else ({}, ())
    key = search.text_key(leaflet)
    if not fine or cached.get("key") != key:
        sentences = search.body_sentences(leaflet)
    return {"key": key, "sentences": list(sentences)}, tuple(sentences)


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
        if not S_ISREG(stat.st_mode):  # a FIFO or device named like a PDF: never opened
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


def _editions(listed: dict[str, dict], out: Path, record: dict[str, dict], rebuilt: set[Path],
              problems: list[Diagnostic], new_record: dict[str, dict]) -> dict[str, list[Edition]]:
    """Each master's editions that have files, by the master's stem, in name order."""
    found: dict[str, list[Edition]] = {}
    for stem, details in listed.items():
        master = details.get("edition_of")
        if not master:
            continue
        files, cache = _files_of(stem, out, record.get(stem, {}).get("files", {}), rebuilt,
                                 problems)
        if not files:
            continue
        new_record[stem] = {"details": details, "files": cache}
        lang = details.get("lang") or ""
        found.setdefault(master, []).append(Edition(
            stem=stem, lang=lang, name=details.get("name") or lang, title=details["title"],
            easy_read=bool(details.get("easy_read")),
            based_on_version=details.get("based_on_version"), files=tuple(files),
            out_of_date=_behind(details), rtl=is_rtl(lang)))
    for entries in found.values():
        entries.sort(key=lambda e: (e.easy_read, fold(e.name), e.stem))
    return found


def _behind(details: dict) -> bool:
    """Whether recorded details say the edition is behind its master."""
    made, now = details.get("based_on_version"), details.get("master_version")
    return bool(made and now and versions_behind(made, now))


def _earlier(brand: Brand, out: Path, stem: str, details: dict,
             records: Records) -> tuple[EarlierVersion, ...]:
    """The archived versions other than the one listed, newest first, linked from out."""
    source = Path(details["source"])
    record = records.at(source.parent / RECORD_NAME)
    if isinstance(record, RecordError):  # build has said so, and refused the folder's leaflets
        return ()
    versions: dict[str, EarlierVersion] = {}
    for item in archived(brand, source, stem, record):
        if item.issue.version == details.get("version"):
            continue
        href = quote(Path(os.path.relpath(item.path, out.resolve())).as_posix())
        known = versions.get(item.issue.version)
        files = (known.files if known else ()) + ((registry.get(item.fmt).label, href),)
        versions[item.issue.version] = EarlierVersion(item.issue.version, item.issue.issued, files)
    return tuple(reversed(versions.values()))


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


def native_name(tag: str) -> str:
    """A language as its speakers write it ('Polski', 'English (United Kingdom)'), else the tag."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(tag, sep="-").get_display_name() or tag
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:]


def _filters(cards: list[Card]) -> dict[str, list[tuple[str, str, int]]]:
    """(key, label, count) for the language and format filters, from what the cards offer."""
    languages: dict[str, int] = {}
    formats: dict[str, int] = {}
    for card in cards:
        for tag in card.languages:
            languages[tag] = languages.get(tag, 0) + 1
        for name in card.format_names:
            formats[name] = formats.get(name, 0) + 1
    return {
        "lang": sorted(((tag, native_name(tag), n) for tag, n in languages.items()),
                       key=lambda item: fold(item[1])),
        "format": [(name, registry.get(name).label, formats[name])
                   for name in registry.names() if name in formats],
    }


def _inline(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "</" in text:  # would end the inline element early
        raise ValueError(f"{path.name} must not contain '</'")
    return text


def catalogue_html(cards: list[Card], brand: Brand, today: datetime.date, logo: str | None,
                search_version: str | None = None) -> str:
    """The catalogue's HTML, with its CSS and script inline and allowed by hash.

    The inline script adds the search files of search_version to the page (its policy
    trusts what that script loads: 'strict-dynamic'), so the list shows before they arrive.
    """
    index = search_version and {"index": f"{search.SCRIPT}?v={search_version}",
                                "text": f"{search.TEXT_SCRIPT}?v={search_version}"}
    style = (f":root{{--primary:{brand.primary};--accent:{brand.accent}}}\n"
             + _inline(brand.styles / STYLESHEET))
    script = _inline(brand.templates / SCRIPT)
    csp = "; ".join([
        "default-src 'none'",
        "img-src 'self'",
        f"style-src {csp_hash(style)}",
        f"script-src {csp_hash(script)} 'strict-dynamic'",
        "base-uri 'none'",
        "form-action 'none'",
    ])
    formats = {file.fmt for card in cards for file in card.files}
    drafts = [card for card in cards if card.status == DRAFT]
    cards = [card for card in cards if card.status != DRAFT]
    page = environment(brand.templates).get_template(TEMPLATE).render(
        brand=brand,
        cards=cards,
        drafts=drafts,
        tags=_tags(cards),
        filters=_filters(cards),
        reviewing=any(card.review_due for card in cards),
        due_days=DUE_SOON_DAYS,
        index=index,
        today=today,
        overdue=sum(card.overdue(today) for card in cards),
        help=[(fmt, fmt.name in formats) for fmt in registry.REGISTRY.values() if fmt.help_template],
        logo=logo,
        csp=csp,
        style=Markup(style),
        script=Markup(script),
        generator=f"leafpress {__version__}",
    )
    # The template's indentation is an eighth of a 1,000-card page: drop it from the body (no
    # <pre> there; the head's style and script keep theirs, which their hashes cover).
    head, body, rest = page.partition("<body>")
    return head + body + _INDENT.sub("\n", rest)


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
        result.diagnostics.append(warning("catalogue", out, 0, f"{THUMBS} is a link or a "
                                          "file, not a folder of the catalogue: left alone, so "
                                          "the catalogue has no pictures; remove it"))
    record = _read_record(thumbs / RECORD) if own_thumbs else {}
    if own_thumbs:
        remove_partials(thumbs)  # left by a build that was killed
    remove_partials(out, [INDEX, search.SCRIPT, search.TEXT_SCRIPT])

    for name, colour in (("primary", brand.primary), ("accent", brand.accent)):
        if (ratio := contrast_on_white(colour)) < MIN_CONTRAST:
            result.diagnostics.append(warning(
                "catalogue", brand.path, 0, f"colour '{name}' {colour} has a contrast of "
                f"{shown_ratio(ratio)} on white; text needs {MIN_CONTRAST}:1 (WCAG AA)"))

    new_record: dict[str, dict] = {}
    loaded = {leaflet.stem: leaflet for leaflet in leaflets}
    every = _listed_details(loaded.values(), record)
    editions = _editions(every, out, record, rebuilt_paths, result.diagnostics, new_record)
    records = Records()  # each folder's record of issued versions, read once
    for stem, details in every.items():
        if details.get("edition_of"):
            continue  # on its master's card
        if details.get("status") == WITHDRAWN:
            continue  # not given out any more; its issued versions stay in the archive
        cached = record.get(stem, {}).get("files", {})
        files, cache = _files_of(stem, out, cached, rebuilt_paths, result.diagnostics)
        if not files:
            continue  # never built (or its PDFs were deleted): nothing to open
        cover = _cover(files) if own_thumbs else None
        thumb = cover and _thumbnail(stem, out / cover.name, cover.format, thumbs, rebuilt_paths,
                                     result, made)
        text, sentences = _sentences(loaded.get(stem), record.get(stem, {}).get("text"))
        new_record[stem] = {"details": details, "files": cache, "text": text}
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
            editions=tuple(editions.get(stem, ())),
            status=details.get("status") or APPROVED,
            earlier=_earlier(brand, out, stem, details, records),
            lang=details.get("lang") or brand.lang,  # checked as the front matter is
            sentences=sentences,
        ))
    result.cards.sort(key=lambda card: (fold(card.title), card.stem))

    listed = {f"{card.stem}{THUMB_SUFFIX}" for card in result.cards}
    for orphan in thumbs.glob(f"*{THUMB_SUFFIX}") if own_thumbs and thumbs.is_dir() else ():
        if orphan.name not in listed:
            orphan.unlink(missing_ok=True)

    try:
        logo = _copy_logo(brand, thumbs) if own_thumbs else None
        # Written first: a new page never asks for an index that is not there yet.
        version = search.write_scripts(out, [card.document() for card in result.cards],
                                       brand.synonyms)
        page = catalogue_html(result.cards, brand, today, logo, version)
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
            # Compact: json's C encoder skips indented output, and the record holds every
            # leaflet's sentences (about 5 MB for 1,000 leaflets).
            write_if_changed(thumbs / RECORD, json.dumps(
                {"version": 1, "leaflets": new_record}, separators=(",", ":"),
                sort_keys=True).encode("utf-8"))
        write_if_changed(result.path, page.encode("utf-8"))
    except OSError as exc:  # a full disk, index.html that is a folder: the PDFs stay as they are
        result.diagnostics.append(error("catalogue", result.path, 0, "cannot write the "
                                        f"catalogue: {(exc.strerror or str(exc)).lower()}"))
        return result
    log.debug("catalogue: %d cards, %d thumbnails", len(result.cards), len(result.thumbnails))
    return result
