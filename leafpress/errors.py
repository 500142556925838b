"""Diagnostics and the exceptions that carry them to the user as one line each."""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import click

ERROR = "error"
WARNING = "warning"
INFO = "info"


# Kept as they are in messages: they shape Urdu, Bengali and Indic words and move nothing.
_JOINERS = frozenset("\u200c\u200d")


def shown(text: str) -> str:
    """text safe for a terminal: control (C0, C1), format and bidi characters escaped.

    An escape sequence in a file name or link would otherwise erase or forge lines on the
    screen, and a bidi override would reorder them; "\x1b[2J" prints as those 7 characters.
    """
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        c if c in _JOINERS or unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
        else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}" if ord(c) < 0x10000
              else f"\\U{ord(c):08x}")
        for c in text)


def display_path(path: Path | str) -> str:
    """Return path relative to the working folder when it lies below it, safe to print."""
    path = Path(path)
    try:
        return shown(str(path.resolve().relative_to(Path.cwd().resolve())))
    except (ValueError, OSError, RuntimeError):
        return shown(os.fspath(path))


@dataclass(frozen=True)
class Diagnostic:
    """One finding about a source file, at a 1-based line (0 when not known)."""

    severity: str
    code: str
    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        where = display_path(self.path)
        if self.line:
            where = f"{where}:{self.line}"
        return f"{where}: {self.severity}: {shown(self.message)}"


def error(code: str, path: Path, line: int, message: str) -> Diagnostic:
    """Shorthand for an error diagnostic."""
    return Diagnostic(ERROR, code, path, line, message)


def warning(code: str, path: Path, line: int, message: str) -> Diagnostic:
    """Shorthand for a warning diagnostic."""
    return Diagnostic(WARNING, code, path, line, message)


class LeafletError(Exception):
    """A leaflet cannot be built; carries one or more error diagnostics."""

    def __init__(self, diagnostics: list[Diagnostic] | Diagnostic):
        if isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ConfigError(click.ClickException):
    """The brand file or another setting is unusable: nothing can be built (exit 2)."""

    exit_code = 2

    def __init__(self, path: Path, line: int, message: str):
        self.diagnostic = Diagnostic(ERROR, "config", path, line, message)
        super().__init__(str(self.diagnostic))

    def format_message(self) -> str:
        return str(self.diagnostic)

    def show(self, file=None) -> None:
        click.echo(str(self.diagnostic), file=file, err=True)
