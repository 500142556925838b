"""The command line: parse arguments, call the engine, print one line per problem."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .config import DEFAULT_BRAND, FORMAT_NAMES, load_brand
from .errors import Diagnostic, display_path

SOURCES = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
BRAND = click.option("--brand", "brand_path", type=click.Path(path_type=Path), default=DEFAULT_BRAND,
                     show_default=True, help="The brand file (name, logo, colours, contact).")
STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _print(diagnostic: Diagnostic) -> None:
    click.echo(str(diagnostic), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leafpress", prog_name="leaflets")
def main() -> None:
    """Turn Markdown patient-information articles into branded PDF leaflets."""


@main.command()
@SOURCES
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True, help="Folder for the PDFs.")
@BRAND
@click.option("--force", is_flag=True, help="Rebuild every leaflet, even if up to date.")
@STRICT
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: the number of CPUs].")
@click.option("--format", "formats", multiple=True, type=click.Choice([*FORMAT_NAMES, "all"]),
              help="Output format; repeat for several, or 'all' [default: the brand's formats].")
def build(sources: tuple[Path, ...], out: Path, brand_path: Path, force: bool, strict: bool,
          jobs: int | None, formats: tuple[str, ...]) -> None:
    """Build PDFs from SOURCES (.md files or folders; default: leaflets/)."""
    from .build import DEFAULT_SOURCES, build as run_build

    brand = load_brand(brand_path)
    chosen = FORMAT_NAMES if "all" in formats else tuple(f for f in FORMAT_NAMES if f in formats)
    started = time.monotonic()
    result = run_build(list(sources) or list(DEFAULT_SOURCES), out, brand,
                       formats=chosen or brand.formats, jobs=jobs, strict=strict, report=_print)
    for path in result.written:
        click.echo(f"wrote {display_path(path)}")
    seconds = time.monotonic() - started
    click.echo(f"{len(result.written)} PDF(s) written, {len(result.failed)} leaflet(s) failed "
               f"in {seconds:.1f} s", err=bool(result.failed))
    if result.failed:
        raise SystemExit(1)
