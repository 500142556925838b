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


class Tabs:
    """Chromium's tabs, kept open from test to test.

    Opening a tab costs Chromium about 0.3 s of CPU; loading a page into one already open,
    a third of that. `new_page` hands out a free tab (or opens one); when the test ends,
    `reclaim` takes its tabs back blank, without the listeners, routes and media emulation
    the test gave them. What a tab would keep beyond that (init scripts, exposed functions,
    a faked clock) needs a tab of its own: `new_page(own=True)`, closed after the test, never
    reused. A shared tab refuses those calls, and one whose clock was faked is not reused.
    """

    VIEWPORT = {"width": 1280, "height": 720}  # Playwright's default
    KEPT = ("once", "add_init_script", "expose_function", "expose_binding",
            "add_locator_handler", "set_extra_http_headers")  # what reclaim cannot undo
    live: list[Tabs] = []

    def __init__(self, chromium):
        self.chromium = chromium
        self._free: list = []
        self._lent: list[tuple[object, list | None]] = []  # (tab, its listeners; None: own)
        Tabs.live.append(self)

    def new_page(self, viewport: dict | None = None, own: bool = False, **options):
        if own or options:
            page = self.chromium.new_page(viewport=viewport or self.VIEWPORT, **options)
            self._lent.append((page, None))
            return page
        page = self._free.pop() if self._free else self.chromium.new_page()
        page.set_viewport_size(viewport or self.VIEWPORT)
        listeners: list = []

        def on(event, handler, subscribe=type(page).on.__get__(page)):
            listeners.append((event, handler))
            subscribe(event, handler)

        def refused(*_args, **_kwargs):
            raise AssertionError("reclaim cannot undo this on a shared tab: use new_page(own=True)")

        page.on = on  # recorded, so that reclaim can take each one off again
        for name in self.KEPT:
            setattr(page, name, refused)
        self._lent.append((page, listeners))
        return page

    def reclaim(self) -> None:
        lent, self._lent = self._lent, []
        faked = []
        for page, listeners in lent:
            if page.is_closed():
                continue
            try:
                if listeners is None:
                    raise LookupError  # its own: closed
                page.goto("about:blank")  # first: nothing the last page asks for goes out
                for event, handler in listeners:
                    page.remove_listener(event, handler)
                page.unroute_all(behavior="ignoreErrors")
                page.emulate_media(media="null", color_scheme="null", reduced_motion="null",
                                   forced_colors="null", contrast="null")
                # page.clock cannot be refused beforehand: a faked one shows in the timers.
                if not page.evaluate("String(setTimeout).includes('[native code]')"):
                    faked.append(page)
                    raise LookupError
            except Exception:  # noqa: BLE001 - a tab that cannot be made blank is not reused
                page.close()
                continue
            self._free.append(page)
        assert not faked, "a shared tab's clock was faked: use new_page(own=True)"


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
