"""No tofu: every character of a leaflet must have a glyph in the fonts that will print it.

The fonts are model/scripts.py's stack for the leaflet's language: the brand's bundled Latin
font (styles/fonts) and the system's Noto fonts, found with fontconfig (`fc-list`) and read
with fontTools (WeasyPrint's own dependency), never WeasyPrint itself.
"""

from __future__ import annotations

import subprocess
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from leafpress.errors import Diagnostic, error
from leafpress.model.scripts import font_stack

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
INSTALL_HINT = "apt-get install fonts-noto-core fonts-noto-cjk (scripts/setup.sh)"


@lru_cache(maxsize=1)
def _system_fonts() -> dict[str, list[tuple[str, int, str]]]:
    """family -> [(file, index in a collection, style)], from fontconfig."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{family}\t%{file}\t%{index}\t%{style}\n"],
                                 capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, list[tuple[str, int, str]]] = {}
    for line in listing.splitlines():
        parts = line.split("\t")
        if len(parts) != 4 or not parts[2].isdigit():
            continue
        for family in parts[0].split(","):
            found.setdefault(family.strip(), []).append((parts[1], int(parts[2]), parts[3]))
    return found


@lru_cache(maxsize=8)
def _bundled_fonts(folder: Path) -> dict[str, list[tuple[str, int, str]]]:
    """family -> files, for the fonts the brand bundles (what @font-face loads)."""
    from fontTools.ttLib import TTFont

    found: dict[str, list[tuple[str, int, str]]] = {}
    for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if path.suffix.lower() not in (".ttf", ".otf"):
            continue
        try:
            with TTFont(path, lazy=True) as font:
                family = font["name"].getBestFamilyName()
                style = font["name"].getBestSubFamilyName() or ""
        except Exception:  # noqa: BLE001 - a damaged font just does not count
            continue
        if family:
            found.setdefault(family, []).append((str(path), 0, style))
    return found


@lru_cache(maxsize=32)
def _coverage(path: str, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 - an unreadable font covers nothing
        return frozenset()


def family_coverage(family: str, styles: Path) -> frozenset[int] | None:
    """Code points one family has glyphs for (its regular face); None when not installed."""
    files = _bundled_fonts(styles / "fonts").get(family) or _system_fonts().get(family)
    if not files:
        return None
    regular = [f for f in files if "regular" in f[2].lower()] or files
    return _coverage(regular[0][0], regular[0][1])


def _printable(character: str) -> bool:
    # Spaces, controls and format characters (ZWJ, ZWNJ, LRM, RLM) draw no glyph of their own.
    return unicodedata.category(character)[0] not in "CZ"


def glyph_findings(path: Path, texts: Iterable[tuple[str, int]], lang: str,
                   styles: Path) -> list[Diagnostic]:
    """An error at the first line of each character no font in lang's stack can draw, and
    one for each font of the stack that is not installed."""
    families = font_stack(lang)
    found: list[Diagnostic] = []
    covered: set[int] = set()
    for family in families:
        coverage = family_coverage(family, styles)
        if coverage is None:
            found.append(error("font-missing", path, 0,
                               f"font '{family}' for {lang} is not installed: {INSTALL_HINT}"))
        else:
            covered |= coverage
    if found:
        return found  # every character would be reported: the font is the problem
    seen: set[str] = set()
    for text, line in texts:
        for offset, character in enumerate(text):
            if character in seen or ord(character) in covered or not _printable(character):
                continue
            seen.add(character)
            name = unicodedata.name(character, "unnamed character")
            found.append(error("no-glyph", path, line + text.count("\n", 0, offset),
                               f"'{character}' (U+{ord(character):04X} {name}) has no glyph in "
                               f"the fonts that print {lang} ({', '.join(families)}): it would "
                               "print as an empty box"))
    return found
