"""Easy Read's own rules (Department of Health, 2010): short sentences, one idea each, large
type, a picture beside each idea."""

from __future__ import annotations

import re
from pathlib import Path

from leafpress.check.readability import Sentence
from leafpress.errors import Diagnostic, error, warning
from leafpress.model.brand import Brand, line_of
from leafpress.model.language import is_english
from leafpress.model.leaflet import Leaflet

MAX_WORDS = 15
MIN_PT = 14.0
# Words that join two ideas into one English sentence.
_JOINS = re.compile(r"\b(?:and|but|because|so|which|although|unless|while|whereas)\b", re.I)
_CLAUSE = re.compile(r"[;:]|,\s*(?:and|but|or|so|because|which|then)\b", re.I)
_PICTURE = re.compile(r"^\s{0,3}(?:!\[|<img\b)", re.I)
_NOT_A_PARAGRAPH = re.compile(r"^(?:\s{4,}|\t|\s{0,3}(?:#|>|[-*+]\s|\d+[.)]\s|!!!|\?\?\?|\||```|~~~|"
                              r"\[[^\]]+\]:|<!--|---|\*\*\*|___))")


def sentence_findings(path: Path, sentences: list[Sentence], lang: str) -> list[Diagnostic]:
    """At most 15 words a sentence; one idea a sentence."""
    found = []
    for sentence in sentences:
        words = sentence.text.split()
        start = " ".join(words[:6]) + (" ..." if len(words) > 6 else "")
        if sentence.words > MAX_WORDS:
            found.append(warning("easy-read-sentence", path, sentence.line,
                                 f"Easy Read sentence of {sentence.words} words (at most "
                                 f"{MAX_WORDS}): \"{start}\""))
        joined = _CLAUSE.search(sentence.text) or (
            is_english(lang) and len(_JOINS.findall(sentence.text)) >= 2)
        if joined:
            found.append(warning("easy-read-idea", path, sentence.line,
                                 f"one idea per sentence: split \"{start}\" into two"))
    return found


def picture_findings(path: Path, body: str, first_line: int) -> list[Diagnostic]:
    """A warning for each paragraph that does not open with its picture."""
    found = []
    fenced = False
    starts_paragraph = True
    for number, line in enumerate(body.split("\n"), first_line):
        if re.match(r"^\s*(```|~~~)", line):
            fenced = not fenced
        if fenced or not line.strip():
            starts_paragraph = not fenced
            continue
        if starts_paragraph and not _NOT_A_PARAGRAPH.match(line) and not _PICTURE.match(line):
            found.append(warning("easy-read-picture", path, number,
                                 "Easy Read paragraph without a picture beside it: start it with "
                                 "![what the picture shows](pictures/name.svg)"))
        starts_paragraph = False
    return found


def size_findings(leaflet: Leaflet, brand: Brand) -> list[Diagnostic]:
    """Easy Read type of at least 14pt (brand `[type] easy_read_pt`)."""
    if brand.easy_read_pt >= MIN_PT:
        return []
    try:
        text = brand.path.read_text(encoding="utf-8")
    except OSError:
        text = ""
    return [error("easy-read-size", brand.path, line_of(text, "type", "easy_read_pt"),
                  f"Easy Read body type {brand.easy_read_pt:g}pt is below {MIN_PT:g}pt "
                  f"(for {leaflet.path.name})")]
