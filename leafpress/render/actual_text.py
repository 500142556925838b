"""Give each line of complex-script text its own words back: /ActualText on its marked content.

WeasyPrint maps each glyph to text once per font (ToUnicode). That is enough for Latin, but
not where one glyph serves many letters or letters are reordered: Urdu's Nastaliq draws each
letter in a word at its own height (WeasyPrint writes them as separate runs with a text rise),
Bengali's vowel signs are drawn before the consonant they follow, and Arabic's lam-alef is
one glyph. Copying, searching and screen readers then get letters out of order or split.
PDF's answer is ActualText: the text a marked-content sequence stands for. WeasyPrint already
marks every text box (`/Span <</MCID n>> BDC` for the tag tree); this adds the box's own text
to that property list when the text is in such a script. Latin-only text is left as it is,
so English PDFs do not change.

This wraps a WeasyPrint internal (pdf.stream.Stream.marked, 70.x): tests/test_editions.py
reads the text back through it, so a WeasyPrint upgrade that changes it fails loudly.
"""

from __future__ import annotations

import re

# Arabic, Syriac, Thaana, N'Ko, Indic scripts, Thai...; Arabic presentation forms. Not CJK:
# its glyphs map one to one.
COMPLEX = re.compile(r"[\u0590-\u0dff\u0f00-\u109f\ufb1d-\ufdff\ufe70-\ufeff]")
# A left-to-right run inside right-to-left text: it keeps its own order on the line.
_LTR = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9 .,:/+()@&\-]*[A-Za-z0-9)])?")
_ISOLATES = re.compile("[\u2066-\u2069]")
_installed = False


def visual(text: str) -> str:
    """A right-to-left line in the order its glyphs are drawn, left to right.

    Both readers tested (poppler's pdftotext, PDFium) take a right-to-left line's
    ActualText as drawn and turn it back to reading order themselves; given the reading
    order they reverse every letter. So right-to-left text is given as drawn: the runs in
    reverse order, each right-to-left run's characters reversed, left-to-right runs (phone
    numbers, references) as they are.
    """
    parts, end = [], 0
    for match in _LTR.finditer(text):
        parts.append(text[end:match.start()][::-1])
        parts.append(match[0])
        end = match.end()
    parts.append(text[end:][::-1])
    return "".join(reversed(parts))


def actual_text(text: str, rtl: bool) -> str:
    """The ActualText for a text box's text."""
    text = _ISOLATES.sub("", text)
    return visual(text) if rtl else text


def install() -> None:
    """Wrap WeasyPrint's Stream.marked once per process (idempotent)."""
    global _installed
    if _installed:
        return
    from contextlib import contextmanager

    import pydyf
    from weasyprint.pdf import stream as weasy_stream

    original = weasy_stream.Stream.marked

    @contextmanager
    def marked(self, box, tag):
        text = getattr(box, "text", None)
        if tag != "Span" or self._tags is None or not text or not COMPLEX.search(text):
            with original(self, box, tag):
                yield
            return
        mcid = len(self._tags)
        self._tags[box] = {"tag": tag, "mcid": mcid}
        rtl = box.style["direction"] == "rtl"
        properties = pydyf.Dictionary({"MCID": mcid,
                                       "ActualText": pydyf.String(actual_text(text, rtl))})
        pydyf.Stream.begin_marked_content(self, tag, properties)
        try:
            yield
        finally:
            pydyf.Stream.end_marked_content(self)

    weasy_stream.Stream.marked = marked
    _installed = True
