"""The hostile corpus (tests/cases/hostile/) built as one batch: nothing leaks, runs or hangs.

Each source is named after the attack or breakage it tries. The batch is built once with
a short timeout, next to a real HTTP server on 127.0.0.1 and canary files outside the
leaflets' folder; the tests then read the diagnostics and the PDFs back.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from leafpress.build.builder import Limits, build
from leafpress.model.brand import load_brand

from .conftest import CASES, ROOT, SAMPLES, normalise, pdf_text
from .hostile import (
    ACTIVE_PDF_KEYS,
    CANARY_PNG_SIZE,
    CANARY_SVG_TEXT,
    CANARY_TEXT,
    expanded,
    image_sizes,
    jpeg,
    leaks,
    noise_png,
    png,
    start_listener,
    stored_png,
    write_canaries,
)

HOSTILE = CASES / "hostile"
TIMEOUT = 20.0  # seconds per leaflet here; every honest case renders in under 5 on a busy machine
# Python-Markdown's link parsing is quadratic in nested brackets: this case can only end by
# the timeout, so it runs in a batch of its own with a short one (the batch would wait 20 s).
SLOW = "parser_stress_brackets"
SLOW_TIMEOUT = 2.0
OUTSIDE = "outside the leaflet's folder, templates/ and styles/"
NOT_A_LINK = "links must start with https:, mailto: or tel:; printed as plain text"
TOO_DEEP = "lists, quotes or HTML are nested more than 40 levels deep; flatten them"

# Sources that must fail, and the one line (path:line: error: message) each must give.
FAILS = {
    "empty": "1: error: the file is empty",
    "whitespace_only": "1: error: the file is empty",
    "front_matter_missing": "1: error: missing front matter: the file must start with a '---' line",
    "front_matter_unclosed": "1: error: front matter is not closed: add a '---' line after it",
    "not_utf8": "2: error: not UTF-8 text (byte 0xe9); save the file as UTF-8",
    "utf16": "1: error: not UTF-8 text (byte 0xff); save the file as UTF-8",
    "yaml_python_tag": "2: error: invalid front matter: YAML tags like !!python are not allowed",
    "yaml_alias_bomb": "3: error: invalid front matter: anchors and aliases (&name, *name) "
                       "are not allowed",
    "yaml_merge_key": "3: error: invalid front matter: merge keys (<<) are not allowed",
    "yaml_impossible_date": "3: error: invalid front matter: month must be in 1..12",
    "yaml_control_character": "2: error: invalid front matter: unacceptable character #x0007: "
                              "special characters are not allowed",
    "yaml_nested_too_deep": "2: error: invalid front matter: nested too deeply",
    "front_matter_too_large": "1: error: front matter is larger than 64 KB",
    "deep_nesting_lists": f"306: error: {TOO_DEEP}",
    "deep_nesting_quotes": f"7: error: {TOO_DEEP}",
    "deep_nesting_html": f"7: error: {TOO_DEEP}",
    "huge_image": "7: error: images/huge.png: image is 20000 x 20000 pixels, over the limit "
                  "of 40 megapixels; make it smaller",
    # WeasyPrint draws a line's worth of a 320,000-letter word and drops the rest.
    "parser_stress_long_word": '7: error: a word of 320000 characters ("pneumonopneumonopneumonopneumo'
                               '...") on page 1 cannot be laid out: all but its start would be '
                               "lost; break it up",
    # Round two (issue 17): what used to print wrong, forged or not at all.
    "version_forged_footer": "3: error: 'version' must be numbers with dots, like 1, 1.2 or 2.0.1",
    "url_too_long_for_qr": "3: error: 'url' must be an https:// address of at most 200 characters",
    "bidi_override_in_dose": '5: error: hidden character U+202E (RIGHT-TO-LEFT OVERRIDE) forces the '
                             'order text prints in ("01" can print as "10"); delete it',
    "zero_width_space_in_title": "2: error: hidden character U+200B (ZERO WIDTH SPACE) is invisible in "
                                 "print and changes what readers and searches see; delete it",
    "terminal_escape_in_link": "5: error: control character U+001B: invisible in print, and on a "
                               "terminal it can rewrite what is shown; delete it",
    "image_truncated_jpeg": "5: error: images/truncated.jpg: image is damaged or cut short (image "
                            "file is truncated (5 bytes not processed)); save or export it again",
    "image_budget_exceeded": "9: error: images/big-2.png: the pictures in this leaflet add up to "
                             "more than 50 MB; use smaller files",
}
LOOKALIKE = ("the address {address} goes to the host '{host}', which is not plain ASCII and may "
             "imitate a familiar one; check it letter by letter")
# Sources that must build, with the warnings each must give (path:line: warning: message).
BUILDS = {
    "good": [],
    "image_from_outside_folder": [
        "5: warning: {base}/canary.png: " + OUTSIDE,
        "7: warning: {base}/canary.svg: " + OUTSIDE,
        "9: warning: {base}/canary.txt: " + OUTSIDE],
    "image_absolute_path": [
        "5: warning: {base}/canary.png: " + OUTSIDE,
        "7: warning: {base}/canary.svg: " + OUTSIDE,
        "9: warning: {base}/canary.txt: " + OUTSIDE],
    "image_file_url": [
        "5: warning: file://{base}/canary.png: images must be files next to the leaflet; left out",
        "7: warning: file://{base}/canary.svg: images must be files next to the leaflet; left out"],
    "image_symlink_escape": ["7: warning: images/escape.png: " + OUTSIDE],
    "image_from_device": ["5: warning: /dev/urandom: " + OUTSIDE,
                          "9: warning: images/zero.png: " + OUTSIDE],
    "image_from_network": [
        "5: warning: https://{host}/net-https.png: network resources are not allowed",
        "7: warning: http://{host}/net-http.png: images must be files next to the leaflet; "
        "left out",
        "9: warning: /net-protocol-relative.png: " + OUTSIDE],
    "svg_references_outside": [
        # Named inside the drawing, not the leaflet: no line to point at.
        " warning: {base}/canary.png: " + OUTSIDE,
        " warning: {base}/canary.svg: " + OUTSIDE,
        " warning: {base}/canary.ttf: " + OUTSIDE,
        " warning: /dev/urandom: " + OUTSIDE,
        " warning: http://{host}/svg-image.png: network resources are not allowed",
        " warning: http://{host}/svg-font.ttf: network resources are not allowed",
        " warning: Font-face 'Leak' cannot be loaded",
        " warning: Font-face 'Leak2' cannot be loaded"],
    "svg_external_entity": ["5: warning: Failed to load image at 'svg-external-entity.svg'"],
    "svg_entity_bomb": ["5: warning: Failed to load image at 'svg-entity-bomb.svg'"],
    "link_to_local_file": [
        f"5: warning: other-leaflet.md: {NOT_A_LINK}",
        f"5: warning: /etc/passwd: {NOT_A_LINK}",
        f"7: warning: file:///etc/passwd: {NOT_A_LINK}",
        f"7: warning: ../../canary.txt: {NOT_A_LINK}",
        f"9: warning: http://{{host}}/plain-http: {NOT_A_LINK}"],
    "raw_html_script_style_iframe": [
        "16: warning: http://{host}/picture.png: images must be files next to the leaflet; "
        "left out",
        "23: warning: missing.png: file not found",
        f"28: warning: secret.txt: {NOT_A_LINK}"],
    "template_injection": [],
    "front_matter_markup": [],
    "table_huge_colspan": [],
    "table_too_wide_for_the_page": [],
    "long_word_wraps_on_the_page": [],
    "image_name_nul_byte": ["5: warning: images/x\\x00.png: not a usable file name"],
    "link_name_too_long": [
        "5: warning: images/" + "b" * 300 + ".png: file name too long",
        "7: warning: " + "a" * 300 + f".md: {NOT_A_LINK}"],
    "image_from_proc": ["5: warning: /proc/self/pagemap: " + OUTSIDE,
                        "7: warning: images/pagemap.png: " + OUTSIDE],
    "many_dropped_links": [f"{5 + n}: warning: part-{n}.md: {NOT_A_LINK}" for n in range(20)]
    + [" warning: 280 more warning(s) like these not shown"],
    "lookalike_host_in_url": [
        "3: warning: " + LOOKALIKE.format(address="https://www.ex\u0430mple.org/leaflets/x",
                                          host="www.ex\u0430mple.org"),
        "6: warning: " + LOOKALIKE.format(address="https://www.\u0435xample.org/more",
                                          host="www.\u0435xample.org")],
    "right_to_left_text_allowed": [],
    "image_same_file_many_queries": [],
    "manifest_forged_entry": [],
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Build the whole hostile corpus once, as a real project would, and keep what happened."""
    base = tmp_path_factory.mktemp("hostile").resolve()
    listener, server = start_listener()
    write_canaries(base)
    project = base / "project"
    shutil.copytree(ROOT / "styles", project / "styles")
    shutil.copytree(ROOT / "templates", project / "templates")
    leaflets = project / "leaflets"
    (leaflets / "images").mkdir(parents=True)
    for case in HOSTILE.iterdir():
        if case.stem == SLOW:
            continue
        data = (case.read_bytes().replace(b"@CANARY@", str(base).encode())
                .replace(b"@SERVER@", listener.url.encode())
                .replace(b"@HOST@", listener.host.encode()))
        (leaflets / case.name).write_bytes(data)
    # What cannot be a plain file in the repository is made here.
    (leaflets / "images" / "escape.png").symlink_to(base / "canary.png")
    (leaflets / "images" / "zero.png").symlink_to("/dev/zero")
    (leaflets / "images" / "huge.png").write_bytes(png(20000, 20000))  # 400 Mpx in ~50 KB
    (leaflets / "images" / "pagemap.png").symlink_to("/proc/self/pagemap")
    (leaflets / "images" / "truncated.jpg").write_bytes(jpeg(400, 300)[:3000])  # cut short
    (leaflets / "images" / "noise.png").write_bytes(noise_png(700, 700))  # ~1.5 MB
    for n in range(3):  # 3 x 18 MB: each under the 20 MB file limit, over 50 MB together
        (leaflets / "images" / f"big-{n}.png").write_bytes(
            stored_png(2450, 2450, colour=bytes([n, 80, 160])))
    # A forged catalogue record in the output folder: stems that climb out of it, a
    # javascript: address, a picture count that is not a number.
    victim = base / "victim"
    victim.mkdir()
    (victim / "keep.webp").write_bytes(b"VICTIM")
    (victim / "keep.pdf").write_bytes(b"%PDF-1.4 VICTIM")
    (victim / "keep.md").write_text("---\ntitle: Victim\n---\n")
    record = json.loads((HOSTILE / "forged_catalogue_record.json").read_text()
                        .replace("@CANARY@", str(base)))
    (project / "dist" / "thumbs").mkdir(parents=True)
    (project / "dist" / "thumbs" / "catalogue.json").write_text(json.dumps(record))
    (project / "dist" / "javascript-url.pdf").write_bytes(b"%PDF-1.4 not really")
    (leaflets / "front_matter_too_large.md").write_text(
        "---\ntitle: Too much\nsummary: " + "x" * 70_000 + "\n---\nBody\n")
    cwd = Path.cwd()
    os.chdir(project)
    try:
        diagnostics: list[str] = []
        result = build([leaflets], project / "dist", load_brand(project / "styles" / "brand.toml"),
                       jobs=2, limits=Limits(timeout=TIMEOUT), report=lambda d: diagnostics.append(str(d)))
    finally:
        os.chdir(cwd)
        server.shutdown()
    return {"base": base, "project": project, "result": result, "lines": diagnostics,
            "listener": listener}


