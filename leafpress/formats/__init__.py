"""The outputs: one module per format, and the registry every other stage reads.

To add an output, write a module with a Format subclass (plus its CSS or template) and
list it below; the CLI, the brand check, build, the manifest and the catalogue follow.
"""

from __future__ import annotations

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


def names() -> tuple[str, ...]:
    """Every registered format name, in registry order."""
    return tuple(REGISTRY)


def get(name: str) -> Format:
    """The format called name (KeyError when there is none)."""
    return REGISTRY[name]


__all__ = ["REGISTRY", "Format", "Output", "check_brand", "get", "names", "register"]
