"""Build: find sources, validate them all, render on workers, write PDFs atomically."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from .checks import build_review
from .config import Brand
from .errors import ERROR, Diagnostic, LeafletError, error, warning
from .files import atomic_write, remove_partials
from .manifest import Entry, Manifest, environment_key, leaflet_key
from .model import Leaflet, leaflet_from_source
from .progress import Progress
from .shards import in_shard
from .source import discover, read_source
from .workers import JOB_TIMEOUT, MEMORY_LIMIT, run_jobs

if TYPE_CHECKING:
    from .catalogue import CatalogueResult

DEFAULT_SOURCES = (Path("leaflets"),)
DEFAULT_OUT = Path("dist")
SUFFIXES = {"a4": "", "large-print": "-large-print", "booklet": "-booklet"}
COVER_FORMAT = "a4"  # the catalogue's thumbnail shows this format's page 1 when it is built


def output_name(stem: str, fmt: str) -> str:
    """File name of a leaflet in a format: <stem>.pdf, <stem>-large-print.pdf, ..."""
    return f"{stem}{SUFFIXES[fmt]}.pdf"


@dataclass(frozen=True)
class Job:
    """One leaflet in one format, to be rendered by a worker."""

    leaflet: Leaflet
    fmt: str
    target: Path


@dataclass
class BuildResult:
    """What a build did, for the CLI's summary and exit code."""

    written: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    leaflets: list[Leaflet] = field(default_factory=list)  # every one that loaded, built or not
    catalogue: CatalogueResult | None = None

    @property
    def ok(self) -> bool:
        """Every leaflet built and the catalogue written without an error."""
        return not self.failed and not any(
            d.severity == ERROR for d in (self.catalogue.diagnostics if self.catalogue else []))


