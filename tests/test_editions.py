"""Language editions and Easy Read, read back from the PDFs, check's lines and the catalogue."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from leafpress.build.builder import build
from leafpress.cli import main
from leafpress.formats.imposition import sheet_order

from .conftest import BRAND, ROOT, SAMPLES, front_matter, normalise, pdf_text, write_leaflet

MASTER = "minimally-invasive-spine-surgery"
EDITIONS = SAMPLES / "editions"
# Each sample edition: its file stem, lang, and sentences of its source that must come back
# out of its PDF in reading order.
SAMPLE = {
    "pl": ("pl", ["Operacja małoinwazyjna nie zawsze jest lepsza od otwartej.",
                  "Kontakt z nami", "Strona 1 z 4", "1 października 2028"]),
    "ar": ("ar", ["الجراحة طفيفة التوغل ليست دائمًا أفضل من الجراحة المفتوحة.", "اتصل بنا",
                  "020 7946 0321"]),
    "ur": ("ur", ["یہ ایک ہی کام کرنے کا ایک مختلف طریقہ ہے۔", "ہم سے رابطہ کریں"]),
    "bn": ("bn", ["এটি একই কাজ করার একটি ভিন্ন উপায়।", "আমাদের সাথে যোগাযোগ করুন"]),
    "zh-Hans": ("zh-Hans", ["它只是完成同一项工作的另一种方法。", "联系我们", "2028年10月1日"]),
    "easy-read": ("en-GB", ["Your spine is the row of bones down your back.", "Contact us"]),
}
TODAY = "2026-11-25"


@pytest.fixture(scope="module")
def dist(every_format, every_format_notes):
    """The samples, editions included, in every format, and what their build reported."""
    return every_format, every_format_notes


def logical(text: str) -> str:
    """Text as words in reading order, with what pdftotext cannot give back in place taken
    out: it returns the lam-alef ligature as alef then lam (so both sides get that one swap),
    sets Arabic's short-vowel marks beside their letter and moves a full stop to the far side
    of the direction change (so marks and punctuation are left out)."""
    text = re.sub("ل([اأإآ])", r"\1ل", without_isolates(normalise(text)))
    text = re.sub("[\u064b-\u065f\u0670]", "", text)
    text = " ".join(re.findall(r"[^\W_]+", text))
    # Chinese has no spaces: a line break inside a sentence is not a word break.
    return re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", text)


def without_isolates(text: str) -> str:
    return re.sub("[\u2066-\u2069\u200e\u200f\u202a-\u202e]", "", text)


# ---- names and files ------------------------------------------------------------------------

def test_every_edition_is_built_beside_its_master_in_every_format(dist):
    out, _ = dist
    for stem in SAMPLE:
        for suffix in ("", "-large-print", "-booklet"):
            assert (out / f"{MASTER}.{stem}{suffix}.pdf").is_file(), (stem, suffix)
    # Editions are not leaflets of their own: no file under the source's own name.
    assert not list(out.glob("*.pl.pl*"))


def test_each_pdf_declares_its_language(dist):
    out, _ = dist
    for stem, (lang, _) in SAMPLE.items():
        for suffix in ("", "-large-print", "-booklet"):
            with pikepdf.open(out / f"{MASTER}.{stem}{suffix}.pdf") as pdf:
                assert str(pdf.Root.Lang) == lang


def _notdef_glyphs(path: Path) -> int:
    """Glyph id 0 (.notdef, an empty box) drawn anywhere: every font here is Identity-H, two
    bytes a glyph."""
    count = 0
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for operands, operator in pikepdf.parse_content_stream(page):
                strings = []
                if str(operator) == "Tj":
                    strings = [operands[0]]
                elif str(operator) == "TJ":
                    strings = [item for item in operands[0] if isinstance(item, pikepdf.String)]
                for string in strings:
                    data = bytes(string)
                    count += sum(1 for i in range(0, len(data) - 1, 2) if data[i:i + 2] == b"\0\0")
    return count


def test_fonts_are_embedded_subset_with_to_unicode_and_no_empty_boxes(dist):
    out, _ = dist
    expected = {"ar": "Noto-Naskh-Arabic", "ur": "Noto-Nastaliq-Urdu", "bn": "Noto-Sans-Bengali",
                "zh-Hans": "Noto-Sans-CJK-SC", "pl": "Atkinson-Hyperlegible"}
    for stem in SAMPLE:
        path = out / f"{MASTER}.{stem}.pdf"
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        assert listing
        for line in listing:
            name, emb, sub, uni = line.split()[0], *line.split()[-5:-2]
            assert (emb, sub, uni) == ("yes", "yes", "yes"), line
            assert re.match(r"^[A-Z]{6}\+", name), line  # a subset
        if stem in expected:
            assert any(expected[stem] in line for line in listing), listing
        assert _notdef_glyphs(path) == 0, stem


@pytest.mark.parametrize("fmt", ["a4", "large-print", "booklet"])
def test_the_chinese_pdfs_carry_only_the_glyphs_they_draw(dist, brand, tmp_path, monkeypatch, fmt):
    """WeasyPrint keeps an empty slot for each of Noto Sans CJK's 63,153 glyphs: 380 KB for a
    Chinese leaflet. Cut down to the glyphs drawn, the pages are the same to the pixel, as
    poppler draws them, as WeasyPrint's own file, at a third of the size or less."""
    from leafpress import formats
    from leafpress.model.editions import read_leaflets
    from leafpress.render import pdf as renderer

    out, _ = dist
    ours = out / formats.get(fmt).output_name(f"{MASTER}.zh-Hans")
    monkeypatch.setattr(renderer, "shrink_cid_fonts", lambda data: data)  # WeasyPrint's own
    leaflets, problems = read_leaflets([SAMPLES / f"{MASTER}.md", EDITIONS / f"{MASTER}.zh-Hans.md"],
                                       brand)
    assert not problems
    theirs = tmp_path / "as-weasyprint-embeds-them.pdf"
    theirs.write_bytes(formats.get(fmt).render(leaflets[1], brand, formats.get(fmt).prepare(brand)).data)
    assert ours.stat().st_size * 3 < theirs.stat().st_size, (ours.stat().st_size, theirs.stat().st_size)
    fonts = subprocess.run(["pdffonts", str(ours)], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK-SC" in line]
    assert len(cjk) >= 2 and all(" CID Type 0C " in line and " yes yes yes " in line
                                 for line in cjk), fonts  # bare CFF, embedded, subset, ToUnicode
    for path in (ours, theirs):
        subprocess.run(["pdftoppm", "-r", "150", "-aa", "no", "-aaVector", "no", "-png", str(path),
                        str(tmp_path / path.stem)], check=True)
    pages = sorted(tmp_path.glob(f"{ours.stem}-*.png"))
    assert len(pages) == len(sorted(tmp_path.glob(f"{theirs.stem}-*.png"))) >= 2
    for page in pages:
        same = tmp_path / page.name.replace(ours.stem, theirs.stem)
        assert _same_pixels(page, same), page.name
    assert pdf_text(ours) == pdf_text(theirs)


@pytest.fixture(scope="module")
def unshrunk_chinese(tmp_path_factory, brand) -> bytes:
    """The Chinese edition's A4 PDF with its fonts as WeasyPrint embeds them."""
    from leafpress import formats
    from leafpress.model.editions import read_leaflets
    from leafpress.render import pdf as renderer

    leaflets, problems = read_leaflets([SAMPLES / f"{MASTER}.md", EDITIONS / f"{MASTER}.zh-Hans.md"],
                                       brand)
    assert not problems
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(renderer, "shrink_cid_fonts", lambda data: data)
        a4 = formats.get("a4")
        return a4.render(leaflets[1], brand, a4.prepare(brand)).data


def _cjk_programs(data: bytes) -> dict[str, tuple[str, bytes]]:
    """Font name -> (its program's subtype, its bytes), for the CJK fonts of a PDF."""
    import io

    found = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Subtype") == "/CIDFontType0":
                program = obj.FontDescriptor.FontFile3
                name = str(obj.BaseFont).split("+")[1]
                found[name] = (str(program.Subtype), program.read_raw_bytes())
    return found


def _with_pdf(data: bytes, change) -> bytes:
    import io

    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        buffer = io.BytesIO()
        pdf.save(buffer)
        return buffer.getvalue()


def test_a_font_that_cannot_be_cut_down_is_left_whole(unshrunk_chinese):
    """Cutting fonts down only makes a PDF smaller: a font program fontTools cannot read, or
    one whose glyph codes are not its CIDs (a code past its last glyph, here), is kept as
    WeasyPrint embedded it, and the other font is cut down all the same."""
    from leafpress.render.cid_fonts import shrink_cid_fonts

    def bold(pdf):
        return next(obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Subtype") == "/CIDFontType0" and str(obj.BaseFont).endswith("-Bold"))

    def damage(pdf):
        bold(pdf).FontDescriptor.FontFile3.write(b"OTTO not a font")

    def code_past_the_end(pdf):
        bold(pdf).W.extend([70000, pikepdf.Array([1000])])

    for change in (damage, code_past_the_end):
        before = _cjk_programs(_with_pdf(unshrunk_chinese, change))
        after = _cjk_programs(shrink_cid_fonts(_with_pdf(unshrunk_chinese, change)))
        assert after["Noto-Sans-CJK-SC-Bold"] == before["Noto-Sans-CJK-SC-Bold"], change.__name__
        assert after["Noto-Sans-CJK-SC"][0] == "/CIDFontType0C", change.__name__


def test_every_glyph_any_font_dictionary_lists_is_kept(unshrunk_chinese):
    """WeasyPrint can write two font dictionaries for one font program, each with the widths
    of its own glyphs: the program keeps the glyphs of both, and the new subset is named
    apart from the font it was cut from."""
    import io

    from fontTools.cffLib import CFFFontSet

    from leafpress.render.cid_fonts import shrink_cid_fonts

    def second_dictionary(pdf):
        regular = next(obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                       and obj.get("/Subtype") == "/CIDFontType0"
                       and not str(obj.BaseFont).endswith("-Bold"))
        second = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType0, BaseFont=regular.BaseFont,
            CIDSystemInfo=regular.CIDSystemInfo, FontDescriptor=regular.FontDescriptor,
            W=pikepdf.Array([3, pikepdf.Array([500]), 20000, 20001, 600])))
        pdf.pages[0].Resources.Font.Fsecond = pdf.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=regular.BaseFont,
            Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=pikepdf.Array([second])))

    shrunk = shrink_cid_fonts(_with_pdf(unshrunk_chinese, second_dictionary))
    with pikepdf.open(io.BytesIO(shrunk)) as pdf:
        fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                 and obj.get("/Subtype") == "/CIDFontType0" and not str(obj.BaseFont).endswith("-Bold")]
        assert len(fonts) == 2 and len({str(font.BaseFont) for font in fonts}) == 1
        assert str(pdf.pages[0].Resources.Font.Fsecond.BaseFont) == str(fonts[0].BaseFont)
        assert "/CIDToGIDMap" not in fonts[0] and "/CIDToGIDMap" not in fonts[1]
        program = fonts[0].FontDescriptor.FontFile3
        assert program.Subtype == "/CIDFontType0C"
        font_set = CFFFontSet()
        font_set.decompile(io.BytesIO(program.read_bytes()), None)
        charset = set(font_set[font_set.fontNames[0]].charset)
        renamed = str(fonts[0].BaseFont)
    assert {"cid00003", "cid20000", "cid20001"} <= charset  # the second dictionary's
    with pikepdf.open(io.BytesIO(unshrunk_chinese)) as pdf:
        original = next(str(obj.BaseFont) for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                        and obj.get("/Subtype") == "/CIDFontType0" and not str(obj.BaseFont).endswith("-Bold"))
    assert renamed != original and renamed.endswith("+Noto-Sans-CJK-SC")


