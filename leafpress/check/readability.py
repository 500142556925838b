"""Readability of a leaflet's prose: sentences with their lines, and the classic formulas.

Flesch Reading Ease = 206.835 - 1.015 x words/sentences - 84.6 x syllables/words
Flesch-Kincaid grade = 0.39 x words/sentences + 11.8 x syllables/words - 15.59
SMOG grade = 1.0430 x sqrt(polysyllables x 30 / sentences) + 3.1291
(polysyllables: words of three or more syllables). Headings are not sentences; each
list item and table cell ends a sentence even without a full stop.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from leafpress.check import syllables
from leafpress.check.prose import HEADING, Block, blocks

WORD = re.compile(r"[A-Za-z0-9]+(?:['\u2019&.\-][A-Za-z0-9]+)*")
# A sentence ends at . ! ? or an ellipsis, then any closing quotes or brackets.
# Only from the start of a run of stops, without backtracking: '.' * 100000 stays linear.
_END = re.compile(r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u201d\u2019)\]]*+(?=\s|$)")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
# Words whose full stop does not end a sentence.
ABBREVIATIONS = {"e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "prof", "approx", "vs", "no",
                 "st", "cf", "fig", "tel", "a.m", "p.m", "mins", "hrs"}


@dataclass(frozen=True)
class Sentence:
    """One sentence of prose, at the line where it starts."""

    text: str
    line: int
    words: int
    syllables: int
    polysyllables: int


@dataclass(frozen=True)
class Readability:
    """Totals and the three grades of a text (None when it has no sentences)."""

    words: int
    sentences: int
    syllables: int
    polysyllables: int
    flesch_reading_ease: float | None
    flesch_kincaid_grade: float | None
    smog: float | None


def _ends(text: str) -> Iterable[int]:
    """Offsets just past each sentence end in text."""
    for match in _END.finditer(text):
        following = _NEXT_CHARACTER.match(text, match.end())
        if following and following[1].islower():
            continue  # "3 p.m. on Monday": a sentence does not start in lower case
        if match[0] == ".":
            token = re.search(r"([\w.]*)\.$", text[max(0, match.start() - 30):match.end()])[1]
            if token.lower() in ABBREVIATIONS or (len(token) == 1 and token.isupper()):
                continue  # e.g. / Mr A. Example: not the end of a sentence
        yield match.end()


def split_sentences(text: str) -> list[str]:
    """A run of prose cut into sentences by the same rule as the formulas (any script)."""
    found, start = [], 0
    for end in [*_ends(text), len(text)]:
        if chunk := " ".join(text[start:end].split()):
            found.append(chunk)
        start = end
    return found


def _sentence(text: str, line: int) -> Sentence | None:
    words = WORD.findall(text)
    if not words:
        return None
    counts = [syllables.count(word) for word in words]
    return Sentence(" ".join(text.split()), line, len(words), sum(counts),
                    sum(1 for n in counts if n >= 3))


def block_sentences(block: Block) -> list[Sentence]:
    """Split one block into sentences; the block's end always ends a sentence."""
    found: list[Sentence] = []
    start = 0
    for end in [*_ends(block.text), len(block.text)]:
        chunk = block.text[start:end]
        offset = start + len(chunk) - len(chunk.lstrip())
        if sentence := _sentence(chunk, block.line_at(offset)):
            found.append(sentence)
        start = end
    return found


def sentences(body: str, first_line: int = 1) -> list[Sentence]:
    """The sentences of a Markdown body, headings left out, each at its source line."""
    return [sentence for block in blocks(body, first_line) if block.kind != HEADING
            for sentence in block_sentences(block)]


def measure(found: list[Sentence]) -> Readability:
    """Apply the three formulas to the totals of the sentences."""
    words = sum(s.words for s in found)
    count = len(found)
    syllable_total = sum(s.syllables for s in found)
    poly = sum(s.polysyllables for s in found)
    if not count:
        return Readability(0, 0, 0, 0, None, None, None)
    per_sentence, per_word = words / count, syllable_total / words
    return Readability(
        words=words,
        sentences=count,
        syllables=syllable_total,
        polysyllables=poly,
        flesch_reading_ease=206.835 - 1.015 * per_sentence - 84.6 * per_word,
        flesch_kincaid_grade=0.39 * per_sentence + 11.8 * per_word - 15.59,
        smog=1.0430 * math.sqrt(poly * 30 / count) + 3.1291,
    )
