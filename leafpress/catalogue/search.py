"""The catalogue's search: each leaflet's words, MiniSearch's index of them, and the file that ships it.

The index is made here, in MiniSearch's own serialised form (what `MiniSearch#toJSON` gives,
format version 2), so the page only loads it (`MiniSearch.loadJS`) instead of indexing
1,000 leaflets on every visit. The words are cut and folded the same way in Python and in
the page's script: `WORD_PATTERN` and `fold` have twins in templates/catalogue.js, and
the browser tests compare this index with one MiniSearch builds itself from the same text.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from leafpress.check.readability import split_sentences
from leafpress.errors import LeafletError
from leafpress.model.leaflet import Leaflet
from leafpress.render.markup import convert

SCRIPT = "search-index.js"  # beside index.html: file:// pages cannot fetch() a JSON file
VENDOR = Path(__file__).resolve().parent / "vendor" / "minisearch"
TEXT_VERSION = 1  # bump when body_sentences changes, so every cached text is made again

# Title matches rank first, then an edition's title, topics and reference, the summary, the body.
FIELDS = ("title", "editions", "topics", "reference", "summary", "body")
BOOST = {"title": 6, "editions": 5, "topics": 3, "reference": 3, "summary": 2, "body": 1}
FUZZY_FROM = 5  # letters: a typo is forgiven in longer words only
FUZZY = 1  # one edit (a letter missed, added, changed): two would find "infection" for "injections"
PREFIX_FROM = 3  # letters: "phy" finds physiotherapy; one or two letters would match everything
LONGEST_WORD = 60  # longer runs of letters are not words (and would only bloat the index)
# Words too common to narrow a search ("after my back operation" looks for back, operation).
STOP_WORDS = frozenset("""a an and are as at be by do for from has have i if in is it its me my
of on or so that the their this to was we were what when will with you your""".split())

# Han and kana have no spaces between words: each character is a term of its own.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption",
           "caption", "blockquote", "pre", "div", "br", "tr", "table", "ul", "ol", "dl"}


def fold(text: str) -> str:
    """Lower case, without accents: what is indexed and what is typed meet here."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


@functools.cache
def _word() -> re.Pattern[str]:
    """Letters, digits and marks outside Han and kana, or one Han or kana character.

    The script's twin is /[CJK]|(?:(?![CJK])[\\p{L}\\p{N}\\p{M}])+/gu; Python's re has no
    \\p{...}, so the class is gathered once from the Unicode database.
    """
    cjk = re.compile(f"[{_CJK}]")
    ranges: list[list[int]] = []
    for code in range(0x40000):
        char = chr(code)
        if unicodedata.category(char)[0] in "LNM" and not cjk.match(char):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    # Escape every bound: a class member such as '-', ']' or '^' must stay literal.
    members = "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                      for a, b in ranges)
    return re.compile(f"[{_CJK}]|[{members}]+")


def tokens(text: str) -> list[str]:
    """The folded words of a text, stop words included (MiniSearch's tokenize)."""
    return _word().findall(fold(text))


def term(token: str) -> str | None:
    """A token as it is indexed, or None for a stop word (MiniSearch's processTerm)."""
    return None if token in STOP_WORDS or len(token) > LONGEST_WORD else token


# ---- A leaflet's text, from the same sanitised HTML its PDF is made from ----

class _Text(HTMLParser):
    """The text of sanitised body HTML, one string per paragraph, item, cell or heading."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []

    def _end_block(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self._end_block()
        elif tag == "img":  # an image's words are its alt text, as a screen reader hears
            alt = dict(attrs).get("alt")
            if alt:
                self._current.append(f" {alt} ")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self._end_block()

    def handle_data(self, data):
        self._current.append(data)

    def close(self) -> None:
        super().close()
        self._end_block()


def body_sentences(leaflet: Leaflet) -> list[str]:
    """The body's sentences as the PDF prints them (the sanitised HTML's text)."""
    try:
        html, _ = convert(leaflet.body, leaflet.path, leaflet.body_line)
    except LeafletError:
        return []  # too deeply nested to render: the build refused it already
    parser = _Text()
    parser.feed(html)
    parser.close()
    return [sentence for block in parser.blocks for sentence in split_sentences(block)]


def text_key(leaflet: Leaflet) -> str:
    """What a leaflet's cached sentences depend on: its body and how text is extracted."""
    return hashlib.sha256(f"{TEXT_VERSION}\n{leaflet.body}".encode("utf-8")).hexdigest()