def _same_pixels(a: Path, b: Path) -> bool:
    from PIL import Image, ImageChops

    return ImageChops.difference(Image.open(a).convert("L"), Image.open(b).convert("L")).getbbox() is None


def test_text_comes_back_in_logical_order(dist):
    out, _ = dist
    for stem, (_, sentences) in SAMPLE.items():
        text = logical(pdf_text(out / f"{MASTER}.{stem}.pdf"))
        for sentence in sentences:
            assert logical(sentence) in text, (stem, sentence)
    # Word for word, not just letters: Bengali's vowel signs (drawn before their consonant),
    # Urdu's Nastaliq (each letter at its own height) and Arabic's lam-alef come back in
    # place only through the ActualText leafpress adds (render/actual_text.py).
    text = without_isolates(pdf_text(out / f"{MASTER}.bn.pdf", 1))
    assert "ন্যূনতম আক্রমণাত্মক মেরুদণ্ড সার্জারি" in text
    text = without_isolates(pdf_text(out / f"{MASTER}.ur.pdf", 1))
    assert "کم سے کم چیر پھاڑ والی ریڑھ کی ہڈی کی سرجری" in text
    assert "البريد الإلكتروني" in without_isolates(pdf_text(out / f"{MASTER}.ar.pdf"))


def test_no_template_word_is_left_in_english(dist):
    out, _ = dist
    for stem in ("pl", "ar", "ur", "bn", "zh-Hans"):
        text = without_isolates(pdf_text(out / f"{MASTER}.{stem}.pdf"))
        for english in ("Contact us", "Page 1 of", "About this leaflet", "Next review due",
                        "Other formats", "October", "Phone"):
            assert english not in text, (stem, english)


