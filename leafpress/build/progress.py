"""Progress of a build: a bar on a terminal, one plain line per output elsewhere."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import TextIO

from leafpress.errors import Diagnostic, display_path, shown


class Progress:
    """Hooks a build calls; this base class shows nothing (for library use and tests)."""

    def start(self, total: int) -> None:
        """total outputs are about to be rendered (up-to-date ones are not counted)."""

    def advance(self, target: Path, ok: bool) -> None:
        """One output was written (ok) or failed."""

    def note(self, diagnostic: Diagnostic) -> None:
        """A problem to show the user, one line."""

    def finish(self) -> None:
        """The build is over: leave the terminal clean for the summary."""


class LineProgress(Progress):
    """For logs and pipes: `[3/12] wrote dist/x.pdf` on out, diagnostics on err."""

    def __init__(self, out: TextIO, err: TextIO):
        self.out, self.err = out, err
        self.total = self.done = 0

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def advance(self, target: Path, ok: bool) -> None:
        self.done += 1
        width = len(str(self.total))
        verb = "wrote" if ok else "failed"
        self.out.write(f"[{self.done:>{width}}/{self.total}] {verb} {display_path(target)}\n")
        self.out.flush()

    def note(self, diagnostic: Diagnostic) -> None:
        self.err.write(f"{diagnostic}\n")
        self.err.flush()


class BarProgress(Progress):
    """For a terminal: one redrawn line with count, current file and ETA; problems print above."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.total = self.done = 0
        self.current = ""
        self.started = time.monotonic()
        self.shown = False

    def start(self, total: int) -> None:
        self.total, self.done, self.started = total, 0, time.monotonic()
        if total:
            self._draw()

    def advance(self, target: Path, ok: bool) -> None:
        self.done += 1
        self.current = shown(target.name)  # a file name may hold an escape sequence
        self._draw()

    def note(self, diagnostic: Diagnostic) -> None:
        self._clear()
        self.stream.write(f"{diagnostic}\n")
        if self.total and self.done < self.total:
            self._draw()
        self.stream.flush()

    def finish(self) -> None:
        self._clear()
        self.stream.flush()

    def line(self) -> str:
        """The bar as text, fitted to the terminal's width."""
        columns = shutil.get_terminal_size((80, 24)).columns
        elapsed = time.monotonic() - self.started
        if self.done:
            left = elapsed / self.done * (self.total - self.done)
            eta = f"ETA {int(left) // 60}:{int(left) % 60:02d}"
        else:
            eta = "ETA --:--"
        count = f"{self.done:>{len(str(self.total))}}/{self.total}"
        bar_width = max(10, min(30, columns // 4))
        filled = bar_width * self.done // max(self.total, 1)
        bar = "[" + "#" * filled + "-" * (bar_width - filled) + "]"
        text = f"Building {bar} {count} {eta} {self.current}"
        return text[: columns - 1]

    def _draw(self) -> None:
        self.stream.write("\r\x1b[K" + self.line())
        self.stream.flush()
        self.shown = True

    def _clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.shown = False


def progress_for(out: TextIO, err: TextIO) -> Progress:
    """A bar when both streams are an interactive terminal, plain lines otherwise."""
    interactive = out.isatty() and err.isatty() and os.environ.get("TERM", "") != "dumb"
    return BarProgress(err) if interactive else LineProgress(out, err)
