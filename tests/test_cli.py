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


def test_a_template_mistake_is_one_line_at_its_line_and_nothing_renders(project, run):
    for number in range(3):
        write_leaflet(project / "leaflets", f"l{number}.md", GOOD)
    template = project / "templates" / "leaflet.html.j2"
    lines = template.read_text().split("\n")
    at = next(i for i, line in enumerate(lines) if "<title>" in line)
    lines[at] = lines[at].replace("}}", "}")
    template.write_text("\n".join(lines))
    result = run("build")
    assert result.exit_code == 2
    assert result.output.strip() == f"templates/leaflet.html.j2:{at + 1}: error: template error: unexpected '}}'"
    assert not (project / "dist").exists() or not list((project / "dist").glob("*.pdf"))


def test_a_missing_stylesheet_of_a_chosen_format_is_one_line(project, run):
    write_leaflet(project / "leaflets", "good.md", GOOD)
    (project / "styles" / "large-print.css").unlink()
    assert run("build").exit_code == 0  # A4 alone does not need it
    result = run("build", "--format", "all")
    assert result.exit_code == 2
    assert result.output.strip() == ("styles/large-print.css: error: stylesheet not found "
                                     "(the large-print format needs it)")


@pytest.mark.parametrize("args", [["build", "-o", "/proc/leafpress-test"],
                                  ["new", "A title", "--folder", "/proc/leafpress-test"],
                                  ["watch", "-o", "/proc/leafpress-test", "-p", "0"]])
def test_an_unusable_output_folder_is_one_line_not_a_traceback(project, run, args):
    write_leaflet(project / "leaflets", "good.md", GOOD)
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.strip().startswith("/proc/leafpress-test: error: cannot ")
    assert "Traceback" not in result.output and len(result.output.strip().split("\n")) == 1


def test_an_index_html_that_cannot_be_written_is_one_line_and_the_pdfs_are_whole(project, run):
    write_leaflet(project / "leaflets", "good.md", GOOD)
    (project / "dist" / "index.html").mkdir(parents=True)
    result = run("build")
    assert result.exit_code == 1
    assert "dist/index.html: error: cannot write the catalogue: is a directory" in result.output
    assert "Traceback" not in result.output
    assert pypdf.PdfReader(project / "dist" / "good.pdf").metadata.title == "A good leaflet"


def test_an_unexpected_error_keeps_its_traceback_behind_debug(project, run, monkeypatch):
    from leafpress.formats.a4 import A4

    def broken(self, leaflet, brand, state):
        raise ZeroDivisionError("a bug in the renderer")

    monkeypatch.setattr(A4, "render", broken)  # the workers are forked: they inherit it
    write_leaflet(project / "leaflets", "good.md", GOOD)
    plain = run("build")
    assert plain.exit_code == 1
    assert "leaflets/good.md: error: could not render: ZeroDivisionError: a bug in the renderer" \
        in plain.output
    assert "Traceback" not in plain.output
    debug = run("build", "--debug")
    assert debug.exit_code == 1
    assert "Traceback (most recent call last)" in debug.output and "def broken" not in debug.output
    assert 'raise ZeroDivisionError("a bug in the renderer")' in debug.output
