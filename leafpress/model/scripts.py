"""Which fonts print which language: one table, read by the PDF's CSS and by check's glyph rule.

The brand's Latin font comes first, so Latin letters, digits and phone numbers look the same
in every edition; each script's characters fall through to its Noto font (Debian's
fonts-noto-core and fonts-noto-cjk, installed by scripts/setup.sh).
"""

from __future__ import annotations

LATIN = "Atkinson Hyperlegible"  # bundled in styles/fonts (leaflet.css's @font-face)
# Language tag (exact, or its language) -> the fonts after LATIN, in order.
SCRIPT_FONTS: dict[str, tuple[str, ...]] = {
    "ar": ("Noto Naskh Arabic",),
    "fa": ("Noto Naskh Arabic",),
    "ur": ("Noto Nastaliq Urdu", "Noto Naskh Arabic"),  # Urdu is read in Nastaliq
    "bn": ("Noto Sans Bengali",),
    "hi": ("Noto Sans Devanagari",),
    "pa": ("Noto Sans Gurmukhi",),
    "gu": ("Noto Sans Gujarati",),
    "ta": ("Noto Sans Tamil",),
    "zh": ("Noto Sans CJK SC",),
    "zh-Hans": ("Noto Sans CJK SC",),
    "zh-Hant": ("Noto Sans CJK TC",),
    "ja": ("Noto Sans CJK JP",),
    "ko": ("Noto Sans CJK KR",),
}


def font_stack(lang: str) -> tuple[str, ...]:
    """The font families a leaflet in lang prints with, first choice first."""
    found = SCRIPT_FONTS.get(lang) or SCRIPT_FONTS.get(lang.split("-")[0].lower(), ())
    return (LATIN, *found)


def language_css() -> str:
    """A font-family rule per language in the table, for the PDF's stylesheet."""
    rules = []
    for tag in sorted(SCRIPT_FONTS, key=len):  # zh before zh-Hans: the exact tag wins
        families = ", ".join(f'"{family}"' for family in font_stack(tag))
        rules.append(f':lang({tag}) {{ font-family: {families}, sans-serif; }}')
    return "\n".join(rules)
