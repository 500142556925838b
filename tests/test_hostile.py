"""The hostile corpus, built as one batch: nothing leaks, nothing reaches the network, nothing
runs, and every broken or pathological source fails alone in one line."""

from __future__ import annotations

import getpass
import os
import re
import urllib.request
from pathlib import Path

import pypdf
import pytest

from leafpress.build import build
from leafpress.config import load_brand

from .conftest import ROOT, SAMPLES, normalise, pdf_text
from .hostile import CANARIES, HOSTILE, INSIDE_IMAGE, CountingServer, decompressed, lay_out, start

OUTSIDE = "outside the leaflet's folder, templates/ and styles/"
NETWORK = "network resources are not allowed"
DEEP = ("nested too deeply to render: flatten the lists, quotes, emphasis or HTML tags inside "
        "each other")

# Sources that must build, with the warnings they must give: (line or 0, message start).
WRITTEN = {
    "attachments": [],
    "base_and_form": [(8, "file not found: images/nothing-here.png")],
    "css_import_from_svg": [(6, "could not load image: images/css_import_from_svg.svg")],
    "entity_from_svg": [(6, "could not load image: images/entity_from_svg.svg")],
    "front_matter_markup": [],
    "font_face_from_svg": [(0, f"{NETWORK}: http://127.0.0.1:{{PORT}}/font.woff"),
                           (0, f"{OUTSIDE}: file://{{OUTSIDE}}/canary.ttf"),
                           (0, "Font-face 'Remote' cannot be loaded"),
                           (0, "Font-face 'Outside' cannot be loaded")],
    "huge_image": [(6, "image of 20000 x 20000 pixels (400 megapixels) is over the 50 megapixel "
                       "limit: images/huge.png"),
                   (8, "image of 8000 x 8000 pixels (64 megapixels) is over the 50 megapixel "
                       "limit: images/over-budget.png")],
    "huge_image_in_svg": [(0, "image of 20000 x 20000 pixels (400 megapixels) is over the 50 "
                              "megapixel limit: data:image/png;base64,")],
    "huge_table_span": [],
    "image_from_absolute_path": [(6, f"{OUTSIDE}: file://{{OUTSIDE}}/canary.png"),
                                 (10, f"{OUTSIDE}: file:///etc/passwd")],
    "image_from_device_or_fifo": [(6, f"{OUTSIDE}: file:///dev/urandom"),
                                  (8, f"{OUTSIDE}: images/symlink-to-dev-zero.png"),
                                  (10, "not a regular file: images/fifo.png")],
    "image_from_network": [(6, f"{NETWORK}: https://127.0.0.1:{{PORT}}/image.png"),
                           (10, f"{OUTSIDE}: file://127.0.0.1:{{PORT}}/no-scheme.png"),
                           (12, "file not found: images/missing.png")],
    "image_from_outside_folder": [(6, f"{OUTSIDE}: file://{{OUTSIDE}}/canary.png")],
    "image_from_svg": [(0, f"{OUTSIDE}: file://{{OUTSIDE}}/canary.png"),
                       (0, f"{NETWORK}: http://127.0.0.1:{{PORT}}/svg-image.png"),
                       (0, f"{NETWORK}: http://127.0.0.1:{{PORT}}/based.png"),
                       (0, f"{OUTSIDE}: images/symlink-to-canary.png")],
    "image_inside_folder": [],
    "image_through_symlink": [(6, f"{OUTSIDE}: images/symlink-to-canary.png")],
    "nul_bytes": [],
    "object_embed_iframe": [(16, "file not found: images/missing.png")],
    "relative_links": [],
    "script_style_iframe": [(12, "file not found: images/missing.png")],
    "stylesheet_link_and_style": [],
    "svg_entity_bomb": [(6, "could not load image: images/svg_entity_bomb.svg")],
    "template_injection": [],
    "use_from_svg": [],
}
# Sources that must fail, alone: (line or 0, the one error line's message).
FAILED = {
    "deep_nesting_emphasis": (0, DEEP),
    "deep_nesting_html": (4, "HTML tags nested more than 50 deep: close them or flatten the "
                             "markup"),
    "deep_nesting_lists": (25, "nested 21 levels deep (lists, quotes and callouts may go 20 "
                               "deep): flatten it"),
    "deep_nesting_quotes": (4, "nested 5000 levels deep (lists, quotes and callouts may go 20 "
                               "deep): flatten it"),
    "empty": (1, "the file is empty"),
    "no_front_matter": (1, "missing front matter: the file must start with a '---' line"),
    "not_utf8": (2, "not UTF-8 text (byte 0xe9); save the file as UTF-8"),
    "parser_stress_brackets": (0, "took longer than 5 seconds to render; stopped"),
    "unclosed_front_matter": (1, "front matter is not closed: add a '---' line after it"),
    "utf16": (1, "not UTF-8 text (byte 0xff); save the file as UTF-8"),
    "yaml_alias_bomb": (3, "invalid front matter: anchors and aliases (&name, *name) are not "
                           "allowed"),
    "yaml_control_character": (3, "invalid front matter: character U+000C is not allowed"),
    "yaml_impossible_date": (3, "invalid front matter: cannot read '2026-13-45' (month must be "
                                "in 1..12)"),
    "yaml_merge_key": (3, "invalid front matter: anchors and aliases (&name, *name) are not "
                          "allowed"),
    "yaml_not_a_mapping": (2, "front matter must be 'key: value' lines"),
    "yaml_python_tag": (3, "invalid front matter: YAML tags like !!python are not allowed"),
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Build the whole corpus once, in one batch, with a 5 s render timeout."""
    server = CountingServer()
    start(server)
    layout = lay_out(tmp_path_factory.mktemp("hostile"), server)
    brand = load_brand(layout.project / "styles" / "brand.toml")
    out = layout.project / "dist"
    result = build([layout.leaflets], out, brand, jobs=2, timeout=5, catalogue=False)
    yield layout, out, result
    server.shutdown()
    server.server_close()


def fill(text: str, layout) -> str:
    return text.replace("{PORT}", str(layout.server.port)).replace("{OUTSIDE}",
                                                                    str(layout.outside))


def by_stem(result) -> dict[str, list]:
    found: dict[str, list] = {}
    for diagnostic in result.diagnostics:
        found.setdefault(diagnostic.path.stem, []).append(diagnostic)
    return found


def test_the_corpus_is_exactly_the_cases_listed_here():
    assert sorted(p.stem for p in HOSTILE.glob("*.md")) == sorted([*WRITTEN, *FAILED])


def test_every_safe_case_is_written_with_exactly_its_warnings(corpus):
    layout, out, result = corpus
    found = by_stem(result)
    assert sorted(p.stem for p in result.written) == sorted(WRITTEN)
    for stem, expected in WRITTEN.items():
        got = [(d.severity, d.line, d.message) for d in found.get(stem, [])]
        assert len(got) == len(expected), (stem, got)
        for (severity, line, message), (want_line, want) in zip(got, expected, strict=True):
            assert (severity, line) == ("warning", want_line), (stem, got)
            assert message.startswith(fill(want, layout)), (stem, message)


def test_every_broken_case_fails_alone_with_one_clear_line(corpus):
    layout, out, result = corpus
    found = by_stem(result)
    assert sorted(p.stem for p in result.failed) == sorted(FAILED)
    for stem, (line, message) in FAILED.items():
        assert [(d.severity, d.line, d.message) for d in found[stem]] == [("error", line, message)]
        assert not (out / f"{stem}.pdf").exists()
    for diagnostic in result.diagnostics:
        assert "\n" not in str(diagnostic) and "Traceback" not in str(diagnostic)


def test_every_pdf_is_complete_and_opens_strictly(corpus):
    layout, out, result = corpus
    for pdf in result.written:
        reader = pypdf.PdfReader(pdf, strict=True)
        assert len(reader.pages) >= 1
        assert "The end." in pdf_text(pdf) or pdf.stem in ("relative_links", "nul_bytes",
                                                           "template_injection",
                                                           "huge_table_span")


def test_no_canary_from_outside_the_folder_reaches_any_pdf(corpus):
    layout, out, result = corpus
    for pdf in result.written:
        data = decompressed(pdf)
        leaked = [canary for canary in CANARIES if canary in data]
        assert not leaked, (pdf.name, leaked)


def test_the_canary_check_finds_a_picture_that_may_be_used(corpus):
    # The same kind of picture, inside the leaflet's folder, is found byte for byte: so the
    # check above would see a leaked one.
    layout, out, result = corpus
    assert INSIDE_IMAGE in decompressed(out / "image_inside_folder.pdf")


def test_the_http_server_saw_no_connection_at_all(corpus):
    layout, out, result = corpus
    server = layout.server
    assert (server.connections, server.paths) == (0, [])
    # The counter works: one request from here is seen.
    urllib.request.urlopen(f"http://127.0.0.1:{server.port}/probe", timeout=5).read()
    assert (server.connections, server.paths) == (1, ["/probe"])


BANNED = [b"/EmbeddedFiles", b"/EmbeddedFile", b"/AF ", b"/AF[", b"/Filespec", b"/JavaScript",
          b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/SubmitForm", b"/ImportData", b"/AcroForm",
          b"/OpenAction", b"/AA ", b"/AA<", b"/RichMedia", b"/GoToR"]


def leaks(pdf: Path, paths: list[str]) -> list[str]:
    """Attachments, scripts, actions, local paths and user names found in a PDF's bytes."""
    data = decompressed(pdf)
    found = [name.decode() for name in BANNED if name in data]
    found += [path for path in paths if path.encode() in data]
    # User names as words (a name like "root" also occurs inside "/Root").
    text = data.decode("latin-1")
    names = {getpass.getuser(), Path.home().name} - {""}
    found += [name for name in names
              if re.search(rf"(?<![A-Za-z/]){re.escape(name)}(?![A-Za-z])", text)]
    return found


def local_paths(*more: Path) -> list[str]:
    return [*(str(p) for p in more), str(ROOT), str(Path.home()), os.getcwd(), "/tmp/", "/root",
            "/home/", "/etc/", "file:"]


def test_no_attachment_script_action_local_path_or_user_name_in_any_pdf(corpus):
    layout, out, result = corpus
    for pdf in result.written:
        assert leaks(pdf, local_paths(layout.root, layout.project)) == [], pdf.name


def test_local_links_print_as_plain_text(corpus):
    layout, out, result = corpus
    pdf = out / "relative_links.pdf"
    uris = [annotation.get_object()["/A"]["/URI"]
            for page in pypdf.PdfReader(pdf).pages
            for annotation in page.get("/Annots", [])
            if annotation.get_object().get("/A", {}).get("/URI")]
    # Only the https, tel and mailto links stay links (the back matter adds the clinic's own).
    assert "https://www.example.org/help" in uris
    assert "tel:+441234567890" in uris and "mailto:help@example.org" in uris
    assert all(uri.startswith(("https:", "mailto:", "tel:")) for uri in uris), uris
    text = normalise(pdf_text(pdf))
    assert "Links to local files: another leaflet, a system file, above, an anchor, no scheme " \
           "and raw HTML." in text


def test_template_syntax_in_a_leaflet_prints_literally(corpus):
    layout, out, result = corpus
    pdf = out / "template_injection.pdf"
    text = normalise(pdf_text(pdf))
    assert "Title {{ 7*7 }} {% raw %}" in text
    assert "Summary {{ 7*7 }} {% if true %}yes{% endif %}" in text
    assert "{{ brand.name }}" in text  # the author field, printed as written
    assert "Jinja2 in the body: {{ 7*7 }} and {% raw %}raw{% endraw %} and {# comment #}." in text
    assert "{{ self }} {{ config }} {{ brand.name }} {% for x in range(3) %}loop{% endfor %}" \
        in text
    assert "49" not in text and "looploop" not in text
    assert pypdf.PdfReader(pdf).metadata.title == "Title {{ 7*7 }} {% raw %}"


def test_raw_html_is_gone_from_the_printed_page(corpus):
    layout, out, result = corpus
    text = normalise(pdf_text(out / "script_style_iframe.pdf"))
    assert "Raw HTML that must not survive." in text and "Handlers and styles." in text
    assert "SCRIPT-RAN" not in text and "document.write" not in text
    assert "body { color: red }" not in text
    assert "STYLE-ELEMENT-APPLIED" not in normalise(pdf_text(out / "stylesheet_link_and_style.pdf"))
    form = normalise(pdf_text(out / "base_and_form.pdf"))
    assert "FORM-FIELD" not in form and "Send" in form  # the button's text stays, as text


def test_a_leaflet_cannot_reuse_a_picture_another_folder_was_allowed(tmp_path, brand):
    # One worker renders both: its image cache must not hand the second leaflet a picture
    # that only the first one's folder may use.
    from .hostile import png_bytes

    owner, thief = tmp_path / "a_owner", tmp_path / "b_thief"
    (owner / "images").mkdir(parents=True)
    thief.mkdir()
    (owner / "images" / "own.png").write_bytes(png_bytes(INSIDE_IMAGE))
    (owner / "owner.md").write_text("---\ntitle: Owner\n---\n![Mine](images/own.png)\n")
    (thief / "thief.md").write_text("---\ntitle: Thief\n---\n"
                                    "![Not mine](../a_owner/images/own.png)\n")
    result = build([owner, thief], tmp_path / "out", brand, jobs=1, catalogue=False)
    assert INSIDE_IMAGE in decompressed(tmp_path / "out" / "owner.pdf")
    assert INSIDE_IMAGE not in decompressed(tmp_path / "out" / "thief.pdf")
    [refusal] = [d for d in result.diagnostics if d.path.stem == "thief"]
    assert (refusal.line, refusal.message.split(":")[0]) == (4, OUTSIDE)


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "outside"])
def test_the_manifest_never_reads_what_the_fetcher_would_refuse(tmp_path, kind):
    # The parent hashes a leaflet's pictures: a pipe or /dev/zero must not stop the build.
    import threading

    from leafpress.manifest import _image_digest

    folder = tmp_path / "leaflets"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(b"secret")
    name = {"fifo": "pipe.png", "device": "zero.png", "folder": "sub", "outside": "out.png"}[kind]
    {"fifo": lambda p: os.mkfifo(p), "device": lambda p: p.symlink_to("/dev/zero"),
     "folder": lambda p: p.mkdir(), "outside": lambda p: p.symlink_to(tmp_path / "secret.png"),
     }[kind](folder / name)
    answer: list[str] = []
    worker = threading.Thread(target=lambda: answer.append(_image_digest(folder, name)),
                              daemon=True)
    worker.start()
    worker.join(10)
    expected = {"fifo": "not-a-file", "device": "outside", "folder": "folder",
                "outside": "outside"}[kind]
    assert answer == [expected]


