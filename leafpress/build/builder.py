"""Build: load every source, plan against the manifest, render on workers, write, record."""

from __future__ import annotations

import datetime
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

from leafpress import formats as registry
from leafpress.build.manifest import Entry, Manifest, environment_key, leaflet_key
from leafpress.build.progress import Progress
from leafpress.build.shards import in_shard
from leafpress.build.workers import Outcome, run_jobs
from leafpress.check.languages import language_problems
from leafpress.check.review import build_review
from leafpress.check.staleness import build_staleness
from leafpress.control.issuing import Issuing
from leafpress.errors import ERROR, INFO, ConfigError, Diagnostic, error, warning
from leafpress.files import Checked, atomic_write, remove_partials, write_if_changed
from leafpress.formats.base import Output
from leafpress.limits import JOB_TIMEOUT, MAX_OUTPUT_BYTES, MAX_WARNINGS, MEMORY_LIMIT
from leafpress.model.brand import Brand
from leafpress.model.editions import read_leaflets
from leafpress.model.leaflet import WITHDRAWN, Leaflet, url_findings
from leafpress.model.source import discover

if TYPE_CHECKING:
    from leafpress.catalogue.page import CatalogueResult

DEFAULT_SOURCES = (Path("leaflets"),)
DEFAULT_OUT = Path("dist")


@dataclass(frozen=True)
class Job:
    """One leaflet in one format, to be rendered by a worker."""

    leaflet: Leaflet
    fmt: str
    target: Path
    key: str
    picture: bool  # make the catalogue's thumbnail from this output


@dataclass
class BuildResult:
    """What a build did, for the CLI's summary and exit code."""

    written: list[Path] = field(default_factory=list)
    up_to_date: list[Path] = field(default_factory=list)
    failed: list[Path] = field(default_factory=list)  # sources, each once
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)  # unexpected errors, for --debug
    leaflets: list[Leaflet] = field(default_factory=list)  # every one that loaded, built or not
    catalogue: CatalogueResult | None = None

    @property
    def ok(self) -> bool:
        """Every leaflet built; the record, archive and catalogue written without an error."""
        return not self.failed and not any(d.severity == ERROR for d in self.diagnostics)

    def summary(self, seconds: float | None = None) -> str:
        """The closing line `build` and `watch` print: '1 built, 99 up to date, 0 failed'."""
        took = f" in {seconds:.1f} s" if seconds is not None else ""
        return (f"{len(self.written)} built, {len(self.up_to_date)} up to date, "
                f"{len(self.failed)} failed{took}")


@dataclass(frozen=True)
class Limits:
    """What one leaflet in one format may cost a worker."""

    timeout: float = JOB_TIMEOUT  # seconds
    memory: int = MEMORY_LIMIT  # bytes of address space


