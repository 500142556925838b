"""The command line: parse arguments, call the engine, print one line per problem."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from .config import DEFAULT_BRAND, load_brand
from .errors import Diagnostic

SOURCES = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
BRAND = click.option("--brand", "brand_path", type=click.Path(path_type=Path), default=DEFAULT_BRAND,
                     show_default=True, help="The brand file (name, logo, colours, contact).")
STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _print(diagnostic: Diagnostic) -> None:
    click.echo(str(diagnostic), err=True)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    from .shards import parse_shard

    if value is None:
        return None
    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


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
@click.option("--shard", metavar="K/N", callback=_shard,
              help="Build only the K-th of N stable slices of the sources (for CI matrices).")
def build(sources: tuple[Path, ...], out: Path, brand_path: Path, force: bool, strict: bool,
          jobs: int | None, shard: tuple[int, int] | None) -> None:
    """Build PDFs from SOURCES (.md files or folders; default: leaflets/)."""
    from .build import DEFAULT_SOURCES, build as run_build
    from .progress import progress_for

    brand = load_brand(brand_path)
    started = time.monotonic()
    progress = progress_for(sys.stdout, sys.stderr)
    result = run_build(list(sources) or list(DEFAULT_SOURCES), out, brand, formats=brand.formats,
                       jobs=jobs, strict=strict, report=progress.note, force=force, shard=shard,
                       progress=progress)
    progress.finish()
    seconds = time.monotonic() - started
    click.echo(f"{len(result.written)} built, {len(result.up_to_date)} up to date, "
               f"{len(result.failed)} failed in {seconds:.1f} s", err=bool(result.failed))
    if result.failed:
        raise SystemExit(1)
