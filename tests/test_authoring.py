"""`new` and `doctor`: what authors and whoever sets up the machine run."""

from __future__ import annotations

import datetime

import pypdf
import pytest
from click.testing import CliRunner

from leafpress.build.builder import build
from leafpress.cli import main
from leafpress.model.brand import load_brand
from leafpress.model.leaflet import leaflet_from_source
from leafpress.authoring.scaffold import add_months, new_leaflet, slugify
from leafpress.model.source import read_source

from .conftest import front_matter, normalise, pdf_text, write_leaflet


def two_years_after(day: datetime.date) -> datetime.date:
    """The shipped brand's review_interval_months = 24, worked out without add_months."""
    try:
        return day.replace(year=day.year + 2)
    except ValueError:  # 29 February: the month has no such day two years on
        return day.replace(year=day.year + 2, day=28)


@pytest.fixture
def run(project, monkeypatch):
    monkeypatch.chdir(project)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_new_writes_every_field_and_the_recommended_sections(project, run):
    result = run("new", "Hip & knee: what next?")
    assert result.exit_code == 0, result.output
    path = project / "leaflets" / "hip-knee-what-next.md"
    assert f"created {path.relative_to(project)}" in result.output
    # Read back with PyYAML, and leafpress's own parser must accept it too.
    leaflet_from_source(read_source(path), load_brand(project / "styles" / "brand.toml"))
    front, body = front_matter(path)
    today = datetime.date.today()
    assert front["title"] == "Hip & knee: what next?"
    assert front["reviewed"] == today
    assert front["review_due"] == two_years_after(today)
    assert (front["reference"], front["version"]) == ("LEAF-001", "1.0")
    assert front["url"] == "https://www.example.org/leaflets/hip-knee-what-next"
    assert front["lang"] == "en-GB"
    assert all([front["summary"], front["author"], front["tags"]])
    for heading in ("## What is it?", "## What are the benefits?", "## What are the risks?",
                    "## What else could I do?", "## Recovery", '!!! urgent "Get help urgently"',
                    "## Questions to ask"):
        assert heading in body
    assert "Doing nothing is also a choice" in body


def test_new_leaflet_builds_as_it_is(project, brand, tmp_path):
    path = new_leaflet("Epidural steroid injection", project / "leaflets", brand)
    result = build([path], tmp_path / "out", brand, jobs=1)
    assert result.ok, [str(d) for d in result.diagnostics]
    pdf = tmp_path / "out" / "epidural-steroid-injection.pdf"
    assert pypdf.PdfReader(pdf).metadata.title == "Epidural steroid injection"
    assert "Get help urgently" in normalise(pdf_text(pdf))


def test_new_never_overwrites(project, run):
    existing = write_leaflet(project / "leaflets", "back-pain.md", "title: Mine")
    before = existing.read_bytes()
    result = run("new", "Back pain")
    assert result.exit_code == 1
    assert result.stderr.strip() == \
        "leaflets/back-pain.md: error: already exists; choose another --slug (nothing was changed)"
    assert existing.read_bytes() == before
    assert run("new", "Back pain", "--slug", "back-pain-2").exit_code == 0
    assert (project / "leaflets" / "back-pain-2.md").is_file()


def test_new_takes_the_next_free_reference(project, brand):
    write_leaflet(project / "leaflets", "a.md", "title: A\nreference: RSC-SP-009")
    write_leaflet(project / "leaflets", "b.md", "title: B\nreference: RSC-SP-010")
    (project / "leaflets" / "broken.md").write_text("no front matter")
    path = new_leaflet("C", project / "leaflets", brand)
    assert front_matter(path)[0]["reference"] == "RSC-SP-011"


@pytest.mark.parametrize(("day", "months", "expected"), [
    (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
    (datetime.date(2026, 11, 25), 24, datetime.date(2028, 11, 25)),
    (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
])
def test_review_due_adds_calendar_months(day, months, expected):
    assert add_months(day, months) == expected


def test_slug_is_plain_ascii():
    assert slugify("Épidural: après l'opération") == "epidural-apres-l-operation"


def test_doctor_reports_a_healthy_machine(project, run):
    result = run("doctor")
    assert result.exit_code == 0, result.output
    for what in ("Python", "WeasyPrint", "Pango", "HarfBuzz subsetting", "Brand", "Fonts",
                 "Output folder"):
        assert f"ok       {what}:" in result.output
    assert "Ready to build leaflets." in result.output


def test_doctor_names_what_blocks_a_build_and_how_to_fix_it(project, run):
    (project / "styles" / "fonts" / "AtkinsonHyperlegible-Bold.ttf").unlink()
    (project / "not-a-folder").write_text("")
    result = run("doctor", "-o", "not-a-folder/dist")
    assert result.exit_code == 1
    assert "error    Fonts: missing: fonts/AtkinsonHyperlegible-Bold.ttf" in result.output
    assert "fix: restore styles/fonts/" in result.output
    assert "error    Output folder: not-a-folder/dist is not writable" in result.output


def test_doctor_reports_a_broken_brand(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace('name = "', 'nmae = "'))
    result = run("doctor")
    assert result.exit_code == 1
    assert "error    Brand: styles/brand.toml:5: error: unknown brand key 'nmae'" in result.output


def test_new_leaflet_passes_check_with_warnings_at_most(project, brand):
    from leafpress.check.rules import check

    path = new_leaflet("Facet joint injection", project / "leaflets", brand)
    report = check([path], brand, datetime.date.today())
    assert [r.title for r in report.leaflets] == ["Facet joint injection"]
    assert not report.failed(strict=False), [str(d) for d in report.all_findings()]


def test_doctor_warns_when_the_brand_fails_the_house_rules(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace('primary = "#00677f"', 'primary = "#aaaaaa"'))
    result = run("doctor")
    assert result.exit_code == 0  # leaflets still build
    line = next(l for l in result.output.splitlines() if "Brand:" in l)
    assert line.startswith("warning  Brand: ") and "#aaaaaa" in line
