"""What a leaflet's language tag says about its text: the one place `dir` comes from."""

from __future__ import annotations

# Languages written right to left (ISO 639 codes), and scripts that are whatever the language.
RTL_LANGUAGES = {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"}
RTL_SCRIPTS = {"arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"}
LTR_SCRIPTS = {"latn", "cyrl"}


def primary(lang: str) -> str:
    """The language subtag, lower case: 'en-GB' -> 'en'."""
    return lang.split("-", 1)[0].lower()


def direction(lang: str) -> str:
    """'rtl' or 'ltr' for a BCP 47 tag; a script subtag wins ('ku-Latn' is ltr)."""
    for subtag in lang.lower().split("-")[1:]:
        if subtag in RTL_SCRIPTS:
            return "rtl"
        if subtag in LTR_SCRIPTS:
            return "ltr"
    return "rtl" if primary(lang) in RTL_LANGUAGES else "ltr"
