"""A check's results as people read them (one line each) and as programs read them (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterator

from leafpress.check.languages import is_cjk
from leafpress.check.rules import CheckReport, LeafletReport
from leafpress.errors import ERROR, WARNING, Diagnostic, display_path
from leafpress.check.readability import Readability


def _figure(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def readability_dict(figures: Readability | None) -> dict:
    """The readability object of the JSON output (figures null when there is no prose)."""
    figures = figures or Readability(0, 0, 0, 0, None, None, None)
    return {
        "flesch_reading_ease": _figure(figures.flesch_reading_ease),
        "flesch_kincaid_grade": _figure(figures.flesch_kincaid_grade),
        "smog": _figure(figures.smog),
        "words": figures.words,
        "sentences": figures.sentences,
    }


def _finding(diagnostic: Diagnostic) -> dict:
    return {"severity": diagnostic.severity, "code": diagnostic.code,
            "line": diagnostic.line, "message": diagnostic.message}


def to_json(report: CheckReport) -> str:
    """{"leaflets": [{source, title, readability, findings}], "brand": {source, findings}}."""
    return json.dumps({
        "leaflets": [{
            "source": display_path(leaflet.path),
            "title": leaflet.title,
            "readability": readability_dict(leaflet.readability),
            "findings": [_finding(d) for d in leaflet.findings],
        } for leaflet in report.leaflets],
        "brand": {
            "source": display_path(report.brand.path),
            "findings": [_finding(d) for d in report.brand_findings],
        },
    }, indent=2, ensure_ascii=False)


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _count(findings: list[Diagnostic], severity: str) -> str:
    return _plural(sum(1 for d in findings if d.severity == severity), severity)


def summary_line(leaflet: LeafletReport) -> str:
    """One line per leaflet: its readability figures and how many findings it has."""
    figures = leaflet.readability
    where = display_path(leaflet.path)
    counts = f"{_count(leaflet.findings, ERROR)}, {_count(leaflet.findings, WARNING)}"
    if figures is None or not figures.sentences:
        return f"{where}: no prose measured; {counts}"
    if figures.flesch_reading_ease is None and leaflet.lang:
        unit = "character" if is_cjk(leaflet.lang) else "word"  # Chinese has no spaces
        return (f"{where}: reading ease not measured for {leaflet.lang} "
                f"({_plural(figures.words, unit)}, {_plural(figures.sentences, 'sentence')}); "
                f"{counts}")
    return (f"{where}: reading ease {figures.flesch_reading_ease:.1f}, "
            f"Flesch-Kincaid grade {figures.flesch_kincaid_grade:.1f}, "
            f"SMOG {figures.smog:.1f} ({_plural(figures.words, 'word')}, "
            f"{_plural(figures.sentences, 'sentence')}); "
            f"{counts}")


def human_lines(report: CheckReport) -> Iterator[str]:
    """The brand's findings, then each leaflet's findings and its summary line."""
    for diagnostic in report.brand_findings:
        yield str(diagnostic)
    for leaflet in report.leaflets:
        for diagnostic in leaflet.findings:
            yield str(diagnostic)
        yield summary_line(leaflet)
    findings = list(report.all_findings())
    yield (f"{len(report.leaflets)} leaflet(s) checked: {_count(findings, ERROR)}, "
           f"{_count(findings, WARNING)}")
