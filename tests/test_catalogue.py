"""The reception catalogue: what index.html lists, its files, thumbnails and security policy."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from PIL import Image

from leafpress.build.builder import discover, load
from leafpress.catalogue.page import INDEX, THUMBS, write_catalogue
from leafpress.model.brand import contrast_on_white as contrast
from leafpress.cli import main
from leafpress.files import atomic_write

from .conftest import ROOT, SAMPLES, front_matter, write_leaflet
from .htmltree import parse


def blank_pdf(path: Path, pages: int) -> None:
    """A real PDF with the given number of blank A4 pages."""
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    with path.open("wb") as handle:
        writer.write(handle)


def kilobytes(path: Path) -> str:
    return f"{max(1, round(path.stat().st_size / 1024))} KB"


def pages_of(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


@pytest.fixture
def site(tmp_path, every_format, brand):
    """The built samples in a folder of their own, and the leaflets that made them."""
    out = tmp_path / "dist"
    out.mkdir()
    for pdf in every_format.glob("*.pdf"):
        if not pdf.stem.endswith(("-large-print", "-booklet")):  # A4 only: tests plant the rest
            shutil.copy2(pdf, out / pdf.name)
    leaflets, problems = load(discover([SAMPLES])[0], brand)
    # The Bengali sample edition is deliberately made from an older version of its master.
    assert [problem.code for problem in problems] == ["edition-stale"]
    return out, leaflets


def cards_of(out: Path):
    page = parse((out / INDEX).read_text(encoding="utf-8"))
    return page, page.find_all("li", cls="card")


def test_every_leaflet_is_listed_by_title_with_each_format_its_size_and_pages(site, brand):
    out, leaflets = site
    blank_pdf(out / "lumbar-discectomy-recovery-large-print.pdf", 3)
    blank_pdf(out / "preparing-for-spinal-surgery-booklet.pdf", 2)
    result = write_catalogue(out, leaflets, brand, today=datetime.date(2027, 1, 1))
    assert not result.diagnostics

    page, cards = cards_of(out)
    titles = [card.find("h2").text for card in cards]
    assert titles == ["Minimally invasive spine surgery", "Nerve root block injection",
                      "Preparing for spinal surgery", "Recovery after a lumbar microdiscectomy",
                      "Recovery after lumbar spinal fusion"]

    # What each card must say, from the sources as PyYAML reads them.
    fronts = {path.stem: front_matter(path)[0] for path in SAMPLES.glob("*.md")}
    for card, (stem, front) in zip(cards, sorted(fronts.items(),
                                                 key=lambda item: item[1]["title"].casefold()),
                                   strict=True):
        expected = [name for name in (f"{stem}.pdf", f"{stem}-large-print.pdf",
                                      f"{stem}-booklet.pdf") if (out / name).exists()]
        links = card.find("ul", cls="formats").find_all("a")
        assert [a.attrs["href"] for a in links] == expected
        for link in links:
            pdf = out / link.attrs["href"]
            count = pages_of(pdf)
            details = f"{count} page{'s' if count != 1 else ''}, {kilobytes(pdf)}"
            if pdf.name.endswith("-booklet.pdf"):  # sheet sides, two booklet pages each
                sheets = (count + 1) // 2
                details = (f"{count * 2} pages on {sheets} sheet{'s' if sheets != 1 else ''}, "
                           f"{kilobytes(pdf)}")
            assert link.find("span", cls="format-details").text == details
            assert front["title"] in link.text  # a screen reader's list of links says which leaflet
        assert card.find("p", cls="summary").text == front["summary"]
        assert [li.text for li in card.find("ul", cls="tags").find_all("li")] == front["tags"]
        online = card.find("p", cls="online")
        assert (online.find("a").attrs["href"] if online else None) == front.get("url")
        assert f"Ref {front['reference']} · Version {front['version']}" in card.text

    (large,) = page.find_all("a", cls="format-large-print")
    assert large.find("span", cls="format-name").text == "Large print PDF"
    assert large.find("span", cls="format-details").text.startswith("3 pages, ")
    booklet = page.find("a", cls="format-booklet")
    assert booklet.attrs["href"] == "preparing-for-spinal-surgery-booklet.pdf"
    assert "4 pages on 1 sheet" in booklet.text  # 2 sides of one folded sheet
    assert "Folded booklet" in page.text and "flip on short edge" in page.text


def test_thumbnail_is_page_one_as_a_small_webp_with_alt_text(site, brand):
    out, leaflets = site
    write_catalogue(out, leaflets, brand)
    _, cards = cards_of(out)
    assert len(cards) == 5
    for card in cards:
        img = card.find("img", cls="thumb")
        assert img.attrs["alt"] == f"Page 1 of {card.find('h2').text}"
        with Image.open(out / img.attrs["src"]) as image:
            assert image.format == "WEBP"
            assert image.width == 300 and 420 <= image.height <= 430  # A4's proportions
            grey = image.convert("L")
            low, high = grey.getextrema()
            assert high > 240 and low < 80  # a white page with dark text, not a blank square
            stem = card.attrs["data-stem"]
            assert img.attrs["src"] == f"{THUMBS}/{stem}.webp"


def test_thumbnails_are_rendered_again_only_for_rebuilt_or_newer_pdfs(site, brand):
    out, leaflets = site
    first = write_catalogue(out, leaflets, brand)
    thumbs = sorted((out / THUMBS).glob("*.webp"))
    assert sorted(first.thumbnails) == thumbs and len(thumbs) == 5
    before = {t.name: t.stat().st_mtime_ns for t in thumbs}
    index_inode = (out / INDEX).stat().st_ino

    second = write_catalogue(out, leaflets, brand, rebuilt=[])
    assert second.thumbnails == []
    assert {t.name: t.stat().st_mtime_ns for t in thumbs} == before
    assert (out / INDEX).stat().st_ino == index_inode  # unchanged page: not written again

    rebuilt = out / "preparing-for-spinal-surgery.pdf"
    atomic_write(rebuilt, rebuilt.read_bytes())
    third = write_catalogue(out, leaflets, brand, rebuilt=[rebuilt])
    assert [t.name for t in third.thumbnails] == ["preparing-for-spinal-surgery.webp"]
    after = {t.name: t.stat().st_mtime_ns for t in thumbs}
    assert after["preparing-for-spinal-surgery.webp"] != before["preparing-for-spinal-surgery.webp"]
    assert {k: v for k, v in after.items() if not k.startswith("preparing")} == \
        {k: v for k, v in before.items() if not k.startswith("preparing")}

    (out / THUMBS / "lumbar-discectomy-recovery.webp").unlink()
    pdf = out / "minimally-invasive-spine-surgery.pdf"
    later = pdf.stat().st_mtime_ns + 5_000_000_000
    os.utime(pdf, ns=(later, later))  # changed behind the build's back: newer than its thumbnail
    fourth = write_catalogue(out, leaflets, brand)
    assert sorted(t.name for t in fourth.thumbnails) == [
        "lumbar-discectomy-recovery.webp", "minimally-invasive-spine-surgery.webp"]

    # A crash can leave an empty thumbnail (they are written without fsync) and a temp file.
    (out / THUMBS / "preparing-for-spinal-surgery.webp").write_bytes(b"")
    (out / THUMBS / ".preparing-for-spinal-surgery.webp.x1.partial").write_bytes(b"half")
    fifth = write_catalogue(out, leaflets, brand)
    assert [t.name for t in fifth.thumbnails] == ["preparing-for-spinal-surgery.webp"]
    assert sorted(p.name for p in (out / THUMBS).iterdir()) == [
        "brand-logo.svg", "catalogue.json", "lumbar-discectomy-recovery.webp",
        "minimally-invasive-spine-surgery.webp", "nerve-root-block-injection.webp",
        "preparing-for-spinal-surgery.webp", "recovery-after-lumbar-fusion.webp"]


def test_page_count_follows_a_pdf_that_changed(site, brand):
    out, leaflets = site
    extra = out / "lumbar-discectomy-recovery-large-print.pdf"
    blank_pdf(extra, 2)
    write_catalogue(out, leaflets, brand)
    blank_pdf(extra, 7)
    write_catalogue(out, leaflets, brand)
    page, _ = cards_of(out)
    assert page.find("a", cls="format-large-print").find("span", cls="format-details").text \
        == f"7 pages, {kilobytes(extra)}"


def test_a_damaged_pdf_is_listed_with_a_warning_and_no_picture(site, brand):
    out, leaflets = site
    (out / "preparing-for-spinal-surgery.pdf").write_bytes(b"%PDF-1.7 cut short")
    result = write_catalogue(out, leaflets, brand)
    assert sorted((d.severity, d.path.name, d.message.split(":")[0]) for d in result.diagnostics) == [
        ("warning", "preparing-for-spinal-surgery.pdf", "cannot make a thumbnail"),
        ("warning", "preparing-for-spinal-surgery.pdf", "cannot read the page count")]
    _, cards = cards_of(out)
    card = next(c for c in cards if c.attrs["data-stem"] == "preparing-for-spinal-surgery")
    assert card.find("img") is None
    assert card.find("span", cls="format-details").text == "1 KB"
    assert not (out / THUMBS / "preparing-for-spinal-surgery.webp").exists()


def test_csp_allows_only_the_page_own_style_and_script_by_hash(site, brand):
    out, leaflets = site
    write_catalogue(out, leaflets, brand)
    html = (out / INDEX).read_text(encoding="utf-8")
    page = parse(html)
    policy = page.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))

    def sha(element) -> str:
        digest = hashlib.sha256(element.raw_text.encode("utf-8")).digest()
        return f"'sha256-{base64.b64encode(digest).decode()}'"

    (style,) = page.find_all("style")
    (script,) = page.find_all("script")
    assert directives["default-src"] == "'none'"
    assert directives["img-src"] == "'self'"
    assert directives["style-src"] == sha(style)
    # Its one inline script, and what that script adds (the search index beside the page).
    assert directives["script-src"] == f"{sha(script)} 'strict-dynamic'"
    assert "--primary:#00677f" in style.raw_text  # the brand's colour, not a hard-coded one
    assert not page.find_all("link")
    assert not [e for e in page.iter() if "style" in e.attrs]  # inline style= would be blocked
    for element in page.iter():
        for name in ("src", "srcset", "action", "poster", "data"):
            value = element.attrs.get(name)
            assert value is None or not re.match(r"^[a-z]+:", value), (element.tag, value)
    assert "url(" not in style.raw_text and "@import" not in style.raw_text


def test_overdue_badge_follows_today(site, brand):
    out, leaflets = site
    write_catalogue(out, leaflets, brand, today=datetime.date(2028, 7, 1))
    page, cards = cards_of(out)
    badges = {card.attrs["data-stem"]: card.find("p", cls="badge-overdue") for card in cards}
    shown = sorted(stem for stem, badge in badges.items() if "hidden" not in badge.attrs)
    assert shown == ["preparing-for-spinal-surgery"]  # due 22 June 2028
    assert badges["preparing-for-spinal-surgery"].text == "Review overdue"
    note = page.find(id="overdue-note")
    assert "hidden" not in note.attrs and "1 leaflet is past its review date" in note.text

    write_catalogue(out, leaflets, brand, today=datetime.date(2028, 6, 22))  # due today: not yet
    page, cards = cards_of(out)
    assert all("hidden" in card.find("p", cls="badge-overdue").attrs for card in cards)
    assert "hidden" in page.find(id="overdue-note").attrs


def test_contrast_of_brand_colours_is_checked(site, brand, tmp_path):
    assert round(contrast("#767676"), 2) == 4.54  # WCAG's well-known threshold grey
    # By hand (WCAG 2 relative luminance, 0.2126 R + 0.7152 G + 0.0722 B of linear sRGB):
    # #00677f: G 103 -> 0.135633, B 127 -> 0.212231; L = 0.112328; 1.05 / 0.162328 = 6.47
    # #b3400b: R 179 -> 0.450786, G 64 -> 0.051269, B 11 -> 0.003347; L = 0.132747 -> 5.75
    assert round(contrast("#00677f"), 2) == 6.47 and round(contrast("#b3400b"), 2) == 5.75
    assert (brand.primary, brand.accent) == ("#00677f", "#b3400b")  # the shipped brand's
    out, leaflets = site
    pale = dataclasses.replace(brand, primary="#7fbfff")
    result = write_catalogue(out, leaflets, pale)
    assert [d.message for d in result.diagnostics] == [
        "colour 'primary' #7fbfff has a contrast of 1.94:1 on white; text needs 4.5:1 (WCAG AA)"]


# ---- Through the command line, as a build runs it ----

@pytest.fixture
def run(project, monkeypatch):
    monkeypatch.chdir(project)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


GOOD = "title: {title}\nreviewed: 2026-01-05\nreview_due: 2028-01-05\ntags: [knees]"


def test_every_build_keeps_the_catalogue_current(project, run):
    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    first = run("build")
    assert first.exit_code == 0, first.output
    assert "catalogue: dist/index.html (1 leaflet(s), 1 new thumbnail(s))" in first.stdout
    inode = (project / "dist" / INDEX).stat().st_ino
    second = run("build")
    assert second.exit_code == 0
    assert "catalogue: dist/index.html (1 leaflet(s), 0 new thumbnail(s))" in second.stdout
    assert (project / "dist" / INDEX).stat().st_ino == inode  # nothing changed: not rewritten
    _, cards = cards_of(project / "dist")
    assert [card.find("h2").text for card in cards] == ["Knee replacement"]


def test_a_broken_source_keeps_its_previous_pdf_listed_and_a_deleted_one_drops_out(project, run):
    folder = project / "leaflets"
    write_leaflet(folder, "knee.md", GOOD.format(title="Knee replacement"))
    write_leaflet(folder, "hip.md", GOOD.format(title="Hip replacement"))
    assert run("build").exit_code == 0

    write_leaflet(folder, "knee.md", "title: Knee replacement\nreviewed: soon")
    broken = run("build")
    assert broken.exit_code == 1
    _, cards = cards_of(project / "dist")
    by_stem = {card.attrs["data-stem"]: card for card in cards}
    assert sorted(by_stem) == ["hip", "knee"]
    assert "Not updated in the last build" in by_stem["knee"].text
    assert "5 January 2028" in by_stem["knee"].text  # details kept from the last good build
    assert "Not updated" not in by_stem["hip"].text
    assert by_stem["knee"].find("a", cls="format").attrs["href"] == "knee.pdf"

    (folder / "knee.md").unlink()
    assert run("build").exit_code == 0
    _, cards = cards_of(project / "dist")
    assert [card.attrs["data-stem"] for card in cards] == ["hip"]
    assert not (project / "dist" / THUMBS / "knee.webp").exists()
    record = json.loads((project / "dist" / THUMBS / "catalogue.json").read_text())
    assert sorted(record["leaflets"]) == ["hip"]


def test_a_build_of_one_file_keeps_the_other_leaflets_listed(project, run):
    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    write_leaflet(project / "leaflets", "hip.md", GOOD.format(title="Hip replacement"))
    assert run("build").exit_code == 0
    assert run("build", "leaflets/knee.md").exit_code == 0
    _, cards = cards_of(project / "dist")
    assert [card.find("h2").text for card in cards] == ["Hip replacement", "Knee replacement"]


def test_file_names_with_spaces_and_hashes_are_linked_as_addresses(project, run):
    write_leaflet(project / "leaflets", "hip & knee #2.md", GOOD.format(title="Hips"))
    assert run("build").exit_code == 0
    _, (card,) = cards_of(project / "dist")
    assert card.find("a", cls="format").attrs["href"] == "hip%20%26%20knee%20%232.pdf"
    assert card.find("a", cls="format").attrs["data-file"] == "hip & knee #2.pdf"
    assert card.find("img").attrs["src"] == "thumbs/hip%20%26%20knee%20%232.webp"
    assert (project / "dist" / "thumbs" / "hip & knee #2.webp").is_file()


def test_a_damaged_record_is_ignored_entry_by_entry(site, brand):
    out, leaflets = site
    write_catalogue(out, leaflets, brand)
    others = [leaflet for leaflet in leaflets if leaflet.stem != "preparing-for-spinal-surgery"]
    # Left out of this build: listed from the record, as the last build described it.
    listed = write_catalogue(out, others, brand)
    assert "Preparing for spinal surgery" in [card.title for card in listed.cards]

    record_path = out / THUMBS / "catalogue.json"
    record = json.loads(record_path.read_text())
    kept = record["leaflets"]["preparing-for-spinal-surgery"]
    record["leaflets"] = {
        "preparing-for-spinal-surgery": {**kept, "details": {**kept["details"], "tags": "spine"}},
        "old-a": {"details": {"title": 3}}, "old-b": "nonsense"}
    record_path.write_text(json.dumps(record))
    result = write_catalogue(out, others, brand)
    assert not result.diagnostics
    assert [card.stem for card in result.cards] == [
        "minimally-invasive-spine-surgery", "nerve-root-block-injection",
        "lumbar-discectomy-recovery", "recovery-after-lumbar-fusion"]
    record_path.write_text("{not json")
    assert len(write_catalogue(out, leaflets, brand).cards) == 5


def test_leaflet_text_is_escaped_in_the_page(project, run):
    write_leaflet(project / "leaflets", "odd.md",
                  'title: "Knees & <b>hips</b>"\nsummary: "<script>alert(1)</script>"\n'
                  'tags: ["a\\" onclick=\\"x"]')
    assert run("build").exit_code == 0
    html = (project / "dist" / INDEX).read_text(encoding="utf-8")
    assert "Knees &amp; &lt;b&gt;hips&lt;/b&gt;" in html
    assert "<b>hips" not in html and "<script>alert" not in html
    assert 'onclick="x' not in html
    assert len(parse(html).find_all("script")) == 1


def test_brand_name_comes_from_the_brand(project, run):
    brand_file = project / "styles" / "brand.toml"
    brand_file.write_text(brand_file.read_text().replace(
        'name = "Riverside Spinal Clinic"', 'name = "Hilltop Physio"'))
    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    assert run("build").exit_code == 0
    page = parse((project / "dist" / INDEX).read_text(encoding="utf-8"))
    assert page.find("p", cls="clinic-name").text == "Hilltop Physio"
    assert "Riverside" not in page.text
    engine = list((ROOT / "leafpress").rglob("*.py"))  # every subpackage, not the top only
    assert len(engine) > 30 and not [p for p in engine if "Riverside" in p.read_text()]


def test_a_missing_catalogue_template_is_one_error_line(project, run):
    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    (project / "templates" / "catalogue.html.j2").unlink()
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == ("templates/catalogue.html.j2: error: cannot write "
                                             "the catalogue: file not found")
    assert "Traceback" not in result.output
    assert (project / "dist" / "knee.pdf").is_file()


def test_the_build_uses_the_thumbnail_its_worker_made_of_the_a4_pdf(project, brand, tmp_path):
    import subprocess

    from PIL import ImageChops, ImageStat

    from leafpress.build.builder import build

    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    result = build([project / "leaflets"], project / "dist", brand, jobs=1,
                   formats=("a4", "large-print"))
    assert result.ok
    assert [t.name for t in result.catalogue.thumbnails] == ["knee.webp"]
    made = Image.open(project / "dist" / THUMBS / "knee.webp").convert("L")

    def difference(pdf: str) -> float:
        """Mean grey difference from page 1 of pdf as poppler draws it at the same size."""
        subprocess.run(["pdftoppm", "-png", "-gray", "-singlefile", "-f", "1", "-l", "1",
                        "-scale-to-x", str(made.width), "-scale-to-y", str(made.height),
                        str(project / "dist" / pdf), str(tmp_path / "page")], check=True)
        drawn = Image.open(tmp_path / "page.png").convert("L")
        return ImageStat.Stat(ImageChops.difference(made, drawn)).mean[0]

    a4, large = difference("knee.pdf"), difference("knee-large-print.pdf")
    assert a4 < 8 and large > 2 * a4, (a4, large)  # page 1 of the A4 PDF, not of large print


def test_a_temp_file_of_the_index_left_by_a_kill_is_removed(project, brand):
    from leafpress.build.builder import build

    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    out = project / "dist"
    out.mkdir()
    leftover = out / ".index.html.abc123.partial"
    leftover.write_text("<html>half")
    assert build([project / "leaflets"], out, brand, jobs=1).ok
    assert not leftover.exists()


def test_a_booklet_is_listed_by_its_folded_pages_and_sheets(project, brand):
    from leafpress.build.builder import build

    write_leaflet(project / "leaflets", "knee.md", GOOD.format(title="Knee replacement"))
    result = build([project / "leaflets"], project / "dist", brand, jobs=1,
                   formats=("a4", "booklet"))
    assert result.ok
    sides = len(pypdf.PdfReader(project / "dist" / "knee-booklet.pdf").pages)
    _, cards = cards_of(project / "dist")
    [booklet] = [span.text for span in cards[0].find_all("span", cls="format-details")
                 if "sheet" in span.text]
    sheets = sides // 2
    assert booklet.startswith(f"{sides * 2} pages on {sheets} sheet{'s' if sheets > 1 else ''}, ")
