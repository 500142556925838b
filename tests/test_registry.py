"""The output model: a new format is one class and one line in the registry, and every stage
(build, manifest, worker, catalogue) follows it."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from click.testing import CliRunner
from PIL import Image, ImageChops, ImageStat

from leafpress import formats
from leafpress.build.builder import build
from leafpress.cli import main
from leafpress.formats.base import Format, Output

from .conftest import write_leaflet

GOOD = "title: Knee replacement\nreference: K-1\nversion: '1.0'"


class PlainText(Format):
    """A throwaway output: the title and the Markdown body as a text file."""

    name = "plain-text"
    suffix = "-plain"
    extension = ".txt"
    label = "Plain text"
    media_type = "text/plain"
    needs_weasyprint = False

    def render(self, leaflet, brand, state):
        return Output(f"{leaflet.title}\n\n{leaflet.body}".encode(), pages=None)


@pytest.fixture
def plain_text():
    fmt = formats.register(PlainText())
    yield fmt
    del formats.REGISTRY[fmt.name]


def test_a_format_registered_in_one_line_is_built_recorded_and_listed(project, brand, plain_text):
    write_leaflet(project / "leaflets", "knee.md", GOOD, "Rest your knee.\n")
    out = project / "dist"
    result = build([project / "leaflets"], out, brand, formats=("a4", "plain-text"), jobs=1)
    assert result.ok, [str(d) for d in result.diagnostics]
    assert (out / "knee-plain.txt").read_text() == "Knee replacement\n\nRest your knee.\n"
    manifest = json.loads((out / ".leafpress-manifest.json").read_text())
    assert manifest["entries"]["knee-plain.txt"]["format"] == "plain-text"
    page = (out / "index.html").read_text()
    assert 'href="knee-plain.txt" type="text/plain"' in page
    assert "Plain text" in page
    again = build([project / "leaflets"], out, brand, formats=("a4", "plain-text"), jobs=1)
    assert again.written == [] and len(again.up_to_date) == 2  # incremental like the PDFs


def test_the_brand_may_name_a_registered_format_and_not_an_unknown_one(project, plain_text,
                                                                      monkeypatch):
    brand_file = project / "styles" / "brand.toml"
    text = brand_file.read_text()
    brand_file.write_text(text.replace('formats = ["a4"]', 'formats = ["plain-txt"]'))
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 2
    line = text.split("\n").index('formats = ["a4"]') + 1
    assert result.output.strip() == (f"styles/brand.toml:{line}: error: unknown format "
                                      "'plain-txt' (did you mean 'plain-text'?)")
    brand_file.write_text(text.replace('formats = ["a4"]', 'formats = ["plain-text"]'))
    write_leaflet(project / "leaflets", "knee.md", GOOD)
    assert CliRunner().invoke(main, ["build"]).exit_code == 0
    assert (project / "dist" / "knee-plain.txt").is_file()


def _half_as_poppler_draws_it(pdf, left: bool, width: int) -> Image.Image:
    """One half of the first sheet's front, rendered by poppler (not by leafpress's PDFium)."""
    sheet_width, sheet_height = 842, 595  # A4 landscape, in points
    scale = width / (sheet_width / 2)
    done = subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(72 * scale), "-png",
                           "-x", "0" if left else str(round(sheet_width / 2 * scale)), "-y", "0",
                           "-W", str(width), "-H", str(round(sheet_height * scale)), str(pdf)],
                          check=True, capture_output=True)
    return Image.open(io.BytesIO(done.stdout)).convert("L")


class WithNotes(PlainText):
    """The throwaway output with a file beside it that is not content-named media."""

    name = "with-notes"
    suffix = "-notes"

    def render(self, leaflet, brand, state):
        output = super().render(leaflet, brand, state)
        output.extras = {"notes.txt": b"beside it"}
        return output


def test_an_issued_output_whose_extra_file_cannot_be_archived_is_not_written(project, brand):
    """The archive keeps only media/<name>-<hash> files beside a page (names that say their
    bytes): anything else is one line, and the output does not go out unarchived."""
    fmt = formats.register(WithNotes())
    try:
        write_leaflet(project / "leaflets", "knee.md", GOOD, "Rest your knee.\n")
        result = build([project / "leaflets"], project / "dist", brand, formats=("with-notes",), jobs=1)
    finally:
        del formats.REGISTRY[fmt.name]
    assert not result.ok and not (project / "dist" / "knee-notes.txt").exists()
    messages = [str(d) for d in result.diagnostics]
    assert any("cannot archive notes.txt beside it" in m for m in messages), messages


@pytest.mark.parametrize("lang, body", [
    ("en-GB", "## Recovery\n\n" + "Walk a little. " * 300),
    ("ar", "## التعافي\n\n" + "امشِ قليلاً كل يوم. " * 200),
])
def test_a_booklet_only_catalogue_shows_page_1_not_the_imposed_sheet(project, brand, lang, body):
    write_leaflet(project / "leaflets", "knee.md", f"{GOOD}\nlang: {lang}", body)
    thumb = project / "dist" / "thumbs" / "knee.webp"
    result = build([project / "leaflets"], project / "dist", brand, formats=("booklet",), jobs=1)
    assert result.ok, [str(d) for d in result.diagnostics]
    _assert_page_1(thumb, project / "dist" / "knee-booklet.pdf", page_1_on_left=lang == "ar")
    # Made again from the written booklet (the build rendered nothing): the same half.
    thumb.unlink()
    again = build([project / "leaflets"], project / "dist", brand, formats=("booklet",), jobs=1)
    assert again.ok and again.written == [] and thumb.is_file()
    _assert_page_1(thumb, project / "dist" / "knee-booklet.pdf", page_1_on_left=lang == "ar")


def _assert_page_1(thumb, pdf, page_1_on_left: bool) -> None:
    picture = Image.open(io.BytesIO(thumb.read_bytes()))
    # An A5 page is portrait (1.41 high for 1 wide); the imposed A4 sheet is landscape (0.71).
    assert picture.height / picture.width == pytest.approx(210 / 148, abs=0.02)
    # Page 1 opens with the masthead and title at the top; the back cover does not.
    top = picture.convert("L").crop((0, 0, picture.width, picture.height // 5))
    assert top.getextrema()[0] < 128, "the top of the picture is blank: not page 1"
    # The picture is the half of the sheet that page 1 is on: the right half of a booklet
    # that opens left to right, the left half of a right-to-left one.
    title = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", "0" if page_1_on_left else "421",
                            "-y", "0", "-W", "421", "-H", "595", str(pdf), "-"],
                           check=True, capture_output=True, text=True).stdout
    assert "Knee replacement" in title
    grey = picture.convert("L")

    def difference(left: bool) -> float:
        # Compared small, where the two renderers' anti-aliasing no longer tells them apart.
        small = (grey.width // 8, grey.height // 8)
        half = _half_as_poppler_draws_it(pdf, left, grey.width).resize(small, Image.BOX)
        return ImageStat.Stat(ImageChops.difference(grey.resize(small, Image.BOX), half)).mean[0]

    assert difference(page_1_on_left) < 6 < difference(not page_1_on_left), (
        difference(page_1_on_left), difference(not page_1_on_left))