def built_pdfs(batch) -> list[Path]:
    """The PDFs this batch wrote (dist/ also holds one planted for the forged record)."""
    return sorted(p for p in (batch["project"] / "dist").glob("*.pdf") if p.stem in BUILDS)


def _expect(template: str, batch) -> str:
    return template.format(base=batch["base"], host=batch["listener"].host)


def test_every_case_in_the_corpus_has_an_expectation():
    stems = {p.stem for p in HOSTILE.glob("*.md")} | {"front_matter_too_large"}
    assert stems == set(FAILS) | set(BUILDS) | {SLOW}


def test_a_source_that_never_finishes_is_stopped_and_the_next_one_builds(project):
    shutil.copy(HOSTILE / f"{SLOW}.md", project / "leaflets")
    shutil.copy(HOSTILE / "good.md", project / "leaflets")
    lines: list[str] = []
    cwd = Path.cwd()
    os.chdir(project)
    try:
        result = build([Path("leaflets")], Path("dist"), load_brand(Path("styles/brand.toml")),
                       jobs=1, limits=Limits(timeout=SLOW_TIMEOUT), report=lambda d: lines.append(str(d)))
    finally:
        os.chdir(cwd)
    assert lines == [f"leaflets/{SLOW}.md: error: took longer than 2 seconds to render; stopped"]
    assert [p.name for p in result.written] == ["good.pdf"]
    assert sorted(p.name for p in (project / "dist").glob("*.pdf")) == ["good.pdf"]


