"""The catalogue in a real browser: headless Chromium (Debian's) driven by Playwright, offline."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from leafpress.build.builder import build
from leafpress.catalogue.page import INDEX, THUMBS, write_catalogue

from .conftest import CHROMIUM, CHROMIUM_ARGS as ARGS, SAMPLES, write_leaflet

# One worker builds the module fixture (--dist loadgroup in pyproject).
pytestmark = pytest.mark.xdist_group("browser")

# The three samples these tests were written around (the others would change every count).
SITE_SAMPLES = ("lumbar-discectomy-recovery", "minimally-invasive-spine-surgery",
                "preparing-for-spinal-surgery")
OVERDUE = ("title: Exercises for neck pain\nsummary: Gentle exercises for adults with neck pain.\n"
           "reviewed: 2019-03-01\nreview_due: 2021-03-01\ntags: [neck, exercise]")


@pytest.fixture(scope="module")
def site(tmp_path_factory, brand):
    """The samples plus an overdue leaflet, built with a catalogue; one has a large print copy."""
    root = tmp_path_factory.mktemp("site")
    sources = root / "leaflets"
    shutil.copytree(SAMPLES, sources, ignore=lambda folder, names: [
        name for name in names if name.endswith(".md") and name[:-3] not in SITE_SAMPLES])
    write_leaflet(sources, "neck-pain-exercises.md", OVERDUE)
    out = root / "dist"
    result = build([sources], out, brand, jobs=2)
    assert result.ok, [str(d) for d in result.diagnostics]
    shutil.copy2(out / "lumbar-discectomy-recovery.pdf", out / "lumbar-discectomy-recovery-large-print.pdf")
    write_catalogue(out, result.leaflets, brand, rebuilt=result.written)
    return out


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).is_file(), "Chromium is missing: run `bash scripts/setup.sh --test`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened from file:// that records console errors and every request it makes."""

    def __init__(self, browser, site: Path, **options):
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page = browser.new_page(**options)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        # Anything that is not a local file is refused before it leaves the machine.
        self.page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        self.page.goto((site / INDEX).resolve().as_uri())

    def visible_titles(self) -> list[str]:
        return self.page.locator(".card:visible h2").all_inner_texts()


@pytest.fixture
def visit(browser, site):
    opened: list[Visit] = []

    def open_page(**options) -> Visit:
        opened.append(Visit(browser, site, **options))
        return opened[-1]

    yield open_page
    for item in opened:
        item.page.close()


def test_page_loads_from_disk_with_no_errors_and_no_network(visit, site):
    v = visit()
    page = v.page
    expect(page.locator("#finder")).to_be_visible()  # the script ran under the page's CSP
    for image in page.locator("img.thumb").all():  # thumbnails load lazily: bring each in
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
        assert image.evaluate("img => img.naturalWidth") == 300
    page.wait_for_load_state("load")
    assert v.errors == []
    allowed = {site / INDEX, site / THUMBS / "brand-logo.svg",
               *(site / THUMBS).glob("*.webp")}
    fetched = {Path(unquote(urlparse(url).path)) for url in v.requests}
    assert all(url.startswith("file://") for url in v.requests), v.requests
    assert fetched <= {p.resolve() for p in allowed}, fetched
    assert len([p for p in fetched if p.suffix == ".webp"]) == 4
    links = page.locator("a.format").all()
    assert len(links) == 5  # four A4 and one large print
    for link in links:  # every link points at a PDF that is there
        assert (site / link.get_attribute("href")).is_file()


def test_typing_filters_the_cards_and_the_count_says_so(visit):
    page = visit().page
    count = page.locator("#count")
    expect(count).to_have_text("4 leaflets")
    page.fill("#search", "discectomy")
    expect(page.locator(".card:visible")).to_have_count(1)
    expect(page.locator(".card:visible h2")).to_have_text("Recovery after a lumbar microdiscectomy")
    expect(count).to_have_text("1 of 4 leaflets")
    page.fill("#search", "spine   PREPARING")  # every word must match, in any case
    expect(page.locator(".card:visible h2")).to_have_text(["Preparing for spinal surgery"])
    page.fill("#search", "RSC-SP-001")  # the reference is searchable too
    expect(page.locator(".card:visible h2")).to_have_text(["Minimally invasive spine surgery"])
    page.fill("#search", "zzzz")
    expect(page.locator(".card:visible")).to_have_count(0)
    expect(page.locator("#empty")).to_be_visible()
    expect(page.locator("#empty h2")).to_have_text("No leaflets match")
    expect(count).to_have_text("0 of 4 leaflets")
    live = page.locator("#announce")  # what a screen reader hears, once typing stops
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    expect(live).to_have_text("0 of 4 leaflets")
    page.click("text=Show all leaflets")
    expect(page.locator(".card:visible")).to_have_count(4)
    expect(page.locator("#search")).to_be_focused()
    expect(page.locator("#search")).to_have_value("")
    expect(page.locator("#empty")).to_be_hidden()


