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
from leafpress.files import Checked, FileRefused, digest_regular, read_regular
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

    def issue(self, leaflet: Leaflet, fmt: str, data: bytes | Checked,
              extras: dict[str, bytes | Checked] | None = None) -> list[Diagnostic]:
        """Archive this output (bytes, or the checked file holding them) if its version was
        never archived in this format, and record the version. An error means the output must
        not go out: it would not be archived.

        extras: the files the output needs beside it (a web page's pictures, under media/),
        archived beside it under the same names. Their names carry their content's hash, so
        versions share them, none is ever replaced, and an archived page that lacks one
        (archived before pictures were) gets it from an output with the very same bytes.
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
        extras = extras or {}
        if odd := [name for name in extras if not is_media_name(name)]:
            return [error("archive", target, 0, f"cannot archive {odd[0]} beside it: only "
                          "media/<name>-<hash> files are archived")]
        missing = {name: extra for name, extra in extras.items() if not (folder / name).exists()}
        try:
            if not target.exists():
                # What the page needs beside it first: an archived page is never without it.
                problems += [_altered(folder / name) for name, extra in extras.items()
                             if name not in missing and not _same(folder / name, extra)]
                for name, extra in missing.items():
                    keep(folder / name, _bytes(extra))
                keep(target, _bytes(data))
            elif missing and _same(target, data):
                for name, extra in missing.items():
                    keep(folder / name, _bytes(extra))
            elif recorded is None and not _same(target, data):
                # An archived file this version's record does not know (the record was lost
                # or edited): it stays as it is, and someone should look.
                problems.append(_clash(target, leaflet))
        except (OSError, FileRefused) as exc:
            reason = exc.reason if isinstance(exc, FileRefused) else exc.strerror or exc
            return [error("archive", target, 0, f"cannot archive: {reason}")]
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


def _altered(path: Path) -> Diagnostic:
    return warning("archive", path, 0, "already archived with other bytes than its name says, "
                   "and kept as it is: someone should look")


def _bytes(data: bytes | Checked) -> bytes:
    return data.read() if isinstance(data, Checked) else data


def _same(path: Path, data: bytes | Checked) -> bool:
    """Whether the archived file holds these bytes (digests compared, when they are known)."""
    try:
        if isinstance(data, Checked):
            return digest_regular(path, data.limit) == data.digest
        return read_regular(path, len(data) + 1) == data
    except (OSError, FileRefused):
        return False