@pytest.mark.parametrize("stem", sorted(FAILS))
def test_broken_or_hostile_source_fails_alone_with_one_line(batch, stem):
    mine = [line for line in batch["lines"] if line.startswith(f"leaflets/{stem}.md")]
    assert mine == [f"leaflets/{stem}.md:{FAILS[stem]}"]
    assert not (batch["project"] / "dist" / f"{stem}.pdf").exists()


@pytest.mark.parametrize("stem", sorted(BUILDS))
def test_refused_resources_are_warnings_and_the_leaflet_builds(batch, stem):
    mine = sorted(line for line in batch["lines"] if line.startswith(f"leaflets/{stem}.md"))
    assert mine == sorted(f"leaflets/{stem}.md:" + _expect(t, batch) for t in BUILDS[stem])
    reader = pypdf.PdfReader(batch["project"] / "dist" / f"{stem}.pdf", strict=True)
    assert len(reader.pages) >= 1


def test_no_traceback_and_the_batch_reports_every_failure(batch):
    assert not any("Traceback" in line for line in batch["lines"])
    failed = sorted(p.stem for p in batch["result"].failed)
    assert failed == sorted(FAILS)
    written = sorted(p.stem for p in batch["result"].written)
    assert written == sorted(BUILDS)


def test_the_local_server_saw_no_connection_at_all(batch):
    assert batch["listener"].connections == []
    assert batch["listener"].requests == []