def default_jobs() -> int:
    """Worker count when --jobs is not given: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1  # a container's CPU set, not the host's
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load(paths: list[Path], brand: Brand,
         strict: bool = False) -> tuple[list[Leaflet], list[Diagnostic]]:
    """Read and validate every source before anything is written (overdue: warn, or refuse
    with strict)."""
    leaflets: list[Leaflet] = []
    problems: list[Diagnostic] = []
    by_stem: dict[str, list[Path]] = {}
    for path in paths:
        by_stem.setdefault(path.stem, []).append(path)
    for path in paths:
        if len(by_stem[path.stem]) > 1:
            others = ", ".join(str(p) for p in by_stem[path.stem] if p != path)
            problems.append(error("duplicate-stem", path, 0,
                                  f"another source also makes {path.stem}.pdf: {others}"))
            continue
        try:
            leaflet = leaflet_from_source(read_source(path), brand)
        except LeafletError as exc:
            problems.extend(exc.diagnostics)
            continue
        overdue = build_review(leaflet, datetime.date.today(), strict)
        problems.extend([overdue] if overdue else [])
        if not overdue or overdue.severity != ERROR:
            leaflets.append(leaflet)
    return leaflets, problems


def _line_for(leaflet: Leaflet, message: str) -> int:
    """The source line that mentions the file or address a render message names, if any."""
    try:
        lines = leaflet.path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 0
    # Only tokens that look like addresses or file names: plain words would match prose.
    for token in re.findall(r"[^\s'\"()<>]+", message):
        token = token.rstrip(":.,;")
        if not re.search(r"[/#]|\.\w{2,4}$", token):
            continue
        name = unquote(token.rstrip("/").rsplit("/", 1)[-1])
        for needle in (token, name) if len(name) > 3 else (token,):
            for number, line in enumerate(lines, 1):
                if needle in line:
                    return number
    return 0


def _render_in_worker(brand: Brand) -> Callable[[Job], object]:
    """Set-up run once per worker process: renderers are built lazily per format."""
    import gc

    from .catalogue import render_thumbnail
    from .formats import render_leaflet
    from .pdf import Renderer

    renderers: dict[str, Renderer] = {}
    # Modules, parsed CSS and fonts live as long as the worker: keep the cyclic collector from
    # walking them after every few thousand allocations (about 3% of a leaflet's CPU).
    gc.freeze()

    def handle(job: Job):
        renderer = renderers.get(job.fmt)
        if renderer is None:
            renderer = renderers[job.fmt] = Renderer(brand, job.fmt)
            gc.freeze()
        rendered = render_leaflet(renderer, job.leaflet, brand, job.fmt)
        if job.fmt == COVER_FORMAT and not rendered.errors:
            # The catalogue's picture of page 1, made here in parallel, not after the build.
            try:
                rendered.thumbnail = render_thumbnail(rendered.pdf)
            except Exception:  # noqa: BLE001 - the catalogue makes it again, or says why not
                rendered.thumbnail = None
        return rendered

    return handle


def build(
    sources: list[Path],
    out: Path,
    brand: Brand,
    formats: tuple[str, ...] = ("a4",),
    jobs: int | None = None,
    strict: bool = False,
    report: Callable[[Diagnostic], None] = lambda d: None,
    on_written: Callable[[Path, object], None] = lambda p, r: None,
    force: bool = False,
    shard: tuple[int, int] | None = None,
    progress: Progress | None = None,
    catalogue: bool = True,
    timeout: float = JOB_TIMEOUT,
    memory_limit: int = MEMORY_LIMIT,
) -> BuildResult:
    """Build every source in every format into out, then its catalogue page.

    A bad leaflet never stops the rest. PDFs whose inputs are unchanged since the manifest
    recorded them are left alone (unless force); with shard=(K, N) only the K-th of N stable
    slices of the sources is built. Each leaflet renders in a worker process under `timeout`
    seconds and `memory_limit` bytes of address space.
    """
    result = BuildResult()
    progress = progress or Progress()

    def note(diagnostic: Diagnostic) -> None:
        result.diagnostics.append(diagnostic)
        report(diagnostic)

    def replay(job: Job, messages: tuple[str, ...] | list[str]) -> None:
        for message in messages:
            note(warning("resource", job.leaflet.path, _line_for(job.leaflet, message), message))

    paths, missing = discover(sources)
    paths = [path for path in paths if in_shard(path.stem, shard)]
    for problem in missing:
        note(problem)
        result.failed.append(problem.path)
    leaflets, problems = load(paths, brand, strict)
    result.leaflets = leaflets
    for problem in problems:
        note(problem)
    result.failed.extend(dict.fromkeys(p.path for p in problems if p.severity == ERROR))

    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest.load(out, shard)
    for problem in manifest.problems:
        note(problem)
    environment = environment_key(brand)
    work: list[tuple[Job, str]] = []
    for leaflet in leaflets:
        for fmt in formats:
            job = Job(leaflet, fmt, out / output_name(leaflet.stem, fmt))
            key = leaflet_key(environment, leaflet, fmt)
            entry = None if force else manifest.current(job.target, key)
            # Under --strict a PDF built with warnings must be re-checked (and refused).
            if entry and not (strict and entry.warnings):
                replay(job, entry.warnings)
                result.up_to_date.append(job.target)
            else:
                work.append((job, key))
    # Only our own targets' temp files: another shard may be writing into this folder now.
    targets = [job.target.name for job, _ in work] + [p.name for p in result.up_to_date]
    remove_partials(out, [*targets, manifest.own_name])

    keys = {job.target: key for job, key in work}
    thumbnails: dict[Path, bytes] = {}
    progress.start(len(work))
    if work:
        from .pdf import preload

        preload()
    workers = jobs or default_jobs()
    for outcome in run_jobs(((job, job) for job, _ in work), lambda: _render_in_worker(brand),
                            workers, timeout=timeout, memory_limit=memory_limit):
        job: Job = outcome.key
        source = job.leaflet.path
        if outcome.error:
            for problem in outcome.diagnostics or [error("render", source, 0, outcome.error)]:
                note(problem)
            result.failed.append(source)
            progress.advance(job.target, False)
            continue
        rendered = outcome.result
        replay(job, rendered.warnings)
        for message in rendered.errors:
            note(error("resource", source, _line_for(job.leaflet, message), message))
        if rendered.errors:
            result.failed.append(source)
            progress.advance(job.target, False)
            continue
        if strict and rendered.warnings:
            note(error("strict", source, 0, f"not written ({job.target.name}): warnings with --strict"))
            result.failed.append(source)
            progress.advance(job.target, False)
            continue
        try:
            atomic_write(job.target, rendered.pdf)
        except OSError as exc:
            note(error("write", source, 0, f"cannot write {job.target}: {exc.strerror or exc}"))
            result.failed.append(source)
            progress.advance(job.target, False)
            continue
        manifest.record(job.target, Entry(
            source=source.as_posix(), format=job.fmt, key=keys[job.target],
            pdf=hashlib.sha256(rendered.pdf).hexdigest(), warnings=tuple(rendered.warnings)))
        result.written.append(job.target)
        if rendered.thumbnail:
            thumbnails[job.target] = rendered.thumbnail
        progress.advance(job.target, True)
        on_written(job.target, rendered)
    if result.written:
        try:
            manifest.save()
        except OSError as exc:  # the PDFs are fine; the next build just redoes them
            note(warning("manifest", out / manifest.own_name, 0,
                         f"could not record the build: {exc.strerror}"))
    result.failed = list(dict.fromkeys(result.failed))
    if catalogue:
        from .catalogue import write_catalogue

        result.catalogue = write_catalogue(out, result.leaflets, brand, rebuilt=result.written,
                                           failed=result.failed, thumbnails=thumbnails)
        for problem in result.catalogue.diagnostics:
            note(problem)
    return result