def test_a_phone_number_inside_arabic_keeps_its_groups_in_order(dist):
    out, _ = dist
    text = without_isolates(pdf_text(out / f"{MASTER}.ar.pdf"))
    assert "020 7946 0321" in text and "0321 7946 020" not in text
    # Authored text too: "NHS 111" stays one left-to-right run.
    assert "NHS 111" in text


# ---- right to left: positions on the page ---------------------------------------------------

def _words(path: Path, page: int) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, yMin, word) of every word on a page, from pdftotext -bbox."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(float(a), float(b), float(y), w) for a, y, b, w in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html)]


def _title(path: Path) -> str:
    with pikepdf.open(path) as pdf:
        return str(pdf.docinfo["/Title"])


def _width(path: Path) -> float:
    with pikepdf.open(path) as pdf:
        return float(pdf.pages[0].mediabox[2])


def test_the_address_postcode_is_never_split_over_two_lines(dist):
    """Each half of the postcode on a line of its own tells a patient nothing: Urdu's and
    Arabic's booklets once left "0XX" alone under the rest of the address."""
    out, _ = dist
    postcode = " ".join(BRAND["contact"]["address"].split()[-2:])  # the samples' address ends so
    pdfs = sorted(out.glob("*.pdf"))
    assert len(pdfs) == 33  # every sample and edition in every PDF format
    for pdf in pdfs:
        lines = [without_isolates(line) for line in pdf_text(pdf, raw=True).splitlines()]
        assert any(postcode in line for line in lines), pdf.name


