"""The staleness rule, shared by `check` and `build`: an edition behind its master's version."""

from __future__ import annotations

from leafpress.errors import Diagnostic, error, warning
from leafpress.model.editions import is_ahead, is_stale, kind
from leafpress.model.language import english_name
from leafpress.model.leaflet import Leaflet

STALE = "edition-stale"


def stale_message(edition: Leaflet) -> str:
    """'translation is of version 1.2; the English leaflet is now 1.3'."""
    return (f"{kind(edition)} is of version {edition.based_on_version}; the "
            f"{english_name(edition.master_lang or 'en')} leaflet is now {edition.master_version}")


def staleness_findings(edition: Leaflet) -> list[Diagnostic]:
    """A warning at `based_on_version` when the master has moved on; an error when the
    edition claims a version the master has not reached."""
    line = edition.line_of("based_on_version")
    if is_stale(edition):
        return [warning(STALE, edition.path, line,
                        f"{stale_message(edition)}: update the {kind(edition)}, then its "
                        "'based_on_version'")]
    if is_ahead(edition):
        return [error("edition-ahead", edition.path, line,
                      f"{kind(edition)} says it is of version {edition.based_on_version}, but "
                      f"the {english_name(edition.master_lang or 'en')} leaflet is only at "
                      f"{edition.master_version}")]
    return []


def build_staleness(edition: Leaflet, strict: bool) -> list[Diagnostic]:
    """What build says: the same warning, or with --strict a refusal."""
    found = staleness_findings(edition)
    if strict:
        return [error(d.code, d.path, d.line,
                      f"{stale_message(edition)} (not built: --strict)") if d.code == STALE else d
                for d in found]
    return found
