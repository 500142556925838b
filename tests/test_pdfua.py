"""PDF/UA-1 as a validator sees it: every sample in every tagged format, read back with pikepdf.

The checks live in tests/pdfcheck.py, written apart from leafpress/render/pdfua.py (the
repair step), so what a file must pass is not decided by the code that fixes it.
"""

from __future__ import annotations

import re

import pikepdf
import pytest

from leafpress.render.pdfua import repair

from .conftest import SAMPLES, normalise, pdf_text
from .pdfcheck import Structure, keep_only, kids, walk

# The shared every_format fixture is built once per run, whichever worker asks first.
pytestmark = pytest.mark.xdist_group("every-format")
STEMS = sorted(p.stem for p in SAMPLES.glob("*.md"))
TAGGED = {"a4": "", "large-print": "-large-print"}  # format -> file name suffix
BACK_MATTER_TABLES = 2  # "Contact us" and "About this leaflet": label | value rows


@pytest.fixture(scope="module")
def structures(every_format):
    opened = {}
    yield lambda stem, fmt: opened.setdefault(
        (stem, fmt), Structure(every_format / f"{stem}{TAGGED[fmt]}.pdf"))
    for structure in opened.values():
        structure.close()


@pytest.mark.parametrize("fmt", TAGGED)
@pytest.mark.parametrize("stem", STEMS)
def test_every_sample_passes_the_structure_checks(structures, stem, fmt):
    assert structures(stem, fmt).all_faults() == []


@pytest.mark.parametrize("fmt", TAGGED)
@pytest.mark.parametrize("stem", STEMS)
def test_running_footer_is_a_pagination_artifact(every_format, structures, tmp_path, stem, fmt):
    path = every_format / f"{stem}{TAGGED[fmt]}.pdf"
    pages = len(structures(stem, fmt).pdf.pages)
    furniture = keep_only(path, tmp_path / "artifacts.pdf", artifacts=True)
    content = keep_only(path, tmp_path / "content.pdf", artifacts=False)
    for page in range(1, pages + 1):
        assert f"Page {page} of {pages}" in normalise(pdf_text(furniture, page))
        assert "Next review due" in pdf_text(furniture, page)
        assert f"Page {page} of" not in pdf_text(content, page)
    # The body is all still there, in the tagged content.
    assert "Example content" in pdf_text(content, 1)
    for page in structures(stem, fmt).pdf.pages:
        assert b"/Subtype /Footer" in page.Contents.read_bytes()


@pytest.mark.parametrize("fmt", TAGGED)
@pytest.mark.parametrize("stem", STEMS)
def test_one_table_element_per_table(structures, stem, fmt):
    source = (SAMPLES / f"{stem}.md").read_text(encoding="utf-8")
    pipe_tables = len(re.findall(r"^\|(\s*:?-+:?\s*\|)+\s*$", source, re.M))
    tables = structures(stem, fmt).elements("/Table")
    assert len(tables) == pipe_tables + BACK_MATTER_TABLES


def test_a_table_that_crosses_a_page_break_stays_one_table(structures):
    """At least one sample's table crosses a page, and is still one Table, one THead."""
    crossing = []
    for stem in STEMS:
        for fmt in TAGGED:
            structure = structures(stem, fmt)
            for table in structure.elements("/Table"):
                pages = {structure.page_of(e) for e, _ in walk(table) if e.get("/S") == "/TR"}
                heads = [e for e, _ in walk(table) if e.get("/S") == "/THead"]
                if len(pages) > 1:
                    crossing.append((stem, fmt, len(heads)))
    assert crossing, "no sample has a table across a page break: the join is untested"
    assert all(heads == 1 for _, _, heads in crossing), crossing


@pytest.mark.parametrize("fmt", TAGGED)
def test_the_online_address_is_one_link_with_real_annotations(structures, fmt):
    structure = structures("minimally-invasive-spine-surgery", fmt)
    url = "https://www.example.org/leaflets/minimally-invasive-spine-surgery"
    links = [link for link in structure.elements("/Link")
             if any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                    and str(k.Obj.A.get("/URI")) == url for k in kids(link))]
    assert len(links) == 1
    annotations = [a for page in structure.pdf.pages for a in page.get("/Annots", [])
                   if str(a.get("/A", {}).get("/URI")) == url]
    assert annotations and all(float(a.Rect[2]) > float(a.Rect[0]) for a in annotations)
    assert all(str(a.Contents) for a in annotations)


