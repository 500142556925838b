"""The template's own words per language: gettext catalogues (.po) read with Babel.

Catalogues live with the templates, `templates/locale/<lang>/LC_MESSAGES/messages.po`
(Babel's layout: `zh_Hans` for zh-Hans). They are compiled in memory when read, so an
edited .po is used at once and no .mo file can go stale. English is the template's own
language and needs none. Used by render (the words) and by check (what is missing).
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.support import NullTranslations, Translations

from leafpress.model.language import base, is_english

DOMAIN = "messages"
LOCALE_DIR = "locale"
TEMPLATE = "leaflet.html.j2"
# Jinja2's i18n extension as the leaflet template uses it: both render and extraction.
JINJA_OPTIONS = {"trimmed": "true", "trim_blocks": "true", "lstrip_blocks": "true",
                 "newstyle_gettext": "true"}
BRAND_SENTENCES = ("alternative_formats", "disclaimer")


def catalogue_path(templates: Path, lang: str) -> Path:
    """Where the catalogue for lang belongs (the exact tag's folder)."""
    return templates / LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def find_catalogue(templates: Path, lang: str) -> Path | None:
    """The catalogue for lang: its exact tag (zh_Hans, pt_BR), else its language (pl)."""
    for candidate in (catalogue_path(templates, lang), catalogue_path(templates, base(lang))):
        if candidate.is_file():
            return candidate
    return None


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=32)
def _read(path: Path, stamp: tuple[int, int]) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, abort_invalid=True)


def read_catalogue(path: Path) -> Catalog:
    """A .po file, parsed (cached until the file changes)."""
    return _read(path, _stamp(path))


@lru_cache(maxsize=8)
def _template_messages(path: Path, stamp: tuple[int, int]) -> tuple[str, ...]:
    from jinja2.ext import babel_extract

    with path.open("rb") as handle:
        found = babel_extract(handle, ("gettext", "ngettext", "_"), [], JINJA_OPTIONS)
        ids = []
        for _, _, message, _ in found:
            ids.extend([message] if isinstance(message, str) else [m for m in message if m])
    return tuple(dict.fromkeys(ids))


def template_messages(templates: Path) -> tuple[str, ...]:
    """Every message the leaflet template translates (its msgids), in template order."""
    path = templates / TEMPLATE
    return _template_messages(path, _stamp(path))


def missing_messages(templates: Path, lang: str) -> tuple[Path | None, list[str]]:
    """(catalogue, msgids it does not translate); (None, all) when there is no catalogue."""
    wanted = template_messages(templates)
    if is_english(lang):
        return None, []
    path = find_catalogue(templates, lang)
    if path is None:
        return None, list(wanted)
    catalogue = read_catalogue(path)
    missing = []
    for msgid in wanted:
        message = catalogue.get(msgid)
        strings = (message.string if isinstance(message.string, (list, tuple))
                   else [message.string]) if message is not None else []
        if message is None or message.fuzzy or not all(strings):
            missing.append(msgid)
    return path, missing


def translations(templates: Path, lang: str) -> NullTranslations:
    """The gettext translations the template renders lang with (English: none needed)."""
    path = None if is_english(lang) else find_catalogue(templates, lang)
    if path is None:
        return NullTranslations()
    return _compiled(path, _stamp(path))


@lru_cache(maxsize=32)
def _compiled(path: Path, stamp: tuple[int, int]) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, read_catalogue(path), use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


__all__ = ["BRAND_SENTENCES", "PoFileError", "catalogue_path", "find_catalogue",
           "missing_messages", "read_catalogue", "template_messages", "translations"]
