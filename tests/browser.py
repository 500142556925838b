"""Debian's Chromium through Playwright, and axe-core's WCAG checks inside it (tests only).

axe-core comes from npm (tests/package.json, installed by `scripts/setup.sh --test` into
tests/node_modules); it is injected into the page under test, so nothing is fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CHROMIUM, CHROMIUM_ARGS

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what public-sector pages must meet.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def launch(playwright):
    """Debian's Chromium, offline: Playwright's own browser download cannot work here."""
    assert Path(CHROMIUM).is_file(), "Chromium is missing: run `bash scripts/setup.sh --test`"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def axe_violations(page, tags: list[str] = WCAG_AA) -> list[dict]:
    """Run axe-core over the page as it is now; return its violations (id, impact, nodes).

    The script is added through the DevTools protocol, so the page's own Content-Security-
    Policy (which allows only its own hashed script) does not block it.
    """
    assert AXE.is_file(), "axe-core is missing: run `bash scripts/setup.sh --test`"
    if not page.evaluate("typeof axe !== 'undefined'"):  # once a page, however many runs
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    result = page.evaluate(
        "async tags => JSON.stringify((await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))})))", tags)
    return json.loads(result)
