"""The web page and braille file in a build: chosen like any format, incremental, catalogued."""

from __future__ import annotations

import re
import shutil
import sys

import pytest
from click.testing import CliRunner

from leafpress.build.builder import build
from leafpress.build.manifest import MANIFEST, read_entries
from leafpress.cli import main
from leafpress.model.brand import load_brand

from .conftest import ROOT, write_leaflet

FRONT = "title: {title}\nreference: T-{n}\nversion: '1.0'\nurl: https://www.example.org/{n}"


@pytest.fixture
def site(project, monkeypatch):
    leaflets = project / "leaflets"
    (leaflets / "images").mkdir()
    shutil.copy(ROOT / "leaflets" / "images" / "spine-regions.svg", leaflets / "images")
    write_leaflet(leaflets, "alpha.md", FRONT.format(title="Alpha", n=1), "Alpha body.\n")
    write_leaflet(leaflets, "gamma.md", FRONT.format(title="Gamma", n=3),
                  "Gamma body.\n\n![The spine from the side](images/spine-regions.svg)\n")
    monkeypatch.chdir(project)

    def run(*formats, **options):
        brand = load_brand(project / "styles" / "brand.toml")
        return build([leaflets], project / "dist", brand, formats=formats, jobs=1, **options)

    return project, run


def test_format_all_makes_every_format_and_the_catalogue_links_both(site):
    project, _ = site
    result = CliRunner().invoke(main, ["build", "--format", "all"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in (project / "dist").glob("alpha*"))
    assert made == ["alpha-booklet.pdf", "alpha-large-print.pdf", "alpha.brf", "alpha.html",
                    "alpha.pdf"]
    index = (project / "dist" / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<a class="format format-(\w+)" href="([^"]+)"[^>]*>\s*'
                       r'<span class="format-name">([^<]+)</span>', index)
    assert ("html", "alpha.html", "Web page: for screen readers and phones") in links
    assert ("brf", "alpha.brf", "Braille file (BRF) for an embosser") in links
    assert re.search(r"alpha\.brf.*?\d+ braille pages?, \d+ KB", index, re.S)
    assert "<h3>Braille</h3>" in index and "<h3>Web page</h3>" in index


def test_the_brands_formats_list_takes_the_new_names(site):
    project, _ = site
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace('formats = ["a4"]', 'formats = ["html", "brf"]'))
    result = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "dist").iterdir() if p.is_file()
                  and not p.name.startswith(".")) == \
        ["alpha.brf", "alpha.html", "gamma.brf", "gamma.html", "index.html", "register.html",
         "search-index.js", "search-text.js"]


def test_both_rebuild_only_when_their_inputs_change(site):
    project, run = site
    dist = project / "dist"
    first = run("html", "brf")
    assert len(first.written) == 4
    entries = read_entries(dist / MANIFEST)
    gamma = entries["gamma.html"]
    assert gamma.dependencies == {"images/spine-regions.svg": gamma.dependencies[
        "images/spine-regions.svg"]}
    assert any(name.startswith("media/spine-regions-") for name in gamma.extras)

    assert run("html", "brf").written == []  # nothing changed: nothing written
    # A new picture changes the page, not the braille (which shows only its alt text).
    image = project / "leaflets" / "images" / "spine-regions.svg"
    image.write_text(image.read_text().replace("</svg>", "<!-- redrawn --></svg>"))
    assert [p.name for p in run("html", "brf").written] == ["gamma.html"]
    # A deleted copy beside the page is made again.
    copy = next(dist / name for name in read_entries(dist / MANIFEST)["gamma.html"].extras
                if name.startswith("media/spine-regions-"))
    copy.unlink()
    assert [p.name for p in run("html", "brf").written] == ["gamma.html"]
    assert copy.is_file()
    # The text changes both.
    source = project / "leaflets" / "alpha.md"
    # (An issued version's text may not change: the version goes up with it.)
    source.write_text(source.read_text().replace("Alpha body.", "Alpha body, edited.")
                      .replace("version: '1.0'", "version: '1.1'"))
    assert sorted(p.name for p in run("html", "brf").written) == ["alpha.brf", "alpha.html"]
    assert "edited" in (dist / "alpha.html").read_text(encoding="utf-8")


def test_a_language_without_braille_is_one_line_and_the_build_succeeds(site):
    project, _ = site
    # Bengali: the template speaks it (its message catalogue and brand sentences ship), but
    # there is no braille table for it here.
    write_leaflet(project / "leaflets", "bangla.md", "title: লিফলেট\nlang: bn", "লেখা।\n")
    result = CliRunner().invoke(main, ["build", "--format", "brf", "--format", "html"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "bangla" in line]
    assert lines[0] == ("leaflets/bangla.md: info: no braille file for language 'bn': liblouis has "
                        "no table for it here (see TABLES in leafpress/formats/brf.py)")
    assert (project / "dist" / "bangla.html").is_file()
    assert not (project / "dist" / "bangla.brf").exists()


def test_without_liblouis_doctor_says_how_to_fix_it_and_build_says_why(site, monkeypatch):
    project, _ = site
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace('formats = ["a4"]', 'formats = ["brf"]'))
    monkeypatch.setitem(sys.modules, "louis", None)  # import louis now fails, as if not installed
    doctor = CliRunner().invoke(main, ["doctor"], catch_exceptions=False)
    assert doctor.exit_code == 1
    assert ("error    Braille: cannot make braille files: liblouis is not installed"
            in doctor.output)
    result = CliRunner().invoke(main, ["build", "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error:" in line]
    assert lines == [f"leaflets/{stem}.md: error: could not render: RuntimeError: liblouis is not "
                     "installed: run `bash scripts/setup.sh` (Debian's python3-louis and "
                     "liblouis-data)" for stem in ("alpha", "gamma")], result.output
    assert "Traceback" not in result.output
