"""Markdown to sanitised HTML: what authors may write, and nothing more."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from leafpress.errors import LeafletError, error
from leafpress.limits import MAX_DEPTH, NUMBER_BOUNDS
from leafpress.model.links import allowed_link, scheme_of
from leafpress.model.characters import lookalike_message

# Callout kinds authors may use with admonition syntax: !!! important "Title".
CALLOUTS = ("important", "urgent", "note", "tip", "warning")

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "strong", "b", "em", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "table",
    "thead", "tbody", "tr", "th", "td", "caption", "div", "span", "sup", "sub", "abbr",
    "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
# Elements whose content goes too, not just the tags: it is code or hidden text, not prose.
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "template", "textarea",
    "title", "xmp", "noembed", "noframes", "svg", "math", "select",
}
ALLOWED_CLASSES = {
    "div": {"admonition", *CALLOUTS},
    "p": {"admonition-title"},
    "a": {"bare"},
    "table": {"wide"},
}


WIDE_TABLE_COLUMNS = 6  # from here on a table is laid out in equal columns (leaflet.css)


class _PrintTweaks(Treeprocessor):
    """Demote '#' headings below the leaflet's title; class links whose text is their URL;
    mark tables too wide for columns sized by their content; header cells say they head a
    column (screen readers in the PDF and the web page)."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"
        for table in root.iter("table"):
            row = next(table.iter("tr"), None)
            if row is not None and len([c for c in row if c.tag in ("th", "td")]) >= WIDE_TABLE_COLUMNS:
                table.set("class", "wide")
        for head in root.iter("thead"):
            for cell in head.iter("th"):
                cell.set("scope", cell.get("scope") or "col")
        for link in root.iter("a"):
            text = "".join(link.itertext()).strip()
            href = link.get("href", "")
            # The print CSS shows a link's address after it, unless the text already is it.
            if text and href.removeprefix("mailto:").rstrip("/") in (
                    text.rstrip("/"), f"https://{text}".rstrip("/")):
                link.set("class", "bare")


class _LeafletExtension(markdown.Extension):
    def extendMarkdown(self, md):  # noqa: N802 - Python-Markdown's name
        md.treeprocessors.register(_PrintTweaks(md), "leafpress-print-tweaks", 0)


def _markdown() -> markdown.Markdown:
    # No attr_list or md_in_html: they would let authors add style= and raw markup.
    return markdown.Markdown(
        extensions=["tables", "admonition", "sane_lists", "smarty", _LeafletExtension()],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )


def _filter(dropped: list[str]):
    def keep(tag: str, attribute: str, value: str) -> str | None:
        address = value.strip()
        if tag == "a" and attribute == "href" and not allowed_link(address):
            # A relative or file: link would print an absolute local path into the PDF.
            dropped.append(f"{address}: links must start with https:, mailto: or tel:; "
                           "printed as plain text")
            return None
        if tag == "a" and attribute == "href" and (lookalike := lookalike_message(address)):
            dropped.append(lookalike)  # kept: the author may mean it, but must look
        if tag == "img" and attribute == "src" and scheme_of(address) not in (None, "https"):
            dropped.append(f"{address}: images must be files next to the leaflet; left out")
            return None
        if attribute in NUMBER_BOUNDS:
            low, high = NUMBER_BOUNDS[attribute]
            if not re.fullmatch(r"-?\d{1,8}", address) or not low <= int(address) <= high:
                return None
        return value

    return keep


def sanitise(html: str, dropped: list[str] | None = None) -> str:
    """Keep only the allow-listed tags, attributes, classes and https/mailto/tel links.

    A message for each link or image address dropped is added to `dropped`.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter(dropped if dropped is not None else []),
        allowed_classes=ALLOWED_CLASSES,
        # http: and file: pass nh3 only so that the filter above can name them to the
        # author; javascript:, data: and the rest are removed here without a word.
        url_schemes={"https", "http", "file", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )


class _Depth(HTMLParser):
    """Deepest element nesting in sanitised (so well-formed) HTML."""

    VOID = {"br", "hr", "img"}

    def __init__(self):
        super().__init__()
        self.depth = self.deepest = 0

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.depth += 1
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag not in self.VOID:
            self.depth -= 1


def _deepest_line(body: str) -> int:
    """The body line most likely to hold the deepest nesting, 1-based within the body."""
    def score(line: str) -> int:
        indent = len(line) - len(line.lstrip(" \t>*+-"))
        return indent + line.count("<")
    lines = body.split("\n") or [""]
    return max(range(len(lines)), key=lambda index: score(lines[index])) + 1


def convert(body: str, path: Path = Path("<markdown>"), first_line: int = 1
            ) -> tuple[str, list[str]]:
    """Markdown body to sanitised HTML, plus a warning for each address dropped on the way.

    A body nested too deeply for the renderer is a LeafletError at its likeliest line.
    """
    dropped: list[str] = []
    try:
        html = sanitise(_markdown().convert(body), dropped)
        depth = _Depth()
        depth.feed(html)
        too_deep = depth.deepest > MAX_DEPTH
    except RecursionError:
        too_deep = True
    if too_deep:
        line = first_line + _deepest_line(body) - 1
        raise LeafletError(error("too-deep", path, line,
                                 f"lists, quotes or HTML are nested more than {MAX_DEPTH} "
                                 "levels deep; flatten them"))
    return html, dropped


def to_html(body: str, path: Path = Path("<markdown>"), first_line: int = 1) -> str:
    """Convert a Markdown body to sanitised HTML."""
    return convert(body, path, first_line)[0]
