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
from leafpress.errors import Diagnostic, LeafletError, display_path
from leafpress.model.brand import Brand
from leafpress.model.dates import add_months
from leafpress.model.leaflet import APPROVED, Leaflet, leaflet_from_source
from leafpress.model.source import discover, read_source

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
    edition_of: str | None = None  # the master's reference or stem, for an edition
    based_on_version: str | None = None
    edition: str = ""  # an edition against its master: current, out of date, master not found
    editions: tuple[str, ...] = ()  # a master's editions: "pl (out of date)"
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


def _edition_fields(leaflet: Leaflet) -> tuple[str | None, str | None]:
    # Language editions name their master and the master's version they translate
    # (edition_of, based_on_version); read softly, so sources without them still list.
    return getattr(leaflet, "edition_of", None), getattr(leaflet, "based_on_version", None)


def _edition_state(leaflet: Leaflet, masters: dict[str, Leaflet]) -> str:
    edition_of, based_on = _edition_fields(leaflet)
    if edition_of is None:
        return ""
    master = masters.get(edition_of)
    if master is None:
        return "master not found"
    return CURRENT if based_on is not None and based_on == master.version else STALE


def _label(leaflet: Leaflet) -> str:
    return "Easy Read" if getattr(leaflet, "easy_read", False) else leaflet.lang


def rows_of(leaflets: Iterable[Leaflet], brand: Brand, today: datetime.date,
            records: Records | None = None) -> list[Row]:
    """The register's rows, masters and editions sorted by title."""
    leaflets = list(leaflets)
    records = records or Records()
    masters: dict[str, Leaflet] = {}
    for leaflet in leaflets:
        if _edition_fields(leaflet)[0] is None:
            masters.setdefault(leaflet.stem, leaflet)
            if leaflet.reference:
                masters.setdefault(leaflet.reference, leaflet)
    states = {leaflet.path: _edition_state(leaflet, masters) for leaflet in leaflets}
    editions: dict[Path, list[str]] = {}
    for leaflet in leaflets:
        master = masters.get(_edition_fields(leaflet)[0] or "")
        if master is not None and master is not leaflet:
            editions.setdefault(master.path, []).append(f"{_label(leaflet)} ({states[leaflet.path]})")
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
        edition_of, based_on = _edition_fields(leaflet)
        due = leaflet.review_due
        rows.append(Row(
            source=display_path(leaflet.path), stem=leaflet.stem, title=leaflet.title,
            reference=leaflet.reference, version=leaflet.version, status=leaflet.status,
            owner=leaflet.owner, approved_by=leaflet.approved_by, approved=leaflet.approved,
            reviewed=leaflet.reviewed, review_due=due,
            days_to_review=(due - today).days if due else None,
            review=review_state(leaflet, today, brand.governance.due_soon_months),
            lang=_label(leaflet), edition_of=edition_of, based_on_version=based_on,
            edition=states[leaflet.path], editions=tuple(editions.get(leaflet.path, ())),
            archived_versions=tuple(issued.values()),
        ))
    rows.sort(key=lambda row: (row.title.casefold(), row.edition_of or "", row.stem))
    return rows


def read_register(sources: list[Path], brand: Brand, today: datetime.date) -> Register:
    """Read every source (no rendering) into a register; unreadable ones become problems."""
    paths, problems = discover(sources)
    leaflets = []
    for path in paths:
        try:
            leaflets.append(leaflet_from_source(read_source(path), brand))
        except LeafletError as exc:
            problems.extend(exc.diagnostics)
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
