"""Property: whatever bytes a source holds, only LeafletError escapes, at a line in the file."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from leafpress.errors import LeafletError
from leafpress.render.markup import convert
from leafpress.model.leaflet import leaflet_from_source
from leafpress.model.source import read_source

# Pieces that trip YAML and Markdown parsers, mixed with random text below.
YAML_PIECES = [
    "title: A leaflet", "title:", "title: {{ 7*7 }}", "summary: >\n  folded", "summary: |",
    "reviewed: 2026-10-01", "reviewed: 2026-13-45", "review_due: 2020-01-01", "version: 1.2",
    "version: 0x" + "f" * 60, "version: 1e999", "tags: [a, b", "tags: [[[[", "tags: {a: b}",
    "a: &x 1", "b: *x", "<<: {c: d}", "!!python/name:os.system", "title: !!binary AAAA",
    "? [a, b]\n: c", "- item", "key: 'unclosed", 'key: "\\x"', "\t- tab", "lang: en-GB",
    "url: https://example.org/x", "reference: ../../etc", "title: a\x00b", "title: a\x85b",
    "%YAML 1.1", "--- !!map", "...", ": :", "title: title: title", "reviewed: 2026-02-30",
    "title: " + "[" * 200,
]
MARKDOWN_PIECES = [
    "## Heading", "# Title", "- item", "    - nested", "1. one", "> quote", ">>>> deep",
    "!!! urgent \"Help\"", "    Call 999.", "| a | b |", "|---|---|", "[link](other.md)",
    "[x](javascript:alert(1))", "![img](../../secret.png)", "<script>x</script>",
    "<div><div><div>", "</div>", "```", "***", "[" * 30, "*a" * 20, "<" * 30, "&amp; &#0;",
    "<a href='file:///etc/passwd'>x</a>", "<td colspan=99999999>", "{{ 7*7 }}", "---",
]
LINE_BREAKS = st.sampled_from(["\n", "\r\n", "\r"])
text_lines = st.lists(st.one_of(st.sampled_from(YAML_PIECES), st.text(max_size=30)), max_size=8)
body_lines = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=40)),
                      max_size=12)


# Fields that parse, and one unknown key: half the sources use only these, so that their
# bodies get past the front matter and through Markdown and the sanitiser.
FAIR_FIELDS = ["summary: For adults.", "reviewed: 2026-01-01", "review_due: 2028-01-01",
               "version: '1.2'", "tags: [spine, pain]", "lang: en-GB", "reference: RSC-1",
               "url: https://example.org/x", "reviewed: last week", "colour: red"]


@st.composite
def sources(draw) -> bytes:
    """A source file: usually front matter between fences then a body, sometimes broken."""
    fair = draw(st.booleans())
    if fair:
        front = ["title: A leaflet", *draw(st.lists(st.sampled_from(FAIR_FIELDS), max_size=3,
                                                    unique=True))]
    else:
        front = draw(text_lines)
    body = draw(body_lines)
    opening = "---" if fair else draw(st.sampled_from(["---", "---", "---", "", "--- ", "+++"]))
    closing = "---" if fair else draw(st.sampled_from(["---", "---", "...", "", "----"]))
    lines = ([opening] if opening else []) + front + ([closing] if closing else []) + body
    text = draw(LINE_BREAKS).join(lines)
    data = text.encode("utf-8", "surrogatepass")
    if not fair and draw(st.booleans()) and data:  # a stray byte that is not UTF-8, anywhere
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\x80"])) + data[at:]
    return draw(st.sampled_from([b"", b"\xef\xbb\xbf"])) + data


def _line_count(data: bytes) -> int:
    return len(re.split(rb"\r\n|\r|\n", data))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sources())
def test_only_leaflet_errors_escape_and_lines_are_inside_the_file(brand, data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.md"
        path.write_bytes(data)
        try:
            leaflet = leaflet_from_source(read_source(path), brand)
            convert(leaflet.body, path, leaflet.body_line)
        except LeafletError as exc:
            assert exc.diagnostics
            for diagnostic in exc.diagnostics:
                assert 1 <= diagnostic.line <= _line_count(data), (str(diagnostic), data)
                assert "\n" not in str(diagnostic) and "Traceback" not in str(diagnostic)


def test_the_sources_reach_markdown_often_and_every_kind_of_error(brand, tmp_path):
    # Without this, a strategy that only ever made broken front matter would pass the test
    # above while never handing a body to Markdown and the sanitiser.
    codes: set[str] = set()
    converted: list[bool] = []

    @seed(20261001)  # a fixed sample: this checks the strategy, not the code
    @settings(max_examples=300, deadline=None, database=None)
    @given(sources())
    def sample(data):
        path = tmp_path / "x.md"
        path.write_bytes(data)
        try:
            leaflet = leaflet_from_source(read_source(path), brand)
            convert(leaflet.body, path, leaflet.body_line)
            converted.append(True)
        except LeafletError as exc:
            codes.update(diagnostic.code for diagnostic in exc.diagnostics)

    sample()
    assert len(converted) >= 60
    assert {"front-matter", "encoding", "missing-key", "unknown-key", "bad-value"} <= codes


# ---- Image and link names (issue 17): whatever a source names, nothing escapes its leaflet ----

NAME_PIECES = [
    "images/x.png", "x%00.png", "\x00", "%00", "../" * 8, "/proc/self/pagemap", "/dev/zero",
    "/dev/stdin", "a" * 300, "b" * 5000, "%2e%2e/", "?n=1", "#top", "file:///etc/passwd",
    "https://ex\u0430mple.org/x", "\x1b[2J", "\u202e", "\ud800", "%ed%a0%80", "%ff", "//host/x",
    "<", ">", "(", ")", "[", "]", " ", "\t", "\\", "~", "$HOME", "*", "data:image/png;base64,AA",
    "mailto:x@example.org", "tel:999", "javascript:alert(1)", ".", "..", "//", "/",
]
names = st.lists(st.one_of(st.sampled_from(NAME_PIECES), st.text(max_size=12)),
                 min_size=1, max_size=5).map("".join)


def _named_source(name: str) -> str:
    return ("---\ntitle: Names\n---\n\n"
            f"![A picture]({name})\n\n[A link]({name})\n\n<img src=\"{name}\" alt=\"x\">\n\n"
            f"<a href='{name}'>link</a>\n\n[ref]: {name}\n\n![Ref][ref] and <{name}>\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(names)
def test_no_image_or_link_name_escapes_its_leaflet(brand, tmp_path, name):
    import datetime

    from leafpress.build.builder import line_for
    from leafpress.build.manifest import file_digest
    from leafpress.check.rules import check_leaflet
    from leafpress.errors import shown
    from leafpress.render.fetcher import LocalFetcher, ResourceRefused

    path = tmp_path / "names.md"
    path.write_text(_named_source(name), encoding="utf-8", errors="surrogatepass")
    lines = _line_count(path.read_bytes())
    # check: one line per finding, at a line of the file, never an exception.
    report = check_leaflet(path, brand, datetime.date(2026, 1, 1))
    for finding in report.findings:
        text = str(finding)
        assert "\n" not in text and "\x1b" not in text and "Traceback" not in text
        assert 0 <= finding.line <= lines
    # build's parent and worker: markup, the line finder, the manifest digest, the fetcher.
    try:
        leaflet = leaflet_from_source(read_source(path), brand)
    except LeafletError:
        return  # hidden characters in the name: refused at their line, as above
    _, dropped = convert(leaflet.body, path, leaflet.body_line)
    for message in dropped:
        assert 0 <= line_for(leaflet, message) <= lines
        assert "\x1b" not in shown(message)
    assert isinstance(file_digest(tmp_path / name), str)
    fetcher = LocalFetcher([tmp_path / "styles"])
    fetcher.start(tmp_path)
    try:
        fetcher.fetch((tmp_path.as_uri() + "/" + name) if ":" not in name else name)
    except ResourceRefused:
        pass
