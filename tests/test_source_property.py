"""Property test over the whole front matter + Markdown pipeline: whatever the bytes, only
LeafletError escapes, and every line it reports lies inside the file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from leafpress.errors import LeafletError
from leafpress.markup import to_html
from leafpress.model import FIELDS, leaflet_from_source
from leafpress.source import read_source

KEYS = [*FIELDS, "colour", "Title", "title ", "", "<<", "? complex", "- item", "'quoted'"]
YAML_BITS = ["x", "Back pain", "2026-10-01", "2026-13-45", "1.2", "yes", "~", "null", "[a, b]",
             "{a: 1}", "[unclosed", "{unclosed", "&anchor x", "*alias", "!!python/object:os.system",
             "!!binary aGk=", "!tag x", "'quote", '"quote', "|", ">", "- a", "a: b: c", "#", "%",
             "@", "`", "\t", "https://example.org/x", "http://x", "RSC-SP-001", "en-GB",
             "\u00e9\u00e8", "\U0001f600", "\\", "---", "...", " ", ""]
MARKDOWN_BITS = ["Text.", "# Heading", "## Section", "- item", "1. item", "    - nested",
                 "\t- tab nested", "> quote", ">>> deep", "> - quoted item", "!!! urgent \"Help\"",
                 "    Indented.", "| a | b |", "|---|---|", "[link](https://example.org)",
                 "[local](other.md)", "![alt](images/x.png)", "<div>", "</div>", "<span>",
                 "<script>x</script>", "<!-- c -->", "**bold**", "*", "_", "`code`", "```",
                 "[", "]", "(", ")", "<", ">", "&amp;", "&#0;", "\\", "{{ 7*7 }}", "{% raw %}",
                 "---", "...", "", " ", "\u00a0", "\u2028", "\x00", "\x0c"]


GOOD = {"title": "Back pain", "summary": "Who it is for.", "author": "Mr A. Example",
        "reviewed": "2026-01-01", "review_due": "2028-01-01", "reference": "RSC-SP-001",
        "version": "'1.2'", "lang": "en-GB", "url": "https://example.org/x", "tags": "[a, b]"}


@st.composite
def sources(draw) -> bytes:
    """A source file's bytes: usually shaped like a leaflet, sometimes broken anywhere."""
    lines = ["title: Back pain"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 6))):
        key = draw(st.sampled_from(KEYS))
        kind = draw(st.sampled_from(["good", "plain", "wild"]))
        if kind == "good":
            value = GOOD.get(key, "x")
        elif kind == "plain":  # valid YAML, maybe the wrong type for the key
            value = draw(st.sampled_from(["x", "2026-10-01", "1.2", "yes", "[a, b]", "{a: 1}",
                                          "http://x", "''", "~"]))
        else:
            value = " ".join(draw(st.lists(st.sampled_from(YAML_BITS), max_size=3)))
        lines.append(f"{draw(st.sampled_from(['', '', '  ', chr(9)]))}{key}: {value}")
    body = draw(st.lists(st.lists(st.sampled_from(MARKDOWN_BITS), max_size=6).map(" ".join),
                         max_size=25))
    opening = draw(st.sampled_from(["---", "---", "---", "--- ", "", "# no fence", "\ufeff---"]))
    closing = draw(st.sampled_from(["---", "---", "...", "", "--"]))
    text = "\n".join([opening, *lines, closing, *body])
    text = text.replace("\n", draw(st.sampled_from(["\n", "\n", "\r\n", "\r"])))
    data = text.encode("utf-8")
    if draw(st.booleans()) and draw(st.booleans()):  # a quarter: damage some bytes
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=4)) + data[at:]
    return data


def line_count(data: bytes) -> int:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.count(b"\n") + 1
    return max(1, len(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=sources())
def test_only_leaflet_errors_escape_and_their_lines_lie_inside_the_file(tmp_path_factory, brand,
                                                                         data):
    path = tmp_path_factory.mktemp("prop", numbered=True) / "leaflet.md"
    path.write_bytes(data)
    try:
        leaflet = leaflet_from_source(read_source(path), brand)
    except LeafletError as exc:
        assert exc.diagnostics
        for diagnostic in exc.diagnostics:
            assert 1 <= diagnostic.line <= line_count(data), (str(diagnostic), data)
            assert "\n" not in diagnostic.message
        return
    html = to_html(leaflet.body)
    assert "<script" not in html and " on" not in html.replace(" one", "")
    assert 1 <= leaflet.body_line <= line_count(data) + 1


def test_the_strategy_reaches_valid_leaflets_and_every_kind_of_error(tmp_path, brand):
    # Without this, a strategy that only ever made broken files would pass the test above.
    codes: set[str] = set()
    valid: list[bool] = []

    @seed(20260101)  # a fixed sample: this checks the strategy, not the code
    @settings(max_examples=300, deadline=None, database=None)
    @given(data=sources())
    def sample(data):
        path = tmp_path / "leaflet.md"
        path.write_bytes(data)
        try:
            leaflet_from_source(read_source(path), brand)
            valid.append(True)
        except LeafletError as exc:
            codes.update(d.code for d in exc.diagnostics)

    sample()
    assert len(valid) >= 5
    assert {"front-matter", "encoding", "missing-key", "unknown-key", "bad-value"} <= codes
