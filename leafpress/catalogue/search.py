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
from leafpress.files import write_if_changed
from leafpress.model.leaflet import Leaflet
from leafpress.render.markup import convert

SCRIPT = "search-index.js"  # beside index.html: file:// pages cannot fetch() a JSON file
TEXT_SCRIPT = "search-text.js"  # the sentences under results: loaded once the index works
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


def _unmarked(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def fold(text: str) -> str:
    """Lower case, without accents: what is indexed and what is typed meet here."""
    return _unmarked(unicodedata.normalize("NFKD", text.lower()))


@functools.cache
def _word() -> re.Pattern[str]:
    """A run of letters, digits (\\w without '_') and marks; Python's re has no \\p{M}.

    The script's twin is /[CJK]|(?:(?![CJK])[\\p{L}\\p{N}\\p{M}])+/gu on folded text.
    """
    ranges: list[list[int]] = []
    for code in range(0x40000):
        if unicodedata.category(chr(code))[0] == "M":
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    marks = "".join(f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)
    return re.compile(f"(?:[^\\W_]|[{marks}])+")


_CJK_CHARACTER = re.compile(f"[{_CJK}]")


def tokens(text: str) -> list[str]:
    """The folded words of a text, stop words included (MiniSearch's tokenize).

    Accents are stripped word by word after the split (the same words as folding first,
    and most words are plain ASCII, which is much faster); Han and kana stand alone.
    """
    spaced = _CJK_CHARACTER.sub(r" \g<0> ", unicodedata.normalize("NFKD", text.lower()))
    found = []
    for token in _word().findall(spaced):
        if not token.isascii() and not (token := _unmarked(token)):
            continue  # only marks, which folding removes
        found.append(token)
    return found


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


def _version(documents: Sequence[Document], synonyms: list[list[list[str]]]) -> str:
    """A digest of everything the two files are made from: equal inputs, equal files."""
    digest = hashlib.sha256()
    for code in (Path(__file__), VENDOR / "minisearch.js"):
        digest.update(code.read_bytes())
    digest.update(json.dumps(synonyms).encode("utf-8"))
    for document in documents:  # each value length-prefixed, so no two inputs read alike
        for value in (document.id, document.title, document.editions, document.topics,
                      document.reference, document.summary, document.body, *document.sentences):
            digest.update(f"{len(value)}:{value}".encode("utf-8", "surrogatepass"))
        digest.update(b"\n")
    return digest.hexdigest()[:20]


def _header(version: str) -> str:
    return f"/* leafpress catalogue search {version}: made by the build, do not edit. */\n"


def _assignment(name: str, version: str, data: object) -> str:
    # JSON.parse of one string literal is the fastest way for V8 to read a large object; in
    # a function, so it runs when the page asks (after the list is shown), not mid-parse.
    literal = json.dumps(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                         ensure_ascii=False).replace("</", "<\\/")
    return (f"window.{name} = {{version: {json.dumps(version)}, "
            f"data: function () {{ return JSON.parse({literal}); }}}};\n")


def write_scripts(out: Path, documents: Sequence[Document],
                  synonyms: Iterable[tuple[str, tuple[str, ...]]]) -> str:
    """Write search-index.js (MiniSearch and the index) and search-text.js (the sentences
    shown under results, loaded after the index); return their version.

    Unchanged inputs leave both files alone without making the index again (a no-op
    build of 1,000 leaflets would otherwise spend seconds here).
    """
    groups = synonym_groups(synonyms)
    version = _version(documents, groups)
    try:
        with (out / SCRIPT).open(encoding="utf-8") as handle:
            current = handle.readline() == _header(version) and (out / TEXT_SCRIPT).is_file()
    except (OSError, UnicodeDecodeError):
        current = False
    if current:
        return version
    data = {
        "fields": FIELDS,
        "boost": BOOST,
        "fuzzyFrom": FUZZY_FROM,
        "prefixFrom": PREFIX_FROM,
        "fuzzy": FUZZY,
        "longestWord": LONGEST_WORD,
        "stopWords": sorted(STOP_WORDS),
        "synonyms": groups,
        "index": minisearch_index(documents),
    }
    library = (VENDOR / "minisearch.js").read_text(encoding="utf-8")
    text = _header(version) + _assignment(
        "LeafpressSearchText", version, [list(document.sentences) for document in documents])
    index = (_header(version) + _licence_comment() + library + "\n"
             + _assignment("LeafpressSearch", version, data))
    # The text first, then the index, then (by the caller) the page that asks for both.
    write_if_changed(out / TEXT_SCRIPT, text.encode("utf-8"))
    write_if_changed(out / SCRIPT, index.encode("utf-8"))
    return version