def test_no_pdf_carries_a_canary_a_local_path_or_active_content(batch, tmp_path):
    home = os.path.expanduser("~")
    secrets = [CANARY_TEXT, CANARY_SVG_TEXT, "ATTACHMENT-SECRET", str(batch["base"]),
               str(ROOT), f"{home}/", "/tmp/", "file:", f"pytest-of-{getpass.getuser()}"]
    pdfs = built_pdfs(batch)
    assert len(pdfs) == len(BUILDS)
    for pdf in pdfs:
        data = expanded(pdf, tmp_path)
        assert leaks(data, secrets) == [], pdf.name
        assert [key for key in ACTIVE_PDF_KEYS if key + b" " in data or key + b"\n" in data
                or key + b"(" in data or key + b"<" in data] == [], pdf.name
        assert CANARY_PNG_SIZE not in image_sizes(pdf), pdf.name


def test_only_web_mail_and_phone_links_reach_the_pdf(batch):
    links = []
    for pdf in built_pdfs(batch):
        for page in pypdf.PdfReader(pdf).pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                if action is not None and "/URI" in action:
                    links.append(str(action["/URI"]))
                    assert links[-1].startswith(("https:", "mailto:", "tel:")), pdf.name
    # The corpus's allowed links (and the contact box's) are there: the loop read something.
    assert {"https://www.nhs.uk/", "mailto:leaflets@example.org"} <= set(links)


def test_template_syntax_in_title_and_body_prints_literally(batch):
    pdf = batch["project"] / "dist" / "template_injection.pdf"
    text = normalise(pdf_text(pdf, raw=True))  # raw: "IF-" may end a line of the title
    assert "{{ 7*7 }} and {% if true %}IF-RAN{% endif %}" in text
    assert "Body: {{ 7*7 }}" in text
    assert "{% for x in range(3) %}LOOP-RAN{% endfor %} {# COMMENT-KEPT #}" in text
    assert "{{ leaflet.path }}" in text
    assert "49" not in text
    assert "LOOP-RANLOOP-RAN" not in text
    assert pypdf.PdfReader(pdf).metadata.title == "{{ 7*7 }} and {% if true %}IF-RAN{% endif %}"