@pytest.mark.parametrize("stem", ["ar", "ur"])
def test_right_to_left_pages_are_laid_out_mirrored(dist, stem):
    out, _ = dist
    path = out / f"{MASTER}.{stem}.pdf"
    english = out / f"{MASTER}.pdf"
    width = _width(path)
    mm = 72 / 25.4
    words = _words(path, 1)
    body = [w for w in words if w[2] < 760]  # above the footer
    # The English lines start at the left margin; the edition's end at the right margin,
    # as far in from the right edge of the paper.
    margin = min(xmin for xmin, _, y, _ in _words(english, 1) if y < 760)
    right_edges = [xmax for _, xmax, _, _ in body]
    assert max(right_edges) == pytest.approx(width - margin, abs=2 * mm)
    # The title, whichever way round -bbox gives its words (with ActualText, a line at a time).
    title_words = {w for word in _title(path).split() for w in (word, word[::-1])}
    title = [w for w in body if any(t in w[3] for t in title_words) and w[2] < 250]
    assert title and max(x for _, x, _, _ in title) == pytest.approx(width - margin, abs=2 * mm)
    # The footer is mirrored: the page number on the left, the reference on the right.
    footer = [w for w in words if w[2] > 760]
    leftmost = min(footer, key=lambda w: w[0])
    reference = next(w for w in footer if "RSC-SP-001" in w[3])
    made_from = next(w for w in footer if "1.2" in w[3] and w is not reference)
    assert reference[0] > width / 2 and made_from[0] > width / 2
    # Both lines flush right: each line's right end (its first words, in Arabic or Urdu).
    def right_end(word):
        return max(w[1] for w in footer if abs(w[2] - word[2]) < 3)
    # (Within 2 mm: Nastaliq's glyph boxes overhang their advance.)
    assert right_end(reference) == pytest.approx(right_end(made_from), abs=2 * mm)
    assert leftmost[1] < width / 3
    # "Page 1 of 4" on the left: its page number is a word of its own there.
    assert any(w[3] == "1" and w[1] < width / 3 for w in footer)


def test_english_footer_keeps_page_number_on_the_right(dist):
    out, _ = dist
    path = out / f"{MASTER}.pdf"
    footer = [w for w in _words(path, 1) if w[2] > 760]
    assert next(w for w in footer if w[3] == "Page")[0] > _width(path) * 2 / 3


