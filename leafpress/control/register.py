"""The review register's rows: one per leaflet and edition, with what is overdue, due soon,
stale or archived; as CSV for Excel and JSON for scripts (the page: catalogue/register.py)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


from leafpress.control.archive import archived
from leafpress.control.record import RecordError, Records
from leafpress.errors import Diagnostic, display_path
from leafpress.model.brand import Brand
from leafpress.model.dates import add_months
from leafpress.model.editions import is_stale, name_of, read_leaflets
from leafpress.model.leaflet import APPROVED, Leaflet
from leafpress.model.source import discover

OVERDUE, DUE_SOON, CURRENT = "overdue", "due soon", "current"
STALE = "out of date"
# CSV and JSON columns, in order: the contract for spreadsheets and scripts.
COLUMNS = ("title", "reference", "version", "status", "owner", "approved_by", "approved",
           "reviewed", "review_due", "days_to_review", "review", "lang", "edition_of",
           "based_on_version", "edition", "editions", "archived_versions", "source")


@dataclass(frozen=True)
class Row:
    """One leaflet or edition as the register lists it."""

    source: str
    stem: str
    title: str
    reference: str | None
    version: str | None
    status: str
    owner: str | None
    approved_by: str | None
    approved: datetime.date | None
    reviewed: datetime.date | None
    review_due: datetime.date | None
    days_to_review: int | None
    review: str  # overdue, due soon, current; "" when no date or not given out
    lang: str
    edition_of: str | None = None  # the master's file stem, for an edition
    based_on_version: str | None = None
    edition: str = ""  # an edition against its master: current, out of date, master not found
    editions: tuple[str, ...] = ()  # a master's editions: "Polski (out of date)"
    # (version, first issued, archived files) for every issued version, oldest first
    archived_versions: tuple[tuple[str, datetime.date, tuple[Path, ...]], ...] = ()

    def cell(self, column: str) -> str:
        """A column's value as text: ISO dates, lists joined with '; '."""
        value = getattr(self, column)
        if column == "archived_versions":
            return "; ".join(f"{version} ({issued.isoformat()})" for version, issued, _ in value)
        if isinstance(value, tuple):
            return "; ".join(value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return "" if value is None else str(value)


@dataclass
class Register:
    """Every row, the day it was made for, and the sources that could not be read."""

    today: datetime.date
    due_soon_months: int
    rows: list[Row] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)

    def count(self, review: str) -> int:
        return sum(row.review == review for row in self.rows)

    @property
    def overdue(self) -> int:
        return self.count(OVERDUE)

    @property
    def stale(self) -> int:
        return sum(row.edition == STALE for row in self.rows)

    def summary(self) -> str:
        """'12 leaflet(s): 1 overdue, 2 due within 6 months, 1 edition out of date'."""
        return (f"{len(self.rows)} leaflet(s): {self.overdue} overdue, {self.count(DUE_SOON)} "
                f"due within {self.due_soon_months} months, {self.stale} edition(s) out of date")


def review_state(leaflet: Leaflet, today: datetime.date, due_soon_months: int) -> str:
    """Overdue (the day after it was due, as check counts it), due soon, or current; only an
    approved leaflet is given out, so only it can be overdue."""
    due = leaflet.review_due
    if due is None or leaflet.status != APPROVED:
        return ""
    if due < today:
        return OVERDUE
    return DUE_SOON if due <= add_months(today, due_soon_months) else CURRENT


def _edition_state(leaflet: Leaflet) -> str:
    """An edition against its master, by the editions' own rule (model/editions.py)."""
    if not leaflet.is_edition:
        return ""
    if leaflet.master_version is None:  # not linked: its master is not among the sources
        return "master not found"
    return STALE if is_stale(leaflet) else CURRENT