def test_the_manifest_does_not_read_a_device_inside_the_folder(tmp_path):
    from leafpress.manifest import file_digest

    assert file_digest(Path("/dev/zero")) == "not-a-file"
    assert file_digest(tmp_path / "none.png") == "missing"


def test_the_samples_in_every_format_carry_no_path_user_script_or_attachment(tmp_path, brand):
    # The real leaflets too, with their images, QR codes and booklet imposition.
    out = tmp_path / "out"
    result = build([SAMPLES], out, brand, formats=("a4", "large-print", "booklet"), jobs=2,
                   catalogue=False)
    assert result.ok and len(result.written) == 3 * len(list(SAMPLES.glob("*.md")))
    for pdf in result.written:
        assert leaks(pdf, local_paths(tmp_path)) == [], pdf.name


def test_markup_in_front_matter_is_text_in_the_pdf_and_the_catalogue(tmp_path, brand):
    from html.parser import HTMLParser

    out = tmp_path / "out"
    result = build([HOSTILE / "front_matter_markup.md"], out, brand, jobs=1)
    assert result.ok
    title = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
    assert pypdf.PdfReader(out / "front_matter_markup.pdf").metadata.title == title
    assert title in normalise(pdf_text(out / "front_matter_markup.pdf"))

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: list[str] = []
            self.attributes: set[str] = set()
            self.images: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.attributes.update(name for name, _ in attrs)
            self.images += [value for name, value in attrs if tag == "img" and name == "src"]

    page = Elements()
    page.feed((out / "index.html").read_text(encoding="utf-8"))
    assert page.tags.count("script") == 1  # the catalogue's own filter, allowed by its hash
    assert "b" not in page.tags and not [a for a in page.attributes if a.startswith("on")]
    assert [src.split("/")[0] for src in page.images] == ["thumbs", "thumbs"]  # logo, thumbnail