def test_right_to_left_booklet_opens_the_other_way(dist):
    assert sheet_order(8, right_to_left=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    out, _ = dist
    # Page 1 (its masthead) is on the left half of the first sheet's front, not the right.
    for stem, left in ((".ar", True), ("", False)):
        path = out / f"{MASTER}{stem}-booklet.pdf"
        masthead = min((w for w in _words(path, 1) if w[3] == "Riverside"), key=lambda w: w[2])
        assert (masthead[0] < _width(path) / 2) is left
        # And the PDF says which way its pages read (what the catalogue's picture goes by).
        with pikepdf.open(path) as pdf:
            assert pdf.Root.ViewerPreferences.Direction == ("/R2L" if left else "/L2R")


@pytest.mark.parametrize("edition", sorted(SAMPLE))
def test_booklet_back_cover_holds_the_whole_back_matter(dist, edition):
    """The contact box (its phone number) and the details (the author) on the one page, the
    back cover: on the first sheet's front, the half that is not page 1. Nastaliq's and the
    Polish back matter once ran over two pages, with the notes pages between them."""
    out, _ = dist
    path = out / f"{MASTER}.{edition}-booklet.pdf"
    right_to_left = SAMPLE[edition][0] in ("ar", "ur")
    back = " ".join(w[3] for w in _words(path, 1) if (w[0] >= _width(path) / 2) == right_to_left)
    author = front_matter(SAMPLES / f"{MASTER}.md")[0]["author"]
    assert BRAND["contact"]["phone"] in back and author.split(",")[0] in back, back


def test_right_to_left_booklet_prints_one_footer_a_page(brand, tmp_path):
    """The booklet's leaflet layer draws no footer of its own (the footer layer under it
    does): nothing lies below its pages' text, right to left too, where the named page's
    footer once printed "page 1 of 5" over the footer layer's "page 1 of 8"."""
    from leafpress.formats.booklet import Booklet
    from leafpress.model.editions import read_leaflets

    fmt = Booklet()
    state = fmt.prepare(brand)
    leaflets, problems = read_leaflets([SAMPLES / f"{MASTER}.md", EDITIONS / f"{MASTER}.ar.md"],
                                       brand)
    assert not problems and len(leaflets) == 2
    foot = (210 - 17) * 72 / 25.4  # the A5 page's bottom margin, 17 mm (booklet.css)
    for item in leaflets:
        output = fmt.pdf_output(item, brand, state, {"layer": "content"},
                                stylesheets=state.no_footer)
        path = tmp_path / f"{item.path.stem}.pdf"
        path.write_bytes(output.data)
        assert output.pages >= 4
        for page in range(1, output.pages + 1):
            below = [word for _, _, top, word in _words(path, page) if top >= foot]
            assert below == [], (item.path.name, page, below)


# ---- staleness -------------------------------------------------------------------------------

STALE = ("translation is of version 1.1; the English leaflet is now 1.2")


def _stale_line() -> int:
    source = (EDITIONS / f"{MASTER}.bn.md").read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(source, 1) if text.startswith("based_on_version:"))


def test_stale_edition_is_a_warning_at_based_on_version_in_check(monkeypatch):
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", "--today", TODAY], catch_exceptions=False)
    line = _stale_line()
    assert (f"leaflets/editions/{MASTER}.bn.md:{line}: warning: {STALE}" in result.stdout)
    assert "reading ease not measured for bn" in result.stdout
    assert result.exit_code == 0
    strict = CliRunner().invoke(main, ["check", "--today", TODAY, "--strict"],
                                catch_exceptions=False)
    assert strict.exit_code == 1


def test_stale_edition_is_built_with_a_warning_and_refused_with_strict(tmp_path, brand, dist):
    _, notes = dist
    # The build reads a copy of the samples: compare the source by its place among them.
    assert [(d.path.parent.name, d.path.name, d.line, d.severity, d.message)
            for d in notes if d.code == "edition-stale"] == [
        ("editions", f"{MASTER}.bn.md", _stale_line(), "warning",
         f"{STALE}: update the translation, then its 'based_on_version'")]
    # The master with its stale Bengali and up-to-date Polish editions, built with --strict.
    sources = tmp_path / "leaflets"
    (sources / "editions").mkdir(parents=True)
    shutil.copy(SAMPLES / f"{MASTER}.md", sources)
    for lang in ("bn", "pl"):
        shutil.copy(EDITIONS / f"{MASTER}.{lang}.md", sources / "editions")
    notes = []
    result = build([sources], tmp_path, brand, strict=True, jobs=1, report=notes.append)
    assert not (tmp_path / f"{MASTER}.bn.pdf").exists()
    assert (tmp_path / f"{MASTER}.pl.pdf").exists()  # the rest still build
    assert [(p.parent.name, p.name) for p in result.failed] == [("editions", f"{MASTER}.bn.md")]
    assert any(d.severity == "error" and "(not built: --strict)" in d.message and
               STALE in d.message for d in notes)


def _actual_texts(pdf: Path, page: int) -> list[str]:
    """Every /ActualText on a page's marked content, in drawing order (read with pikepdf)."""
    import pikepdf

    with pikepdf.open(pdf) as document:
        found = []
        for operands, operator in pikepdf.parse_content_stream(document.pages[page]):
            if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                    and "/ActualText" in operands[1]:
                found.append(str(operands[1].ActualText))
        return found


def test_pdf_footer_carries_the_master_version_it_was_made_from(dist):
    out, _ = dist
    # Bengali's glyphs do not map back to letters: the footer (an artifact) carries its words
    # as /ActualText, which poppler reads only on a Span, so read it from the page itself.
    assert "সংস্করণ 1.1 থেকে অনূদিত" in without_isolates(" ".join(_actual_texts(out / f"{MASTER}.bn.pdf", 0)))
    assert "Tłumaczenie wersji 1.2" in pdf_text(out / f"{MASTER}.pl.pdf", 2)
    assert "Easy Read, made from version 1.2" in pdf_text(out / f"{MASTER}.easy-read.pdf", 1)


