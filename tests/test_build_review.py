"""build shares check's review rule: an overdue leaflet builds with a warning, unless --strict."""

from __future__ import annotations

import pypdf
from click.testing import CliRunner

from leafpress.cli import main

from .conftest import write_leaflet

OVERDUE = ("title: Overdue leaflet\nreviewed: 2019-03-01\nreview_due: 2021-03-01\n"
           "reference: T-1\nversion: '1.0'")
CURRENT = ("title: Current leaflet\nreviewed: 2026-01-01\nreview_due: 2099-01-01\n"
           "reference: T-2\nversion: '1.0'")


def test_an_overdue_leaflet_builds_with_a_warning(project, monkeypatch):
    write_leaflet(project / "leaflets", "overdue.md", OVERDUE)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert ("leaflets/overdue.md:4: warning: review overdue since 2021-03-01: do not give this "
            "leaflet out until it has been reviewed") in result.stderr.splitlines()
    assert len(pypdf.PdfReader(project / "dist" / "overdue.pdf").pages) == 1


def test_build_strict_refuses_an_overdue_leaflet_and_builds_the_rest(project, monkeypatch):
    write_leaflet(project / "leaflets", "overdue.md", OVERDUE)
    write_leaflet(project / "leaflets", "current.md", CURRENT)
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["build", "--strict", "-j", "1"], catch_exceptions=False)
    assert result.exit_code == 1
    assert ("leaflets/overdue.md:4: error: review overdue since 2021-03-01 (not built: --strict)"
            in result.stderr.splitlines())
    assert sorted(p.name for p in (project / "dist").glob("*.pdf")) == ["current.pdf"]