def default_jobs() -> int:
    """Worker count when --jobs is not given: the CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1  # a container's CPU set, not the host's
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def load(paths: list[Path], brand: Brand,
         strict: bool = False) -> tuple[list[Leaflet], list[Diagnostic]]:
    """Read and validate every source before anything is written, and link editions to their
    masters (overdue or stale: warn, or refuse with strict)."""
    linked, problems = read_leaflets(paths, brand)
    problems += language_problems(linked, brand)
    refused = {d.path for d in problems if d.severity == ERROR}
    # Two sources that would write the same files: neither is built.
    by_stem: dict[str, list[Path]] = {}
    for leaflet in linked:
        by_stem.setdefault(leaflet.stem, []).append(leaflet.path)
    leaflets: list[Leaflet] = []
    for leaflet in linked:
        if len(by_stem[leaflet.stem]) > 1:
            others = ", ".join(str(p) for p in by_stem[leaflet.stem] if p != leaflet.path)
            problems.append(error("duplicate-stem", leaflet.path, 0,
                                  f"another source also makes {leaflet.stem}.pdf: {others}"))
            continue
        if leaflet.path in refused:
            continue
        found = [d for d in [build_review(leaflet, datetime.date.today(), strict)] if d]
        found += build_staleness(leaflet, strict) if leaflet.is_edition else []
        problems.extend(found + url_findings(leaflet))
        if not any(d.severity == ERROR for d in found):
            leaflets.append(leaflet)
    return leaflets, problems


_TOKEN = re.compile(r"[^\s'\"()<>]+")
_NAMEISH = re.compile(r"[/#]|\.\w{2,4}$")
_QUOTED = re.compile(r'"([^"\n]{4,200})"')


def line_for(leaflet: Leaflet, message: str) -> int:
    """The source line that mentions the file or address a render message names, if any.

    Searches the body the leaflet was loaded with (never the file again: an edit saved
    since must not move the line, and 30,000 warnings must not mean 30,000 reads).
    """
    text = leaflet.body
    # Only tokens that look like addresses or file names: plain words would match prose.
    for token in _TOKEN.findall(message):
        token = token.rstrip(":.,;")
        if not _NAMEISH.search(token):
            continue
        name = unquote(token.rstrip("/").rsplit("/", 1)[-1])
        # Messages name files as paths ("x\0.png"); sources may write them as URLs ("x%00.png").
        for needle in dict.fromkeys((token, name, quote(token), quote(name))
                                    if len(name) > 3 else (token, quote(token))):
            if (at := text.find(needle)) >= 0:
                return leaflet.body_line + text.count("\n", 0, at)
    # Then text the message quotes (a word or phrase that runs off the page).
    for quoted in _QUOTED.findall(message):
        needle = quoted.removesuffix("...")
        if len(needle) >= 4 and (at := text.find(needle)) >= 0:
            return leaflet.body_line + text.count("\n", 0, at)
    return 0


def capped(messages: list[str]) -> list[str]:
    """The first MAX_WARNINGS messages, then one line counting the rest (a leaflet with
    30,000 dropped links says so in 21 lines, and its manifest entry stays small)."""
    if len(messages) <= MAX_WARNINGS:
        return list(messages)
    rest = len(messages) - MAX_WARNINGS
    return [*messages[:MAX_WARNINGS], f"{rest} more warning(s) like these not shown"]


def picture_format(chosen: Iterable[str]) -> str | None:
    """The built format that gives the catalogue its picture: the cover format if built,
    else the first that can make one."""
    able = [name for name in chosen if registry.get(name).makes_picture]
    return next((name for name in able if registry.get(name).cover), able[0] if able else None)


def _worker(brand: Brand) -> Callable[[Job], Output]:
    """Set-up run once per worker process: each format's state is made on first use."""
    import gc

    states: dict[str, object] = {}
    # Modules, parsed CSS and fonts live as long as the worker: keep the cyclic collector from
    # walking them after every few thousand allocations (about 3% of a leaflet's CPU).
    gc.freeze()

    def handle(job: Job) -> Output:
        fmt = registry.get(job.fmt)
        if job.fmt not in states:
            states[job.fmt] = fmt.prepare(brand)
            gc.freeze()
        output = fmt.render(job.leaflet, brand, states[job.fmt])
        if job.picture and not output.errors and output.thumbnail is None:
            # The catalogue's picture of page 1, made here in parallel, not after the build.
            try:
                output.thumbnail = fmt.picture(output.data)
            except Exception:  # noqa: BLE001 - the catalogue makes it again, or says why not
                output.thumbnail = None
        elif not job.picture:
            output.thumbnail = None
        return output

    return handle


