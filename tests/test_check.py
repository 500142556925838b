"""`check` as authors run it: each finding at its exact line, the JSON, the exit codes."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leafpress.check.rules import check_leaflet
from leafpress.model.brand import contrast_on_white
from leafpress.model.brand import load_brand
from leafpress.cli import main

from .conftest import ROOT, SAMPLES, write_leaflet

CASES = "tests/cases/check"
TODAY = "2026-11-25"  # review dates in the cases are relative to this day


@pytest.fixture
def run(monkeypatch):
    """Run the CLI from the repository root, on a fixed day."""
    monkeypatch.chdir(ROOT)
    return lambda *args: CliRunner().invoke(main, ["check", "--today", TODAY, *args],
                                            catch_exceptions=False)


def findings(output: str) -> list[str]:
    """The finding lines of human output (not the summaries)."""
    return [line for line in output.splitlines()
            if ": error: " in line or ": warning: " in line or ": info: " in line]


ALT = "image has no alt text: describe the picture for readers who cannot see it"
EXPECTED = {
    "clean": [],
    "review_overdue": [
        "4: error: review overdue since 2026-01-01: do not give this leaflet out until it has "
        "been reviewed"],
    "review_due_soon": ["6: warning: review due in 56 days (2027-01-20)"],
    "missing_review_fields": [
        "4: warning: missing 'reviewed': every leaflet should show it",
        "4: warning: missing 'review_due': every leaflet should show it",
        "4: warning: missing 'reference': every leaflet should show it",
        "4: warning: missing 'version': every leaflet should show it"],
    "front_matter_unknown_key": [
        "4: error: unknown front-matter key 'review_date' (did you mean 'review_due'?)"],
    "image_missing_file": ["13: error: image not found: images/no-such-picture.png"],
    "image_without_alt": [f"15: error: {ALT}"],
    "images_html_remote_and_reference": [
        f"11: error: {ALT}",
        "15: error: image must be a file next to the leaflet, not "
        "https://www.example.org/clinic.jpg",
        "19: error: image not found: images/lost.svg",
        "23: error: image is outside the leaflet's folder: ../../../styles/logo.svg"],
    "link_to_missing_file": ["10: error: link target not found: no-such-leaflet.md#week-1"],
    "link_http": [
        "9: warning: insecure link http://www.example.org/old: use https:// (the PDF drops "
        "http:// links)"],
    "links_in_code_are_ignored": [
        "10: warning: the PDF prints this link as plain text: clean.md (link to an https:// "
        "address)",
        "17: warning: insecure link http://www.example.org: use https:// (the PDF drops "
        "http:// links)"],
    "readability_above_target": [
        "9: warning: Flesch-Kincaid grade 27.5 is above the target of 8 (reading age about 33, "
        "target 13): use shorter sentences and shorter words"],
    "long_sentence": [
        "11: warning: sentence of 26 words (more than 25): "
        "\"You should tell the nurse about ...\""],
    "acronym_before_spelled_out": [
        "9: warning: 'MISS' is used before it is spelled out (line 13)"],
    "acronym_never_spelled_out": [
        "11: warning: 'MRI' is not spelled out: write it in full the first time, with the "
        "letters in brackets: \"words in full (MRI)\""],
    "acronym_spelled_out": [],
    # 14 of 600 units: 142 mm (402.5pt) wide on A4 is 9.4pt; in large print the drawing
    # keeps its own 450pt (600 px), 10.5pt; the booklet's 124 mm (351.5pt) gives 8.2pt.
    "image_svg_text_too_small": [
        "13: warning: text in images/small-label.svg prints at 9.4pt in A4 (under 12pt), "
        "10.5pt in large print (under 16pt), 8.2pt in the booklet (under 11pt): make its "
        "words larger, or put them in the leaflet's text"],
}


def test_every_case_has_a_source():
    on_disk = {p.stem for p in (ROOT / CASES).glob("*.md")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_finding_at_its_line(run, case):
    path = f"{CASES}/{case}.md"
    result = run(path)
    assert findings(result.stdout) == [f"{path}:{line}" for line in EXPECTED[case]]
    summary = [line for line in result.stdout.splitlines() if line.startswith(f"{path}: ")]
    assert len(summary) == 1 and "Flesch-Kincaid grade" in summary[0]
    has_error = any(": error: " in line for line in EXPECTED[case])
    assert result.exit_code == (1 if has_error else 0)


def test_summary_line_has_the_figures_of_the_formulas(run):
    # Counted by hand (the formulas are in test_readability.py):
    #   "This sentence is short."  This1 sen-tence2 is1 short1          = 4 words, 5 syllables
    #   "You should tell the nurse about every medicine you take, including the ones you buy
    #   from a shop, vitamins, herbal remedies and anything else you use."
    #     26 words, 40 syllables; 6 of three or more: ev-er-y, med-i-cine, in-clud-ing,
    #     vi-ta-mins, rem-e-dies, an-y-thing
    #   "This one is short."                                          = 4 words, 4 syllables
    # W = 34, S = 3, Y = 49, P = 6; W/S = 11.333333, Y/W = 1.441176
    # FRE  = 206.835 - 11.503333 - 121.923529 = 73.408 -> 73.4
    # FK   = 4.42 + 17.005882 - 15.59 = 5.835882 -> 5.8
    # SMOG = 1.0430 x sqrt(6 x 30 / 3 = 60) + 3.1291 = 11.208 -> 11.2
    result = run(f"{CASES}/long_sentence.md")
    assert (f"{CASES}/long_sentence.md: reading ease 73.4, Flesch-Kincaid grade 5.8, SMOG 11.2 "
            "(34 words, 3 sentences); 0 errors, 1 warning") in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "1 leaflet(s) checked: 0 errors, 1 warning"


def test_json_shape(run):
    result = run("--json", f"{CASES}/clean.md", f"{CASES}/review_overdue.md",
                 f"{CASES}/front_matter_unknown_key.md")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert set(data) == {"leaflets", "brand"}
    assert data["brand"] == {"source": "styles/brand.toml", "findings": []}
    clean, overdue, unknown = data["leaflets"]
    for leaflet in data["leaflets"]:
        assert set(leaflet) == {"source", "title", "readability", "findings"}
        assert set(leaflet["readability"]) == {
            "flesch_reading_ease", "flesch_kincaid_grade", "smog", "words", "sentences"}
    assert clean["source"] == f"{CASES}/clean.md"
    assert clean["title"] == "A clean leaflet"
    assert clean["findings"] == []
    # By hand: the heading and the picture are not prose; six sentences
    #   This1 leaf-let2 is1 short1 (4 words, 5) | It1 has1 no1 prob-lems2 at1 all1 (6, 7) |
    #   It has a list (4, 4) | The list is short (4, 4) |
    #   Read1 the1 oth-er2 leaf-let2 or1 our1 web-site2 (7, 10; links count as their text) |
    #   Call1 N-H-S3 1-1-1(3) if1 you1 need1 help1 (7, 11; NHS and 111 are the polysyllables)
    # W = 32, S = 6, Y = 41, P = 2: FRE = 206.835 - 5.413333 - 108.39375 = 93.03;
    # FK = 2.08 + 15.11875 - 15.59 = 1.61; SMOG = 1.0430 x sqrt(10) + 3.1291 = 6.43
    assert clean["readability"] == {"flesch_reading_ease": 93.0, "flesch_kincaid_grade": 1.6,
                                    "smog": 6.4, "words": 32, "sentences": 6}
    assert overdue["findings"] == [{
        "severity": "error", "code": "review-overdue", "line": 4,
        "message": "review overdue since 2026-01-01: do not give this leaflet out until it "
                   "has been reviewed"}]
    assert unknown["title"] == "Front matter with an unknown key"
    assert unknown["findings"][0]["code"] == "unknown-key"
    assert unknown["findings"][0]["line"] == 4


def test_json_for_a_missing_source(run):
    result = run("--json", "nowhere.md")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["leaflets"] == [{
        "source": "nowhere.md", "title": None,
        "readability": {"flesch_reading_ease": None, "flesch_kincaid_grade": None,
                        "smog": None, "words": 0, "sentences": 0},
        "findings": [{"severity": "error", "code": "not-found", "line": 0,
                      "message": "no such file or folder"}]}]


def test_exit_codes(run):
    assert run(f"{CASES}/clean.md").exit_code == 0
    assert run("--strict", f"{CASES}/clean.md").exit_code == 0
    assert run(f"{CASES}/link_http.md").exit_code == 0  # warnings only
    assert run("--strict", f"{CASES}/link_http.md").exit_code == 1
    assert run("--strict", "--json", f"{CASES}/link_http.md").exit_code == 1
    assert run(f"{CASES}/image_missing_file.md").exit_code == 1
    assert run("--colour").exit_code == 2


def test_the_samples_pass_their_own_check(run):
    result = run()  # default sources: leaflets/
    assert result.exit_code == 0, result.stdout
    # Only the Bengali edition's staleness, shown on purpose.
    assert [line.split(": ", 2)[1:] for line in findings(result.stdout)] == [
        ["warning", "translation is of version 1.1; the English leaflet is now 1.2: update the "
                    "translation, then its 'based_on_version'"]]
    summaries = [line for line in result.stdout.splitlines() if line.startswith("leaflets/")
                 and "reading ease" in line]
    assert len(summaries) == len(list(SAMPLES.rglob("*.md"))) == 11
    english = [line for line in summaries if "Flesch-Kincaid grade" in line]
    assert len(english) == 6  # five leaflets and the Easy Read edition
    for line in english:
        grade = float(line.split("Flesch-Kincaid grade ")[1].split(",")[0])
        assert grade <= 8


def test_brand_contrast_and_body_size(project, monkeypatch):
    brand = project / "styles" / "brand.toml"
    text = brand.read_text()
    text = text.replace('accent = "#b3400b"', 'accent = "#777777"')
    text = text.replace('primary = "#00677f"', 'primary = "#767676"')
    brand.write_text(text.replace("body_pt = 13", "body_pt = 11"))
    write_leaflet(project / "leaflets", "fine.md", "title: Fine\nreviewed: 2026-01-01\n"
                  "review_due: 2028-01-01\nreference: F-1\nversion: '1'")
    monkeypatch.chdir(project)
    result = CliRunner().invoke(main, ["check", "--today", TODAY], catch_exceptions=False)
    assert result.exit_code == 1
    # #777777: each channel 119/255 = 0.466667 -> ((0.466667 + 0.055) / 1.055) ^ 2.4 = 0.184475
    # = the luminance (grey); (1 + 0.05) / (0.184475 + 0.05) = 4.478 -> "4.47:1" (never
    # rounded up). #767676 (118) gives 4.54:1 and passes.
    assert findings(result.stdout) == [
        "styles/brand.toml:18: error: colour 'accent' #777777 has a contrast of 4.47:1 on "
        "white; text needs at least 4.5:1 (WCAG AA)",
        "styles/brand.toml:27: error: body type 11pt is below 12pt (RNIB Clear Print; 14pt is "
        "better)",
    ]
    assert contrast_on_white("#777777") == pytest.approx(4.478, abs=0.001)
    assert contrast_on_white("#767676") == pytest.approx(4.542, abs=0.001)
    data = json.loads(CliRunner().invoke(main, ["check", "--json", "--today", TODAY]).stdout)
    assert [f["code"] for f in data["brand"]["findings"]] == ["contrast", "body-size"]
    assert data["leaflets"][0]["findings"] == []


def test_a_bad_brand_file_exits_2(run, tmp_path):
    bad = tmp_path / "brand.toml"
    bad.write_text("name = 3\n")
    result = run("--brand", str(bad), f"{CASES}/clean.md")
    assert result.exit_code == 2


def test_today_is_hidden_from_help(run):
    result = CliRunner().invoke(main, ["check", "--help"])
    assert "--json" in result.stdout and "--strict" in result.stdout
    assert "--today" not in result.stdout


def test_check_does_not_import_weasyprint():
    code = ("import sys\nfrom leafpress.cli import main\n"
            "try:\n    main(['check', '--today', '%s'])\nexcept SystemExit as exit:\n"
            "    assert exit.code in (0, None), exit.code\n"
            "print('weasyprint' in sys.modules, file=sys.stderr)\n" % TODAY)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "leaflet(s) checked: 0 errors, 1 warning" in done.stdout  # the stale sample
    assert done.stderr.strip() == "False"


@pytest.mark.parametrize("today, expected", [
    ("2026-10-21", []),  # 91 days before
    ("2026-10-22", ["6: warning: review due in 90 days (2027-01-20)"]),
    ("2027-01-19", ["6: warning: review due in 1 day (2027-01-20)"]),
    ("2027-01-20", ["6: warning: review due today (2027-01-20)"]),
    ("2027-01-21", ["6: error: review overdue since 2027-01-20: do not give this leaflet out "
                    "until it has been reviewed"]),
])
def test_review_date_boundaries(monkeypatch, today, expected):
    monkeypatch.chdir(ROOT)
    path = f"{CASES}/review_due_soon.md"
    result = CliRunner().invoke(main, ["check", "--today", today, path])
    assert findings(result.stdout) == [f"{path}:{line}" for line in expected]


MARKDOWN_PIECES = ["#", "## ", "- ", "1. ", "> ", "!!! note \"T\"", "    ", "|", "---", "```",
                   "`", "*", "_", "[", "]", "(", ")", "!", "<", ">", "\n", "\n\n", " ", ".",
                   "?", "e.g.", "Mr A.", "MRI", "(MRI)", "A&E", "x.png", "http://a.b",
                   "https://a.b", "%00", "<img src=x>", "[r]: y.md", "word", "surgery",
                   "\u2019", "\x00", "\u00e9"]


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(MARKDOWN_PIECES), max_size=60))
def test_any_markdown_gives_findings_inside_the_file_never_a_traceback(tmp_path, pieces):
    body = "".join(pieces)
    path = write_leaflet(tmp_path, "any.md", "title: Any", body)
    report = check_leaflet(path, load_brand(ROOT / "styles" / "brand.toml"),
                           datetime.date(2026, 11, 25))
    last_line = path.read_text(encoding="utf-8").count("\n") + 1
    for finding in report.findings:
        assert 1 <= finding.line <= last_line, (finding, body)
    assert report.readability is not None and report.readability.words >= 0