def test_raw_html_keeps_its_text_but_nothing_that_runs_or_restyles(batch):
    text = normalise(pdf_text(batch["project"] / "dist" / "raw_html_script_style_iframe.pdf"))
    for kept in ("STYLED-PARAGRAPH", "JS-LINK", "DATA-LINK", "MIXED-CASE-JS", "RAW-HTML-END"):
        assert kept in text
    for gone in ("SCRIPT-RAN", "STYLE-RAN", "document.write", "IFRAME-TEXT", "FORM-VALUE",
                 "INLINE-SVG-TEXT", "MATH-TEXT", "alert", "ATTACHMENT-SECRET"):
        assert gone not in text


def test_a_drawing_next_to_the_leaflet_still_shows_what_it_may(batch):
    text = pdf_text(batch["project"] / "dist" / "svg_references_outside.pdf")
    assert "SVG-INSIDE-OK" in text


def test_yaml_python_tag_ran_nothing(batch):
    assert not (batch["project"] / "pwned.txt").exists()
    assert not (Path.cwd() / "pwned.txt").exists()


def test_capped_table_spans_build_a_normal_page(batch):
    pdf = batch["project"] / "dist" / "table_huge_colspan.pdf"
    text = pdf_text(pdf)
    assert "WIDE-CELL" in text and "BIG-START" in text
    assert len(pypdf.PdfReader(pdf).pages) == 1


def test_markup_in_front_matter_is_text_in_the_pdf_and_in_the_catalogue(batch):
    from html.parser import HTMLParser

    dist = batch["project"] / "dist"
    title = "<script>alert(1)</script> <img src=x onerror=alert(2)>"
    assert pypdf.PdfReader(dist / "front_matter_markup.pdf").metadata.title == title
    assert title in normalise(pdf_text(dist / "front_matter_markup.pdf"))

    class Page(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tags: list[str] = []
            self.attributes: set[str] = set()
            self.images: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.tags.append(tag)
            self.attributes.update(name for name, _ in attrs)
            self.images += [value for name, value in attrs if tag == "img" and name == "src"]

    # The catalogue lists every leaflet of the corpus, titles and tags included.
    page = Page()
    page.feed((dist / "index.html").read_text(encoding="utf-8"))
    assert page.tags.count("script") == 1  # its own filter, allowed by its hash
    assert "b" not in page.tags and not [a for a in page.attributes if a.startswith("on")]
    assert page.images and all(src.startswith("thumbs/") for src in page.images)


@pytest.fixture(scope="module")
def checked(batch) -> subprocess.CompletedProcess:
    """`generate.py check leaflets` over the corpus, as an author would run it."""
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", "leaflets"],
                          cwd=batch["project"], capture_output=True, text=True, timeout=300)


def test_check_reads_the_whole_corpus_with_one_line_per_finding(checked):
    # `check` has no worker or timeout: symlinks to /dev/zero, bombs and stress must not
    # hang or crash it either.
    done = checked
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    *findings, summary = done.stdout.splitlines()
    assert summary.startswith(f"{len(FAILS) + len(BUILDS)} leaflet(s) checked:")
    one_line = re.compile(r"^leaflets/[\w.-]+\.md(:\d+)?: \S")
    assert [line for line in findings if not one_line.match(line)] == []


def test_the_samples_in_every_format_carry_no_local_path_or_active_content(
        tmp_path, every_format):
    # The real leaflets too: their pictures, QR codes and the booklet's imposition.
    written = sorted(every_format.glob("*.pdf"))
    assert len(written) == 3 * len(list(SAMPLES.rglob("*.md")))  # editions too
    home = os.path.expanduser("~")
    secrets = [str(ROOT), str(every_format), f"{home}/", "/tmp/", "file:",
               f"pytest-of-{getpass.getuser()}"]
    for pdf in written:
        data = expanded(pdf, tmp_path)
        assert leaks(data, secrets) == [], pdf.name
        assert [key for key in ACTIVE_PDF_KEYS if key + b" " in data or key + b"\n" in data
                or key + b"(" in data or key + b"<" in data] == [], pdf.name


# ---- Round two (issue 17): what each new case must show in the output -------------------

def _words_outside_the_paper(pdf: Path) -> list[str]:
    """Words whose box poppler finds beyond the paper's edges (pdftotext -bbox)."""
    from html.parser import HTMLParser

    class Boxes(HTMLParser):
        def __init__(self):
            super().__init__()
            self.width = self.height = 0.0
            self.outside: list[str] = []
            self._word: dict | None = None

        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            if tag == "page":
                self.width, self.height = float(values["width"]), float(values["height"])
            elif tag == "word":
                self._word = values

        def handle_data(self, data):
            word, self._word = self._word, None
            if word and (float(word["xmin"]) < 0 or float(word["xmax"]) > self.width
                         or float(word["ymax"]) > self.height):
                self.outside.append(data)

    boxes = Boxes()
    boxes.feed(subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout)
    return boxes.outside