class _Build:
    """One run of build(): the steps share the result, the manifest and one way to fail."""

    def __init__(self, out: Path, brand: Brand, strict: bool, force: bool,
                 report: Callable[[Diagnostic], None], progress: Progress):
        self.out, self.brand, self.strict, self.force = out, brand, strict, force
        self.report, self.progress = report, progress
        self.result = BuildResult()
        self.thumbnails: dict[Path, bytes] = {}
        self.issuing = Issuing(brand, datetime.date.today())

    def tell(self, diagnostic: Diagnostic) -> None:
        self.result.diagnostics.append(diagnostic)
        self.report(diagnostic)

    def fail(self, source: Path, *problems: Diagnostic, target: Path | None = None) -> None:
        """The one place a leaflet fails: say why, count it once, move the bar on."""
        for problem in problems:
            self.tell(problem)
        if source not in self.result.failed:
            self.result.failed.append(source)
        if target is not None:
            self.progress.advance(target, False)

    def load(self, sources: list[Path], shard: tuple[int, int] | None) -> list[Leaflet]:
        paths, missing = discover(sources)
        for problem in missing:
            self.fail(problem.path, problem)
        paths = [path for path in paths if in_shard(path.stem, shard)]
        leaflets, problems = load(paths, self.brand, self.strict)
        for problem in problems:
            if problem.severity == ERROR:
                self.fail(problem.path, problem)
            else:
                self.tell(problem)
        self.result.leaflets = leaflets  # withdrawn ones too: the catalogue must drop them
        return [leaflet for leaflet in leaflets if self.admit(leaflet)]

    def admit(self, leaflet: Leaflet) -> bool:
        """Whether a leaflet is built: not withdrawn, and its text is what its version issued."""
        refused = self.issuing.admit(leaflet)
        if refused is not None:
            self.fail(leaflet.path, *refused)
            return False
        return leaflet.status != WITHDRAWN

    def withdraw(self, manifest: Manifest) -> None:
        """A withdrawn leaflet's files leave the output folder (its archive stays)."""
        for leaflet in self.result.leaflets:
            if leaflet.status != WITHDRAWN:
                continue
            source = leaflet.path.resolve()
            for fmt in registry.REGISTRY.values():
                target = self.out / fmt.output_name(leaflet.stem)
                # Only a file this tool built from that very source is ours to remove.
                if any(Path(entry.source).resolve() == source
                       for entry in manifest.known.get(target.name, [])):
                    target.unlink(missing_ok=True)

    def plan(self, leaflets: list[Leaflet], chosen: tuple[str, ...],
             manifest: Manifest) -> list[Job]:
        """The jobs whose outputs are missing or out of date; the rest are up to date."""
        environment = environment_key(self.brand)
        picture = picture_format(chosen)
        work: list[Job] = []
        for leaflet in leaflets:
            for name in chosen:
                fmt = registry.get(name)
                if reason := fmt.skip_reason(leaflet):
                    self.tell(Diagnostic(INFO, "skipped", leaflet.path, 0, reason))
                    continue
                # Editions are listed on their master's card: no picture of their own.
                job = Job(leaflet, name, self.out / fmt.output_name(leaflet.stem),
                          leaflet_key(environment, leaflet, fmt, self.brand),
                          name == picture and not leaflet.is_edition)
                entry = None if self.force else manifest.current(job.target, job.key,
                                                                 leaflet.path.parent)
                # Under --strict an output built with warnings must be re-checked (and refused).
                if entry and not (self.strict and entry.warnings):
                    self.warn(leaflet, capped(list(entry.warnings)))
                    # An older build's file, perhaps not yet archived (nor what it needs beside it).
                    if self.issue(job, self.checked(job.target.name, entry.pdf),
                                  {name: self.checked(name, digest)
                                   for name, digest in entry.extras.items()}):
                        self.result.up_to_date.append(job.target)
                else:
                    work.append(job)
        # Only our own targets' temp files: another shard may be writing into this folder now.
        names = [job.target.name for job in work] + [p.name for p in self.result.up_to_date]
        remove_partials(self.out, [*names, manifest.own_name])
        return work

    def checked(self, name: str, digest: str) -> Checked:
        """A file of the output folder the manifest vouched for, to be read only as such."""
        return Checked(self.out / name, digest, self.out, MAX_OUTPUT_BYTES)

    def issue(self, job: Job, data: bytes | Checked, extras: dict | None = None) -> bool:
        """Archive and record an approved version's first output; False if that failed."""
        problems = self.issuing.issue(job.leaflet, job.fmt, data, extras)
        if any(problem.severity == ERROR for problem in problems):
            self.fail(job.leaflet.path, *problems)
            return False
        for problem in problems:
            self.tell(problem)
        return True

    def warn(self, leaflet: Leaflet, messages: Iterable[str]) -> None:
        """Warnings about one output (already capped), each at the line it names."""
        for message in messages:
            self.tell(warning("resource", leaflet.path, line_for(leaflet, message), message))

    def outcomes(self, work: list[Job], jobs: int | None, limits: Limits) -> Iterable[Outcome]:
        self.progress.start(len(work))
        if any(registry.get(job.fmt).needs_weasyprint for job in work):
            from leafpress.render.pdf import preload

            preload()
        return run_jobs(((job, job) for job in work), lambda: _worker(self.brand),
                        jobs or default_jobs(), timeout=limits.timeout, memory_limit=limits.memory)

    def accept(self, outcome: Outcome, manifest: Manifest) -> None:
        """Write one rendered output, or say why it was not written."""
        job: Job = outcome.key
        source = job.leaflet.path
        if outcome.error:
            if outcome.traceback:
                self.result.tracebacks.append(f"{source}:\n{outcome.traceback}")
            self.fail(source, *(outcome.diagnostics or [error("render", source, 0, outcome.error)]),
                      target=job.target)
            return
        output: Output = outcome.result
        output.warnings = capped(output.warnings)
        self.warn(job.leaflet, output.warnings)
        if output.errors:
            self.fail(source, *(error("resource", source, line_for(job.leaflet, m), m)
                                for m in capped(output.errors)), target=job.target)
            return
        if self.strict and output.warnings:
            self.fail(source, error("strict", source, 0,
                                    f"not written ({job.target.name}): warnings with --strict"),
                      target=job.target)
            return
        if not self.issue(job, output.data, output.extras):  # archived before a patient has it
            self.progress.advance(job.target, False)
            return
        try:
            for name, data in output.extras.items():
                # Shared by name and content (a logo, an image two pages show): write once.
                write_if_changed(self.out / name, data)
            atomic_write(job.target, output.data)
        except OSError as exc:
            self.fail(source, error("write", source, 0,
                                    f"cannot write {job.target}: {exc.strerror or exc}"),
                      target=job.target)
            return
        manifest.record(job.target, Entry(
            source=source.as_posix(), format=job.fmt, key=job.key,
            pdf=hashlib.sha256(output.data).hexdigest(), warnings=tuple(output.warnings),
            dependencies=output.dependencies,
            extras={name: hashlib.sha256(data).hexdigest() for name, data in output.extras.items()}))
        self.result.written.append(job.target)
        if output.thumbnail:
            self.thumbnails[job.target] = output.thumbnail
        self.progress.advance(job.target, True)

    def record(self, manifest: Manifest) -> None:
        """Save what this build issued (beside the sources) and built (in the manifest)."""
        for problem in self.issuing.save():
            self.tell(problem)
        if not self.result.written:
            return
        try:
            manifest.save()
        except OSError as exc:  # the outputs are fine; the next build just redoes them
            self.tell(warning("manifest", self.out / manifest.own_name, 0,
                              f"could not record the build: {exc.strerror}"))

    def write_catalogue(self, chosen: tuple[str, ...]) -> None:
        from leafpress.catalogue.page import write_catalogue

        self.result.catalogue = write_catalogue(
            self.out, self.result.leaflets, self.brand, rebuilt=self.result.written,
            failed=self.result.failed, thumbnails=self.thumbnails)
        for problem in self.result.catalogue.diagnostics:
            self.tell(problem)

    def write_register(self) -> None:
        """register.html beside the catalogue: owners, approvals, reviews, issued versions."""
        from leafpress.catalogue.register import write_page

        for problem in write_page(self.out, self.result.leaflets, self.brand,
                                  self.issuing.today, self.issuing.records):
            self.tell(problem)


