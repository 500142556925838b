"""The sample leaflets as patients get them: read the real PDFs back."""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser

import pypdf
import pytest

from leafpress.build.builder import build

from .conftest import (BRAND, SAMPLES, copy_samples, figure_alts, front_matter, normalise,
                       pdf_text, reference_html)

SAMPLE_STEMS = sorted(p.stem for p in SAMPLES.glob("*.md"))
A4 = (595.28, 841.89)


class _Blocks(HTMLParser):
    """Text of each block element (paragraph, list item, cell, heading) separately."""

    BLOCKS = {"p", "li", "td", "th", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "blockquote"}

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = [""]

    def handle_starttag(self, tag, attrs):
        if tag in self.BLOCKS or tag in ("ul", "ol"):
            self.blocks.append("")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.blocks.append("")

    def handle_data(self, data):
        self.blocks[-1] += data


def sentences(body: str) -> list[str]:
    """The body's sentences, read from Python-Markdown's HTML (not leafpress's)."""
    parser = _Blocks()
    parser.feed(reference_html(body))
    found = []
    for block in parser.blocks:
        for sentence in re.split(r"(?<=[.!?])\s+", normalise(block)):
            if len(sentence) > 3:
                found.append(sentence)
    return found


def without_link_addresses(text: str) -> str:
    # Print CSS writes " (https://...)" after each link; the address may wrap anywhere.
    return re.sub(r"\s*\(https://[^)]*\)", "", text)


def without_footers(text: str) -> str:
    """Normalised text without the page footers, which poppler puts inside a sentence that
    runs on to the next page ("... after your Ref RSC-SP-002 · Version 2.0 ... operation.")."""
    footer = r"Ref \S+ · Version \S+|Next review due \d{1,2} \w+ \d{4}|Page \d+ of \d+"
    return normalise(re.sub(footer, " ", text))


def test_there_are_at_least_three_samples_and_one_is_long(every_format):
    assert len(SAMPLE_STEMS) >= 3
    pages = [len(pypdf.PdfReader(every_format / f"{stem}.pdf").pages) for stem in SAMPLE_STEMS]
    assert max(pages) >= 5, pages


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_every_sentence_of_the_sample_is_in_the_pdf(every_format, stem):
    front, body = front_matter(SAMPLES / f"{stem}.md")
    text = normalise(without_link_addresses(normalise(pdf_text(every_format / f"{stem}.pdf"))))
    text = without_footers(text)
    # poppler joins a word broken after a hyphen ("X-" + "ray" reads "Xray"): ignore hyphens.
    flat = text.replace("-", "")
    found = sentences(body)
    missing = [s for s in found if s.replace("-", "") not in flat]
    assert len(found) > 20 and not missing, missing
    for part in (front["title"], front["summary"], "020 7946 0321", BRAND["disclaimer"],
                 BRAND["alternative_formats"]):
        assert normalise(part) in text


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_pages_are_a4_with_the_footer_on_every_page(every_format, stem):
    front, _ = front_matter(SAMPLES / f"{stem}.md")
    path = every_format / f"{stem}.pdf"
    reader = pypdf.PdfReader(path)
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, 1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
        text = normalise(pdf_text(path, number))
        assert f"Page {number} of {count}" in text
        assert f"Ref {front['reference']} · Version {front['version']}" in text
        assert "Next review due" in text
    # The back matter may break between its blocks: it ends the leaflet, over the last two
    # pages at most, with the dates and the disclaimer on the last.
    last = normalise(pdf_text(path, count))
    tail = normalise(pdf_text(path, count - 1)) + " " + last if count > 1 else last
    assert "Contact us" in tail and "Last reviewed" in last and BRAND["disclaimer"] in last


@pytest.mark.parametrize("stem", SAMPLE_STEMS)
def test_metadata_tagging_and_embedded_subset_fonts(every_format, stem):
    front, _ = front_matter(SAMPLES / f"{stem}.md")
    reader = pypdf.PdfReader(every_format / f"{stem}.pdf")
    meta = reader.metadata
    assert meta.title == front["title"]
    assert meta.author == front["author"]
    assert meta.subject == front["summary"]
    assert meta["/Keywords"] == ", ".join(front["tags"])
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_data()  # PDF/UA-1
    fonts = subprocess.run(["pdffonts", str(every_format / f"{stem}.pdf")], check=True,
                           capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all("Atkinson-Hyperlegible" in row for row in fonts)
    for row in fonts:
        emb, sub = row.split()[-5:-3]
        assert (emb, sub) == ("yes", "yes"), row


def test_logo_is_tagged_as_a_figure_with_alt_text(every_format):
    alts = figure_alts(every_format / f"{SAMPLE_STEMS[0]}.pdf")
    assert "Riverside Spinal Clinic logo" in alts


def test_text_only_leaflet_with_logo_is_small_enough_to_email(every_format):
    assert (every_format / "minimally-invasive-spine-surgery.pdf").stat().st_size < 150_000


def test_rebuild_from_the_same_inputs_is_byte_identical(every_format, brand, tmp_path):
    # The samples and one edition in another script (right to left, with isolates).
    sources = copy_samples(tmp_path)
    for edition in (sources / "editions").glob("*.md"):
        if not edition.name.endswith(".ar.md"):
            edition.unlink()
    result = build([sources], tmp_path / "out", brand, jobs=1)
    assert result.ok and len(result.written) == len(SAMPLE_STEMS) + 1
    for stem in [*SAMPLE_STEMS, "minimally-invasive-spine-surgery.ar"]:
        assert (tmp_path / "out" / f"{stem}.pdf").read_bytes() == (every_format / f"{stem}.pdf").read_bytes()
