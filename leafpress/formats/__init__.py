"""The outputs: one module per format, and the registry every other stage reads.

To add an output, write a module with a Format subclass (plus its CSS or template) and
list it below; the CLI, the brand check, build, the manifest and the catalogue follow.
"""

from __future__ import annotations

from pathlib import Path

from leafpress.formats.a4 import A4
from leafpress.formats.base import Format, Output
from leafpress.formats.booklet import Booklet
from leafpress.formats.brf import Braille
from leafpress.formats.html import WebPage
from leafpress.formats.large_print import LargePrint
from leafpress.model.brand import Brand, line_of
from leafpress.errors import ConfigError
from leafpress.suggest import did_you_mean

REGISTRY: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add a format to the registry (its order is the catalogue's order of links)."""
    REGISTRY[fmt.name] = fmt
    return fmt


for _format in (A4(), LargePrint(), Booklet(), WebPage(), Braille()):
    register(_format)


def check_brand(brand: Brand) -> Brand:
    """The brand's `formats` must all be registered: a ConfigError at that line if not."""
    for name in brand.formats:
        if name not in REGISTRY:
            text = brand.path.read_text(encoding="utf-8")
            raise ConfigError(brand.path, line_of(text, None, "formats"),
                              f"unknown format '{name}'{did_you_mean(name, REGISTRY)}")
    return brand


def check_clinic_files(brand: Brand, chosen: tuple[str, ...]) -> None:
    """Every template and stylesheet the chosen formats use must load, before any leaflet is
    rendered: a mistake in a clinic file is one ConfigError at its line, not one per leaflet."""
    import jinja2

    from leafpress.render.html import environment

    env = environment(brand.templates)
    for fmt in (get(name) for name in chosen):
        for name in fmt.templates(brand):
            try:
                env.get_template(name)
            except jinja2.TemplateSyntaxError as exc:
                raise ConfigError(Path(exc.filename or brand.templates / name), exc.lineno or 0,
                                  f"template error: {exc.message}") from None
            except jinja2.TemplateNotFound:
                raise ConfigError(brand.templates / name, 0, "template not found") from None
        for path in fmt.stylesheets(brand):
            if not path.is_file():
                raise ConfigError(path, 0, f"stylesheet not found (the {fmt.name} format needs it)")
            try:
                path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(path, 0, f"cannot read the stylesheet: {exc}") from None


def names() -> tuple[str, ...]:
    """Every registered format name, in registry order."""
    return tuple(REGISTRY)


def get(name: str) -> Format:
    """The format called name (KeyError when there is none)."""
    return REGISTRY[name]


__all__ = ["REGISTRY", "Format", "Output", "check_brand", "get", "names", "register"]