def rows_of(leaflets: Iterable[Leaflet], brand: Brand, today: datetime.date,
            records: Records | None = None) -> list[Row]:
    """The register's rows (editions linked by link_editions), sorted by title."""
    leaflets = list(leaflets)
    records = records or Records()
    editions: dict[str, list[str]] = {}
    for leaflet in leaflets:
        if leaflet.is_edition and leaflet.master_version is not None:
            editions.setdefault(leaflet.edition_of, []).append(
                f"{name_of(leaflet)} ({_edition_state(leaflet)})")
    rows = []
    for leaflet in leaflets:
        record = records.of(leaflet)
        issued: dict[str, tuple[str, datetime.date, tuple[Path, ...]]] = {}
        if not isinstance(record, RecordError):
            for issue in record.versions(leaflet.stem):
                issued[issue.version] = (issue.version, issue.issued, ())
            for item in archived(brand, leaflet.path, leaflet.stem, record):
                version, day, files = issued[item.issue.version]
                issued[version] = (version, day, files + (item.path,))
        due = leaflet.review_due
        rows.append(Row(
            source=display_path(leaflet.path), stem=leaflet.stem, title=leaflet.title,
            reference=leaflet.reference, version=leaflet.version, status=leaflet.status,
            owner=leaflet.owner, approved_by=leaflet.approved_by, approved=leaflet.approved,
            reviewed=leaflet.reviewed, review_due=due,
            days_to_review=(due - today).days if due else None,
            review=review_state(leaflet, today, brand.governance.due_soon_months),
            lang=name_of(leaflet) if leaflet.is_edition else leaflet.lang,
            edition_of=leaflet.edition_of, based_on_version=leaflet.based_on_version,
            edition=_edition_state(leaflet),
            editions=tuple(editions.get(leaflet.path.stem, ()) if not leaflet.is_edition else ()),
            archived_versions=tuple(issued.values()),
        ))
    # By title, each master followed by its editions.
    titles = {leaflet.path.stem: leaflet.title.casefold() for leaflet in leaflets
              if not leaflet.is_edition}
    rows.sort(key=lambda row: (titles.get(row.edition_of or row.stem, row.title.casefold()),
                               row.edition_of is not None, row.stem))
    return rows


def read_register(sources: list[Path], brand: Brand, today: datetime.date) -> Register:
    """Read every source (no rendering) into a register; unreadable ones become problems."""
    paths, problems = discover(sources)
    leaflets, unreadable = read_leaflets(paths, brand)
    problems += unreadable
    records = Records()
    register = Register(today, brand.governance.due_soon_months,
                        rows_of(leaflets, brand, today, records), problems)
    register.problems += [record.diagnostic for record in records.by_path.values()
                          if isinstance(record, RecordError)]
    return register


# ---- Outputs ----

def spreadsheet_text(text: str) -> str:
    """A cell Excel shows as text: one starting with = + - @ would be run as a formula
    (front matter is untrusted), so it gets a leading apostrophe; numbers stay numbers."""
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(r"-?\d+", text):
        return "'" + text
    return text


def to_csv(register: Register) -> bytes:
    """The register for Excel: UTF-8 with a byte-order mark, ISO dates, one row per leaflet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in register.rows:
        writer.writerow([spreadsheet_text(row.cell(column)) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def to_json(register: Register) -> str:
    """{"today", "due_soon_months", "summary", "rows": [{column: value}]} with ISO dates."""
    def value(row: Row, column: str):
        raw = getattr(row, column)
        if column == "archived_versions":
            return [{"version": v, "issued": d.isoformat(), "files": [display_path(p) for p in f]}
                    for v, d, f in raw]
        if isinstance(raw, tuple):
            return list(raw)
        return raw.isoformat() if isinstance(raw, datetime.date) else raw

    return json.dumps({
        "today": register.today.isoformat(),
        "due_soon_months": register.due_soon_months,
        "summary": {"leaflets": len(register.rows), "overdue": register.overdue,
                    "due_soon": register.count(DUE_SOON), "editions_out_of_date": register.stale},
        "rows": [{column: value(row, column) for column in COLUMNS} for row in register.rows],
    }, indent=2, ensure_ascii=False)


def _when(row: Row) -> str:
    if row.review_due is None:
        return "no review date"
    days = row.days_to_review or 0
    if row.review == OVERDUE:
        return f"review due {row.review_due.isoformat()} (OVERDUE by {-days} days)"
    soon = "DUE SOON: " if row.review == DUE_SOON else ""
    return f"review due {row.review_due.isoformat()} ({soon}in {days} days)"


def human_lines(register: Register) -> list[str]:
    """One line per row for a terminal, then the summary."""
    lines = []
    for row in register.rows:
        parts = [row.title, f"{row.reference or 'no reference'} v{row.version or '-'}", row.status,
                 f"owner {row.owner or '-'}", f"approved by {row.approved_by or '-'}", _when(row)]
        if row.edition_of:
            parts.append(f"{row.lang} edition of {row.edition_of}: {row.edition}")
        lines.append(f"{row.source}: " + " · ".join(parts))
    lines.append(register.summary())
    return lines
