"""build --format: which files a reception desk gets for each choice."""

from __future__ import annotations

import pypdf
import pytest
from click.testing import CliRunner

from leafpress.cli import main

from .conftest import write_leaflet

GOOD = "title: A good leaflet\nreference: T-1\nversion: '1.0'\nurl: https://www.example.org/good"


@pytest.fixture
def run(project, monkeypatch):
    monkeypatch.chdir(project)
    write_leaflet(project / "leaflets", "good.md", GOOD)
    return lambda *args: CliRunner().invoke(main, ["build", *args], catch_exceptions=False)


def names(project) -> list[str]:
    return sorted(p.name for p in (project / "dist").glob("*.pdf"))


def test_format_all_writes_the_three_formats(project, run):
    result = run("--format", "all")
    assert result.exit_code == 0, result.output
    assert names(project) == ["good-booklet.pdf", "good-large-print.pdf", "good.pdf"]
    booklet = pypdf.PdfReader(project / "dist" / "good-booklet.pdf")
    assert len(booklet.pages) == 2  # one sheet, both sides
    assert float(booklet.pages[0].mediabox.width) > float(booklet.pages[0].mediabox.height)


def test_format_is_repeatable(project, run):
    result = run("--format", "booklet", "--format", "large-print")
    assert result.exit_code == 0, result.output
    assert names(project) == ["good-booklet.pdf", "good-large-print.pdf"]


def test_default_formats_come_from_the_brand(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace('formats = ["a4"]', 'formats = ["large-print"]'))
    result = run()
    assert result.exit_code == 0, result.output
    assert names(project) == ["good-large-print.pdf"]


def test_unknown_format_is_a_usage_error(project, run):
    result = run("--format", "a5")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output
    assert not (project / "dist").exists()
