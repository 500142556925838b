"""The rules `check` applies to leaflets and the brand; each returns Diagnostics at their lines."""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from leafpress.model.brand import MIN_CONTRAST, Brand, contrast_on_white, line_of, shown_ratio
from leafpress.errors import ERROR, WARNING, Diagnostic, LeafletError, error, warning
from leafpress.files import FileRefused, open_regular
from leafpress.limits import MAX_RESOURCE_BYTES
from leafpress.model.characters import lookalike_message
from leafpress.model.leaflet import APPROVED, Leaflet, leaflet_from_source, url_findings
from leafpress.model.links import LINK_SCHEMES, scheme_of
from leafpress.check.prose import Block, blocks, line_finder, without_code
from leafpress.check.review import review_findings
from leafpress.check.svgtext import read_drawing
from leafpress.control.record import RecordError, Records, changed_since_issue
from leafpress.limits import MIN_TEXT_PT
from leafpress.check.readability import Readability, Sentence, block_sentences, measure
from leafpress.model.source import Source, discover, read_source, read_source_with_hidden
from leafpress.check import easy_read
from leafpress.check.glyphs import glyph_findings
from leafpress.check.languages import MAX_CJK_CHARACTERS, catalogue_problems, is_cjk
from leafpress.check.languages import block_sentences as language_sentences
from leafpress.check.staleness import staleness_findings
from leafpress.model.editions import link_editions
from leafpress.model.language import is_english

MAX_SENTENCE_WORDS = 25
MIN_WORDS_FOR_GRADE = 100  # the formulas mean little on a few sentences
MIN_BODY_PT = 12.0  # RNIB Clear Print
READING_AGE_OFFSET = 5  # a US school grade is read at about this many years older
# Known to every patient in the UK: never flagged. GP is not here on purpose: write
# "GP (family doctor)" the first time, for readers new to the NHS.
KNOWN_ACRONYMS = frozenset({"NHS", "UK", "OK", "TV"})
RECOMMENDED_FIELDS = ("reviewed", "review_due", "reference", "version")

_ACRONYM = re.compile(r"(?<![\w&])([A-Z](?:&?[A-Z])+)(?:s|'s|\u2019s)?(?![\w&])")
# No part may scan past a bracket it cannot contain: on hostile text ('[' * 100000) a pattern
# that can scans to the end of the line from every start, and takes hours.
_TITLE = r"""(?:\s+(?:"[^"]*"|'[^']*'|\([^()]*\)))?"""
_INLINE_TARGET = rf"\(\s*(?:<([^<>\[\]\n]*)>|([^\s)\[\]]*)){_TITLE}\s*\)"
_IMAGE = re.compile(rf"!\[([^\[\]]*)\](?:{_INLINE_TARGET}|\[([^\[\]]*)\])")
_LINK = re.compile(rf"(?<!!)\[([^\[\]]*)\](?:{_INLINE_TARGET}|\[([^\[\]]*)\])")
_AUTOLINK = re.compile(r"<([a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]*)>")
_DEFINITION = re.compile(r"^ {0,3}\[([^\[\]]+)\]:\s*<?([^\s>]+)>?", re.M)
_HTML_TAG = re.compile(r"<(img|a)\b([^<>]*)>", re.I)


@dataclass
class LeafletReport:
    """What check found in one source."""

    path: Path
    title: str | None
    readability: Readability | None
    findings: list[Diagnostic] = field(default_factory=list)
    lang: str | None = None  # the readability formulas are measured for English only


@dataclass
class CheckReport:
    """Every leaflet's report, and the brand's own findings."""

    brand: Brand
    brand_findings: list[Diagnostic]
    leaflets: list[LeafletReport]

    def all_findings(self) -> Iterable[Diagnostic]:
        yield from self.brand_findings
        for report in self.leaflets:
            yield from report.findings

    def failed(self, strict: bool = False) -> bool:
        """True when any finding is an error (or, with strict, a warning)."""
        stops = {ERROR, WARNING} if strict else {ERROR}
        return any(d.severity in stops for d in self.all_findings())


