"""Languages other than English: the words the template and brand need, sentences to count.

A leaflet in a language with no message catalogue, or whose catalogue or brand file leaves a
sentence untranslated, is an error naming what is missing (never English words in a Polish
leaflet). Shared by `check` and `build`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from leafpress.check.prose import Block
from leafpress.check.readability import Sentence
from leafpress.errors import Diagnostic, display_path, error
from leafpress.i18n import BRAND_SENTENCES, PoFileError, catalogue_path, missing_messages
from leafpress.model.brand import Brand
from leafpress.model.language import base, english_name, is_english
from leafpress.model.leaflet import Leaflet

# Sentence ends: Latin and Arabic question mark, Urdu full stop, Bengali danda, CJK stops.
_END = re.compile(r"[.!?\u2026\u061f\u06d4\u0964\u0965]++[\"'\u201d\u2019)\]»]*+(?=\s|$)"
                  r"|[\u3002\uff01\uff1f]++[\u201d\u300d\u300f\uff09]*+")
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# CJK is written without spaces: its sentences are measured in characters.
MAX_CJK_CHARACTERS = 40
CJK = ("zh", "ja", "ko")


def _quote(messages: list[str], limit: int = 3) -> str:
    shown = ", ".join(f"'{m}'" for m in messages[:limit])
    return shown + (f" and {len(messages) - limit} more" if len(messages) > limit else "")


def catalogue_problems(leaflet: Leaflet, brand: Brand) -> list[Diagnostic]:
    """What the template and the brand lack to print every word in the leaflet's language."""
    if is_english(leaflet.lang):
        return []
    line = leaflet.line_of("lang")
    language = f"{leaflet.lang} ({english_name(leaflet.lang)})"
    found = []
    try:
        path, missing = missing_messages(brand.templates, leaflet.lang)
    except (PoFileError, OSError, ValueError) as exc:
        path, missing = None, []
        found.append(error("catalogue", leaflet.path, line,
                           f"the message catalogue for {language} cannot be read: {exc}"))
    if path is None and missing:
        wanted = display_path(catalogue_path(brand.templates, leaflet.lang))
        found.append(error("catalogue", leaflet.path, line,
                           f"no message catalogue for {language}: add {wanted} translating "
                           f"the template's {len(missing)} messages (see README, 'Adding a "
                           "language')"))
    elif missing:
        found.append(error("catalogue", leaflet.path, line,
                           f"{display_path(path)} does not translate {len(missing)} of the "
                           f"template's messages: {_quote(missing)}"))
    wanted = BRAND_SENTENCES + (("house_sentence",) if brand.governance.house_sentence else ())
    lacking = [key for key in wanted if not brand.sentence(key, leaflet.lang)]
    if lacking:
        found.append(error("catalogue", leaflet.path, line,
                           f"{display_path(brand.path)} has no [translations.{base(leaflet.lang)}]"
                           f" {', '.join(lacking)} for {language}"))
    return found


def language_problems(leaflets: Iterable[Leaflet], brand: Brand) -> list[Diagnostic]:
    """catalogue_problems for each leaflet."""
    return [d for leaflet in leaflets for d in catalogue_problems(leaflet, brand)]


def is_cjk(lang: str) -> bool:
    return base(lang) in CJK


def _words(text: str, lang: str) -> int:
    if is_cjk(lang):
        return len(_HAN.findall(text))
    return sum(1 for token in text.split() if any(c.isalnum() for c in token))


def block_sentences(block: Block, lang: str) -> list[Sentence]:
    """Sentences of one block in any language, each at its line (syllables not counted)."""
    found: list[Sentence] = []
    start = 0
    for end in [*(m.end() for m in _END.finditer(block.text)), len(block.text)]:
        chunk = block.text[start:end]
        offset = start + len(chunk) - len(chunk.lstrip())
        words = _words(chunk, lang)
        if words:
            found.append(Sentence(" ".join(chunk.split()), block.line_at(offset), words, 0, 0))
        start = end
    return found
