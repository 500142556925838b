"""The web page (`html` format) in Debian's Chromium: axe-clean, offline, the PDF's words."""

from __future__ import annotations

import hashlib
from difflib import SequenceMatcher
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest

from leafpress.build.builder import build
from leafpress.model.language import direction
from leafpress.model.leaflet import leaflet_from_source
from leafpress.model.source import read_source

from .browser import axe_violations
from .conftest import SAMPLES, normalise, pdf_text, write_leaflet
from .test_pdf_output import without_link_addresses

STEMS = sorted(p.stem for p in SAMPLES.glob("*.md"))
WIDTHS = (1280, 640, 375)  # a desktop, the desktop at 200% zoom, a phone


@pytest.fixture(scope="module")
def site(every_format):
    """Every sample as an A4 PDF and a web page (the shared build of every format)."""
    return every_format


def open_page(browser, path: Path, width: int = 1280):
    """The page from file://, recording every request; anything not a local file is refused."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    page.goto(path.resolve().as_uri())
    return page


def words(text: str) -> list[str]:
    """Words, case folded; hyphens joined (pdftotext drops the one a line breaks after)."""
    return re.findall(r"\w+", normalise(text).replace("-", "").casefold())


@pytest.mark.parametrize("stem", STEMS)
def test_axe_finds_nothing_at_desktop_zoom_and_phone_widths(site, browser, stem):
    page = open_page(browser, site / f"{stem}.html", WIDTHS[0])
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})  # the page reflows as it would
        assert page.evaluate("innerWidth") == width
        assert axe_violations(page) == [], (stem, width)
        # Readable without sideways scrolling.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (stem, width)


@pytest.mark.parametrize("stem", STEMS)
def test_no_request_leaves_the_page_and_its_policy_blocks_the_rest(site, browser, stem):
    page = open_page(browser, site / f"{stem}.html")
    folder = site.resolve().as_uri() + "/"
    assert page.requests and all(url.startswith(folder) for url in page.requests), page.requests
    assert page.errors == []  # the policy let the page's own style through, and nothing failed
    policy = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert page.locator("script").count() == 0
    # The inline style applied under that policy: the title is in the brand's colour.
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).color") == "rgb(0, 103, 127)"
    # A script added to the page anyway does not run.
    page.evaluate("""() => { const s = document.createElement('script');
                     s.textContent = 'document.title = "ran"'; document.head.append(s); }""")
    assert page.title() != "ran"


@pytest.mark.parametrize("stem", STEMS)
def test_the_page_has_the_pdfs_words_in_the_pdfs_order(site, browser, brand, stem):
    leaflet = leaflet_from_source(read_source(SAMPLES / f"{stem}.md"), brand)
    page = open_page(browser, site / f"{stem}.html")
    page.evaluate("document.querySelector('.skip-link').remove()")
    html = page.evaluate("document.body.innerText")
    header_rows = page.evaluate("[...document.querySelectorAll('thead tr')].map(r => r.innerText)")
    # A printed page's furniture is not its text: the footer on every page, and a table's
    # header row repeated at the top of the next page.
    footer = re.compile(re.escape(f"Ref {leaflet.reference} · Version {leaflet.version} Next "
                                  f"review due {leaflet.review_due.day} {leaflet.review_due:%B %Y}")
                        + r" Page \d+ of \d+$")
    pages = []
    for number, text in enumerate(pdf_text(site / f"{stem}.pdf").split("\f")):
        text = footer.sub("", normalise(text))
        text = " ".join(words(without_link_addresses(text)))
        for row in header_rows:
            heading = " ".join(words(row))
            if number and text.startswith(heading + " "):
                text = text[len(heading):]
        pages.append(text)
    ours, printed = words(html), words(" ".join(pages))
    # Labels drawn inside an SVG picture are the picture's own (its alt text speaks for it):
    # the only words the PDF may add, where the picture is.
    labels = {word for label in picture_labels(site / f"{stem}.html") for word in words(label)}
    for op, a, b, c, d in SequenceMatcher(None, ours, printed, autojunk=False).get_opcodes():
        if op != "equal":
            assert op == "insert" and set(printed[c:d]) <= labels, (op, ours[a:b], printed[c:d])
    assert len(ours) > 300


@pytest.mark.parametrize("stem", STEMS)
def test_structure_a_screen_reader_navigates_by(site, browser, brand, stem):
    leaflet = leaflet_from_source(read_source(SAMPLES / f"{stem}.md"), brand)
    page = open_page(browser, site / f"{stem}.html")
    assert page.locator("html").get_attribute("lang") == "en-GB"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("h1").all_inner_texts() == [leaflet.title]
    levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels  # no level skipped
    # The skip link is the first thing Tab reaches, and it goes to the leaflet.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to the leaflet"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    for region in page.locator(".admonition").all():
        assert region.get_attribute("role") == "region"
        title = region.locator(".admonition-title").inner_text()
        assert page.evaluate("r => document.getElementById(r.getAttribute('aria-labelledby'))"
                             ".textContent", region.element_handle()) == title
    for cell in page.locator("thead th").all():
        assert cell.get_attribute("scope") == "col"
    for image in page.locator("img").all():
        src = image.get_attribute("src")
        assert src.startswith("media/") and image.get_attribute("alt")
        assert image.evaluate("i => i.complete && i.naturalWidth > 0"), src


def body_images(page: Path) -> list[Path]:
    """The files the page's body pictures point at (not the logo or the QR code)."""
    html = page.read_text(encoding="utf-8").split("<main", 1)[1].split("</main>")[0]
    return [page.parent / src for src in re.findall(r'<img [^>]*src="([^"]+)"', html)]


