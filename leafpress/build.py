"""Build: find sources, validate them all, render on workers, write PDFs atomically."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from .config import Brand
from .errors import ERROR, Diagnostic, LeafletError, error, warning
from .files import atomic_write, remove_partials
from .model import Leaflet, leaflet_from_source
from .source import read_source
from .workers import JOB_TIMEOUT, MEMORY_LIMIT, run_jobs

DEFAULT_SOURCES = (Path("leaflets"),)
DEFAULT_OUT = Path("dist")
SUFFIXES = {"a4": "", "large-print": "-large-print", "booklet": "-booklet"}


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
    failed: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def discover(sources: list[Path]) -> tuple[list[Path], list[Diagnostic]]:
    """Expand folders into their .md files (recursively, sorted); report missing paths."""
    found: list[Path] = []
    problems: list[Diagnostic] = []
    for source in sources:
        if source.is_dir():
            found.extend(sorted(p for p in source.rglob("*.md") if p.is_file()))
        elif source.is_file():
            found.append(source)
        else:
            problems.append(error("not-found", source, 0, "no such file or folder"))
    unique = list(dict.fromkeys(found))
    return unique, problems


def load(paths: list[Path], brand: Brand) -> tuple[list[Leaflet], list[Diagnostic]]:
    """Read and validate every source before anything is written."""
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
            leaflets.append(leaflet_from_source(read_source(path), brand))
        except LeafletError as exc:
            problems.extend(exc.diagnostics)
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
    from .pdf import Renderer
    from .render import render_html

    renderers: dict[str, Renderer] = {}

    def handle(job: Job):
        renderer = renderers.get(job.fmt) or renderers.setdefault(job.fmt, Renderer(brand, job.fmt))
        notes: list[str] = []
        rendered = renderer.render(render_html(job.leaflet, brand, job.fmt, notes=notes),
                                   job.leaflet.path.parent)
        rendered.warnings[:0] = notes
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
    timeout: float = JOB_TIMEOUT,
    memory_limit: int = MEMORY_LIMIT,
) -> BuildResult:
    """Build every source in every format into out; a bad leaflet never stops the rest.

    Each leaflet renders in a worker process under `timeout` seconds and `memory_limit`
    bytes of address space.
    """
    result = BuildResult()

    def note(diagnostic: Diagnostic) -> None:
        result.diagnostics.append(diagnostic)
        report(diagnostic)

    paths, missing = discover(sources)
    for problem in missing:
        note(problem)
        result.failed.append(problem.path)
    leaflets, problems = load(paths, brand)
    for problem in problems:
        note(problem)
    result.failed.extend(dict.fromkeys(p.path for p in problems if p.severity == ERROR))

    out.mkdir(parents=True, exist_ok=True)
    remove_partials(out)
    work = [Job(leaflet, fmt, out / output_name(leaflet.stem, fmt))
            for leaflet in leaflets for fmt in formats]
    workers = jobs or os.cpu_count() or 1
    for outcome in run_jobs(((job, job) for job in work), lambda: _render_in_worker(brand), workers,
                            timeout=timeout, memory_limit=memory_limit):
        job: Job = outcome.key
        source = job.leaflet.path
        if outcome.error:
            for problem in outcome.diagnostics or [error("render", source, 0, outcome.error)]:
                note(problem)
            result.failed.append(source)
            continue
        rendered = outcome.result
        for message in rendered.warnings:
            note(warning("resource", source, _line_for(job.leaflet, message), message))
        for message in rendered.errors:
            note(error("resource", source, _line_for(job.leaflet, message), message))
        if rendered.errors:
            result.failed.append(source)
            continue
        if strict and rendered.warnings:
            note(error("strict", source, 0, f"not written ({job.target.name}): warnings with --strict"))
            result.failed.append(source)
            continue
        try:
            atomic_write(job.target, rendered.pdf)
        except OSError as exc:
            note(error("write", source, 0, f"cannot write {job.target}: {exc.strerror or exc}"))
            result.failed.append(source)
            continue
        result.written.append(job.target)
        on_written(job.target, rendered)
    result.failed = list(dict.fromkeys(result.failed))
    return result


