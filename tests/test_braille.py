"""The braille file (`brf` format): read back with liblouis's own command, page by page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from leafpress.build.builder import build
from leafpress.model.brand import load_brand
from leafpress.model.leaflet import leaflet_from_source
from leafpress.model.source import read_source

from .conftest import SAMPLES, normalise, sample_sources, write_leaflet
from .test_pdf_output import sentences

STEMS = sorted(p.stem for p in SAMPLES.glob("*.md"))
# Braille ASCII: the 64 cells are space to '_'; lines end CR LF, pages with a form feed.
BRAILLE_ASCII = {chr(code) for code in range(0x20, 0x60)}
# UEB numbers: the number sign, then a-j for the digits 1-9 and 0.
DIGITS = dict(zip("1234567890", "ABCDEFGHIJ"))


@pytest.fixture(scope="module")
def braille(tmp_path_factory, brand):
    out = tmp_path_factory.mktemp("brf")
    result = build([sample_sources(out)], out, brand, formats=("brf",), jobs=2)
    assert result.ok, [str(d) for d in result.diagnostics]
    return out


def pages(path: Path) -> list[list[str]]:
    """The lines of each page of a BRF."""
    text = path.read_bytes().decode("ascii")
    assert text.endswith("\r\n\f")
    return [page.removesuffix("\r\n").split("\r\n") for page in text.split("\f")[:-1]]


def back_translate(lines: list[str], table: str = "en-ueb-g2.ctb") -> str:
    """Print text from braille ASCII, by liblouis's own lou_translate (not the Python binding).

    liblouis reads braille ASCII in its lower-case form: letters and @[\\]^ shifted up.
    Twenty lines at a time: lou_translate drops text from very long input.
    """
    shift = {code: code + 32 for code in range(0x40, 0x5F)}
    return "".join(
        subprocess.run(["lou_translate", "--backward", table],
                       input="\n".join(lines[start:start + 20]).translate(shift) + "\n",
                       check=True, capture_output=True, text=True).stdout
        for start in range(0, len(lines), 20))


def text_lines(path: Path) -> list[str]:
    """Every line but the page-number line and the box lines around callouts."""
    return [line for page in pages(path) for line in page[1:]
            if line.strip() and set(line.strip()) != {"7"}]


def folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", normalise(text).replace("-", " ").casefold()))


def read_back(text: str) -> str:
    """Back-translated text, folded, with liblouis 3.24's one known slip put right: the UEB
    wordsign for "enough" (dots 26) standing alone comes back as "en"."""
    return re.sub(r"\ben\b", "enough", folded(text))


@pytest.mark.parametrize("stem", STEMS)
def test_every_sentence_of_the_source_comes_back(braille, brand, stem):
    leaflet = leaflet_from_source(read_source(SAMPLES / f"{stem}.md"), brand)
    text = read_back(back_translate(text_lines(braille / f"{stem}.brf")))
    expected = sentences(leaflet.body) + [leaflet.title, leaflet.summary, brand.disclaimer,
                                          brand.alternative_formats]
    missing = [sentence for sentence in expected if folded(sentence) not in text]
    assert not missing, missing
    assert len(expected) > 20


@pytest.mark.parametrize("stem", STEMS)
def test_pages_of_40_cells_by_25_lines_in_braille_ascii_with_page_numbers(braille, stem):
    path = braille / f"{stem}.brf"
    assert set(path.read_bytes().decode("ascii")) <= BRAILLE_ASCII | {"\r", "\n", "\f"}
    found = pages(path)
    assert len(found) >= 3
    for number, lines in enumerate(found, 1):
        assert len(lines) <= 25, number
        assert all(len(line) <= 40 for line in lines), number
        # The braille page number at the top right of the first line.
        assert lines[0] == ("#" + "".join(DIGITS[d] for d in str(number))).rjust(40)
        assert lines[-1].strip(), "a page does not end on a blank line"


def test_reference_version_and_review_date_come_first_and_headings_stand_apart(braille, brand):
    leaflet = leaflet_from_source(read_source(SAMPLES / "minimally-invasive-spine-surgery.md"),
                                  brand)
    first = pages(braille / "minimally-invasive-spine-surgery.brf")[0]
    top = back_translate(first[1:8])
    assert f"Ref {leaflet.reference}" in top and f"Version {leaflet.version}" in top
    assert "Next review due 1 October 2028" in top
    assert top.index("Next review due") < top.index(leaflet.summary.split()[0])
    # The title is centred with a blank line after it.
    title_line = next(i for i, line in enumerate(first) if line.strip() and i > 0
                      and back_translate([line]).strip().startswith("Minimally"))
    line = first[title_line]
    assert abs((len(line) - len(line.lstrip())) - (40 - len(line.rstrip())) ) <= 1
    # Section headings are centred after a blank line; callouts sit between box lines.
    lines = [line for page in pages(braille / "minimally-invasive-spine-surgery.brf")
             for line in page[1:]]
    heading = next(i for i, line in enumerate(lines) if back_translate([line]).strip() == "Risks")
    assert lines[heading - 1] == "" and lines[heading].startswith(" " * 10)
    boxes = [i for i, line in enumerate(lines) if line == "7" * 40]
    assert len(boxes) == 4  # two callouts
    assert back_translate([lines[boxes[0] + 1]]).strip() == "Important"


def test_a_table_is_read_row_by_row_with_its_headers(braille):
    lines = text_lines(braille / "lumbar-discectomy-recovery.brf")
    text = folded(back_translate(lines))
    source = (SAMPLES / "lumbar-discectomy-recovery.md").read_text(encoding="utf-8")
    header, _, first_row = [row for row in source.splitlines() if row.startswith("|")][:3]
    names = [cell.strip() for cell in header.strip("|").split("|")]
    cells = [cell.strip() for cell in first_row.strip("|").split("|")]
    row = " ".join(folded(f"{name}: {cell}") for name, cell in zip(names, cells))
    assert row in text


def test_languages_get_their_own_table_or_one_line_saying_why_not(project):
    folder = project / "leaflets"
    write_leaflet(folder, "polish.md", "title: Ulotka\nlang: pl", "To jest krótka ulotka.\n")
    write_leaflet(folder, "bengali.md", "title: পুস্তিকা\nlang: bn", "এটি একটি ছোট পুস্তিকা।\n")
    write_leaflet(folder, "english.md", "title: A short leaflet", "This is a short leaflet.\n")
    notes = []
    brand = load_brand(project / "styles" / "brand.toml")
    result = build([folder], project / "dist", brand, formats=("brf",), jobs=1,
                   report=notes.append)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert sorted(p.name for p in (project / "dist").glob("*.brf")) == ["english.brf", "polish.brf"]
    said = [str(d) for d in notes if "bengali" in str(d)]
    assert len(said) == 1 and "bengali.md: info: no braille file for language 'bn'" in said[0]
    polish = back_translate(text_lines(project / "dist" / "polish.brf"), "pl.tbl")
    assert "To jest kr" in polish and "ulotka" in polish
