"""HTML: a Leaflet, its sanitised body and the brand through one Jinja2 template."""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from leafpress import __version__
from leafpress.i18n import translations
from leafpress.model.brand import Brand
from leafpress.model.language import direction, is_rtl
from leafpress.model.leaflet import Leaflet
from leafpress.render.markup import convert
from leafpress.render.qr import qr_data_uri

TEMPLATE = "leaflet.html.j2"


def long_date(value: datetime.date) -> str:
    """British long date: 1 October 2026."""
    return f"{value.day} {value:%B %Y}"


@jinja2.pass_context
def local_date(context, value: datetime.date) -> str:
    """A date in the leaflet's language: 1 October 2026, 1 października 2026, 2026年10月1日."""
    from babel.dates import format_date

    return format_date(value, "long", locale=context["leaflet"].lang.replace("-", "_"))


def display_url(value: str) -> str:
    """An address as people read it: no scheme, no trailing slash."""
    return value.removeprefix("https://").removeprefix("http://").rstrip("/")


def csp_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline style or script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


# Unicode isolates: Pango honours them (WeasyPrint ignores <bdi> and unicode-bidi), so a
# phone number inside Arabic keeps its groups in order.
LRI, PDI = "\u2066", "\u2069"
# A left-to-right run inside right-to-left text: digits or Latin letters joined by spaces,
# dots, dashes, slashes or brackets ("020 7946 0321", "RSC-SP-001", "NHS 111", "A&E").
_LTR_RUN = re.compile(r"[+(]?[0-9A-Za-z][0-9A-Za-z&@_]*(?:[ .,:/()\-]+[0-9A-Za-z&@_][0-9A-Za-z&@_]*)*\)?")
_TEXT = re.compile(r">([^<]+)<")


@jinja2.pass_context
def ltr(context, value: object) -> Markup | str:
    """Text that reads left to right (phone, reference, address), kept so in a right-to-left
    leaflet: `<bdi dir="ltr">` for HTML readers, isolates inside it for WeasyPrint."""
    if not context.get("rtl"):
        return value
    return Markup('<bdi dir="ltr">{}{}{}</bdi>').format(LRI, value, PDI)


@jinja2.pass_context
def ltr_attr(context, value: object) -> str:
    """ltr for an attribute's text (the footer's): the isolates alone."""
    return f"{LRI}{value}{PDI}" if context.get("rtl") and value else value


# A UK postcode ("SE1 0XX", "EC1A 1BB"): its two halves are never split over two lines.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ([0-9][A-Z]{2})\b")


def keep_postcode(value: str) -> Markup:
    """The text escaped, with any postcode in it kept on one line."""
    return Markup(_POSTCODE.sub(r'<span class="postcode">\1 \2</span>', str(escape(value))))


def isolate_ltr_runs(html: str) -> str:
    """Wrap each left-to-right run of several parts in the text of a right-to-left body in
    isolates (never inside tags or attributes)."""
    def runs(text: str) -> str:
        return _LTR_RUN.sub(lambda m: f"{LRI}{m[0]}{PDI}" if re.search(r"[ .,:/\-]", m[0])
                            else m[0], text)
    return _TEXT.sub(lambda m: f">{runs(m[1])}<", html)


def picture_paragraphs(html: str) -> str:
    """Mark the Easy Read paragraphs that open with a picture, for the picture column."""
    return html.replace("<p><img ", '<p class="with-picture"><img ')


@lru_cache(maxsize=8)
def environment(templates: Path) -> jinja2.Environment:
    """One Environment per templates folder; article text never becomes a template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.filters["long_date"] = long_date
    env.filters["local_date"] = local_date
    env.filters["ltr"] = ltr
    env.filters["ltr_attr"] = ltr_attr
    env.filters["display_url"] = display_url
    env.filters["keep_postcode"] = keep_postcode
    env.filters["direction"] = direction
    return env


@lru_cache(maxsize=16)
def _converted(body: str, path: Path, first_line: int) -> tuple[str, tuple[str, ...]]:
    # A worker often renders one leaflet in several formats in a row: convert it once.
    html, dropped = convert(body, path, first_line)
    return html, tuple(dropped)


def render_body(leaflet: Leaflet, warnings: list[str] | None = None) -> str:
    """The leaflet's body as sanitised HTML, the one every format shows; what was dropped on
    the way (links printed as text, images left out) is added to warnings.

    Right-to-left editions get their left-to-right runs (phone numbers, references) isolated;
    Easy Read paragraphs that open with a picture are marked for the picture column.
    """
    body, dropped = _converted(leaflet.body, leaflet.path, leaflet.body_line)
    if warnings is not None:
        warnings.extend(dropped)
    if is_rtl(leaflet.lang):
        body = isolate_ltr_runs(body)
    if leaflet.easy_read:
        body = picture_paragraphs(body)
    return body


def render_html(leaflet: Leaflet, brand: Brand, fmt: str = "a4", extras: dict | None = None,
                warnings: list[str] | None = None, body: str | None = None) -> str:
    """Render the leaflet's page for one format, in its language; warnings about the body
    go into warnings.

    body: the sanitised body when the format has already made it (render_body) and changed
    only what its medium needs, such as where images are; extras override template values.
    """
    env = environment(brand.templates)
    # One worker renders one leaflet at a time: the language is installed for each.
    env.install_gettext_translations(translations(brand.templates, leaflet.lang), newstyle=True)
    template = env.get_template(TEMPLATE)
    if body is None:
        body = render_body(leaflet, warnings)
    values = dict(extras or {})
    values.setdefault("logo_url", brand.logo.as_uri())
    if "qr_code" not in values:
        values["qr_code"] = qr_data_uri(leaflet.url) if leaflet.url else None
    return template.render(leaflet=leaflet, brand=brand, format=fmt, body=Markup(body),
                           generator=f"leafpress {__version__}",
                           clinic_name=brand.sentence("name", leaflet.lang) or brand.name,
                           rtl=is_rtl(leaflet.lang), **values)
