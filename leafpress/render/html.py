"""HTML: a Leaflet, its sanitised body and the brand through one Jinja2 template."""

from __future__ import annotations

import base64
import datetime
import hashlib
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from leafpress import __version__
from leafpress.model.brand import Brand
from leafpress.model.language import direction
from leafpress.model.leaflet import Leaflet
from leafpress.render.markup import convert
from leafpress.render.qr import qr_data_uri

TEMPLATE = "leaflet.html.j2"


def long_date(value: datetime.date) -> str:
    """British long date: 1 October 2026."""
    return f"{value.day} {value:%B %Y}"


def display_url(value: str) -> str:
    """An address as people read it: no scheme, no trailing slash."""
    return value.removeprefix("https://").removeprefix("http://").rstrip("/")


def csp_hash(text: str) -> str:
    """A CSP source expression allowing exactly this inline style or script."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


@lru_cache(maxsize=8)
def environment(templates: Path) -> jinja2.Environment:
    """One Environment per templates folder; article text never becomes a template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["display_url"] = display_url
    env.filters["direction"] = direction
    return env


def render_body(leaflet: Leaflet, notes: list[str] | None = None) -> str:
    """The leaflet's body as sanitised HTML, the one every format shows; warnings into notes."""
    body, dropped = convert(leaflet.body, leaflet.path, leaflet.body_line)
    if notes is not None:
        notes.extend(dropped)
    return body


def render_html(leaflet: Leaflet, brand: Brand, fmt: str = "a4", extras: dict | None = None,
                notes: list[str] | None = None, body: str | None = None) -> str:
    """Render the leaflet's page for one format; warnings about the body go into notes.

    body: the sanitised body when the format has already made it (render_body) and changed
    only what its medium needs, such as where images are; extras override template values.
    """
    template = environment(brand.templates).get_template(TEMPLATE)
    if body is None:
        body = render_body(leaflet, notes)
    values = dict(extras or {})
    values.setdefault("logo_url", brand.logo.as_uri())
    if "qr_code" not in values:
        values["qr_code"] = qr_data_uri(leaflet.url) if leaflet.url else None
    return template.render(leaflet=leaflet, brand=brand, format=fmt, body=Markup(body),
                           generator=f"leafpress {__version__}", **values)
