"""Markdown to HTML: the allow-list keeps prose and drops everything that runs or reaches out."""

from __future__ import annotations

from pathlib import Path

import pytest

from leafpress.errors import LeafletError
from leafpress.render.markup import MAX_DEPTH, convert, to_html

# (raw HTML or Markdown an author might write, text that must not survive)
DROPPED = [
    ('<script>alert("x")</script>', ["script", "alert"]),
    ("<style>p { display: none }</style>", ["style", "display"]),
    ('<link rel="stylesheet" href="https://e.org/x.css">', ["link", "x.css"]),
    ('<iframe src="https://e.org/">framed</iframe>', ["iframe", "e.org", "framed"]),
    ('<object data="https://e.org/x.swf">fallback</object>', ["object", "x.swf", "fallback"]),
    ('<embed src="https://e.org/x.swf">', ["embed", "x.swf"]),
    ('<base href="https://e.org/">', ["base", "e.org"]),
    ('<form action="https://e.org/"><input name="q"><button>Go</button></form>',
     ["form", "input", "e.org", "button"]),
    ('<meta http-equiv="refresh" content="0">', ["meta", "refresh"]),
    ('<svg><image href="https://e.org/x.png"/><text>hidden</text></svg>',
     ["svg", "x.png", "hidden"]),
    ('<math><mi>x</mi></math>', ["math", "<mi>"]),
    ('<p style="color: red">text</p>', ["style", "red"]),
    ('<p onclick="alert(1)" onmouseover="alert(2)">text</p>', ["onclick", "onmouseover", "alert"]),
    ('<img src="a.png" onerror="alert(1)" alt="a">', ["onerror", "alert"]),
    ('<a href="javascript:alert(1)">x</a>', ["javascript", "alert"]),
    ('<a href=" JaVaScRiPt:alert(1)">x</a>', ["avaScRiPt", "alert"]),
    ('<a href="data:text/html,<script>1</script>">x</a>', ["data:", "script"]),
    ('<a href="vbscript:msgbox(1)">x</a>', ["vbscript"]),
    ('<img src="data:image/svg+xml,<svg onload=alert(1)>" alt="a">', ["data:", "onload"]),
    ('<a href="https://e.org/" target="_blank" rel="attachment">x</a>', ["target", "rel="]),
    ('<p id="x" class="evil" dir="rtl">x</p>', ["id=", "evil", "dir"]),
    ('<!-- a comment --><p>x</p>', ["comment"]),
    ('<div class="admonition urgent evil">x</div>', ["evil"]),
    ('<video src="https://e.org/v.mp4" poster="p.png"></video><audio src="a.mp3"></audio>',
     ["video", "audio", "poster"]),
    ('<img srcset="https://e.org/2x.png 2x" src="a.png" alt="a">', ["srcset", "2x.png"]),
    ('<td colspan="100000000">x</td>', ["colspan"]),
    ('<table><tr><td rowspan="99999" colspan="-1">x</td></tr></table>', ["rowspan", "colspan"]),
    ('<ol start="99999999999999999999"><li>x</li></ol>', ["start"]),
    ('<img src="a.png" width="99999999" height="1e9" alt="a">', ["width", "height"]),
]


@pytest.mark.parametrize(("source", "gone"), DROPPED, ids=[s[:40] for s, _ in DROPPED])
def test_raw_html_outside_the_allow_list_is_dropped(source, gone):
    html = to_html(source)
    for text in gone:
        assert text.lower() not in html.lower(), html


@pytest.mark.parametrize(("source", "kept"), [
    ("**bold** and *italic*", "<strong>bold</strong> and <em>italic</em>"),
    ("[NHS](https://www.nhs.uk/)", '<a href="https://www.nhs.uk/">NHS</a>'),
    ("[mail](mailto:a@example.org)", '<a href="mailto:a@example.org">mail</a>'),
    ("[phone](tel:+442079460321)", '<a href="tel:+442079460321">phone</a>'),
    ("[up](#what-is-it)", '<a href="#what-is-it">up</a>'),
    ("![A spine](images/spine.svg)", '<img alt="A spine" src="images/spine.svg">'),
    ('<abbr title="General practitioner">GP</abbr>', '<abbr title="General practitioner">GP</abbr>'),
    ('<table><tr><td colspan="2">x</td></tr></table>', '<td colspan="2">x</td>'),
    ('<ol start="3"><li>x</li></ol>', '<ol start="3">'),
    ("!!! urgent \"Get help\"\n    Call 999.", '<div class="admonition urgent">'),
    ("H<sub>2</sub>O and x<sup>2</sup>", "H<sub>2</sub>O and x<sup>2</sup>"),
    ('<p lang="cy">Croeso</p>', '<p lang="cy">Croeso</p>'),  # read out in Welsh
])
def test_what_authors_may_write_survives(source, kept):
    assert kept in to_html(source)


@pytest.mark.parametrize("address", [
    "other.md", "../other/leaflet.md", "/etc/passwd", "file:///etc/passwd", "images/x.png",
    "http://example.org/", "HTTP://example.org/", "//example.org/x",
])
def test_links_that_are_not_web_mail_or_phone_print_as_plain_text(address):
    html, dropped = convert(f"See [the page]({address}).")
    assert html == "<p>See <a>the page</a>.</p>"
    assert dropped == [f"{address}: links must start with https:, mailto: or tel:; "
                       "printed as plain text"]


def test_images_with_an_address_scheme_other_than_https_are_left_out():
    html, dropped = convert("![a](http://e.org/a.png) ![b](file:///etc/x.png) ![c](b.png)")
    assert html == '<p><img alt="a"> <img alt="b"> <img alt="c" src="b.png"></p>'
    assert dropped == [
        "http://e.org/a.png: images must be files next to the leaflet; left out",
        "file:///etc/x.png: images must be files next to the leaflet; left out"]


def test_nesting_just_inside_the_limit_is_fine():
    assert MAX_DEPTH == 40  # the limit the README's Security table and the messages give
    assert to_html("<div>" * (MAX_DEPTH - 1) + "deep" + "</div>" * (MAX_DEPTH - 1)).count(
        "<div>") == MAX_DEPTH - 1


@pytest.mark.parametrize(("body", "line"), [
    ("Intro.\n\n" + ">" * 60 + " quoted\n", 3),
    ("Intro.\n\n" + "".join("    " * i + "- x\n" for i in range(60)), 62),
    ("Intro.\n\n" + "".join("    " * i + "- x\n" for i in range(300)), 302),  # RecursionError
    ("Intro.\n\nMore.\n\n" + "<div>" * 2000 + "x" + "</div>" * 2000, 5),
])
def test_nesting_past_the_limit_is_an_error_at_its_line(body, line):
    with pytest.raises(LeafletError) as caught:
        to_html(body, Path("deep.md"), first_line=10)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"deep.md:{line + 9}: error: lists, quotes or HTML are nested more than 40 "
        "levels deep; flatten them"]