# --- the fields a leaflet should carry ---------------------------------------------------

def missing_field_findings(leaflet: Leaflet) -> list[Diagnostic]:
    """A warning for each of reviewed, review_due, reference and version left out, at the
    line that closes the front matter (where it would be added)."""
    line = leaflet.body_line - 1
    # An edition shows its master's reference and dates, and the version it was made from.
    wanted = [key for key in RECOMMENDED_FIELDS if not (leaflet.is_edition and key == "version")]
    return [warning("missing-field", leaflet.path, line,
                    f"missing '{key}': every leaflet should show it")
            for key in wanted if getattr(leaflet, key) is None]


# --- images and links ---------------------------------------------------------------------

def _definitions(text: str) -> dict[str, tuple[str, int]]:
    """Reference definitions [id]: target, by lower-case id, with their offsets."""
    return {m[1].strip().lower(): (m[2], m.start()) for m in _DEFINITION.finditer(text)}


def _attribute(attributes: str, name: str) -> str | None:
    match = re.search(rf"""\b{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", attributes, re.I)
    return None if match is None else next(g for g in match.groups() if g is not None)


def _local_target(folder: Path, target: str) -> Path | None:
    """The file a relative address points at, or None for an address with a scheme."""
    if scheme_of(target) or target.startswith(("#", "//")) or not target:
        return None
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    return folder / path if path else None


def _image_problem(path: Path, folder: Path) -> str | None:
    """Why the renderer would not use this image file, or None: the same open it gets."""
    try:
        with open_regular(path, MAX_RESOURCE_BYTES, inside=[folder]):
            return None
    except FileRefused as exc:
        if exc.reason == "outside the allowed folders":
            return "image is outside the leaflet's folder"
        return "image not found" if exc.missing else f"image cannot be used ({exc.reason})"


def _exists(path: Path) -> bool:
    try:
        os.stat(path)
    except (OSError, ValueError):  # missing, a NUL byte, a name too long for the system
        return False
    return True


def image_findings(path: Path, body: str, first_line: int) -> list[Diagnostic]:
    """Every image needs alt text and a file inside the leaflet's folder."""
    text = without_code(body)
    definitions = _definitions(text)
    images: list[tuple[str | None, str | None, int]] = []  # alt, src, offset
    for match in _IMAGE.finditer(text):
        alt, src = match[1], match[2] if match[2] is not None else match[3]
        if src is None:
            reference = (match[4] or alt).strip().lower()
            src = definitions.get(reference, (None, 0))[0]
        images.append((alt, src, match.start()))
    for match in _HTML_TAG.finditer(text):
        if match[1].lower() == "img":
            images.append((_attribute(match[2], "alt"), _attribute(match[2], "src"),
                           match.start()))
    folder = path.parent.resolve()
    line_of = line_finder(text, first_line)
    found = []
    for alt, src, offset in images:
        line = line_of(offset)
        if not (alt or "").strip():
            found.append(error("image-alt", path, line,
                               "image has no alt text: describe the picture for "
                               "readers who cannot see it"))
        if src is None or not src.strip():
            found.append(error("image-missing", path, line, "image has no file name"))
            continue
        local = _local_target(folder, src.strip())
        if local is None:
            found.append(error("image-remote", path, line,
                               f"image must be a file next to the leaflet, not {src[:60]}"))
        elif problem := _image_problem(local, folder):
            code = {"image is outside the leaflet's folder": "image-outside",
                    "image not found": "image-missing"}.get(problem, "image-unusable")
            found.append(error(code, path, line, f"{problem}: {src[:200]}"))
        elif local.suffix.lower() == ".svg":
            found += svg_text_findings(path, line, local, src)
    return found


FORMAT_WORDS = {"a4": "A4", "large-print": "large print", "booklet": "the booklet"}


def svg_text_findings(path: Path, line: int, svg: Path, src: str) -> list[Diagnostic]:
    """A drawing's words shrink with it: warn where they would print below a format's
    minimum (large print cannot enlarge text inside an image)."""
    drawing = read_drawing(svg)
    small = drawing.too_small() if drawing is not None else {}
    if not small:
        return []
    where = ", ".join(f"{size:g}pt in {FORMAT_WORDS.get(fmt, fmt)} (under {MIN_TEXT_PT[fmt]:g}pt)"
                      for fmt, size in small.items())
    return [warning("image-text-size", path, line,
                    f"text in {src} prints at {where}: make its words larger, or put them "
                    "in the leaflet's text")]


def link_findings(path: Path, body: str, first_line: int) -> list[Diagnostic]:
    """Relative links must reach a file, and print as plain text; http:// links are not kept
    in the PDF."""
    text = without_code(body)
    definitions = _definitions(text)
    used_by_images = {(m[4] or m[1]).strip().lower() for m in _IMAGE.finditer(text)
                      if m[2] is None and m[3] is None}
    targets: list[tuple[str, int]] = []
    for match in _LINK.finditer(text):
        target = match[2] if match[2] is not None else match[3]
        if target is not None:
            targets.append((target, match.start()))
    targets += [(m[1], m.start()) for m in _AUTOLINK.finditer(text)]
    targets += [(target, offset) for key, (target, offset) in definitions.items()
                if key not in used_by_images]
    targets += [(_attribute(m[2], "href") or "", m.start()) for m in _HTML_TAG.finditer(text)
                if m[1].lower() == "a"]
    folder = path.parent
    line_of = line_finder(text, first_line)
    found = []
    for target, offset in sorted(targets, key=lambda t: t[1]):
        target = target.strip()
        line = line_of(offset)
        scheme = scheme_of(target)
        if scheme == "https" and (lookalike := lookalike_message(target)):
            found.append(warning("lookalike-host", path, line, lookalike))
        elif scheme == "http":
            found.append(warning("link-http", path, line,
                                 f"insecure link {target}: use https:// (the PDF drops "
                                 "http:// links)"))
        elif scheme and scheme not in LINK_SCHEMES:
            found.append(warning("link-scheme", path, line,
                                 f"the PDF drops '{scheme}:' links: {target[:60]}"))
        elif (local := _local_target(folder, target)) is not None and not _exists(local):
            found.append(error("link-missing", path, line,
                               f"link target not found: {target[:200]}"))
        # A local file or //host prints as text (no local path may reach a patient's copy);
        # a #heading link stays a link.
        elif not scheme and target and not target.startswith("#"):
            found.append(warning("link-local", path, line,
                                 f"the PDF prints this link as plain text: {target[:60]} (link "
                                 "to an https:// address)"))
    return found


# --- readability, long sentences, acronyms ------------------------------------------------

def sentence_findings(path: Path, sentences: list[Sentence],
                      lang: str = "en") -> list[Diagnostic]:
    """A warning for each sentence longer than 25 words (40 characters in Chinese, Japanese
    and Korean, which have no spaces), at the line where it starts."""
    found = []
    limit, unit = (MAX_CJK_CHARACTERS, "characters") if is_cjk(lang) else (MAX_SENTENCE_WORDS,
                                                                            "words")
    for sentence in sentences:
        if sentence.words > limit:
            start = " ".join(sentence.text.split()[:6]) if unit == "words" else sentence.text[:12]
            found.append(warning("long-sentence", path, sentence.line,
                                 f"sentence of {sentence.words} {unit} (more than "
                                 f"{limit}): \"{start} ...\""))
    return found


def reading_age(grade: float) -> float:
    """Approximate UK reading age (years) of a US school grade."""
    return grade + READING_AGE_OFFSET


def readability_findings(path: Path, figures: Readability, target: float,
                         line: int) -> list[Diagnostic]:
    """A warning when the Flesch-Kincaid grade of 100 words or more is above the target."""
    grade = figures.flesch_kincaid_grade
    if grade is None or figures.words < MIN_WORDS_FOR_GRADE or round(grade, 1) <= target:
        return []
    return [warning("readability", path, line,
                    f"Flesch-Kincaid grade {grade:.1f} is above the target of {target:g} "
                    f"(reading age about {reading_age(grade):.0f}, target "
                    f"{reading_age(target):g}): use shorter sentences and shorter words")]


def acronym_findings(path: Path, texts: list[Block]) -> list[Diagnostic]:
    """A warning at the first use of an acronym that is not spelled out there.

    Spelled out means written as "words in full (ABC)" or explained as "ABC (explanation)".
    """
    first: dict[str, tuple[int, bool]] = {}
    defined: dict[str, int] = {}
    for block in texts:
        for match in _ACRONYM.finditer(block.text):
            name = match[1]
            if name in KNOWN_ACRONYMS:
                continue
            line = block.line_at(match.start())
            before = block.text[max(0, match.start() - 1):match.start()]
            after = block.text[match.end():match.end() + 40]
            explained = (before == "(" and after.startswith(")")
                         or re.match(r"\s*\(", after) is not None)
            first.setdefault(name, (line, explained))
            if explained:
                defined.setdefault(name, line)
    found = []
    for name, (line, explained) in first.items():
        if explained:
            continue
        if name in defined:
            message = f"'{name}' is used before it is spelled out (line {defined[name]})"
        else:
            message = (f"'{name}' is not spelled out: write it in full the first time, "
                       f"with the letters in brackets: \"words in full ({name})\"")
        found.append(warning("acronym", path, line, message))
    return found


# --- the brand ----------------------------------------------------------------------------

def brand_findings(brand: Brand) -> list[Diagnostic]:
    """Text colours must reach WCAG AA on white; body type must be at least 12pt."""
    try:
        text = brand.path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    found = []
    for key in ("primary", "accent"):  # the CSS sets headings, links and titles in them
        colour = getattr(brand, key)
        ratio = contrast_on_white(colour)
        if ratio < MIN_CONTRAST:
            found.append(error("contrast", brand.path, line_of(text, "colours", key),
                               f"colour '{key}' {colour} has a contrast of {shown_ratio(ratio)} on "
                               f"white; text needs at least {MIN_CONTRAST}:1 (WCAG AA)"))
    if brand.body_pt < MIN_BODY_PT:
        found.append(error("body-size", brand.path, line_of(text, "type", "body_pt"),
                           f"body type {brand.body_pt:g}pt is below {MIN_BODY_PT:g}pt "
                           "(RNIB Clear Print; 14pt is better)"))
    return found


# --- putting it together --------------------------------------------------------------------

def _front_matter_blocks(source: Source) -> list[Block]:
    """Title and summary, as a reader meets them before the body."""
    found = []
    for key in ("title", "summary"):
        item = source.fields.get(key)
        if item is not None and isinstance(item.value, str):
            found.append(Block("front-matter", item.value, item.line))
    return found


def issue_findings(leaflet: Leaflet, records: Records) -> list[Diagnostic]:
    """What build would refuse: an issued version's text changed (a damaged record is reported
    once, on its own, by check())."""
    if leaflet.status != APPROVED or leaflet.version is None:
        return []  # only approved versions are issued
    record = records.of(leaflet)
    if isinstance(record, RecordError):
        return []
    problem = changed_since_issue(leaflet, record)
    return [problem] if problem else []


def check_leaflet(path: Path, brand: Brand, today: datetime.date,
                  linked: dict[Path, Leaflet] | None = None,
                  link_problems: list[Diagnostic] = (),
                  records: Records | None = None) -> LeafletReport:
    """Every rule on one source; front-matter errors do not stop the body's checks.

    linked holds the leaflets as model/editions.py linked them (an edition knows its master's
    version there); link_problems are what linking found wrong with this source; records
    are the issued versions beside the sources.
    """
    try:
        source, hidden = read_source_with_hidden(path)
    except LeafletError as exc:
        return LeafletReport(path, None, None, list(exc.diagnostics))
    findings: list[Diagnostic] = list(hidden) + list(link_problems)
    title = source.fields["title"].value if "title" in source.fields else None
    leaflet = (linked or {}).get(path)
    if leaflet is None:
        try:
            leaflet = leaflet_from_source(source, brand)
        except LeafletError as exc:
            findings.extend(exc.diagnostics)
    if leaflet is not None:
        title = leaflet.title
        findings += review_findings(leaflet, today) + missing_field_findings(leaflet)
        findings += issue_findings(leaflet, records or Records())
        findings += url_findings(leaflet)
        findings += staleness_findings(leaflet) if leaflet.is_edition else []
        findings += catalogue_problems(leaflet, brand)
    lang = leaflet.lang if leaflet is not None else brand.lang
    body_blocks = list(blocks(source.body, source.body_line))
    prose = [block for block in body_blocks if block.kind != "heading"]
    findings += image_findings(path, source.body, source.body_line)
    findings += link_findings(path, source.body, source.body_line)
    if is_english(lang):
        sentences = [s for block in prose for s in block_sentences(block)]
        figures = measure(sentences)
        findings += readability_findings(path, figures, brand.target_grade, source.body_line)
        findings += acronym_findings(path, _front_matter_blocks(source) + body_blocks)
    else:
        # The formulas and the acronym rule are English ones: other languages are measured
        # by sentence length only ("reading ease not measured for pl").
        sentences = [s for block in prose for s in language_sentences(block, lang)]
        figures = Readability(sum(s.words for s in sentences), len(sentences), 0, 0,
                              None, None, None)
    if leaflet is not None and leaflet.easy_read:
        findings += easy_read.sentence_findings(path, sentences, lang)
        findings += easy_read.picture_findings(path, source.body, source.body_line)
        findings += easy_read.size_findings(leaflet, brand)
    else:
        findings += sentence_findings(path, sentences, lang)
    if leaflet is not None and (leaflet.is_edition or not is_english(lang)):
        findings += glyph_findings(path, _texts(source), lang, brand.styles)
    findings.sort(key=lambda d: d.line)
    return LeafletReport(path, title if isinstance(title, str) else None, figures, findings,
                         lang=lang)


def _texts(source: Source) -> list[tuple[str, int]]:
    """Everything of a source that prints, with its first line: front-matter text, the body."""
    texts = [(field.value, field.line) for field in source.fields.values()
             if isinstance(field.value, str)]
    return texts + [(source.body, source.body_line)]


def check(sources: list[Path], brand: Brand, today: datetime.date) -> CheckReport:
    """Check the brand, then every source found under sources (editions with their masters)."""
    paths, missing = discover(sources)
    reports = [LeafletReport(problem.path, None, None, [problem]) for problem in missing]
    parsed = []
    for path in paths:
        try:
            parsed.append(leaflet_from_source(read_source(path), brand))
        except LeafletError:
            continue  # check_leaflet reports it, with the body's findings
    linked, problems = link_editions(parsed)
    by_path = {leaflet.path: leaflet for leaflet in linked}
    records = Records()
    reports += [check_leaflet(path, brand, today, by_path,
                              [d for d in problems if d.path == path], records) for path in paths]
    # A damaged record of issued versions: one line of its own, like a missing source.
    reports += [LeafletReport(path, None, None, [record.diagnostic])
                for path, record in records.by_path.items() if isinstance(record, RecordError)]
    return CheckReport(brand, brand_findings(brand), reports)
