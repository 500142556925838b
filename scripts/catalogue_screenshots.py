"""Screenshots of a built catalogue for a person to look at: desktop, 200% zoom, phone, print.

    .venv/bin/python scripts/catalogue_screenshots.py dist/ /tmp/shots/
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]
VIEWS = {  # name: (width, height, device scale factor)
    "desktop": (1280, 900, 1),
    "zoom-200": (640, 450, 2),  # 1280 x 900 at 200% zoom has a 640 CSS px wide viewport
    "phone": (375, 740, 2),
}


def main(out: Path, shots: Path) -> None:
    """Save a full-page PNG per view, then a search (with the matching sentences marked), no
    match, keyboard focus and print."""
    shots.mkdir(parents=True, exist_ok=True)
    index = (out / "index.html").resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for name, (width, height, scale) in VIEWS.items():
            page = browser.new_page(viewport={"width": width, "height": height},
                                    device_scale_factor=scale)
            page.goto(index)
            page.screenshot(path=shots / f"{name}.png", full_page=True)
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(index)
        page.wait_for_selector("#finder[data-ready]", state="attached")  # the search index
        page.focus("#search")
        page.keyboard.type("recovery")
        page.wait_for_timeout(400)
        page.screenshot(path=shots / "search.png")
        page.fill("#search", "zzzz")
        page.wait_for_timeout(400)
        page.screenshot(path=shots / "no-match.png")
        page.fill("#search", "")
        page.focus("#search")
        for _ in range(40):  # past the filters and topics to the first PDF link: the focus ring
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.matches('a.format')"):
                break
        page.screenshot(path=shots / "focus.png")
        page.emulate_media(media="print")
        page.screenshot(path=shots / "print.png", full_page=True)
        page.pdf(path=shots / "print.pdf", format="A4")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
