"""Markdown to sanitised HTML: what authors may write, and nothing more."""

from __future__ import annotations

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

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
ALLOWED_CLASSES = {
    "div": {"admonition", *CALLOUTS},
    "p": {"admonition-title"},
    "a": {"bare"},
}


class _PrintTweaks(Treeprocessor):
    """Demote '#' headings below the leaflet's title; class links whose text is their URL."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"
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


def sanitise(html: str) -> str:
    """Keep only the allow-listed tags, attributes, classes and https/mailto links."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"https", "mailto", "tel"},
        link_rel=None,
        strip_comments=True,
    )


def to_html(body: str) -> str:
    """Convert a Markdown body to sanitised HTML."""
    return sanitise(_markdown().convert(body))
