"""The review-date rule, shared by `check` (overdue is an error) and `build` (a warning)."""

from __future__ import annotations

import datetime

from leafpress.errors import Diagnostic, error, warning
from leafpress.model.leaflet import Leaflet

REVIEW_WARNING_DAYS = 90
OVERDUE = "review-overdue"


def review_findings(leaflet: Leaflet, today: datetime.date) -> list[Diagnostic]:
    """Overdue review (an error), review due within 90 days (a warning)."""
    due = leaflet.review_due
    if due is None:
        return []
    line = leaflet.line_of("review_due")
    if due < today:
        return [error(OVERDUE, leaflet.path, line, f"review overdue since {due.isoformat()}: "
                      "do not give this leaflet out until it has been reviewed")]
    days = (due - today).days
    if days <= REVIEW_WARNING_DAYS:
        when = "today" if days == 0 else f"in {days} day{'s' if days > 1 else ''}"
        return [warning("review-due-soon", leaflet.path, line,
                        f"review due {when} ({due.isoformat()})")]
    return []


def build_review(leaflet: Leaflet, today: datetime.date, strict: bool) -> Diagnostic | None:
    """What build says about an overdue leaflet: a warning, or with --strict an error."""
    for finding in review_findings(leaflet, today):
        if finding.code == OVERDUE and strict:
            return error(OVERDUE, finding.path, finding.line,
                         f"review overdue since {leaflet.review_due.isoformat()} "
                         "(not built: --strict)")
        if finding.code == OVERDUE:
            return warning(OVERDUE, finding.path, finding.line, finding.message)
    return None
