"""The review register: its rows, the CSV Excel opens, the JSON, and the exit status."""

from __future__ import annotations

import csv
import datetime
import json

import pytest
from click.testing import CliRunner

from leafpress.cli import main

from .conftest import write_leaflet

TODAY = "2027-01-15"
LEAFLETS = {
    "hip.md": "title: Hip replacement\nreference: RSC-HP-001\nversion: '1.0'\n"
              "owner: Orthopaedic team\napproved_by: Patient Information Group\n"
              "approved: 2024-12-01\nreviewed: 2024-12-01\nreview_due: 2026-12-01",
    "knee.md": "title: Knee replacement\nreference: RSC-KN-001\nversion: '2.0'\n"
               "owner: Mr B. Example\nreviewed: 2025-05-01\nreview_due: 2027-05-01",
    "neck.md": "title: Neck pain\nreference: RSC-NK-001\nversion: '1.0'\nreview_due: 2029-01-01",
    "draft.md": "title: Shoulder surgery\nstatus: draft\nversion: '0.1'\nreview_due: 2026-01-01",
    "old.md": "title: Old advice\nstatus: withdrawn\nreference: RSC-OLD-1\nversion: '3'\n"
              "review_due: 2020-01-01",
}


@pytest.fixture
def run(project, monkeypatch):
    monkeypatch.chdir(project)
    for name, front in LEAFLETS.items():
        write_leaflet(project / "leaflets", name, front)
    return lambda *args: CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_register_lists_every_leaflet_and_fails_when_a_review_is_overdue(project, run):
    result = run("register", "--today", TODAY, "--csv", "register.csv")
    assert result.exit_code == 1  # hip.md is overdue
    raw = (project / "register.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    with open(project / "register.csv", encoding="utf-8-sig", newline="") as handle:
        rows = {row["title"]: row for row in csv.DictReader(handle)}
    assert list(rows) == ["Hip replacement", "Knee replacement", "Neck pain", "Old advice",
                          "Shoulder surgery"]
    hip = rows["Hip replacement"]
    assert (hip["reference"], hip["version"], hip["status"], hip["owner"], hip["approved_by"],
            hip["approved"], hip["reviewed"], hip["review_due"], hip["days_to_review"],
            hip["review"]) == ("RSC-HP-001", "1.0", "approved", "Orthopaedic team",
                               "Patient Information Group", "2024-12-01", "2024-12-01",
                               "2026-12-01", "-45", "overdue")
    assert (rows["Knee replacement"]["review"], rows["Knee replacement"]["days_to_review"]) == (
        "due soon", "106")  # within the default six months
    assert rows["Neck pain"]["review"] == "current"
    # Neither a draft nor a withdrawn leaflet is given out, so neither can be overdue.
    assert (rows["Shoulder surgery"]["status"], rows["Shoulder surgery"]["review"]) == ("draft", "")
    assert (rows["Old advice"]["status"], rows["Old advice"]["review"]) == ("withdrawn", "")
    assert "Hip replacement" in result.stdout and result.stdout.splitlines()[-1] == (
        "5 leaflet(s): 1 overdue, 1 due within 6 months, 0 edition(s) out of date")


def test_register_exits_0_when_nothing_is_overdue_and_counts_the_brand_threshold(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text() + "\n[governance]\ndue_soon_months = 3\n", encoding="utf-8")
    result = run("register", "--today", "2026-06-01", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["today"] == "2026-06-01" and data["due_soon_months"] == 3
    assert data["summary"] == {"leaflets": 5, "overdue": 0, "due_soon": 0,
                               "editions_out_of_date": 0}
    hip = data["rows"][0]
    assert (hip["title"], hip["review"], hip["days_to_review"]) == ("Hip replacement", "current", 183)
    assert run("register", "--today", "2026-09-01", "--json").exit_code == 0
    assert json.loads(run("register", "--today", "2026-09-01", "--json").stdout)["rows"][0][
        "review"] == "due soon"


def test_register_lists_issued_versions_with_their_archived_files(project, run):
    assert run("build", "-j", "1", "leaflets/neck.md").exit_code == 0
    data = json.loads(run("register", "--today", TODAY, "--json").stdout)
    neck = next(row for row in data["rows"] if row["title"] == "Neck pain")
    assert neck["archived_versions"] == [{
        "version": "1.0", "issued": datetime.date.today().isoformat(),
        "files": ["leaflets/archive/neck/RSC-NK-001-v1.0.pdf"]}]
    assert (project / neck["archived_versions"][0]["files"][0]).read_bytes() == (
        project / "dist" / "neck.pdf").read_bytes()


def test_a_damaged_record_fails_the_register_with_one_line(project, run):
    (project / "leaflets" / "issued-versions.csv").write_text("nonsense\n", encoding="utf-8")
    result = run("register", "--today", "2026-06-01")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "leaflets/issued-versions.csv:1: error: the record of issued versions is damaged: the "
        "first line must be leaflet,reference,version,issued,text_sha256; restore it from "
        "version control (its leaflets are not built until then)"]


# ---- Editions: each names its master and the master's version it was made from ----

def test_editions_are_listed_after_their_master_and_flagged_when_out_of_date(project, monkeypatch):
    monkeypatch.chdir(project)
    folder = project / "leaflets"
    write_leaflet(folder, "hip.md", "title: Hip\nreference: RSC-HP-001\nversion: '1.2'\n"
                  "review_due: 2099-01-01")
    write_leaflet(folder, "hip-pl.md", "title: Biodro\nlang: pl\nedition_of: hip\n"
                  "based_on_version: '1.2'\nversion: '1.0'")
    write_leaflet(folder, "hip-ar.md", "title: الورك\nlang: ar\nedition_of: hip\n"
                  "based_on_version: '1.1'\nversion: '1.0'")
    write_leaflet(folder, "hip-easy.md", "title: Hip (easy read)\nedition_of: hip\n"
                  "easy_read: true\nbased_on_version: '1.2'\nversion: '1.0'")
    write_leaflet(folder, "knee.md", "title: Knee\nversion: '1'")
    result = CliRunner().invoke(main, ["register", "--today", TODAY, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(r["title"], r["edition_of"], r["based_on_version"], r["edition"]) for r in rows] == [
        ("Hip", None, None, ""),
        ("الورك", "hip", "1.1", "out of date"),
        ("Hip (easy read)", "hip", "1.2", "current"),
        ("Biodro", "hip", "1.2", "current"),
        ("Knee", None, None, "")]
    assert rows[0]["editions"] == ["العربية (out of date)", "Easy Read (current)",
                                   "Polski (current)"]
    # An edition carries its master's reference and review dates.
    assert (rows[3]["lang"], rows[3]["reference"], rows[3]["review_due"]) == (
        "Polski", "RSC-HP-001", "2099-01-01")
    assert json.loads(result.stdout)["summary"]["editions_out_of_date"] == 1


def test_csv_cells_that_excel_would_run_as_formulas_stay_text(project, monkeypatch):
    monkeypatch.chdir(project)
    write_leaflet(project / "leaflets", "evil.md",
                  'title: "=HYPERLINK(\\"https://example.org\\")"\nowner: "@team"\n'
                  "review_due: 2026-01-01")
    CliRunner().invoke(main, ["register", "--today", TODAY, "--csv", "r.csv"])
    with open(project / "r.csv", encoding="utf-8-sig", newline="") as handle:
        row = next(csv.DictReader(handle))
    assert (row["title"], row["owner"], row["days_to_review"]) == (
        "'=HYPERLINK(\"https://example.org\")", "'@team", "-379")


def test_a_record_that_is_not_a_file_is_an_error_not_a_hang(project, run):
    import os

    os.mkfifo(project / "leaflets" / "issued-versions.csv")
    result = run("register", "--today", TODAY)
    assert result.exit_code == 1
    assert ("leaflets/issued-versions.csv: error: the record of issued versions is damaged: it "
            "is not a regular file") in result.stderr
