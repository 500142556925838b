"""The archive: every format of every issued version, copied once and never replaced.

<archive>/<stem>/<reference>-v<version><format suffix><extension>, where <archive> is the
brand's [governance] archive folder, or archive/ beside the leaflet's source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from leafpress import formats as registry
from leafpress.files import write_new
from leafpress.model.brand import Brand
from leafpress.control.record import Issue, Record

ARCHIVE = "archive"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Archived:
    """One archived file of one issued version."""

    issue: Issue
    fmt: str
    path: Path


def folder_of(brand: Brand, source: Path, stem: str) -> Path:
    """The archive folder of one leaflet."""
    return (brand.governance.archive or source.parent / ARCHIVE) / stem


def _safe(text: str) -> str:
    # A reference may hold '/', a version any text: keep names a person can type.
    return _UNSAFE.sub("-", text).strip("-.") or "x"


def file_name(issue: Issue, fmt: registry.Format) -> str:
    """RSC-SP-001-v1.2.pdf, RSC-SP-001-v1.2-large-print.pdf (the stem when there is no reference)."""
    return f"{_safe(issue.reference or issue.stem)}-v{_safe(issue.version)}{fmt.suffix}{fmt.extension}"


def keep(path: Path, data: bytes) -> bool:
    """Archive data at path unless a file is already there, read-only (an archived copy is
    evidence); True if it wrote."""
    return write_new(path, data, mode=0o444)


def archived(brand: Brand, source: Path, stem: str, record: Record) -> list[Archived]:
    """Every archived file of a leaflet, oldest version first, formats in registry order."""
    folder = folder_of(brand, source, stem)
    found = []
    for issue in record.versions(stem):
        for fmt in registry.REGISTRY.values():
            path = folder / file_name(issue, fmt)
            if path.is_file():
                found.append(Archived(issue, fmt.name, path))
    return found
