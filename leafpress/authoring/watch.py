"""`watch`: build, serve the preview, and rebuild whenever an input is saved."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

import click

from leafpress import formats as registry
from leafpress.model.brand import load_brand
from leafpress.errors import ConfigError, Diagnostic, display_path
from leafpress.control.archive import ARCHIVE
from leafpress.control.record import RECORD_NAME
from leafpress.files import PARTIAL_SUFFIX
from leafpress.authoring.preview import BuildState, PreviewServer


def watched_paths(sources: list[Path], brand_path: Path) -> list[Path]:
    """Sources, the brand's folder (styles) and the templates: everything that changes an output."""
    paths = [*sources, brand_path.parent]
    try:
        brand = load_brand(brand_path)
        paths += [brand.templates, brand.styles, brand.logo.parent]
    except ConfigError:
        paths.append(brand_path.parent.parent / "templates")  # the default layout
    unique = dict.fromkeys(p.resolve() for p in paths if p.exists())
    # watchfiles watches folders recursively: drop any path inside another one.
    return [p for p in unique if not any(p != q and p.is_relative_to(q) for q in unique)]


def _ignore(out: Path) -> Callable[[object, str], bool]:
    out = out.resolve()

    def keep(change: object, path: str) -> bool:
        name = Path(path).name
        # The build's own writes beside the sources (record, archive) are not edits.
        ours = name == RECORD_NAME or ARCHIVE in Path(path).parts[:-1]
        return not (Path(path).is_relative_to(out) or name.endswith(PARTIAL_SUFFIX)
                    or name.startswith(".") or name.endswith("~") or ours)

    return keep


def rebuild(sources: list[Path], out: Path, brand_path: Path, jobs: int | None,
            report: Callable[[Diagnostic], None], say: Callable[[str], None]) -> list[str]:
    """One build as `build` does it; return the problems as lines, never raise for bad input."""
    from leafpress.build.builder import build

    problems: list[str] = []

    def note(diagnostic: Diagnostic) -> None:
        problems.append(str(diagnostic))
        report(diagnostic)

    try:
        brand = registry.check_brand(load_brand(brand_path))  # read again: edits take effect
    except ConfigError as exc:
        note(exc.diagnostic)
        return problems
    result = build(sources, out, brand, formats=brand.formats, jobs=jobs, report=note)
    say(result.summary())
    return problems


def watch(sources: list[Path], out: Path, brand_path: Path, port: int, jobs: int | None,
          report: Callable[[Diagnostic], None], say: Callable[[str], None],
          stop: threading.Event | None = None) -> None:
    """Serve out on 127.0.0.1:port and rebuild on every change until Ctrl-C (or stop)."""
    import watchfiles

    logging.getLogger("watchfiles").setLevel(logging.ERROR)  # we say what changed ourselves
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(out, 0, "cannot use this as the output folder: "
                               f"{(exc.strerror or str(exc)).lower()}") from None
    state = BuildState()
    server = PreviewServer(out, port, state)
    try:
        server.start()
    except OSError as exc:  # the port is taken, most often
        raise click.ClickException(f"cannot serve the preview on port {port}: {exc.strerror}") from None
    say(f"Preview: {server.url}  (press Ctrl-C to stop)")
    try:
        state.finished(rebuild(sources, out, brand_path, jobs, report, say))
        paths = watched_paths(sources, brand_path)
        say("Watching " + ", ".join(display_path(p) for p in paths))
        for changes in watchfiles.watch(*paths, watch_filter=_ignore(out), stop_event=stop,
                                        raise_interrupt=False):
            names = sorted({display_path(path) for _, path in changes})
            say("changed: " + ", ".join(names))
            state.finished(rebuild(sources, out, brand_path, jobs, report, say))
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        say("Stopped.")
