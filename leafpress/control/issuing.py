"""Issuing: what build asks of document control, leaflet by leaflet.

Before rendering, an approved leaflet must still have the text its version was issued with.
When an approved version is first built, each format's file is archived, then the version is
recorded. Drafts are never issued; withdrawn leaflets are not built.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from leafpress import formats as registry
from leafpress.control.archive import file_name, folder_of, keep
from leafpress.control.record import RecordError, Records, changed_since_issue, new_issue
from leafpress.errors import Diagnostic, error, warning
from leafpress.model.brand import Brand
from leafpress.model.leaflet import APPROVED, Leaflet
from leafpress.render.web import is_media_name


class Issuing:
    """The records of one build's source folders, each read once, and what it issued."""

    def __init__(self, brand: Brand, today: datetime.date):
        self.brand, self.today = brand, today
        self.records = Records()
        self.reported: set[Diagnostic] = set()

    def admit(self, leaflet: Leaflet) -> list[Diagnostic] | None:
        """None when a leaflet may be built; else why not (its text changed under an issued
        version, or its folder's record is damaged: said once, for the first of its leaflets)."""
        if leaflet.status != APPROVED or leaflet.version is None:
            return None
        record = self.records.of(leaflet)
        if isinstance(record, RecordError):
            first = record.diagnostic not in self.reported
            self.reported.add(record.diagnostic)
            return [record.diagnostic] if first else []
        problem = changed_since_issue(leaflet, record)
        return None if problem is None else [problem]

    def issue(self, leaflet: Leaflet, fmt: str, data: bytes | Path,
              extras: dict[str, bytes | Path] | None = None) -> list[Diagnostic]:
        """Archive this output (bytes, or the file holding them) if its version was never
        archived in this format, and record the version. An error means the output must not
        go out: it would not be archived.

        extras: the files the output needs beside it (a web page's pictures), archived beside
        it under the same names; their names carry their content's hash, so versions share them.
        """
        if leaflet.status != APPROVED or leaflet.version is None:
            return []
        record = self.records.of(leaflet)
        if isinstance(record, RecordError):  # admit() refused it already
            return [record.diagnostic]
        recorded = record.find(leaflet.stem, leaflet.version)
        issue = recorded or new_issue(leaflet, self.today)
        folder = folder_of(self.brand, leaflet.path, leaflet.stem)
        target = folder / file_name(issue, registry.get(fmt))
        problems: list[Diagnostic] = []
        try:
            if not target.exists():
                # Pictures first: an archived page is never without them.
                for name, extra in (extras or {}).items():
                    if is_media_name(name):
                        keep(folder / name, _bytes(extra))
                keep(target, _bytes(data))
            elif recorded is None and not _same(target, data):
                # An archived file this version's record does not know (the record was lost
                # or edited): it stays as it is, and someone should look.
                problems.append(_clash(target, leaflet))
        except OSError as exc:
            return [error("archive", target, 0, f"cannot archive: {exc.strerror or exc}")]
        record.add(issue)
        return problems

    def save(self) -> list[Diagnostic]:
        """Write every record this build added to."""
        problems = []
        for path, record in self.records.by_path.items():
            if isinstance(record, RecordError):
                continue
            try:
                record.save()
            except RecordError as exc:
                problems.append(exc.diagnostic)
            except OSError as exc:
                problems.append(error("record", path, 0,
                                      f"cannot write the record: {exc.strerror or exc}"))
        return problems


def _clash(target: Path, leaflet: Leaflet) -> Diagnostic:
    return warning("archive", target, 0, f"already archived with other bytes, and kept as it is: "
                   f"version {leaflet.version} of {leaflet.stem} was not in its record")


def _bytes(data: bytes | Path) -> bytes:
    return data.read_bytes() if isinstance(data, Path) else data


def _same(path: Path, data: bytes | Path) -> bool:
    try:
        return path.read_bytes() == _bytes(data)
    except OSError:
        return False
