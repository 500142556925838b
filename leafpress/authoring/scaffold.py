"""`new`: start a leaflet from the skeleton a procedure leaflet needs."""

from __future__ import annotations

import datetime
import re
import unicodedata
from pathlib import Path

from leafpress.model.brand import Brand
from leafpress.model.dates import add_months
from leafpress.errors import ConfigError, LeafletError
from leafpress.model.source import read_source

DEFAULT_PREFIX = "LEAF-"
REFERENCE_NUMBER = re.compile(r"^(.*?)(\d+)$")


def slugify(title: str) -> str:
    """'Hip & knee: what next?' -> 'hip-knee-what-next' (ASCII, lower case, hyphens)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def next_reference(folder: Path) -> str:
    """One more than the highest numbered reference in folder, keeping its prefix and width."""
    best: tuple[int, str, int] | None = None  # (number, prefix, digits)
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        try:
            field = read_source(path).fields.get("reference")
        except LeafletError:
            continue  # a broken leaflet must not stop a new one being started
        if field is None or not isinstance(field.value, str):
            continue
        if match := REFERENCE_NUMBER.match(field.value.strip()):
            number = int(match[2])
            if best is None or number > best[0]:
                best = (number, match[1], len(match[2]))
    if best is None:
        return f"{DEFAULT_PREFIX}001"
    number, prefix, digits = best
    return f"{prefix}{number + 1:0{digits}d}"


def _yaml_text(value: str) -> str:
    """A double-quoted YAML scalar, so titles with ':' or '#' stay text."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# Placeholders for the document-control keys a brand may require of a draft already; who
# approved it, and when, are written when it is approved (a draft need not carry them).
_GOVERNANCE_PLACEHOLDERS = {
    "owner": '"The clinician or team responsible for this leaflet"',
    "changes": '"First version."',
}


def _governance(brand: Brand) -> str:
    """Lines for the governance keys the brand requires that a new draft can already carry."""
    return "".join(f"{key}: {_GOVERNANCE_PLACEHOLDERS[key]}\n" for key in brand.governance.required
                   if key in _GOVERNANCE_PLACEHOLDERS)


def skeleton(title: str, slug: str, brand: Brand, reference: str, today: datetime.date) -> str:
    """The text of a new leaflet: every front-matter field, then the recommended sections."""
    due = add_months(today, brand.review_interval_months)
    website = brand.contact.website.rstrip("/")
    return f"""---
title: {_yaml_text(title)}
summary: "Who this leaflet is for and what it explains, in one or two short sentences."
author: "Your name, your job title"
reviewed: {today.isoformat()}
review_due: {due.isoformat()}
reference: {reference}
version: "1.0"
status: draft
{_governance(brand)}lang: {brand.lang}
url: {website}/leaflets/{slug}
tags: [procedure]
---

> Draft: replace every paragraph below with your own words, then delete this note.

## What is it?

Say what the treatment is in two or three short sentences. Use everyday words.

## Why is it done?

Say what problem it treats and what it should help with.

## What are the benefits?

- Write one benefit on each line.
- Keep each line short.

## What are the risks?

Most people have no serious problems. Say how common each risk is, in words and numbers.

- Write one risk on each line, with how often it happens.

## What else could I do?

Say what other treatments there are. Doing nothing is also a choice: say what is likely to
happen if the patient waits.

## What happens on the day?

Say where to go, how long it takes and whether the patient can go home the same day.

## Recovery

Say what to expect in the first days and weeks, and when normal activities can start again.

!!! urgent "Get help urgently"
    Call 999 or go to the emergency department if you:

    - write the warning signs here, one on each line

## Questions to ask

- What will happen if I wait?
- When can I go back to work?
"""


def new_leaflet(title: str, folder: Path, brand: Brand, slug: str | None = None,
                today: datetime.date | None = None) -> Path:
    """Write folder/<slug>.md; never overwrite (FileExistsError if it is there)."""
    slug = slugify(slug or title)
    if not slug:
        raise ValueError("the title needs at least one letter or digit for the file name")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(folder, 0, f"cannot create the folder: {exc.strerror}") from None
    path = folder / f"{slug}.md"
    text = skeleton(title, slug, brand, next_reference(folder), today or datetime.date.today())
    with path.open("x", encoding="utf-8") as handle:  # 'x': fail rather than overwrite
        handle.write(text)
    return path
