"""Characters that change what a reader sees without being seen, and look-alike hosts."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

# Overrides and embeddings force a direction on the text they wrap: "\u202e01\u202c" prints
# as "10". Real right-to-left text never needs them; the Unicode bidi algorithm orders it.
OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e")
# Isolates (LRI, RLI, FSI, PDI) are how Unicode asks authors to set a phone number or an
# English word inside Arabic or Urdu, so an edition may need them; in text with no
# right-to-left letter they can only reorder (an RLI around "1 2" prints "2 1").
ISOLATES = frozenset("\u2066\u2067\u2068\u2069")
# Format characters that real text needs: ZWNJ and ZWJ shape Urdu, Persian, Bengali and
# other Indic words; LRM, RLM and ALM mark direction in right-to-left text; the soft
# hyphen is a hyphenation point; the Arabic number signs and marks belong to Arabic.
ALLOWED_FORMAT = frozenset("\u00ad\u200c\u200d\u200e\u200f\u061c"
                           "\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2")
# Not format characters, but shown as nothing: Hangul fillers and the Mongolian separator.
BLANK = frozenset("\u115f\u1160\u3164\uffa0\u180e")
TAB = "\t"


@dataclass(frozen=True)
class Hidden:
    """One hidden character found in text, at its 1-based line."""

    line: int
    char: str

    @property
    def code(self) -> str:
        return f"U+{ord(self.char):04X}"

    @property
    def name(self) -> str:
        return unicodedata.name(self.char, "")

    def message(self) -> str:
        """What the author is told: which character, why it matters, what to do."""
        if self.char in OVERRIDES:
            why = "forces the order text prints in (\"01\" can print as \"10\")"
        elif self.char in ISOLATES:
            why = "reorders text outside right-to-left writing"
        elif unicodedata.category(self.char) in ("Cc", "Cs"):
            return (f"control character {self.code}: invisible in print, and on a terminal it "
                    "can rewrite what is shown; delete it")
        else:
            why = "is invisible in print and changes what readers and searches see"
        return f"hidden character {self.code} ({self.name}) {why}; delete it"


def _right_to_left(line: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in line)


def _hidden(char: str) -> bool:
    if char in ALLOWED_FORMAT or char == TAB:
        return False
    if char in OVERRIDES or char in BLANK:
        return True
    # Cc: C0 and C1 controls (escape sequences); Cf: format characters (zero-width space,
    # word joiner, BOM inside text, tags...); Cs: half a surrogate pair.
    return unicodedata.category(char) in ("Cc", "Cf", "Cs")


def hidden_characters(text: str, first_line: int = 1) -> list[Hidden]:
    """Every character in text that prints as nothing yet changes its meaning, by line."""
    found: dict[Hidden, None] = {}  # each character once per line, in order
    for number, line in enumerate(text.split("\n"), first_line):
        # Only lines with something unusual pay the per-character look.
        if line.isascii() and line.isprintable():
            continue
        rtl = None
        for char in line:
            if char.isascii() and char.isprintable():
                continue
            if char in ISOLATES:
                rtl = _right_to_left(line) if rtl is None else rtl
                if rtl:
                    continue
                found[Hidden(number, char)] = None
            elif _hidden(char):
                found[Hidden(number, char)] = None
    return list(found)


def lookalike_host(address: str) -> str | None:
    """The host of a web address when it is not plain ASCII (or is punycode, xn--), else None.

    A Cyrillic "а" in example.org looks the same in print and leads somewhere else.
    """
    try:
        host = urlsplit(address.strip()).hostname or ""
    except ValueError:
        return None
    if not host.isascii() or any(label.startswith("xn--") for label in host.split(".")):
        return host
    return None


def lookalike_message(address: str) -> str | None:
    """The warning for an address whose host may imitate another, or None when it is plain."""
    host = lookalike_host(address)
    if host is None:
        return None
    return (f"the address {address[:80]} goes to the host '{host}', which is not plain ASCII "
            "and may imitate a familiar one; check it letter by letter")
