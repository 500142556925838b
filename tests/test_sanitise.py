"""Raw HTML in Markdown: only the allow-list survives, checked on the HTML itself."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from leafpress.markup import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, to_html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def elements(markdown: str) -> _Elements:
    parser = _Elements()
    parser.feed(to_html(markdown))
    return parser


@pytest.mark.parametrize("markdown", [
    "<script>alert('x')</script>",
    "<script src=\"https://example.org/x.js\"></script>",
    "<style>p { color: red }</style>",
    "<link rel=\"stylesheet\" href=\"https://example.org/x.css\">",
    "<iframe src=\"https://example.org/\"></iframe>",
    "<object data=\"https://example.org/x.pdf\"></object>",
    "<embed src=\"https://example.org/x.swf\">",
    "<base href=\"https://example.org/\">",
    "<form action=\"https://example.org/\"><input name=\"a\"><button>Go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/\">",
    "<svg><script>alert(1)</script></svg>",
    "<math><mtext><style>p{}</style></mtext></math>",
    "<video src=\"https://example.org/v.mp4\"></video>",
    "<template><script>alert(1)</script></template>",
])
def test_dangerous_elements_are_removed(markdown):
    found = elements(f"Before.\n\n{markdown}\n\nAfter.\n")
    names = {tag for tag, _ in found.elements}
    assert names <= ALLOWED_TAGS, names
    assert not names & {"script", "style", "link", "iframe", "object", "embed", "base", "form",
                        "input", "button", "meta", "svg", "math", "video", "template"}
    assert "alert" not in found.text and "color: red" not in found.text
    assert "Before." in found.text and "After." in found.text


@pytest.mark.parametrize("markdown", [
    "<p style=\"color: red\" onclick=\"alert(1)\">Text</p>",
    "<img src=\"images/x.png\" alt=\"x\" onerror=\"alert(1)\" style=\"width: 1px\">",
    "<a href=\"https://example.org/\" onmouseover=\"alert(1)\" target=\"_blank\" "
    "rel=\"attachment\" download>Link</a>",
    "<div class=\"admonition evil\" id=\"x\" data-x=\"1\" lang=\"fr\">Box</div>",
    "<td bgcolor=\"red\" background=\"https://example.org/x.png\">Cell</td>",
])
def test_only_allowed_attributes_remain(markdown):
    for tag, attributes in elements(markdown).elements:
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | {"class", "lang", "title"}  # nh3: harmless
        assert set(attributes) <= allowed, (tag, attributes)
        assert not any(name.startswith("on") or name == "style" for name in attributes)
        assert attributes.get("class") in (None, "admonition"), attributes


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java&#09;script:alert(1)",
    "&#106;avascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
    "file:///etc/passwd", "http://example.org/", "ftp://example.org/", "other.md", "/etc/passwd",
    "../../secret", "#top", "//example.org/x", "?q=1", "",
])
def test_links_that_are_not_https_mailto_or_tel_print_as_plain_text(href):
    for markdown in (f"[Click]({href})", f"<a href=\"{href}\">Click</a>"):
        found = elements(f"{markdown}\n")
        hrefs = [attributes.get("href") for tag, attributes in found.elements if tag == "a"]
        assert hrefs in ([], [None]), (markdown, hrefs)
        assert "Click" in found.text


@pytest.mark.parametrize("href", ["https://example.org/a?b=1#c", "HTTPS://EXAMPLE.ORG/",
                                  "mailto:help@example.org", "tel:+441234567890"])
def test_https_mailto_and_tel_links_stay(href):
    found = elements(f"[Click]({href})\n")
    assert [attributes["href"] for tag, attributes in found.elements if tag == "a"] == [href]


@pytest.mark.parametrize("src", ["javascript:alert(1)", "http://example.org/x.png",
                                 "data:image/png;base64,iVBORw0KGgo=", "file:///etc/passwd"])
def test_images_keep_no_address_with_a_forbidden_scheme(src):
    for markdown in (f"![Alt]({src})", f"<img src=\"{src}\" alt=\"Alt\">"):
        [(tag, attributes)] = elements(markdown).elements[-1:]
        assert tag == "img" and "src" not in attributes, attributes


def test_relative_image_paths_stay_for_the_fetcher_to_judge():
    [*_, (tag, attributes)] = elements("![A drawing](images/spine.svg)\n").elements
    assert (tag, attributes["src"]) == ("img", "images/spine.svg")


@pytest.mark.parametrize(("span", "kept"), [("3", "3"), ("65534", "100"), ("x", None),
                                            ("-1", None)])
def test_table_spans_are_clamped(span, kept):
    found = elements(f"<table><tr><td colspan=\"{span}\" rowspan=\"{span}\">x</td></tr></table>\n")
    [cell] = [attributes for tag, attributes in found.elements if tag == "td"]
    assert (cell.get("colspan"), cell.get("rowspan")) == (kept, kept)


def test_comments_and_processing_instructions_are_dropped():
    html = to_html("<!-- a secret note -->\n\n<?php echo 1; ?>\n\n<![CDATA[x]]>\n\nText.\n")
    assert "secret" not in html and "php" not in html and "CDATA" not in html
