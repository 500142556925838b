"""The sanitised body made ready for the web page: local images copied, callouts labelled.

Only what the medium needs changes: the words and elements are the body every PDF shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

from leafpress.render.local import Refused, check_pixels, read_local

MEDIA = "media"  # beside the pages: images, the logo and QR codes, named by their content
SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*:", re.IGNORECASE)
# An SVG opened from the clinic's web site runs its scripts there: such files stay out.
ACTIVE_SVG = re.compile(rb"<script|<foreignobject|<iframe|<embed|<object|javascript:"
                        rb"|\son[a-z]+\s*=", re.IGNORECASE)
VOID = {"br", "hr", "img", "wbr"}


@dataclass
class WebBody:
    """The rewritten body and what it needs beside it."""

    html: str = ""
    extras: dict[str, bytes] = field(default_factory=dict)  # name under the output folder
    dependencies: dict[str, str] = field(default_factory=dict)  # name in the leaflet's folder
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def media_name(name: str, digest: str) -> str:
    """Where a copied file goes: media/<safe name>-<hash><suffix>; same bytes, same name."""
    path = Path(name)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", path.stem).strip("-")[:40] or "file"
    suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", path.suffix.lower()) else ""
    return f"{MEDIA}/{stem}-{digest[:16]}{suffix}"


def is_media_name(name: str) -> bool:
    """Whether name is one media_name makes (a name read back from a file others can write)."""
    return re.fullmatch(rf"{MEDIA}/[A-Za-z0-9_-]{{1,40}}-[0-9a-f]{{16}}(\.[a-z0-9]{{1,5}})?", name) is not None


def _start(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs)
    return f"<{tag}{parts}>"


class _Rewriter(HTMLParser):
    def __init__(self, folder: Path, roots: list[Path], result: WebBody):
        super().__init__(convert_charrefs=True)
        self.folder, self.roots, self.result = folder, roots, result
        self.out: list[str] = []
        self.callouts = 0
        self.open_callout: int | None = None  # index in out of a callout's start tag
        self.kind = ""  # the open callout's kind: important, urgent...

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "img":
            attrs = self._image(attrs)
            if attrs is None:
                return
        if self.open_callout is not None:
            self._label_callout(tag == "p" and "admonition-title" in classes.split())
            if tag == "p" and "admonition-title" in classes.split():
                attrs = [*attrs, ("id", f"callout-{self.callouts}")]
        if tag == "div" and "admonition" in classes.split():
            self.callouts += 1
            self.open_callout = len(self.out)
            self.kind = (classes.split() + [""])[1]
        self.out.append(_start(tag, attrs))

    def _label_callout(self, titled: bool) -> None:
        """A callout is a region named by its title (or by its kind when it has none)."""
        index, self.open_callout = self.open_callout, None
        label = (("aria-labelledby", f"callout-{self.callouts}") if titled
                 else ("aria-label", self.kind.capitalize() or "Note"))
        self.out[index] = self.out[index][:-1] + _start("", [("role", "region"), label])[1:]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if self.open_callout is not None:
            self._label_callout(False)
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))

    def _image(self, attrs):
        """The image copied into media/ (src pointing at the copy), or None to leave it out."""
        values = dict(attrs)
        src = (values.get("src") or "").strip()
        if not src:
            return attrs
        shown = src
        if SCHEME.match(src):
            self.result.warnings.append(f"{shown}: network resources are not allowed")
            return None
        path = self.folder / unquote(src.split("#", 1)[0].split("?", 1)[0])
        try:
            found = read_local(path, self.roots)
            check_pixels(found.body)
            if found.path.suffix.lower() == ".svg" and ACTIVE_SVG.search(found.body):
                raise Refused("an SVG with scripts or active content; left out of the web page")
        except Refused as exc:
            if exc.digest and exc.path and exc.path.is_relative_to(self.folder):
                self.result.dependencies[exc.path.relative_to(self.folder).as_posix()] = exc.digest
            (self.result.errors if exc.fatal else self.result.warnings).append(f"{shown}: {exc.why}")
            return None
        if found.path.is_relative_to(self.folder):
            self.result.dependencies[found.path.relative_to(self.folder).as_posix()] = found.digest
        name = media_name(found.path.name, found.digest)
        self.result.extras[name] = found.body
        return [(key, name if key == "src" else value) for key, value in attrs]


def web_body(body: str, folder: Path, roots: list[Path]) -> WebBody:
    """Rewrite sanitised body HTML for a page in the output folder (images under media/)."""
    folder = folder.resolve()
    result = WebBody()
    rewriter = _Rewriter(folder, [root.resolve() for root in roots] + [folder], result)
    rewriter.feed(body)
    rewriter.close()
    if rewriter.open_callout is not None:
        rewriter._label_callout(False)
    result.html = "".join(rewriter.out)
    return result