@pytest.mark.parametrize("fmt", TAGGED)
def test_back_matter_labels_are_row_headers_of_their_values(structures, fmt):
    """Phone | 020 ...: one row, a TH with /Scope /Row then a TD (not two list items)."""
    structure = structures("nerve-root-block-injection", fmt)
    back = structure.elements("/Table")[-BACK_MATTER_TABLES:]
    for table in back:
        rows = [e for e, _ in walk(table) if e.get("/S") == "/TR"]
        assert len(rows) >= 4
        for row in rows:
            cells = [k for k in kids(row) if isinstance(k, pikepdf.Dictionary)]
            assert [c.S for c in cells] == ["/TH", "/TD"]
            assert cells[0].A.Scope == "/Row"
    text = normalise(pdf_text(structure.path))
    assert "Phone 020 7946 0321" in text


def test_booklet_says_it_is_for_printing(every_format):
    with pikepdf.open(every_format / "nerve-root-block-injection-booklet.pdf") as pdf:
        assert "/StructTreeRoot" not in pdf.Root  # two pages share a sheet: not tagged
        subject = str(pdf.docinfo["/Subject"])
        title = str(pdf.docinfo["/Title"])
    assert "print" in title.lower()
    assert "nerve-root-block-injection.pdf" in subject
    assert "screen reader" in subject


def test_booklet_link_in_the_catalogue_says_it_is_for_printing(every_format):
    page = (every_format / "index.html").read_text(encoding="utf-8")
    link = re.search(r'<a[^>]*href="nerve-root-block-injection-booklet.pdf"[^>]*>(.*?)</a>(.*?)</li>',
                     page, re.S)
    assert link, "no booklet link in the catalogue"
    words = normalise(re.sub(r"<[^>]+>", " ", link.group(0)))
    assert "printing" in words.lower() and "A4" in words


# ---- the repair step alone, over WeasyPrint's raw output ----

FAULTY = """<!DOCTYPE html><html lang="en-GB"><head><title>Split table</title>
<style>@page { size: A6; margin: 10mm 10mm 20mm; @bottom-left { content: "Page " counter(page) } }
thead { display: table-header-group } tr { break-inside: avoid }</style></head>
<body><main><h1>Split table</h1>
<p>See <a href="https://example.org/a/long/address"><span>example.org/</span><wbr><span>a/</span><wbr><span>long/address</span></a>.</p>
<table><thead><tr><th>When</th><th>What</th></tr></thead><tbody>
""" + "".join(f"<tr><td>Week {i}</td><td>Walk a little further each day.</td></tr>"
              for i in range(1, 25)) + """</tbody></table></main></body></html>"""


@pytest.fixture(scope="module")
def raw_pdf():
    import weasyprint

    return weasyprint.HTML(string=FAULTY).write_pdf(pdf_variant="pdf/ua-1")


def test_weasyprint_alone_fails_the_checks_the_repair_passes(raw_pdf, tmp_path):
    before = tmp_path / "before.pdf"
    before.write_bytes(raw_pdf)
    after = tmp_path / "after.pdf"
    after.write_bytes(repair(raw_pdf))
    faults = Structure(before).all_faults()
    assert any("orphaned" in f for f in faults)
    assert any("not in the IDTree" in f for f in faults)
    assert any("not a Link" in f or "zero area" in f for f in faults)
    structure = Structure(after)
    assert structure.all_faults() == []
    assert len(structure.elements("/Table")) == 1
    assert len(structure.pdf.pages) >= 2
    # Nothing painted is lost: every page reads the same.
    assert pdf_text(after) == pdf_text(before)


def test_repair_twice_changes_nothing_more(raw_pdf, tmp_path):
    once = repair(raw_pdf)
    (tmp_path / "twice.pdf").write_bytes(repair(once))
    assert Structure(tmp_path / "twice.pdf").all_faults() == []
    assert pdf_text(tmp_path / "twice.pdf") == pdf_text_bytes(once, tmp_path)


def test_repair_leaves_an_untagged_pdf_alone(raw_pdf):
    import weasyprint

    plain = weasyprint.HTML(string="<p>Plain</p>").write_pdf()
    assert repair(plain) == plain


def pdf_text_bytes(data: bytes, folder) -> str:
    path = folder / "once.pdf"
    path.write_bytes(data)
    return pdf_text(path)


def test_every_edition_passes_the_structure_checks_too(every_format):
    """Language and Easy Read editions (right-to-left text carries /ActualText) as well."""
    editions = [p for p in every_format.glob("*.*.pdf") if not p.stem.endswith("-booklet")]
    assert editions, "no edition was built: the samples' editions are untested"
    faults = {}
    for path in editions:
        structure = Structure(path)
        faults[path.name] = structure.all_faults()
        structure.close()
    assert {name: found for name, found in faults.items() if found} == {}
