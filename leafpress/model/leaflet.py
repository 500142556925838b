"""The Leaflet: a typed, frozen record validated from front matter."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leafpress.model.brand import LANG_TAG, Brand
from leafpress.errors import Diagnostic, LeafletError, error, warning
from leafpress.model.characters import lookalike_message
from leafpress.model.source import Source, is_date
from leafpress.suggest import did_you_mean

from leafpress.limits import MAX_URL_LENGTH

# What the footer prints on every page must be exactly what these allow: anything else
# (a forged "1.0 · Next review due 1 January 2099") is refused at its line.
REFERENCE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_.\-/]{0,38}[A-Za-z0-9])?")
VERSION = re.compile(r"[0-9]{1,4}(?:\.[0-9]{1,4}){0,3}")  # 1, 1.2, 2.0.1
URL = re.compile(rf"https://[^\s/]+\.[^\s]+")
STEM = re.compile(r"^[^/\\\s.][^/\\]{0,199}$")  # a file name without its folder
# The lifecycle: a draft builds with a mark on every page and is never issued; a withdrawn
# leaflet is not built at all. Approved is the default, so older sources are unchanged.
DRAFT, APPROVED, WITHDRAWN = "draft", "approved", "withdrawn"
STATUSES = (DRAFT, APPROVED, WITHDRAWN)


@dataclass(frozen=True)
class Leaflet:
    """One article, ready to render."""

    path: Path
    title: str
    summary: str | None
    author: str | None
    reviewed: datetime.date | None
    review_due: datetime.date | None
    reference: str | None
    version: str | None
    lang: str
    url: str | None
    tags: tuple[str, ...]
    owner: str | None
    approved_by: str | None
    approved: datetime.date | None
    changes: tuple[str, ...]
    status: str
    body: str
    body_line: int
    lines: dict[str, int]  # front-matter key -> line, for messages about values
    # An edition (a translation or Easy Read) names its master and the master's version it
    # was made from; model/editions.py links it and gives it the stem its files are named by.
    edition_of: str | None = None
    based_on_version: str | None = None
    easy_read: bool = False
    output_stem: str | None = None  # "<master stem>.<lang>", set when the edition is linked
    master_version: str | None = None  # the master's version now, set with output_stem
    master_lang: str | None = None

    @property
    def stem(self) -> str:
        """The name every output of this leaflet is made from (an edition's: its master's)."""
        return self.output_stem or self.path.stem

    @property
    def is_edition(self) -> bool:
        return self.edition_of is not None

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _number(value: Any) -> bool:
    # Python refuses str() of ints over 4300 digits; YAML reads 0xfff... without a limit.
    return (isinstance(value, float) or isinstance(value, int) and not isinstance(value, bool)
            and abs(value) < 10**40)


def _matching(pattern: re.Pattern, numbers: bool = False, most: int | None = None):
    """A parser for text that matches pattern in full (and is at most `most` characters)."""
    def parse(value: Any) -> str | None:
        # YAML reads 1.2 as a number; authors mean the text "1.2".
        text = str(value) if numbers and _number(value) else _text(value)
        if text is None or (most is not None and len(text) > most):
            return None
        return text if pattern.fullmatch(text) else None
    return parse


def _tags(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list) and all(isinstance(tag, (str, bool)) or _number(tag)
                                       for tag in value):
        tags = tuple(str(tag).strip() for tag in value if str(tag).strip())
        return tags
    return None


def _lines(value: Any) -> tuple[str, ...] | None:
    # One line of text, or a short list of them.
    if _text(value):
        return (_text(value),)
    if isinstance(value, list) and value and all(_text(item) for item in value):
        return tuple(_text(item) for item in value)
    return None


def _status(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip().lower() in STATUSES \
        else None


def _lang(value: Any) -> str | None:
    return value if isinstance(value, str) and LANG_TAG.match(value) else None


def _date(value: Any) -> datetime.date | None:
    return value if is_date(value) else None


def _stem(value: Any) -> str | None:
    # A file stem, not a path: "minimally-invasive-spine-surgery", never "../x" or "x.md".
    text = _text(value)
    return text if text and STEM.match(text) and not text.endswith(".md") else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


# Every front-matter key, once: (parser returning None when invalid, what it must be).
FIELDS = {
    "title": (_text, "text"),
    "summary": (_text, "text"),
    "author": (_text, "text"),
    "reviewed": (_date, "a date like 2026-10-01"),
    "review_due": (_date, "a date like 2026-10-01"),
    "reference": (_matching(REFERENCE), "a short code like RSC-SP-001 (up to 40 letters, "
                  "digits and - _ . /, starting and ending with a letter or digit)"),
    "version": (_matching(VERSION, numbers=True), "numbers with dots, like 1, 1.2 or 2.0.1"),
    "lang": (_lang, "a language tag like en-GB"),
    "url": (_matching(URL, most=MAX_URL_LENGTH),
            f"an https:// address of at most {MAX_URL_LENGTH} characters"),
    "tags": (_tags, "a list like [spine, surgery]"),
    "edition_of": (_stem, "the file name of the master leaflet, without .md"),
    "based_on_version": (_matching(VERSION, numbers=True),
                         "the master's version it was made from, like 1.2"),
    "easy_read": (_flag, "true or false"),
    "owner": (_text, "text: the responsible clinician or role"),
    "approved_by": (_text, "text: the person or committee who approved it"),
    "approved": (_date, "a date like 2026-10-01"),
    "changes": (_lines, "a line of text, or a list of lines"),
    "status": (_status, "one of draft, approved, withdrawn"),
}
REQUIRED = ("title",)


def leaflet_from_source(source: Source, brand: Brand) -> Leaflet:
    """Validate every front-matter field; raise one LeafletError listing all problems."""
    problems: list[Diagnostic] = []
    values: dict[str, Any] = {}
    invalid: set[str] = set()
    for key, field in source.fields.items():
        if key not in FIELDS:
            problems.append(error("unknown-key", source.path, field.line,
                                  f"unknown front-matter key '{key}'{did_you_mean(key, FIELDS)}"))
            continue
        parse, expected = FIELDS[key]
        value = parse(field.value)
        if value is None and field.value is not None:
            invalid.add(key)
            problems.append(error("bad-value", source.path, field.line,
                                  f"'{key}' must be {expected}"))
        values[key] = value
    # A draft is not approved yet: the brand's governance keys are required once it is.
    status = values.get("status") or APPROVED
    governance = brand.governance.required if status != DRAFT else ()
    for key in (*REQUIRED, *governance):
        if values.get(key) is None and key not in invalid:
            line = source.fields[key].line if key in source.fields else 1
            why = "" if key in REQUIRED else ": the brand's [governance] requires it"
            problems.append(error("missing-key", source.path, line, f"missing '{key}'{why}"))
    reviewed, due = values.get("reviewed"), values.get("review_due")
    if reviewed and due and due <= reviewed:
        problems.append(error("bad-value", source.path, source.fields["review_due"].line,
                              "'review_due' must be after 'reviewed'"))
    problems += _edition_problems(source, values, invalid)
    if problems:
        raise LeafletError(problems)
    return Leaflet(
        path=source.path,
        title=values["title"],
        summary=values.get("summary"),
        author=values.get("author"),
        reviewed=reviewed,
        review_due=due,
        reference=values.get("reference"),
        version=values.get("version"),
        lang=values.get("lang") or brand.lang,
        url=values.get("url"),
        tags=values.get("tags") or (),
        owner=values.get("owner"),
        approved_by=values.get("approved_by"),
        approved=values.get("approved"),
        changes=values.get("changes") or (),
        status=status,
        body=source.body,
        body_line=source.body_line,
        lines={key: field.line for key, field in source.fields.items()},
        edition_of=values.get("edition_of"),
        based_on_version=values.get("based_on_version"),
        easy_read=bool(values.get("easy_read")),
    )


def _edition_problems(source: Source, values: dict[str, Any], invalid: set[str]) -> list[Diagnostic]:
    """An edition must say which version of its master it was made from, and only an
    edition may say so."""
    def line(key: str) -> int:
        return source.fields[key].line if key in source.fields else source.end_line
    if values.get("edition_of"):
        if values.get("based_on_version") is None and "based_on_version" not in invalid:
            return [error("missing-key", source.path, line("edition_of"),
                          "an edition needs 'based_on_version': the master's version it was "
                          "made from")]
        return []
    return [error("bad-value", source.path, line(key),
                  f"'{key}' is only for an edition: add 'edition_of: <the master's file name>'")
            for key in ("based_on_version", "easy_read") if values.get(key)]


def url_findings(leaflet: Leaflet) -> list[Diagnostic]:
    """A warning at `url` when its host is not plain ASCII: the QR code would lead there."""
    message = lookalike_message(leaflet.url) if leaflet.url else None
    return [warning("lookalike-host", leaflet.path, leaflet.line_of("url"), message)] if message else []