# ---- The index ----

@dataclass(frozen=True)
class Document:
    """What search reads of one leaflet (and its editions)."""

    id: str  # the card's stem
    title: str
    editions: str  # the editions' titles
    topics: str
    reference: str
    summary: str
    body: str
    sentences: tuple[str, ...]  # the body's, for the matching sentence under a result

    def field(self, name: str) -> str:
        return getattr(self, name)


def minisearch_index(documents: Sequence[Document]) -> dict:
    """MiniSearch's serialised index (toJSON, version 2) of the documents, in their order.

    It mirrors MiniSearch.add: a field's length is its number of distinct tokens, the
    average is kept as a running mean in the same order of operations, and each posting
    counts a term's occurrences in one field of one document.
    """
    index: dict[str, dict[int, dict[int, int]]] = {}
    lengths: dict[int, list[int]] = {}
    average = [0.0] * len(FIELDS)
    for short_id, document in enumerate(documents):
        lengths[short_id] = []
        for field_id, name in enumerate(FIELDS):
            found = tokens(document.field(name))
            distinct = len(set(found))
            lengths[short_id].append(distinct)
            average[field_id] = (average[field_id] * short_id + distinct) / (short_id + 1)
            for token in found:
                if (indexed := term(token)) is not None:
                    postings = index.setdefault(indexed, {}).setdefault(field_id, {})
                    postings[short_id] = postings.get(short_id, 0) + 1
    return {
        "documentCount": len(documents),
        "nextId": len(documents),
        "documentIds": {str(i): document.id for i, document in enumerate(documents)},
        "fieldIds": {name: i for i, name in enumerate(FIELDS)},
        "fieldLength": {str(i): value for i, value in lengths.items()},
        "averageFieldLength": average,
        "storedFields": {},
        "dirtCount": 0,
        "index": [[word, {str(f): {str(d): n for d, n in docs.items()} for f, docs in fields.items()}]
                  for word, fields in index.items()],
        "serializationVersion": 2,
    }


def synonym_groups(synonyms: Iterable[tuple[str, tuple[str, ...]]]) -> list[list[list[str]]]:
    """The brand's synonyms as groups of equivalent phrases, each a list of indexed terms."""
    groups = []
    for word, others in synonyms:
        phrases = []
        for phrase in (word, *others):
            terms = [t for t in (term(token) for token in tokens(phrase)) if t]
            if terms and terms not in phrases:
                phrases.append(terms)
        if len(phrases) > 1:
            groups.append(phrases)
    return groups


def _licence_comment() -> str:
    text = (VENDOR / "LICENSE.txt").read_text(encoding="utf-8").replace("*/", "* /")
    return f"/* MiniSearch 7.2.0, https://github.com/lucaong/minisearch\n\n{text.strip()}\n*/\n"


def search_script(documents: Sequence[Document],
                  synonyms: Iterable[tuple[str, tuple[str, ...]]]) -> tuple[str, str]:
    """The contents of search-index.js and its version (which index.html asks for)."""
    data = {
        "fields": FIELDS,
        "boost": BOOST,
        "fuzzyFrom": FUZZY_FROM,
        "prefixFrom": PREFIX_FROM,
        "fuzzy": FUZZY,
        "longestWord": LONGEST_WORD,
        "stopWords": sorted(STOP_WORDS),
        "synonyms": synonym_groups(synonyms),
        "index": minisearch_index(documents),
        "sentences": [list(document.sentences) for document in documents],
    }
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    version = hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
    library = (VENDOR / "minisearch.js").read_text(encoding="utf-8")
    # JSON.parse of one string literal is the fastest way for V8 to read a large object.
    literal = json.dumps(payload, ensure_ascii=False).replace("</", "<\\/")
    script = (f"{_licence_comment()}{library}\n"
              f"/* The leafpress catalogue's index (made by the build; do not edit). */\n"
              f"window.LeafpressSearch = {{version: {json.dumps(version)}, "
              f"data: JSON.parse({literal})}};\n")
    return script, version
