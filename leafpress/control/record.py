"""The record of issued versions: <source folder>/issued-versions.csv, kept with the Markdown.

One row per leaflet and version, in the order they were issued: the leaflet's file stem, its
reference, the version, the date it was first built, and the SHA-256 of the text that makes it.
Plain CSV (UTF-8, one line a row, ISO dates), so it reads in a spreadsheet and diffs in git.
"""

from __future__ import annotations

import csv
import datetime
import fcntl
import hashlib
import io
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

from leafpress.errors import Diagnostic, error
from leafpress.files import atomic_write
from leafpress.limits import MAX_SOURCE_BYTES
from leafpress.model.leaflet import APPROVED, Leaflet

RECORD_NAME = "issued-versions.csv"
HEADER = ("leaflet", "reference", "version", "issued", "text_sha256")
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
# The lifecycle is not the text: marking a leaflet withdrawn, or writing the default
# `status: approved` out, must not count as changing an issued version.
_NOT_TEXT = frozenset({"status"})


@dataclass(frozen=True)
class Issue:
    """One issued version of one leaflet."""

    stem: str
    reference: str
    version: str
    issued: datetime.date
    digest: str


class RecordError(Exception):
    """The record cannot be trusted: carries the one-line diagnostic naming the file."""

    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic
        super().__init__(str(diagnostic))


def text_digest(leaflet: Leaflet) -> str:
    """SHA-256 of what makes the leaflet: the front-matter values its author gave, and the body.

    Validated values, so quoting a version or reordering keys is no change; YAML comments and
    blank lines around the body are not text either.
    """
    given = {key: getattr(leaflet, key) for key in sorted(leaflet.lines)
             if key not in _NOT_TEXT and hasattr(leaflet, key)}
    text = json.dumps({"front_matter": given, "body": leaflet.body.strip()},
                      sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_path(leaflet: Leaflet) -> Path:
    """The record beside a leaflet's source."""
    return leaflet.path.parent / RECORD_NAME


def _bad(path: Path, line: int, problem: str) -> RecordError:
    return RecordError(error("record", path, line,
                             f"the record of issued versions is damaged: {problem}; restore it "
                             "from version control (its leaflets are not built until then)"))


def parse(path: Path, text: str) -> list[Issue]:
    """The rows of a record; RecordError at the first line that is not one this tool wrote."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return []
    if tuple(rows[0]) != HEADER:
        raise _bad(path, 1, f"the first line must be {','.join(HEADER)}")
    issues: list[Issue] = []
    seen: set[tuple[str, str]] = set()
    for number, row in enumerate(rows[1:], 2):
        if not row:
            continue
        if len(row) != len(HEADER):
            columns = f"{len(row)} column{'' if len(row) == 1 else 's'}"
            raise _bad(path, number, f"{columns} instead of {len(HEADER)}")
        stem, reference, version, issued, digest = (cell.strip() for cell in row)
        if not stem or not version:
            raise _bad(path, number, "a row without its leaflet or version")
        try:
            day = datetime.date.fromisoformat(issued)
        except ValueError:
            raise _bad(path, number, f"'{issued[:20]}' is not a date like 2026-10-01") from None
        if not _DIGEST.match(digest):
            raise _bad(path, number, "the text_sha256 column is not a SHA-256")
        if (stem, version) in seen:
            raise _bad(path, number, f"version {version} of {stem} is listed twice")
        seen.add((stem, version))
        issues.append(Issue(stem, reference, version, day, digest))
    return issues


def to_csv(issues: list[Issue]) -> bytes:
    """The record's bytes: grouped by leaflet, each leaflet's versions in the order issued."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    order = {issue: index for index, issue in enumerate(issues)}
    for issue in sorted(issues, key=lambda i: (i.stem, i.issued, order[i])):
        writer.writerow([issue.stem, issue.reference, issue.version, issue.issued.isoformat(),
                         issue.digest])
    return buffer.getvalue().encode("utf-8")


def _read(path: Path) -> list[Issue]:
    try:
        # Open without blocking and ask the open file what it is: a FIFO must not hang a build.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise RecordError(error("record", path, 0, f"cannot read: {exc.strerror}")) from None
    with open(fd, "rb") as handle:
        stat = os.fstat(fd)
        if not S_ISREG(stat.st_mode):
            raise _bad(path, 0, "it is not a regular file")
        if stat.st_size > MAX_SOURCE_BYTES:
            raise _bad(path, 0, "it is larger than 2 MB")
        raw = handle.read(MAX_SOURCE_BYTES + 1)
    try:
        text = raw.decode("utf-8-sig")  # a spreadsheet may have saved it with a BOM
    except UnicodeDecodeError as exc:
        raise _bad(path, raw.count(b"\n", 0, exc.start) + 1, "not UTF-8 text") from None
    return parse(path, text)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock: shards building at once must not lose each other's rows."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@dataclass
class Record:
    """A folder's issued versions as read, and the ones this run issued."""

    path: Path
    issues: list[Issue] = field(default_factory=list)
    added: list[Issue] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Record:
        """Read the record (none yet is an empty one); RecordError when it is damaged."""
        return cls(path, _read(path))

    def find(self, stem: str, version: str) -> Issue | None:
        return next((i for i in (*self.issues, *self.added)
                     if i.stem == stem and i.version == version), None)

    def versions(self, stem: str) -> list[Issue]:
        """Every issued version of a leaflet, oldest first."""
        return [i for i in (*self.issues, *self.added) if i.stem == stem]

    def add(self, issue: Issue) -> None:
        if self.find(issue.stem, issue.version) is None:
            self.added.append(issue)

    def save(self) -> bool:
        """Add this run's rows to the file as it is now, atomically; True if it wrote."""
        if not self.added:
            return False
        with _locked(self.path.parent):
            current = _read(self.path)  # another shard may have added rows since we read
            known = {(i.stem, i.version) for i in current}
            merged = current + [i for i in self.added if (i.stem, i.version) not in known]
            atomic_write(self.path, to_csv(merged))
        self.issues, self.added = merged, []
        return True


class Records:
    """The records of a run's source folders, each read once (a damaged one, as its error)."""

    def __init__(self) -> None:
        self.by_path: dict[Path, Record | RecordError] = {}

    def of(self, leaflet: Leaflet) -> Record | RecordError:
        """The record beside a leaflet's source."""
        return self.at(record_path(leaflet))

    def at(self, path: Path) -> Record | RecordError:
        """The record at path."""
        if path not in self.by_path:
            try:
                self.by_path[path] = Record.load(path)
            except RecordError as exc:
                self.by_path[path] = exc
        return self.by_path[path]


def changed_since_issue(leaflet: Leaflet, record: Record) -> Diagnostic | None:
    """An error at `version:` when an approved leaflet's text is not what was issued as it."""
    if leaflet.status != APPROVED or leaflet.version is None:
        return None
    issue = record.find(leaflet.stem, leaflet.version)
    if issue is None or issue.digest == text_digest(leaflet):
        return None
    return error("changed-after-issue", leaflet.path, leaflet.line_of("version"),
                 f"the text changed since version {issue.version} was issued on "
                 f"{issue.issued.isoformat()}: raise version")


def new_issue(leaflet: Leaflet, today: datetime.date) -> Issue:
    """The row recording this leaflet's version as issued today."""
    return Issue(leaflet.stem, leaflet.reference or "", leaflet.version or "", today,
                 text_digest(leaflet))


__all__ = ["HEADER", "Issue", "RECORD_NAME", "Record", "RecordError", "Records", "changed_since_issue",
           "new_issue", "parse", "record_path", "text_digest", "to_csv"]
