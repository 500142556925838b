"""Markdown to sanitised HTML: what authors may write, and nothing more."""

from __future__ import annotations

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

from .limits import MAX_TABLE_SPAN

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
# The only link targets a PDF keeps. Anything else (other.md, /etc/passwd, #top, //host)
# would become a file:// link holding an absolute local path: it prints as plain text.
LINK_SCHEMES = ("https:", "mailto:", "tel:")

ALLOWED_CLASSES = {
    "div": {"admonition", *CALLOUTS},
    "p": {"admonition-title"},
    "a": {"bare"},
}


class _PrintTweaks(Treeprocessor):
    """Demote '#' headings below the leaflet's title; class links whose text is their URL;
    turn links to anything but https:, mailto: and tel: into plain text."""

    def run(self, root):
        for heading in root.iter("h1"):
            heading.tag = "h2"
        for link in root.iter("a"):
            text = "".join(link.itertext()).strip()
            href = link.get("href", "")
            if not is_kept_link(href):
                link.tag = "span"
                link.attrib.clear()
                continue
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


def is_kept_link(href: str) -> bool:
    """Whether a link target survives into the PDF (https:, mailto:, tel: only)."""
    return href.strip().lower().startswith(LINK_SCHEMES)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    # url_schemes alone lets relative hrefs through; raw-HTML links need the same rule.
    if tag == "a" and attribute == "href" and not is_kept_link(value):
        return None
    if attribute in ("colspan", "rowspan"):
        return str(min(int(value), MAX_TABLE_SPAN)) if value.strip().isdigit() else None
    return value


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
        attribute_filter=_filter,
    )


def to_html(body: str) -> str:
    """Convert a Markdown body to sanitised HTML."""
    return sanitise(_markdown().convert(body))