def test_topic_filter_narrows_the_cards_and_combines_with_search(visit):
    v = visit()
    page = v.page
    page.locator(".chip", has_text="neck").click()
    assert v.visible_titles() == ["Exercises for neck pain"]
    page.locator(".chip", has_text="surgery").click()
    assert v.visible_titles() == ["Minimally invasive spine surgery", "Preparing for spinal surgery",
                                  "Recovery after a lumbar microdiscectomy"]
    expect(page.locator("#count")).to_have_text("3 of 4 leaflets")
    page.fill("#search", "keyhole")
    expect(page.locator(".card:visible h2")).to_have_text(["Minimally invasive spine surgery"])
    page.locator(".chip", has_text="All topics").click()
    page.fill("#search", "")
    expect(page.locator(".card:visible")).to_have_count(4)


def test_keyboard_reaches_search_topics_and_every_pdf_link_with_a_visible_focus(visit):
    page = visit().page
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "() => { const e = document.activeElement;"
            " return e.id || e.getAttribute('href') || e.name || e.tagName; }"))
        if reached[-1] == "BODY" or reached[-1] in reached[:-1]:
            break  # round the page once
        if reached[-1] == "lumbar-discectomy-recovery-large-print.pdf":
            style = page.evaluate(
                "() => { const s = getComputedStyle(document.activeElement);"
                " return [s.boxShadow, s.backgroundColor]; }")
            assert style[0] != "none" and style[1] == "rgb(255, 221, 0)"  # the yellow focus ring
    assert reached[0] == "#leaflets"  # the skip link comes first
    assert "search" in reached and "topic" in reached
    pdfs = [r for r in reached if r.endswith(".pdf")]
    assert pdfs.index("neck-pain-exercises.pdf") < pdfs.index("lumbar-discectomy-recovery.pdf")
    assert len(pdfs) == 5  # four A4 and one large print
    assert reached.index("search") < reached.index("topic") < reached.index(pdfs[0])

    page.focus("#search")  # Enter in the search box jumps to the first matching PDF
    page.keyboard.type("recovery")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "lumbar-discectomy-recovery.pdf"


def test_overdue_badge_shows_only_on_the_overdue_leaflet(visit):
    page = visit().page
    card = page.locator(".card", has_text="Exercises for neck pain")
    expect(card.locator(".badge-overdue")).to_be_visible()
    expect(card.locator(".badge-overdue")).to_have_text("Review overdue")
    expect(page.locator(".card .badge-overdue:visible")).to_have_count(1)
    expect(page.locator("#overdue-note")).to_contain_text("1 leaflet is past its review date")


@pytest.mark.parametrize("width, scale", [(375, 2), (640, 2)])  # a phone; 1280 px at 200% zoom
def test_narrow_screens_need_no_sideways_scrolling(visit, width, scale):
    page = visit(viewport={"width": width, "height": 800}, device_scale_factor=scale).page
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = [page.locator(s).first.bounding_box() for s in ("#search", ".card", "a.format")]
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= width for box in boxes)


def test_printed_catalogue_is_a_list_without_pictures_or_controls(visit):
    page = visit().page
    page.emulate_media(media="print")
    expect(page.locator("img.thumb").first).to_be_hidden()
    expect(page.locator("#finder")).to_be_hidden()
    expect(page.locator(".card")).to_have_count(4)
    expect(page.locator(".card:visible")).to_have_count(4)
    assert page.locator(".cards").evaluate("e => getComputedStyle(e).display") == "block"
    assert "neck-pain-exercises.pdf" in page.locator("a.format").first.evaluate(
        "a => getComputedStyle(a, '::after').content")


CONTRAST = """(selectors) => {
  const rgb = c => {  // "rgb(r, g, b)", or "color(srgb r g b)" (0 to 1) for color-mix()
    const n = c.match(/[\\d.]+/g).map(Number);
    return c.startsWith("color(") ? n.map((v, i) => (i < 3 ? v * 255 : v)) : n;
  };
  const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
    .map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = e => {
    for (; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (rgb(c).length < 4 || rgb(c)[3] > 0) return rgb(c).slice(0, 3);
    }
    return [255, 255, 255];
  };
  return selectors.map(s => {
    const e = document.querySelector(s);
    const [a, b] = [lum(rgb(getComputedStyle(e).color)), lum(background(e))].sort((x, y) => y - x);
    return [s, (a + 0.05) / (b + 0.05)];
  });
}"""


def test_text_meets_wcag_aa_contrast(visit):
    page = visit().page
    selectors = [".lede", ".search-field label", ".chip > span", ".chip input:checked + span",
                 ".count", ".card-title", ".summary", ".tags li", ".dates dt", ".dates dd",
                 ".card:not([hidden]) .badge-overdue:not([hidden])", ".formats li:first-child .format-name",
                 ".formats li:first-child .format-details", ".formats li + li .format-name",
                 ".formats li + li .format-details", ".online a", ".url", ".reference",
                 ".help h3", ".help li", ".site-footer p"]
    ratios = page.evaluate(CONTRAST, selectors)
    assert [(s, round(r, 1)) for s, r in ratios if r < 4.5] == []