# ---- the catalogue ---------------------------------------------------------------------------

class _Card(HTMLParser):
    """The master's card: edition names, their files and stale marks, in page order."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.cards: list[str] = []
        self.editions: list[dict] = []
        self._field = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "li" and "card" in (attrs.get("class") or "").split():
            self.cards.append(attrs.get("data-stem"))
        classes = (attrs.get("class") or "").split()
        if "edition" in classes:
            self.editions.append({"lang": attrs.get("data-lang"), "name": "", "files": [],
                                  "stale": False})
        elif "edition-name" in classes:
            self._field = "name"
        elif attrs.get("id") == "printing-help":
            self.editions.append({"lang": None, "name": "", "files": [], "stale": False})
        elif "badge-stale" in classes:
            self.editions[-1]["stale"] = True
        elif tag == "a" and self.editions and attrs.get("data-file"):
            self.editions[-1]["files"].append(attrs["data-file"])

    def handle_endtag(self, tag):
        self._field = None

    def handle_data(self, data):
        if self._field == "name":
            self.editions[-1]["name"] += data.strip()


def test_catalogue_lists_editions_on_the_master_card_by_their_own_names(dist):
    out, _ = dist
    card = _Card()
    card.feed((out / "index.html").read_text(encoding="utf-8"))
    # A card per leaflet, none for an edition.
    assert sorted(card.cards) == sorted(p.stem for p in SAMPLES.glob("*.md"))
    card.editions = [e for e in card.editions if e["lang"]]
    names = {e["name"]: e for e in card.editions}
    assert set(names) == {"Polski", "العربية", "اردو", "বাংলা", "中文 (简体)", "Easy Read"}
    assert names["Polski"]["files"] == [f"{MASTER}.pl.pdf", f"{MASTER}.pl-large-print.pdf",
                                        f"{MASTER}.pl-booklet.pdf", f"{MASTER}.pl.html",
                                        f"{MASTER}.pl.brf"]
    assert [e["name"] for e in card.editions if e["stale"]] == ["বাংলা"]
    assert "Out of date with the English" in (out / "index.html").read_text(encoding="utf-8")
    # The search (MiniSearch, over an index the page carries) is driven in Chromium below.


# ---- errors ---------------------------------------------------------------------------------

def _project(project: Path) -> Path:
    shutil.copy(SAMPLES / f"{MASTER}.md", project / "leaflets")
    return project / "leaflets"


def _run(project: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--brand", str(project / "styles" / "brand.toml")],
                              catch_exceptions=False)


def test_missing_master_and_duplicate_edition_are_errors_at_their_lines(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    front = 'title: T\nedition_of: {}\nlang: pl\nbased_on_version: "1.2"'
    write_leaflet(leaflets, "a.md", front.format(MASTER), "Tekst.\n")
    write_leaflet(leaflets, "b.md", front.format(MASTER), "Tekst.\n")
    write_leaflet(leaflets, "c.md", front.format("minimally-invasive-spine-surgry"), "Tekst.\n")
    result = _run(project, "build", "leaflets", "-o", "out")
    assert result.exit_code == 1
    assert ("leaflets/b.md:4: error: leaflets/a.md is already the Polish translation of "
            f"{MASTER}; keep one of them") in result.output
    assert ("leaflets/c.md:3: error: no leaflet 'minimally-invasive-spine-surgry' to be an "
            "edition of: there is no minimally-invasive-spine-surgry.md among the sources "
            f"(did you mean '{MASTER}'?)") in result.output
    assert sorted(p.name for p in (project / "out").glob("*.pdf")) == [
        f"{MASTER}.pdf", f"{MASTER}.pl.pdf"]


def test_edition_keys_are_validated_with_did_you_mean(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    write_leaflet(leaflets, "a.md", f'title: T\nedition_off: {MASTER}\nlang: pl', "Tekst.\n")
    write_leaflet(leaflets, "b.md", 'title: T\nbased_on_version: "1.2"', "Text.\n")
    write_leaflet(leaflets, "c.md", f"title: T\nedition_of: {MASTER}\nlang: pl", "Tekst.\n")
    result = _run(project, "check", "--today", TODAY)
    assert ("leaflets/a.md:3: error: unknown front-matter key 'edition_off' (did you mean "
            "'edition_of'?)") in result.output
    assert ("leaflets/b.md:3: error: 'based_on_version' is only for an edition: add "
            "'edition_of: <the master's file name>'") in result.output
    assert ("leaflets/c.md:3: error: an edition needs 'based_on_version': the master's version "
            "it was made from") in result.output


def test_a_language_without_a_catalogue_is_an_error_naming_what_is_missing(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    write_leaflet(leaflets, "fr.md", f'title: T\nedition_of: {MASTER}\nlang: fr\n'
                  'based_on_version: "1.2"', "Texte.\n")
    result = _run(project, "build", "leaflets", "-o", "out")
    assert result.exit_code == 1
    assert re.search(r"leaflets/fr\.md:4: error: no message catalogue for fr \(French\): add "
                     r"templates/locale/fr/LC_MESSAGES/messages\.po translating the "
                     r"template's \d+ messages \(see README, 'Adding a language'\)", result.output)
    assert ("leaflets/fr.md:4: error: styles/brand.toml has no [translations.fr] "
            "alternative_formats, disclaimer for fr (French)") in result.output
    assert not (project / "out" / f"{MASTER}.fr.pdf").exists()
    assert (project / "out" / f"{MASTER}.pdf").exists()
    # A catalogue that leaves a message untranslated names it.
    po = project / "templates" / "locale" / "pl" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Kontakt z nami"', 'msgstr ""'),
                  encoding="utf-8")
    write_leaflet(leaflets, "pl.md", f'title: T\nedition_of: {MASTER}\nlang: pl\n'
                  'based_on_version: "1.2"', "Tekst.\n")
    result = _run(project, "check", "--today", TODAY, "leaflets/pl.md", "leaflets")
    assert ("leaflets/pl.md:4: error: templates/locale/pl/LC_MESSAGES/messages.po does not "
            "translate 1 of the template's messages: 'Contact us'") in result.output


def test_a_character_without_a_glyph_is_an_error_at_its_line(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    write_leaflet(leaflets, "bn.md", f'title: শিরোনাম\nedition_of: {MASTER}\nlang: bn\n'
                  'based_on_version: "1.2"', "এটি একটি বাক্য।\n\nএখানে ☃ আছে।\n")
    result = _run(project, "check", "--today", TODAY)
    assert ("leaflets/bn.md:9: error: '☃' (U+2603 SNOWMAN) has no glyph in the fonts that "
            "print bn (Atkinson Hyperlegible, Noto Sans Bengali): it would print as an empty "
            "box") in result.output
    assert result.output.count("has no glyph") == 1  # Bengali itself has its glyphs


def test_english_rules_stay_english(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    long_polish = " ".join(["słowo"] * 30) + "."
    write_leaflet(leaflets, "pl.md", f'title: T\nedition_of: {MASTER}\nlang: pl\n'
                  'based_on_version: "1.2"', f"Skrót ABC bez wyjaśnienia.\n\n{long_polish}\n")
    result = _run(project, "check", "--today", TODAY)
    assert "'ABC'" not in result.output  # the acronym rule is English
    assert "leaflets/pl.md:9: warning: sentence of 30 words (more than 25)" in result.output
    assert re.search(r"leaflets/pl\.md: reading ease not measured for pl \(34 words, 2 "
                     r"sentences\)", result.output)


# ---- Easy Read ------------------------------------------------------------------------------

def test_easy_read_rules(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    (leaflets / "pictures").mkdir()
    shutil.copy(EDITIONS / "pictures" / "home.svg", leaflets / "pictures" / "home.svg")
    body = ("![A house](pictures/home.svg) You go home the same day.\n\n"
            "This paragraph has no picture.\n\n"
            "![A house](pictures/home.svg) You will go home on the same day or on the day "
            "after it if all is well.\n\n"
            "![A house](pictures/home.svg) You rest; then you walk.\n")
    write_leaflet(leaflets, "er.md", f'title: T\nedition_of: {MASTER}\nlang: en-GB\n'
                  'easy_read: true\nbased_on_version: "1.2"', body)
    result = _run(project, "check", "--today", TODAY)
    assert ("leaflets/er.md:10: warning: Easy Read paragraph without a picture beside it"
            in result.output)
    assert ('leaflets/er.md:12: warning: Easy Read sentence of 18 words (at most 15): "You '
            'will go home on the ..."') in result.output
    assert ('leaflets/er.md:14: warning: one idea per sentence: split "You rest; then you '
            'walk." into two') in result.output
    assert "er.md:8" not in result.output  # the first paragraph is fine
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text().replace("easy_read_pt = 16", "easy_read_pt = 12"))
    result = _run(project, "check", "--today", TODAY)
    assert re.search(r"styles/brand\.toml:\d+: error: Easy Read body type 12pt is below 14pt",
                     result.output)


def _body_sizes(path: Path) -> list[float]:
    """Font sizes in points of the text drawn on page 1 (WeasyPrint draws in px: 0.75 pt)."""
    with pikepdf.open(path) as pdf:
        return [float(operands[1]) * 0.75
                for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])
                if str(operator) == "Tf"]


def test_easy_read_prints_large_with_a_picture_column(dist):
    out, _ = dist
    sizes = _body_sizes(out / f"{MASTER}.easy-read.pdf")
    body = max(set(sizes), key=sizes.count)
    assert body >= 14
    assert body > max(set(s := _body_sizes(out / f"{MASTER}.pdf")), key=s.count)
    assert max(set(s := _body_sizes(out / f"{MASTER}.easy-read-large-print.pdf")),
               key=s.count) >= 18
    # The ideas' text starts right of the picture column: 30 mm in from the margin, where
    # the English leaflet's lines start.
    mm = 72 / 25.4
    margin = min(w[0] for w in _words(out / f"{MASTER}.pdf", 1) if w[2] < 760)
    words = _words(out / f"{MASTER}.easy-read.pdf", 1)
    line = [w for w in words if w[3] == "Your"]
    assert line and line[0][0] > margin + 30 * mm
    assert "images" not in pdf_text(out / f"{MASTER}.easy-read.pdf")


# ---- naming, versions, keeping in step -------------------------------------------------------

@pytest.mark.parametrize("lang, easy_read, expected", [
    ("pl", False, f"{MASTER}.pl"), ("zh-Hans", False, f"{MASTER}.zh-Hans"),
    ("en-GB", True, f"{MASTER}.easy-read"), ("en-US", True, f"{MASTER}.easy-read"),
    ("pl", True, f"{MASTER}.pl.easy-read"),
])
def test_edition_file_names(project, monkeypatch, lang, easy_read, expected):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    flag = "\neasy_read: true" if easy_read else ""
    write_leaflet(leaflets, "any-name.md", f'title: T\nedition_of: {MASTER}\nlang: {lang}\n'
                  f'based_on_version: "1.2"{flag}', "Tekst.\n")
    # The web page is named by the same rule, at a fraction of a PDF's cost; the other PDF
    # formats' suffixes come after the edition's (test_every_edition_is_built_beside_...).
    result = _run(project, "build", "leaflets", "-o", "out", "--format", "a4", "--format", "html")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "out").glob(f"{MASTER}.*.*")) == sorted(
        [f"{expected}.pdf", f"{expected}.html"])


def test_a_new_master_version_rebuilds_and_flags_its_editions(project, monkeypatch):
    monkeypatch.chdir(project)
    leaflets = _project(project)
    write_leaflet(leaflets, "pl.md", f'title: T\nedition_of: {MASTER}\nlang: pl\n'
                  'based_on_version: "1.2"', "Tekst.\n")
    first = _run(project, "build", "leaflets", "-o", "out")
    assert first.exit_code == 0 and "warning" not in first.output
    master = leaflets / f"{MASTER}.md"
    master.write_text(master.read_text(encoding="utf-8").replace('version: "1.2"',
                                                                  'version: "1.10"'))
    second = _run(project, "build", "leaflets", "-o", "out")
    assert ("leaflets/pl.md:5: warning: translation is of version 1.2; the English leaflet is "
            "now 1.10") in second.output  # 1.10 is after 1.2: versions compare as numbers
    assert "2 built" in second.output  # the master and its edition, whose card changes too
    assert "Przestarzałe" not in (project / "out" / "index.html").read_text(encoding="utf-8")
    assert "Out of date with the English" in (project / "out" / "index.html").read_text(
        encoding="utf-8")
    strict = _run(project, "build", "leaflets", "-o", "out", "--strict")
    assert strict.exit_code == 1
    assert "leaflets/pl.md:5: error: translation is of version 1.2" in strict.output


def test_actual_text_is_given_as_drawn_for_right_to_left_lines():
    from leafpress.render.actual_text import actual_text

    # Reversed letter by letter, with the left-to-right number kept as it is and the
    # isolates (which draw nothing) left out.
    assert actual_text("اتصل على \u2066020 7946 0321\u2069 الآن", rtl=True) == (
        "نآلا 020 7946 0321 ىلع لصتا")  # ن آ ل ا: "الآن" from its last letter
    assert actual_text("মেরুদণ্ড", rtl=False) == "মেরুদণ্ড"


def test_catalogue_search_finds_a_leaflet_by_its_edition_title_and_passes_axe(dist, browser):
    from .browser import axe_violations

    out, _ = dist
    page = browser.new_page()
    page.goto((out / "index.html").as_uri())
    page.fill("#search", "微创脊柱")  # the Chinese edition's title
    page.wait_for_function("() => document.querySelector('#count').textContent"
                           ".startsWith('1 of')")
    shown = page.locator("li.card:visible")
    assert shown.count() == 1 and shown.get_attribute("data-stem") == MASTER
    page.fill("#search", "")
    assert axe_violations(page) == []
