"""Golden HTML for one sample: a template or markup change shows up as a readable diff.

Refresh after an intended change:  LEAFPRESS_REFRESH_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os

from leafpress import __version__
from leafpress.model.leaflet import leaflet_from_source
from leafpress.render.html import render_html
from leafpress.model.source import read_source

from .conftest import ROOT, SAMPLES

GOLDEN = ROOT / "tests" / "golden" / "minimally-invasive-spine-surgery.html"


def portable(html: str) -> str:
    """Replace what differs between machines and releases: checkout path and version."""
    return html.replace(ROOT.as_uri(), "file://PROJECT").replace(__version__, "VERSION")


def test_sample_html_matches_golden(brand):
    leaflet = leaflet_from_source(read_source(SAMPLES / "minimally-invasive-spine-surgery.md"), brand)
    html = portable(render_html(leaflet, brand, "a4"))
    if os.environ.get("LEAFPRESS_REFRESH_GOLDEN"):
        GOLDEN.write_text(html, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), html.splitlines(True),
                                        "golden", "rendered"))
    assert not diff, f"HTML changed; if intended, refresh the golden file:\n{diff}"
