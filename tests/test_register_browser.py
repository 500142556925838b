"""The register page and the catalogue's document-control parts in Debian's Chromium, offline:
sorting, filtering, links to the archive, and axe-core's WCAG 2.2 AA checks."""

from __future__ import annotations

import datetime

import pytest

from leafpress.build.builder import build

from .browser import axe_violations
from .conftest import write_leaflet

SOON = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
LEAFLETS = {
    "hip.md": "title: Hip replacement\nreference: RSC-HP-001\nversion: '1.1'\nowner: Orthopaedic team\n"
              "approved_by: Patient Information Group\napproved: 2026-01-05\nreview_due: 2020-01-01",
    "knee.md": f"title: Knee replacement\nreference: RSC-KN-001\nversion: '10.0'\nreview_due: {SOON}",
    "neck.md": "title: Neck pain\nreference: RSC-NK-001\nversion: '9.0'\nreview_due: 2099-01-01",
    "draft.md": "title: Shoulder surgery\nstatus: draft\nversion: '0.1'",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, brand):
    """Four leaflets, one of them in two issued versions, built with catalogue and register."""
    root = tmp_path_factory.mktemp("register")
    sources = root / "leaflets"
    sources.mkdir()
    for name, front in LEAFLETS.items():
        write_leaflet(sources, name, front.replace("'1.1'", "'1.0'"))
    assert build([sources], root / "dist", brand, jobs=2).ok
    write_leaflet(sources, "hip.md", LEAFLETS["hip.md"], "New text.\n")
    result = build([sources], root / "dist", brand, jobs=2)
    assert result.ok, [str(d) for d in result.diagnostics]
    return root / "dist"


@pytest.fixture(scope="module")
def page_of(browser):
    requests: list[str] = []

    def open_page(path):
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
        page.goto(path.as_uri())
        return page, requests

    return open_page


def titles(page) -> list[str]:
    return [t.split("\n")[0] for t in page.locator("#register tbody tr:visible th").all_inner_texts()]


def test_the_register_sorts_filters_and_is_axe_clean(site, page_of):
    page, requests = page_of(site / "register.html")
    assert titles(page) == ["Hip replacement", "Knee replacement", "Neck pain", "Shoulder surgery"]
    assert axe_violations(page) == []

    page.get_by_role("button", name="Days to review").click()
    assert page.locator("th:has(button:text-is('Days to review'))").get_attribute("aria-sort") \
        == "ascending"
    assert titles(page) == ["Hip replacement", "Knee replacement", "Neck pain", "Shoulder surgery"]
    page.get_by_role("button", name="Days to review").click()
    assert titles(page)[:3] == ["Neck pain", "Knee replacement", "Hip replacement"]
    # Versions sort as numbers: 9.0 before 10.0.
    page.get_by_role("button", name="Version", exact=True).click()
    assert titles(page) == ["Shoulder surgery", "Hip replacement", "Neck pain", "Knee replacement"]

    page.get_by_label("Show").select_option("overdue")
    assert titles(page) == ["Hip replacement"]
    assert page.locator("#shown").inner_text() == "Showing 1 of 4 rows"
    page.get_by_label("Show").select_option("due-soon")
    assert sorted(titles(page)) == ["Hip replacement", "Knee replacement"]
    page.get_by_label("Show").select_option("draft")
    assert titles(page) == ["Shoulder surgery"]
    page.get_by_label("Show").select_option("")
    page.get_by_label("Filter by title, reference, owner or approver").fill("orthopaedic")
    assert titles(page) == ["Hip replacement"]
    assert axe_violations(page) == []
    assert all(url.startswith("file://") for url in requests)


def test_the_register_links_each_issued_version_in_the_archive(site, page_of):
    page, _ = page_of(site / "register.html")
    links = page.locator("#register tbody tr:has-text('Hip replacement') .issued a")
    assert links.all_inner_texts() == ["RSC-HP-001-v1.0.pdf", "RSC-HP-001-v1.1.pdf"]
    for href in links.evaluate_all("links => links.map(a => a.href)"):
        assert href.startswith("file://") and href.endswith(".pdf")
        from urllib.parse import unquote, urlparse

        assert open(unquote(urlparse(href).path), "rb").read(5) == b"%PDF-"


def test_the_catalogue_lists_drafts_apart_and_earlier_versions_axe_clean(site, page_of):
    page, _ = page_of(site / "index.html")
    assert page.locator(".card:visible h2").all_inner_texts() == [
        "Hip replacement", "Knee replacement", "Neck pain"]
    drafts = page.locator("#drafts")
    assert drafts.get_by_role("heading").inner_text() == "Drafts: not for patients"
    assert "Shoulder surgery" in drafts.inner_text()
    page.get_by_text("Earlier versions").click()
    earlier = page.locator(".card:has-text('Hip replacement') .earlier a")
    assert earlier.all_inner_texts()[0].startswith("A4 PDF")
    assert axe_violations(page) == []
