"""The build command as users and scripts run it: exit codes and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pypdf
import pytest
from click.testing import CliRunner

from leafpress.cli import main

from .conftest import ROOT, write_leaflet

GOOD = "title: A good leaflet\nreference: T-1\nversion: '1.0'"


@pytest.fixture
def run(project, monkeypatch):
    """Invoke the CLI inside the project folder, as a user at a terminal would."""
    monkeypatch.chdir(project)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_build_writes_one_pdf_per_source_and_exits_0(project, run):
    write_leaflet(project / "leaflets", "first.md", GOOD)
    (project / "leaflets" / "sub").mkdir()
    write_leaflet(project / "leaflets" / "sub", "second.md", GOOD)
    result = run("build")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "dist").glob("*.pdf")) == ["first.pdf", "second.pdf"]
    assert len(pypdf.PdfReader(project / "dist" / "first.pdf").pages) == 1


def test_one_broken_leaflet_fails_alone_with_path_and_line(project, run):
    write_leaflet(project / "leaflets", "good.md", GOOD)
    write_leaflet(project / "leaflets", "bad.md", "title: Bad\nreviewed: soon")
    result = run("build", "-o", "out")
    assert result.exit_code == 1
    assert "leaflets/bad.md:3: error: 'reviewed' must be a date like 2026-10-01" in result.stderr
    assert "Traceback" not in result.output
    assert [p.name for p in (project / "out").glob("*.pdf")] == ["good.pdf"]


def test_two_sources_with_one_stem_are_both_errors(project, run):
    (project / "leaflets" / "a").mkdir()
    (project / "leaflets" / "b").mkdir()
    write_leaflet(project / "leaflets" / "a", "same.md", GOOD)
    write_leaflet(project / "leaflets" / "b", "same.md", GOOD)
    write_leaflet(project / "leaflets", "other.md", GOOD)
    result = run("build")
    assert result.exit_code == 1
    assert "leaflets/a/same.md: error: another source also makes same.pdf" in result.stderr
    assert "leaflets/b/same.md: error: another source also makes same.pdf" in result.stderr
    assert [p.name for p in (project / "dist").glob("*.pdf")] == ["other.pdf"]


def test_bad_brand_exits_2_with_path_and_line(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace('accent = "#b3400b"', 'accent = "orange"'))
    write_leaflet(project / "leaflets", "good.md", GOOD)
    result = run("build")
    assert result.exit_code == 2
    assert result.stderr.strip() == \
        "styles/brand.toml:18: error: colour 'accent' must be written as \"#rrggbb\""
    assert not (project / "dist").exists()


def test_missing_source_is_an_error_and_the_rest_still_builds(project, run):
    write_leaflet(project / "leaflets", "good.md", GOOD)
    result = run("build", "leaflets", "nowhere.md")
    assert result.exit_code == 1
    assert "nowhere.md: error: no such file or folder" in result.stderr
    assert (project / "dist" / "good.pdf").is_file()


def test_unknown_option_is_a_usage_error_exit_2(project, run):
    assert run("build", "--colour").exit_code == 2


def test_generate_py_runs_as_a_subprocess(project, run, tmp_path):
    write_leaflet(project / "leaflets", "good.md", GOOD)
    out = tmp_path / "sub-out"
    done = subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "-o", str(out)],
                          cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout
    assert pypdf.PdfReader(out / "good.pdf").metadata.title == "A good leaflet"
