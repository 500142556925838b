"""Languages as Babel knows them: a tag's own name, its direction, its English name."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError

EASY_READ = "Easy Read"


@lru_cache(maxsize=64)
def locale(tag: str) -> Locale | None:
    """The Babel locale of a BCP 47 tag (zh-Hans, en-GB), or None when Babel has none."""
    try:
        return Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


def base(tag: str) -> str:
    """The language without region or script: 'en' for en-GB, 'zh' for zh-Hans."""
    return tag.split("-")[0].lower()


def same_language(one: str, other: str) -> bool:
    """en-GB and en-US are one language for editions; zh-Hans and zh-Hant are not."""
    if base(one) == "zh" or base(other) == "zh":
        return one.lower() == other.lower()
    return base(one) == base(other)


def is_english(tag: str) -> bool:
    return base(tag) == "en"


def own_name(tag: str) -> str:
    """The language's name in itself, as a reader looks for it: 'Polski', 'العربية'."""
    found = locale(tag)
    if found is None:
        return tag
    # Only the language (and script, for Chinese): 'English', not 'English (United Kingdom)'.
    name = (found.get_display_name(found) if found.script
            else found.languages.get(found.language) or found.get_display_name(found))
    return name[:1].upper() + name[1:]


def english_name(tag: str) -> str:
    """'English', 'Polish': for messages to the clinic's staff."""
    found = locale(tag)
    return (found.get_language_name("en") if found else None) or tag


# Scripts that set the direction whatever the language ("ku-Arab" is right to left).
RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"}
LTR_SCRIPTS = {"latn", "cyrl"}


def is_rtl(tag: str) -> bool:
    """Written right to left (Arabic, Urdu, Hebrew, Farsi...): a script subtag decides,
    else the language as Babel knows it."""
    for subtag in tag.lower().split("-")[1:]:
        if subtag in RTL_SCRIPTS or subtag in LTR_SCRIPTS:
            return subtag in RTL_SCRIPTS
    found = locale(tag)
    return found is not None and found.character_order == "right-to-left"


def edition_name(tag: str, easy_read: bool, master_lang: str) -> str:
    """What the catalogue lists an edition as: 'Polski', 'Easy Read', 'Polski · Easy Read'."""
    if easy_read and same_language(tag, master_lang):
        return EASY_READ
    return f"{own_name(tag)} · {EASY_READ}" if easy_read else own_name(tag)


def direction(tag: str) -> str:
    """'rtl' or 'ltr' for a BCP 47 tag: the one place a page's `dir` comes from."""
    return "rtl" if is_rtl(tag) else "ltr"
