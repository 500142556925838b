"""The braille file: Unified English Braille (grade 2, UKAAF's standard) through liblouis,
on 40-cell, 25-line pages, for an embosser or a braille display."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from leafpress.formats.base import Format, Output, human_size, plural
from leafpress.model.brand import Brand
from leafpress.model.language import base as primary
from leafpress.model.leaflet import Leaflet
from leafpress.render.braille import CELLS, LINES, PAGE_END, linear, typeset
from leafpress.render.html import render_html

# liblouis's literary table for each language (liblouis-data); a language without one
# gets no braille file, with a line saying so. English is UEB grade 2 (contracted).
TABLES = {
    "en": "en-ueb-g2.ctb",
    "cy": "cy-cy-g2.ctb",  # Welsh, contracted
    "fr": "fr-bfu-g2.ctb",
    "de": "de-g2.ctb",
    "es": "es-g2.ctb",
    "pt": "pt-pt-g2.ctb",
    "it": "it-it-comp6.utb",
    "pl": "pl.tbl",
    "ga": "ga-g2.ctb",
}
# North American Braille ASCII, what a BRF holds: the character for each 6-dot cell, indexed
# by its dots as bits (dot 1 = 1 ... dot 6 = 32). liblouis gives cells as Unicode braille
# (U+2800 + the same bits) whatever each table's own display characters are.
BRAILLE_ASCII = " A1B'K2L@CIF/MSP\"E3H9O6R^DJG>NTQ,*5<-U8V.%[$+X!&;:4\\0Z7(_?W]#Y)="
TO_BRF = {0x2800 + dots: BRAILLE_ASCII[dots] for dots in range(64)}


def load_louis(required: bool = True) -> Any:
    """Debian's liblouis binding (python3-louis, linked into the venv by scripts/setup.sh)."""
    try:
        import louis
    except (ImportError, OSError):
        if not required:
            return None
        raise RuntimeError("liblouis is not installed: run `bash scripts/setup.sh` "
                           "(Debian's python3-louis and liblouis-data)") from None
    return louis


def table_for(lang: str) -> str | None:
    """The liblouis table for a language tag, or None when liblouis has none we use."""
    return TABLES.get(primary(lang))


class Braille(Format):
    name = "brf"
    suffix = ""
    extension = ".brf"
    label = "Braille file (BRF) for an embosser"
    media_type = "text/plain"  # braille ASCII: what embosser software and braille displays open
    needs_weasyprint = False
    help_template = "help/brf.html.j2"

    def skip_reason(self, leaflet: Leaflet) -> str | None:
        if table_for(leaflet.lang):
            return None
        return (f"no braille file for language '{leaflet.lang}': liblouis has no table for it "
                "here (see TABLES in leafpress/formats/brf.py)")

    def key_parts(self, brand: Brand) -> dict[str, Any]:
        # Tables change with liblouis-data upgrades; the version stands for them.
        louis = load_louis(required=False)
        return {"liblouis": louis.version() if louis else "absent", "cells": CELLS,
                "lines": LINES, "tables": TABLES}

    def prepare(self, brand: Brand) -> Any:
        return load_louis()

    def render(self, leaflet: Leaflet, brand: Brand, louis: Any) -> Output:
        table = table_for(leaflet.lang)
        if table is None:
            raise ValueError(self.skip_reason(leaflet))
        warnings: list[str] = []
        page = render_html(leaflet, brand, self.name, {"qr_code": None}, warnings)

        mode = louis.dotsIO | louis.ucBrl

        def translate(text: str) -> str:
            cells = louis.translateString([table], text, mode=mode)
            # Dots 7 and 8 (8-dot tables) have no braille ASCII: the 6 dots are kept.
            return "".join(TO_BRF.get(0x2800 + (ord(c) - 0x2800) % 64, " ") if "\u2800" <= c <= "\u28ff"
                           else " " if c.isspace() else "?" for c in cells)

        # A draft's words, as the template wrote them (translated), head every braille page.
        draft = re.search(r'<body[^>]*\sdata-draft="([^"]*)"', page)
        return Output(typeset(linear(page), translate, html.unescape(draft[1]) if draft else ""),
                      None, warnings)

    def count_pages(self, path: Path) -> int | None:
        return path.read_bytes().count(PAGE_END.encode())

    def details(self, size: int, pages: int | None) -> str:
        if pages is None:
            return human_size(size)
        return f"{plural(pages, 'braille page')}, {human_size(size)}"