def build(
    sources: list[Path],
    out: Path,
    brand: Brand,
    formats: tuple[str, ...] = ("a4",),
    *,
    jobs: int | None = None,
    strict: bool = False,
    force: bool = False,
    shard: tuple[int, int] | None = None,
    catalogue: bool = True,
    report: Callable[[Diagnostic], None] = lambda d: None,
    progress: Progress | None = None,
    limits: Limits = Limits(),
) -> BuildResult:
    """Build every source in every format into out, then its catalogue and register pages.

    The first build of an approved version archives its outputs and records it beside the
    sources; an issued version whose text changed is refused; a withdrawn leaflet's outputs
    leave out. A bad leaflet never stops the rest. Outputs whose inputs are unchanged since the manifest
    recorded them are left alone (unless force); with shard=(K, N) only the K-th of N stable
    slices of the sources is built. Each output renders in a worker process within `limits`.
    """
    registry.check_clinic_files(brand, formats)  # a ConfigError (exit 2) before any work
    run = _Build(out, brand, strict, force, report, progress or Progress())
    leaflets = run.load(sources, shard)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(out, 0, "cannot use this as the output folder: "
                               f"{(exc.strerror or str(exc)).lower()}") from None
    manifest = Manifest.load(out, shard)
    for problem in manifest.problems:
        run.tell(problem)
    run.withdraw(manifest)
    work = run.plan(leaflets, formats, manifest)
    for outcome in run.outcomes(work, jobs, limits):
        run.accept(outcome, manifest)
    run.record(manifest)
    if catalogue:
        run.write_catalogue(formats)
        run.write_register()
    return run.result
