"""The catalogue and the live preview in Debian's Chromium: axe-core's WCAG 2.2 A/AA checks
at desktop and phone widths, focus never hidden by the problems panel, announced once."""

from __future__ import annotations

import socket

import pytest

from leafpress.authoring.preview import STATE_PATH, BuildState, PreviewServer

from .browser import axe_violations

SIZES = {"desktop": (1280, 900), "phone": (375, 800)}
PROBLEMS = [f"leaflets/live.md:{line}: error: invalid front matter: a problem to show"
            for line in (4, 9, 12)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def preview(every_format):
    """The preview server over the built samples, with three problems from the last build."""
    state = BuildState()
    state.finished(PROBLEMS)
    server = PreviewServer(every_format, free_port(), state)
    server.start()
    yield server
    server.stop()


def open_page(browser, url: str, size: str, own: bool = False):
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height}, own=own)
    page.route(lambda u: not u.startswith(("file:", "http://127.0.0.1")),
               lambda route: route.abort())
    page.goto(url)
    return page


@pytest.mark.parametrize("size", SIZES)
def test_catalogue_has_no_axe_violations(browser, every_format, size):
    page = open_page(browser, (every_format / "index.html").as_uri(), size)
    page.wait_for_load_state("load")
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_preview_with_problems_has_no_axe_violations(browser, preview, size):
    page = open_page(browser, preview.url, size)
    page.wait_for_selector("#leafpress-problems")
    assert axe_violations(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_focus_is_never_hidden_by_the_problems_panel(browser, preview, size):
    page = open_page(browser, preview.url, size)
    page.wait_for_selector("#leafpress-problems")
    page.wait_for_timeout(300)  # the panel's room is set once it is drawn
    stops = page.evaluate("""() => [...document.querySelectorAll(
        'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
        .filter(e => e.offsetParent !== null).length""")
    assert stops > 10
    names = []
    for _ in range(stops + 1):  # the first Tab may land on the document itself
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue
        box = page.evaluate("""() => {
            const a = document.activeElement.getBoundingClientRect();
            const p = document.getElementById('leafpress-problems').getBoundingClientRect();
            return {name: document.activeElement.tagName + " " + document.activeElement.textContent.trim().slice(0, 40),
                    top: a.top, bottom: a.bottom, panel: p.top, height: innerHeight}; }""")
        names.append(box["name"])
        assert box["bottom"] <= box["panel"] + 0.5, f"{box['name']!r} is under the panel"
        assert box["top"] >= 0 and box["bottom"] <= box["height"]
    assert any("Online version" in name for name in names)


def test_problems_are_announced_once_not_on_every_poll(browser, preview):
    page = open_page(browser, preview.url, "desktop", own=True)  # its clock is faked below
    # The page's own clock, run fast below (it polls once a second): installed, then the page
    # loaded again so that every poll is timed by it.
    page.clock.install()
    page.reload()
    panel = page.wait_for_selector("#leafpress-problems")
    assert panel.get_attribute("role") == "status"
    assert panel.get_attribute("aria-live") == "polite"
    page.evaluate("""() => { window.changes = 0;
        new MutationObserver(m => { window.changes += m.length; }).observe(
            document.getElementById('leafpress-problems'),
            {childList: true, subtree: true, characterData: true}); }""")
    for _ in range(3):  # three more polls of the same problems
        with page.expect_response(lambda response: response.url.endswith(STATE_PATH)):
            page.clock.run_for(1000)
    assert page.evaluate("window.changes") == 0
    assert page.locator("#leafpress-problems").inner_text().count("error:") == len(PROBLEMS)
