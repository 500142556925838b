"""The command line: parse arguments, call the engine, print one line per problem."""

from __future__ import annotations

import time
from pathlib import Path

import click

from .config import DEFAULT_BRAND, load_brand
from .errors import ERROR, Diagnostic, display_path

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
def build(sources: tuple[Path, ...], out: Path, brand_path: Path, force: bool, strict: bool,
          jobs: int | None) -> None:
    """Build PDFs from SOURCES (.md files or folders; default: leaflets/)."""
    from .build import DEFAULT_SOURCES, build as run_build

    brand = load_brand(brand_path)
    started = time.monotonic()
    result = run_build(list(sources) or list(DEFAULT_SOURCES), out, brand, formats=brand.formats,
                       jobs=jobs, strict=strict, report=_print)
    for path in result.written:
        click.echo(f"wrote {display_path(path)}")
    from .catalogue import write_catalogue

    catalogue = write_catalogue(out, result.leaflets, brand, rebuilt=result.written,
                                failed=result.failed)
    for problem in catalogue.diagnostics:
        _print(problem)
    click.echo(f"wrote {display_path(catalogue.path)} ({len(catalogue.cards)} leaflet(s), "
               f"{len(catalogue.thumbnails)} new thumbnail(s))")
    seconds = time.monotonic() - started
    click.echo(f"{len(result.written)} PDF(s) written, {len(result.failed)} leaflet(s) failed "
               f"in {seconds:.1f} s", err=bool(result.failed))
    if result.failed or any(d.severity == ERROR for d in catalogue.diagnostics):
        raise SystemExit(1)
