"""Editions: link each translation or Easy Read source to its master and name its outputs.

An edition's outputs are named from its master's stem (`<master>.pl`, `<master>.easy-read`,
`<master>.pl.easy-read`), so every format, the manifest and the catalogue handle it as any
other leaflet. What it does not say itself (reference, dates, address, topics) comes from
the master: a translation is of the same leaflet.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from leafpress.errors import Diagnostic, LeafletError, error
from leafpress.model.brand import Brand
from leafpress.model.language import edition_name, english_name, same_language
from leafpress.model.leaflet import Leaflet, leaflet_from_source
from leafpress.model.source import read_source
from leafpress.suggest import did_you_mean

EASY_READ_SUFFIX = "easy-read"
INHERITED = ("reference", "reviewed", "review_due", "url", "tags", "author")


def edition_stem(master_stem: str, lang: str, easy_read: bool, master_lang: str) -> str:
    """'x.pl', 'x.easy-read' (Easy Read in the master's language) or 'x.pl.easy-read'."""
    parts = [master_stem]
    if not (easy_read and same_language(lang, master_lang)):
        parts.append(lang)
    if easy_read:
        parts.append(EASY_READ_SUFFIX)
    return ".".join(parts)


def version_tuple(version: str) -> tuple[int, ...] | None:
    """'1.2' -> (1, 2); None for a version that is not dotted numbers ('draft')."""
    if not re.fullmatch(r"\d{1,9}(\.\d{1,9}){0,5}", version.strip()):
        return None
    return tuple(int(part) for part in version.strip().split("."))


def versions_behind(made: str, now: str) -> bool:
    """Whether version `made` is older than `now` (versions that are not numbers: differ)."""
    now_parts, made_parts = version_tuple(now), version_tuple(made)
    if now_parts is None or made_parts is None:
        return now.strip() != made.strip()
    return made_parts < now_parts


def is_stale(leaflet: Leaflet) -> bool:
    """An edition made from an older version of its master than the master is now."""
    if not leaflet.is_edition or leaflet.master_version is None or leaflet.based_on_version is None:
        return False
    return versions_behind(leaflet.based_on_version, leaflet.master_version)


def is_ahead(leaflet: Leaflet) -> bool:
    """An edition that claims a version of its master newer than the master has."""
    if leaflet.master_version is None or leaflet.based_on_version is None:
        return False
    now, made = version_tuple(leaflet.master_version), version_tuple(leaflet.based_on_version)
    return now is not None and made is not None and made > now


def kind(leaflet: Leaflet) -> str:
    """'translation' or 'Easy Read edition', for messages."""
    return "Easy Read edition" if leaflet.easy_read else "translation"


def read_leaflets(paths: Iterable[Path], brand: Brand) -> tuple[list[Leaflet], list[Diagnostic]]:
    """Read and validate every source, then link editions to their masters: the linked
    leaflets, and every front-matter and linking problem (build and the register share it)."""
    parsed: list[Leaflet] = []
    problems: list[Diagnostic] = []
    for path in paths:
        try:
            parsed.append(leaflet_from_source(read_source(path), brand))
        except LeafletError as exc:
            problems.extend(exc.diagnostics)
    linked, link_problems = link_editions(parsed)
    return linked, problems + link_problems


def link_editions(leaflets: Iterable[Leaflet]) -> tuple[list[Leaflet], list[Diagnostic]]:
    """Every master as it is, and every edition linked to its master; problems at their lines.

    An edition of a leaflet that is not among them, a second edition of one language and
    kind, or a translation into the master's own language is an error, and that edition is
    left out.
    """
    leaflets = list(leaflets)
    masters = {leaflet.path.stem: leaflet for leaflet in leaflets if not leaflet.is_edition}
    linked: list[Leaflet] = []
    problems: list[Diagnostic] = []
    claimed: dict[str, Leaflet] = {}
    for leaflet in leaflets:
        if not leaflet.is_edition:
            linked.append(leaflet)
            continue
        master = masters.get(leaflet.edition_of)
        if master is None:
            problems.append(error("edition-master", leaflet.path, leaflet.line_of("edition_of"),
                                  f"no leaflet '{leaflet.edition_of}' to be an edition of: "
                                  f"there is no {leaflet.edition_of}.md among the sources"
                                  f"{did_you_mean(leaflet.edition_of, masters)}"))
            continue
        if same_language(leaflet.lang, master.lang) and not leaflet.easy_read:
            problems.append(error("edition-lang", leaflet.path, leaflet.line_of("lang"),
                                  f"a translation needs 'lang' other than its master's "
                                  f"({master.lang}); for an Easy Read edition add 'easy_read: true'"))
            continue
        stem = edition_stem(master.path.stem, leaflet.lang, leaflet.easy_read, master.lang)
        if stem in claimed:
            problems.append(error(
                "edition-duplicate", leaflet.path, leaflet.line_of("lang"),
                f"{claimed[stem].path} is already the {english_name(leaflet.lang)} "
                f"{kind(leaflet)} of {master.path.stem}; keep one of them"))
            continue
        inherited = {key: getattr(master, key) for key in INHERITED
                     if not getattr(leaflet, key)}
        edition = dataclasses.replace(leaflet, output_stem=stem, master_version=master.version,
                                      master_lang=master.lang, **inherited)
        claimed[stem] = edition
        linked.append(edition)
    return linked, problems


def editions_of(master: Leaflet, leaflets: Iterable[Leaflet]) -> list[Leaflet]:
    """The linked editions of one master, in file-name order."""
    return sorted((leaflet for leaflet in leaflets
                   if leaflet.output_stem and leaflet.edition_of == master.path.stem),
                  key=lambda leaflet: leaflet.stem)


def name_of(edition: Leaflet) -> str:
    """The edition as the catalogue lists it, in its own language: 'Polski', 'Easy Read'."""
    return edition_name(edition.lang, edition.easy_read, edition.master_lang or edition.lang)