def picture_labels(page: Path) -> list[str]:
    labels = []
    for image in body_images(page):
        if image.suffix == ".svg":
            labels += [t.strip() for t in ElementTree.parse(image).getroot().itertext() if t.strip()]
    return labels


def test_body_images_are_copies_of_the_leaflets_own_files(site):
    html = (site / "preparing-for-spinal-surgery.html").read_text(encoding="utf-8")
    sources = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (SAMPLES / "images").iterdir()}
    body = [path.relative_to(site).as_posix() for path in
            body_images(site / "preparing-for-spinal-surgery.html")]
    assert body and all(name.startswith("media/") for name in body), body
    for name in body:
        assert hashlib.sha256((site / name).read_bytes()).hexdigest() in sources
    assert "images/" not in html and "file:" not in html


def test_printed_from_the_browser_it_drops_the_skip_link_and_shows_addresses(site, browser,
                                                                           tmp_path):
    page = open_page(browser, site / "minimally-invasive-spine-surgery.html")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.skip-link')).display") == "none"
    page.pdf(path=str(tmp_path / "printed.pdf"))  # not into the shared build: others read it
    assert "Skip to the leaflet" not in pdf_text(tmp_path / "printed.pdf")


# Each word of the contact box's labels: on how many lines it lies (more than one: split).
SPLIT_WORDS = """() => [...document.querySelectorAll('.contact th')].flatMap(th => {
    const node = th.firstChild, split = [];
    for (const word of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1)
            split.push(word[0]);
    }
    return split;
})"""


# The right edge of a box's table, and of the box's content (inside its border and padding).
BOX_EDGES = """box => { const e = document.querySelector(box), s = getComputedStyle(e);
    return [e.querySelector('table').getBoundingClientRect().right, e.getBoundingClientRect().right
            - parseFloat(s.borderRightWidth) - parseFloat(s.paddingRight)]; }"""


def test_the_contact_labels_break_only_between_words_on_a_phone(site, browser):
    """Arabic's "البريد الإلكتروني" (email) once came out as "الإلكترو" over "ني", and Chinese
    "电话" one character a line."""
    pages = sorted(p for p in site.glob("*.html") if p.name not in ("index.html", "register.html"))
    assert len(pages) == 11  # every sample and edition
    page = browser.new_page()  # one tab for all of them: each new one costs Chromium 0.3 s
    for path in pages:
        page.set_viewport_size({"width": 375, "height": 900})
        page.goto(path.resolve().as_uri())
        assert page.locator(".contact th").count() == 4
        for width in (375, 320):
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate(SPLIT_WORDS) == [], (path.name, width)
            # The table stays inside its box's padding (labels kept whole must not push it out).
            table, inner = page.evaluate(BOX_EDGES, ".contact")
            assert table <= inner + 0.5, (path.name, width)
            # Down to the narrowest phones, no sideways scrolling (in every language).
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (path.name, width)


def test_direction_comes_from_the_language(project, browser):
    write_leaflet(project / "leaflets", "arabic.md", "title: نشرة\nlang: ar", "نص قصير.\n")
    from leafpress.model.brand import load_brand

    brand = load_brand(project / "styles" / "brand.toml")
    result = build([project / "leaflets"], project / "dist", brand, formats=("html",), jobs=1)
    assert result.ok, [str(d) for d in result.diagnostics]
    page = open_page(browser, project / "dist" / "arabic.html")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert [direction(tag) for tag in ("en-GB", "ur", "fa-IR", "he", "pl", "ku-Arab", "ku-Latn")] \
        == ["ltr", "rtl", "rtl", "rtl", "ltr", "rtl", "ltr"]


def test_a_bad_image_is_one_line_and_the_page_still_builds(project):
    from leafpress.model.brand import load_brand

    folder = project / "leaflets"
    (folder / "images").mkdir()
    (folder / "images" / "active.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    write_leaflet(folder, "pictures.md", "title: Pictures",
                  "Text.\n\n![A missing drawing](images/gone.png)\n\n"
                  "![An active drawing](images/active.svg)\n\n![Outside](../styles/logo.svg)\n")
    notes = []
    brand = load_brand(project / "styles" / "brand.toml")
    result = build([folder], project / "dist", brand, formats=("html",), jobs=1,
                   report=notes.append)
    assert result.ok
    lines = sorted(str(d) for d in notes)
    assert any(line.endswith("images/gone.png: file not found") and ":6:" in line
               for line in lines), lines
    assert any("images/active.svg: an SVG with scripts" in line for line in lines), lines
    html = (project / "dist" / "pictures.html").read_text(encoding="utf-8")
    assert "gone.png" not in html and "active" not in html.split("</head>")[1].split("<main")[0]
    assert not any("alert" in p.read_text(errors="ignore")
                   for p in (project / "dist" / "media").iterdir())
    shutil.rmtree(project / "dist")