def test_a_nine_column_table_stays_on_the_paper_with_every_dose(batch):
    pdf = batch["project"] / "dist" / "table_too_wide_for_the_page.pdf"
    assert _words_outside_the_paper(pdf) == []
    text = normalise(pdf_text(pdf))
    assert text.count("Most in a day") == 1
    # Each dose is printed, whole, in its narrow column (the words may wrap).
    assert text.count("Never more than 8 tablets in 24 hours") == 2
    assert "Never more than 6 tablets in 24 hours" in text


def test_a_word_longer_than_a_line_wraps_and_loses_no_letter(batch):
    pdf = batch["project"] / "dist" / "long_word_wraps_on_the_page.pdf"
    assert _words_outside_the_paper(pdf) == []
    # The word runs over a page break: take the footers ("Page 1 of 3") out between its parts.
    assert "pneumono" * 375 in re.sub(r"Page\d+of\d+", "", re.sub(r"\s+", "", pdf_text(pdf)))


def test_right_to_left_text_with_joiners_and_marks_builds_and_prints(batch):
    pdf = batch["project"] / "dist" / "right_to_left_text_allowed.pdf"
    text = pdf_text(pdf)
    assert "7946" in text and "text with a zero-width joiner" in text


def test_every_pdf_written_passes_qpdf_check(batch):
    for pdf in built_pdfs(batch):
        done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert done.returncode == 0, (pdf.name, done.stdout[-500:], done.stderr[-500:])


def test_one_picture_named_thirty_times_is_embedded_once(batch):
    picture = batch["project"] / "leaflets" / "images" / "noise.png"
    pdf = batch["project"] / "dist" / "image_same_file_many_queries.pdf"
    assert image_sizes(pdf).count((700, 700)) == 30  # thirty placements on the pages ...
    assert pdf.stat().st_size < 1.3 * picture.stat().st_size  # ... of one embedded image


def test_a_forged_catalogue_record_touches_nothing_outside_and_adds_no_script(batch):
    base, dist = batch["base"], batch["project"] / "dist"
    assert (base / "victim" / "keep.webp").read_bytes() == b"VICTIM"
    assert sorted(p.name for p in (base / "victim").iterdir()) == ["keep.md", "keep.pdf",
                                                                    "keep.webp"]
    page = (dist / "index.html").read_text(encoding="utf-8")
    assert "javascript:" not in page
    assert "Climbs out" not in page and "A javascript: address" not in page
    record = json.loads((dist / "thumbs" / "catalogue.json").read_text())
    assert all("/" not in stem for stem in record["leaflets"])


def test_check_finds_the_new_classes_at_the_same_lines_as_build(checked):
    done = checked
    lines = done.stdout.splitlines()
    for stem in ("version_forged_footer", "url_too_long_for_qr", "bidi_override_in_dose",
                 "zero_width_space_in_title", "terminal_escape_in_link"):
        assert f"leaflets/{stem}.md:{FAILS[stem]}" in lines, stem
    lookalike = [line for line in lines if line.startswith("leaflets/lookalike_host_in_url.md:")
                 and "not plain ASCII" in line]
    assert [line.split(":")[1] for line in lookalike] == ["3", "6"]
    assert [line for line in lines if line.startswith("leaflets/right_to_left_text_allowed.md:")
            and "hidden character" in line] == []
    assert "\x1b" not in done.stdout + done.stderr  # escaped, never raw, on the terminal


def test_check_json_carries_hidden_characters_only_as_escapes(batch):
    done = subprocess.run([sys.executable, str(ROOT / "generate.py"), "check", "--json",
                           "leaflets"], cwd=batch["project"], capture_output=True, text=True,
                          timeout=300)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069]",
                         done.stdout)
    report = json.loads(done.stdout)  # the same data for a program
    titles = {Path(leaflet["source"]).stem: leaflet["title"] for leaflet in report["leaflets"]}
    assert titles["zero_width_space_in_title"] == "Para\u200bcetamol and you"
