"""The command line: parse arguments, call the engine, print one line per problem."""

from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path

import click

from leafpress import formats as registry
from leafpress.model.brand import DEFAULT_BRAND, Brand, load_brand
from leafpress.errors import Diagnostic, display_path, error

SOURCES = click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
BRAND = click.option("--brand", "brand_path", type=click.Path(path_type=Path), default=DEFAULT_BRAND,
                     show_default=True, help="The brand file (name, logo, colours, contact).")
STRICT = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def _brand(path: Path) -> Brand:
    """The brand file, validated, with every format it names registered."""
    return registry.check_brand(load_brand(path))


def _print(diagnostic: Diagnostic) -> None:
    click.echo(str(diagnostic), err=True)


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    from leafpress.build.shards import parse_shard

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
@click.option("--format", "formats", multiple=True, type=click.Choice([*registry.names(), "all"]),
              help="Output format; repeat for several, or 'all' [default: the brand's formats].")
@click.option("--shard", metavar="K/N", callback=_shard,
              help="Build only the K-th of N stable slices of the sources (for CI matrices).")
@click.option("--debug", is_flag=True,
              help="Show the traceback of an unexpected error (for reporting a bug).")
def build(sources: tuple[Path, ...], out: Path, brand_path: Path, force: bool, strict: bool,
          jobs: int | None, formats: tuple[str, ...], shard: tuple[int, int] | None,
          debug: bool) -> None:
    """Build PDFs from SOURCES (.md files or folders; default: leaflets/)."""
    from leafpress.build.builder import DEFAULT_SOURCES, build as run_build
    from leafpress.build.progress import progress_for

    brand = _brand(brand_path)
    names = registry.names()
    chosen = names if "all" in formats else tuple(f for f in names if f in formats)
    started = time.monotonic()
    progress = progress_for(sys.stdout, sys.stderr)
    result = run_build(list(sources) or list(DEFAULT_SOURCES), out, brand,
                       formats=chosen or brand.formats, jobs=jobs, strict=strict,
                       report=progress.note, force=force, shard=shard, progress=progress,
                       catalogue=shard is None)  # shards run at once: the catalogue comes after
    progress.finish()
    if debug:
        for trace in result.tracebacks:
            click.echo(trace, err=True)
    click.echo(result.summary(time.monotonic() - started), err=not result.ok)
    catalogue = result.catalogue
    if catalogue and not any(d.severity == "error" for d in catalogue.diagnostics):
        click.echo(f"catalogue: {display_path(catalogue.path)} ({len(catalogue.cards)} "
                   f"leaflet(s), {len(catalogue.thumbnails)} new thumbnail(s))")
    if not result.ok:
        raise SystemExit(1)


@main.command()
@SOURCES
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@STRICT
@BRAND
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, hidden=True,
              help="Check review dates as if today were this date (for tests).")
def check(sources: tuple[Path, ...], as_json: bool, strict: bool, brand_path: Path,
          today: datetime.datetime | None) -> None:
    """Check SOURCES for readability, review dates, images, links and acronyms."""
    from leafpress.build.builder import DEFAULT_SOURCES
    from leafpress.check.report import human_lines, to_json
    from leafpress.check.rules import check as run_check

    brand = _brand(brand_path)
    report = run_check(list(sources) or list(DEFAULT_SOURCES), brand,
                       today.date() if today else datetime.date.today())
    if as_json:
        click.echo(to_json(report))
    else:
        for line in human_lines(report):
            click.echo(line)
    if report.failed(strict):
        raise SystemExit(1)


@main.command()
@SOURCES
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the register as CSV for Excel (UTF-8 with a BOM, ISO dates).")
@click.option("--json", "as_json", is_flag=True, help="Print the register as JSON.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the register page here (build writes it as dist/register.html).")
@BRAND
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, hidden=True,
              help="Count review dates as if today were this date (for tests).")
def register(sources: tuple[Path, ...], csv_file: Path | None, as_json: bool,
             html_file: Path | None, brand_path: Path, today: datetime.datetime | None) -> None:
    """List owner, approval, review dates, editions and issued versions of every leaflet.

    Exit status 1 when any review is overdue (or a source or record cannot be read), so a
    scheduled job can tell someone.
    """
    from leafpress.build.builder import DEFAULT_SOURCES
    from leafpress.catalogue.register import register_html
    from leafpress.control.register import human_lines, read_register, to_csv, to_json
    from leafpress.files import atomic_write

    brand = _brand(brand_path)
    found = read_register(list(sources) or list(DEFAULT_SOURCES), brand,
                          today.date() if today else datetime.date.today())
    for problem in found.problems:
        _print(problem)
    try:
        if csv_file:
            atomic_write(csv_file, to_csv(found))
        if html_file:
            atomic_write(html_file, register_html(found, brand, html_file.parent).encode("utf-8"))
    except OSError as exc:
        _print(error("write", Path(exc.filename or csv_file or html_file), 0,
                     f"cannot write: {exc.strerror or exc}"))
        raise SystemExit(1) from None
    if as_json:
        click.echo(to_json(found))
    else:
        for line in human_lines(found):
            click.echo(line)
    if found.overdue or found.problems:
        raise SystemExit(1)


@main.command()
@click.argument("title")
@click.option("--slug", help="File name without .md [default: from the title].")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), default=Path("leaflets"),
              show_default=True, help="Where to write the new leaflet.")
@BRAND
def new(title: str, slug: str | None, folder: Path, brand_path: Path) -> None:
    """Start a new leaflet called TITLE with every section a procedure leaflet needs."""
    from leafpress.authoring.scaffold import new_leaflet

    brand = _brand(brand_path)
    try:
        path = new_leaflet(title, folder, brand, slug=slug)
    except FileExistsError as exc:
        _print(error("exists", Path(exc.filename), 0,
                     "already exists; choose another --slug (nothing was changed)"))
        raise SystemExit(1) from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"created {display_path(path)}")
    click.echo(f"next: edit it, then run `.venv/bin/python generate.py check "
               f"{display_path(path)}` and `... build {display_path(path)}`")


@main.command()
@BRAND
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True, help="The output folder to test.")
def doctor(brand_path: Path, out: Path) -> None:
    """Check that this machine can build leaflets, and say how to fix what is wrong."""
    from leafpress.authoring.doctor import FAIL, diagnose

    findings = diagnose(brand_path, out)
    for finding in findings:
        click.echo(f"{finding.status:<8} {finding.what}: {finding.detail}")
        if finding.fix:
            click.echo(f"{'':<8} fix: {finding.fix}")
    if any(finding.status == FAIL for finding in findings):
        click.echo("Something above blocks building leaflets.", err=True)
        raise SystemExit(1)
    click.echo("Ready to build leaflets.")


@main.command()
@SOURCES
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              default=Path("dist"), show_default=True, help="Folder for the PDFs and catalogue.")
@BRAND
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port for the preview on 127.0.0.1.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes [default: the number of CPUs].")
def watch(sources: tuple[Path, ...], out: Path, brand_path: Path, port: int,
          jobs: int | None) -> None:
    """Build, preview on 127.0.0.1, and rebuild whatever changes until Ctrl-C."""
    from leafpress.build.builder import DEFAULT_SOURCES
    from leafpress.authoring.watch import watch as run_watch

    run_watch(list(sources) or list(DEFAULT_SOURCES), out, brand_path, port, jobs,
              report=_print, say=click.echo)
