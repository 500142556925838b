"""HTML: a Leaflet, its sanitised body and the brand through one Jinja2 template."""

from __future__ import annotations

import datetime
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from leafpress import __version__
from leafpress.i18n import translations
from leafpress.model.brand import Brand
from leafpress.render.markup import convert
from leafpress.model.leaflet import Leaflet
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
    env.filters["display_url"] = display_url
    return env


def render_html(leaflet: Leaflet, brand: Brand, fmt: str = "a4", extras: dict | None = None,
                notes: list[str] | None = None) -> str:
    """Render the leaflet's HTML for one format; warnings about the body go into notes."""
    env = environment(brand.templates)
    # One worker renders one leaflet at a time: the language is installed for each.
    env.install_gettext_translations(translations(brand.templates, leaflet.lang), newstyle=True)
    template = env.get_template(TEMPLATE)
    body, dropped = convert(leaflet.body, leaflet.path, leaflet.body_line)
    if notes is not None:
        notes.extend(dropped)
    return template.render(
        leaflet=leaflet,
        brand=brand,
        format=fmt,
        body=Markup(body),
        logo_url=brand.logo.as_uri(),
        generator=f"leafpress {__version__}",
        qr_code=qr_data_uri(leaflet.url) if leaflet.url else None,
        clinic_name=brand.sentence("name", leaflet.lang) or brand.name,
        **(extras or {}),
    )
