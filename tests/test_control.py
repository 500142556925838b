"""Document control through build and check: issued text is frozen, every issued version is
archived byte for byte, drafts are marked and never issued, withdrawn leaflets leave."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import shutil

import pypdf
import pytest
from click.testing import CliRunner

from leafpress.cli import main
from leafpress.control.record import HEADER, RECORD_NAME
from leafpress.files import Checked, FileRefused

from .conftest import SAMPLES, pdf_text, write_leaflet
from .htmltree import parse
from .test_braille import back_translate

TODAY = datetime.date.today().isoformat()
APPROVED = "title: Hip replacement\nreference: RSC-HP-001\nversion: '1.0'\nreviewed: 2026-01-01"
OTHER = "title: Knee replacement\nreference: RSC-KN-001\nversion: '2.0'"


@pytest.fixture
def run(project, monkeypatch):
    """The CLI inside the project folder, as a user runs it."""
    monkeypatch.chdir(project)
    return lambda *args: CliRunner().invoke(main, ["-h"] if not args else list(args),
                                            catch_exceptions=False)


def record_rows(project) -> list[dict[str, str]]:
    text = (project / "leaflets" / RECORD_NAME).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_changed_issued_text_is_refused_at_the_version_line_and_the_others_build(project, run):
    hip = write_leaflet(project / "leaflets", "hip.md", APPROVED, "Rest for six weeks.\n")
    knee = write_leaflet(project / "leaflets", "knee.md", OTHER, "Walk every day.\n")
    assert run("build", "-j", "1").exit_code == 0
    assert [(r["leaflet"], r["reference"], r["version"], r["issued"]) for r in record_rows(project)] \
        == [("hip", "RSC-HP-001", "1.0", TODAY), ("knee", "RSC-KN-001", "2.0", TODAY)]
    issued_hip = (project / "dist" / "hip.pdf").read_bytes()

    hip.write_text(hip.read_text().replace("six weeks", "two weeks"), encoding="utf-8")
    knee.write_text(knee.read_text().replace("'2.0'", "'2.1'").replace("every day", "twice a day"),
                    encoding="utf-8")
    result = run("build", "-j", "1")
    line = (f"leaflets/hip.md:4: error: the text changed since version 1.0 was issued on "
            f"{TODAY}: raise version")
    assert result.exit_code == 1
    assert line in result.stderr.splitlines()
    assert "Traceback" not in result.output
    # The refused leaflet's PDF is the issued one; the other leaflet was built and issued.
    assert (project / "dist" / "hip.pdf").read_bytes() == issued_hip
    assert "twice a day" in pdf_text(project / "dist" / "knee.pdf")
    assert [(r["leaflet"], r["version"]) for r in record_rows(project)] == [
        ("hip", "1.0"), ("knee", "2.0"), ("knee", "2.1")]

    checked = run("check", "leaflets/hip.md")
    assert checked.exit_code == 1
    assert line in checked.stdout.splitlines()

    # Quoting or reordering the front matter is not a change of text.
    hip.write_text(hip.read_text().replace("two weeks", "six weeks").replace("'1.0'", '"1.0"'),
                   encoding="utf-8")
    assert run("build", "-j", "1").exit_code == 0


def test_bumping_the_version_archives_the_new_pdfs_and_keeps_the_old_ones_byte_identical(
        project, run):
    hip = write_leaflet(project / "leaflets", "hip.md", APPROVED, "Rest for six weeks.\n")
    assert run("build", "-j", "2", "--format", "all").exit_code == 0
    archive = project / "leaflets" / "archive" / "hip"
    names = ["RSC-HP-001-v1.0.pdf", "RSC-HP-001-v1.0-large-print.pdf",
             "RSC-HP-001-v1.0-booklet.pdf", "RSC-HP-001-v1.0.html", "RSC-HP-001-v1.0.brf"]
    assert sorted(p.name for p in archive.iterdir()) == sorted([*names, "media"])
    first = {name: (archive / name).read_bytes() for name in names}
    assert first["RSC-HP-001-v1.0.pdf"] == (project / "dist" / "hip.pdf").read_bytes()
    assert first["RSC-HP-001-v1.0-booklet.pdf"] == (project / "dist" / "hip-booklet.pdf").read_bytes()
    assert first["RSC-HP-001-v1.0.brf"] == (project / "dist" / "hip.brf").read_bytes()

    # A new version, and a template change that alters every later rendering.
    hip.write_text(hip.read_text().replace("'1.0'", "'1.1'").replace("six", "four"),
                   encoding="utf-8")
    css = project / "styles" / "leaflet.css"
    css.write_text(css.read_text() + "\nh1 { letter-spacing: 0.02em; }\n", encoding="utf-8")
    assert run("build", "-j", "2", "--format", "all", "--force").exit_code == 0
    assert {name: (archive / name).read_bytes() for name in names} == first
    new = archive / "RSC-HP-001-v1.1.pdf"
    assert new.read_bytes() == (project / "dist" / "hip.pdf").read_bytes() != first[names[0]]
    assert len(list(archive.iterdir())) == 11  # both versions' five files, and their media
    assert "Version 1.0" in pdf_text(archive / names[0]) and "six weeks" in pdf_text(archive / names[0])
    assert "Version 1.1" in pdf_text(new) and "four weeks" in pdf_text(new)

    # The catalogue card links the earlier version's archived files.
    page = parse((project / "dist" / "index.html").read_text(encoding="utf-8"))
    earlier = next(e for e in page.iter() if "earlier" in e.classes)
    assert "Version 1.0, issued" in earlier.text
    hrefs = [a.attrs["href"] for a in earlier.iter() if a.tag == "a"]
    assert hrefs == [f"../leaflets/archive/hip/{name}" for name in names]
    assert all((project / "dist" / href).resolve().is_file() for href in hrefs)


def test_a_draft_is_marked_on_every_page_of_every_format_and_never_issued(project, run):
    body = "".join(f"## Part {n}\n\n" + "Some words about the operation. " * 60 + "\n\n"
                   for n in range(6))
    write_leaflet(project / "leaflets", "hip.md", APPROVED + "\nstatus: draft", body)
    write_leaflet(project / "leaflets", "knee.md", OTHER)
    result = run("build", "-j", "2", "--format", "all")
    assert result.exit_code == 0, result.output
    for name, per_page in (("hip.pdf", 1), ("hip-large-print.pdf", 1), ("hip-booklet.pdf", 2)):
        pages = len(pypdf.PdfReader(project / "dist" / name).pages)
        assert pages >= 2, name
        for page in range(1, pages + 1):
            # A booklet's sheet side holds two pages, each with its own mark (page 1 has the
            # banner as well).
            assert pdf_text(project / "dist" / name, page).count("DRAFT: not for patients") \
                >= per_page, (name, page)
    # The braille file: the words head every page, beside its number.
    braille = [page.split("\r\n")[0] for page in
               (project / "dist" / "hip.brf").read_bytes().decode("ascii").split("\f")[:-1]]
    assert len(braille) >= 2
    for number, top in enumerate(braille, 1):
        assert " ".join(back_translate([top]).split()).lower() == f"draft: not for patients {number}"
    assert "DRAFT" not in pdf_text(project / "dist" / "knee.pdf")
    assert not (project / "leaflets" / "archive" / "hip").exists()
    assert [r["leaflet"] for r in record_rows(project)] == ["knee"]
    # The catalogue lists it apart, never among the leaflets to print.
    page = parse((project / "dist" / "index.html").read_text(encoding="utf-8"))
    cards = [e.attrs.get("data-stem") for e in page.iter() if "card" in e.classes]
    drafts = next(e for e in page.iter() if e.attrs.get("id") == "drafts")
    assert cards == ["knee"]
    assert "Hip replacement" in drafts.text and "Draft" in drafts.text


def test_a_withdrawn_leaflet_leaves_the_output_and_catalogue_and_keeps_its_archive(project, run):
    hip = write_leaflet(project / "leaflets", "hip.md", APPROVED)
    write_leaflet(project / "leaflets", "knee.md", OTHER)
    assert run("build", "-j", "1").exit_code == 0
    archived = project / "leaflets" / "archive" / "hip" / "RSC-HP-001-v1.0.pdf"
    issued = archived.read_bytes()
    hip.write_text(hip.read_text().replace("reviewed:", "status: withdrawn\nreviewed:"),
                   encoding="utf-8")
    result = run("build", "-j", "1")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "dist").glob("*.pdf")) == ["knee.pdf"]
    assert archived.read_bytes() == issued
    page = parse((project / "dist" / "index.html").read_text(encoding="utf-8"))
    assert [e.attrs.get("data-stem") for e in page.iter() if "card" in e.classes] == ["knee"]
    assert "Hip replacement" not in page.text
    assert [(r["leaflet"], r["version"]) for r in record_rows(project)] == [
        ("hip", "1.0"), ("knee", "2.0")]


def test_the_record_survives_a_clean_output_folder(project, run):
    hip = write_leaflet(project / "leaflets", "hip.md", APPROVED, "Rest for six weeks.\n")
    assert run("build", "-j", "1").exit_code == 0
    hip.write_text(hip.read_text().replace("six", "two"), encoding="utf-8")
    shutil.rmtree(project / "dist")
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    assert "leaflets/hip.md:4: error: the text changed since version 1.0" in result.stderr
    assert not (project / "dist" / "hip.pdf").exists()


def test_a_damaged_record_is_one_line_naming_it_and_is_never_reset(project, run):
    write_leaflet(project / "leaflets", "hip.md", APPROVED)
    write_leaflet(project / "leaflets", "knee.md", OTHER)
    (project / "leaflets" / "spine").mkdir()
    write_leaflet(project / "leaflets" / "spine", "back.md", "title: Back pain\nversion: '1.0'")
    record = project / "leaflets" / RECORD_NAME
    damaged = (",".join(HEADER) + "\nhip,RSC-HP-001,1.0,2026-13-01,abc\n").encode()
    record.write_bytes(damaged)
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == ["leaflets/issued-versions.csv:2: error: the record of issued versions is "
                      "damaged: '2026-13-01' is not a date like 2026-10-01; restore it from "
                      "version control (its leaflets are not built until then)"]
    assert "Traceback" not in result.output
    assert record.read_bytes() == damaged
    # Its folder's leaflets wait; another folder, with its own record, builds.
    assert [p.name for p in (project / "dist").glob("*.pdf")] == ["back.pdf"]
    assert (project / "leaflets" / "spine" / RECORD_NAME).is_file()

    checked = run("check")
    assert checked.exit_code == 1
    assert errors[0] in checked.stdout.splitlines()


def test_governance_keys_required_and_printed_as_the_brand_says(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text() + '\n[governance]\nrequired = ["owner", "approved_by"]\n'
                     'printed = ["owner", "approved_by", "approved", "changes"]\n'
                     'house_sentence = "This document is uncontrolled if printed."\n',
                     encoding="utf-8")
    write_leaflet(project / "leaflets", "hip.md", APPROVED + "\nowner: Orthopaedic team\n"
                  "approved_by: Patient Information Group\napproved: 2026-09-20\n"
                  "changes: [New advice on driving, Shorter recovery times]")
    write_leaflet(project / "leaflets", "knee.md", OTHER + "\nowner: Orthopaedic team")
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    assert ("leaflets/knee.md:1: error: missing 'approved_by': the brand's [governance] "
            "requires it") in result.stderr.splitlines()
    text = " ".join(pdf_text(project / "dist" / "hip.pdf").split())
    for shown in ("Owner Orthopaedic team", "Approved by Patient Information Group",
                  "Approved on 20 September 2026",
                  "New advice on driving; Shorter recovery times",
                  "This document is uncontrolled if printed."):
        assert shown in text


def test_governance_is_not_printed_unless_the_brand_asks(project, run):
    write_leaflet(project / "leaflets", "hip.md", APPROVED + "\nowner: Orthopaedic team\n"
                  "approved_by: Patient Information Group\nstatus: approved")
    assert run("build", "-j", "1").exit_code == 0
    text = pdf_text(project / "dist" / "hip.pdf")
    assert "Hip replacement" in text and "Orthopaedic" not in text and "Approved" not in text


@pytest.mark.parametrize("front, message", [
    ("status: published", "'status' must be one of draft, approved, withdrawn"),
    ("approved: last week", "'approved' must be a date like 2026-10-01"),
    ("changes: [1, '']", "'changes' must be a line of text, or a list of lines"),
    ("aproved_by: Me", "unknown front-matter key 'aproved_by' (did you mean 'approved_by'?)"),
])
def test_bad_governance_values_are_one_line_each(project, run, front, message):
    write_leaflet(project / "leaflets", "hip.md", "title: Hip\n" + front)
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    assert f"leaflets/hip.md:3: error: {message}" in result.stderr.splitlines()


def test_a_bad_governance_table_is_a_brand_error(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text() + '\n[governance]\nrequired = ["ownr"]\n', encoding="utf-8")
    result = run("build")
    assert result.exit_code == 2
    assert "required = [\"ownr\"]" in brand.read_text()
    line = len(brand.read_text().splitlines())
    assert (f"styles/brand.toml:{line}: error: [governance] 'required' lists 'ownr', which is not "
            "one of owner, approved_by, approved, changes (did you mean 'owner'?)") in result.stderr


def test_a_new_leaflet_is_a_draft_until_approved_with_what_the_brand_requires(project, run):
    brand = project / "styles" / "brand.toml"
    brand.write_text(brand.read_text() + '\n[governance]\nrequired = ["owner", "approved_by"]\n',
                     encoding="utf-8")
    assert run("new", "Hip pain").exit_code == 0
    source = project / "leaflets" / "hip-pain.md"
    assert "\nstatus: draft\n" in source.read_text() and "\nowner: " in source.read_text()
    assert run("build", "-j", "1").exit_code == 0
    assert "DRAFT: not for patients" in pdf_text(project / "dist" / "hip-pain.pdf", 1)
    assert not (project / "leaflets" / "archive").exists()
    # Approving it needs its approver; then it is issued.
    source.write_text(source.read_text().replace("status: draft", "status: approved"),
                      encoding="utf-8")
    result = run("build", "-j", "1")
    assert result.exit_code == 1
    assert ("leaflets/hip-pain.md:1: error: missing 'approved_by': the brand's [governance] "
            "requires it") in result.stderr.splitlines()
    source.write_text(source.read_text().replace("status: approved",
                                                 "status: approved\napproved_by: Leaflet group"),
                      encoding="utf-8")
    assert run("build", "-j", "1").exit_code == 0
    assert "DRAFT" not in pdf_text(project / "dist" / "hip-pain.pdf")
    assert (project / "leaflets" / "archive" / "hip-pain").is_dir()


def test_a_new_version_adds_one_line_to_the_record_and_moves_none(project, run):
    for name in ("hip.md", "knee.md"):
        write_leaflet(project / "leaflets", name, APPROVED.replace("Hip", name[:-3]))
    assert run("build", "-j", "1").exit_code == 0
    before = (project / "leaflets" / RECORD_NAME).read_text().splitlines()
    hip = project / "leaflets" / "hip.md"
    hip.write_text(hip.read_text().replace("'1.0'", "'1.1'") + "More.\n", encoding="utf-8")
    assert run("build", "-j", "1").exit_code == 0
    after = (project / "leaflets" / RECORD_NAME).read_text().splitlines()
    # A diff of the record is one added line: the earlier lines stay, in their order.
    assert [line for line in after if line not in before] == [after[2]]
    assert after[:2] + after[3:] == before and after[2].startswith(f"hip,RSC-HP-001,1.1,{TODAY},")


def test_an_up_to_date_pdf_missing_from_the_archive_is_archived_from_the_output(project, run):
    write_leaflet(project / "leaflets", "hip.md", APPROVED)
    assert run("build", "-j", "1").exit_code == 0
    archived = project / "leaflets" / "archive" / "hip" / "RSC-HP-001-v1.0.pdf"
    assert archived.stat().st_mode & 0o222 == 0  # read-only: evidence, not a working copy
    archived.unlink()  # lost by hand (the tool never deletes one)
    result = run("build", "-j", "1")
    assert result.exit_code == 0 and "0 built, 1 up to date" in result.output
    assert archived.read_bytes() == (project / "dist" / "hip.pdf").read_bytes()


def test_an_archived_web_page_has_its_pictures_beside_it(project, run, browser):
    """The web page's pictures, logo and QR code go into the archive with it: the issued page
    opened from the archive years later shows what the patient saw."""
    leaflets = project / "leaflets"
    (leaflets / "images").mkdir()
    shutil.copy(SAMPLES / "images" / "spine-regions.svg", leaflets / "images")
    write_leaflet(leaflets, "hip.md", APPROVED + "\nurl: https://example.org/hip",
                  "Rest.\n\n![The spine from the side](images/spine-regions.svg)\n")
    assert run("build", "-j", "1", "--format", "html").exit_code == 0
    archive = leaflets / "archive" / "hip"
    page = archive / "RSC-HP-001-v1.0.html"

    def pictures() -> list[str]:
        sources = [img.attrs["src"] for img in parse(page.read_text(encoding="utf-8")).find_all("img")]
        assert len(sources) == 3  # the logo, the picture, the QR code
        return sources

    for src in pictures():
        assert (archive / src).read_bytes() == (project / "dist" / src).read_bytes(), src
    assert (archive / pictures()[1]).read_bytes() == (SAMPLES / "images" / "spine-regions.svg").read_bytes()
    tab = browser.new_page()
    tab.goto(page.as_uri())
    assert tab.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)") == [True] * 3

    # Lost by hand, then archived again from the up-to-date output and what it wrote beside it.
    shutil.rmtree(archive)
    result = run("build", "-j", "1", "--format", "html")
    assert result.exit_code == 0 and "0 built, 1 up to date" in result.output
    for src in pictures():
        assert (archive / src).read_bytes() == (project / "dist" / src).read_bytes(), src
    issued = page.read_bytes()

    # A page archived before its pictures were: they are added from the identical output.
    shutil.rmtree(archive / "media")
    assert run("build", "-j", "1", "--format", "html").exit_code == 0
    assert page.read_bytes() == issued
    for src in pictures():
        assert (archive / src).read_bytes() == (project / "dist" / src).read_bytes(), src



def test_a_checked_output_is_archived_only_as_the_bytes_the_build_checked(tmp_path):
    """Between the manifest's check of an up-to-date output and its copy into the archive,
    the file may be swapped: for other bytes, or for a link to a file outside the folder."""
    out = tmp_path / "dist"
    (out / "media").mkdir(parents=True)
    picture = out / "media" / "logo-0123456789abcdef.svg"
    picture.write_bytes(b"<svg/>")
    checked = Checked(picture, hashlib.sha256(b"<svg/>").hexdigest(), out, 1024)
    assert checked.read() == b"<svg/>"
    picture.write_bytes(b"<svg>other</svg>")
    with pytest.raises(FileRefused, match="changed after the build checked it"):
        checked.read()
    secret = tmp_path / "secret.svg"
    secret.write_bytes(b"<svg/>")  # the very bytes the build checked, but not in the folder
    picture.unlink()
    picture.symlink_to(secret)
    with pytest.raises(FileRefused, match="outside the allowed folders"):
        checked.read()


def test_a_lost_record_never_lets_a_build_replace_an_archived_file(project, run):
    hip = write_leaflet(project / "leaflets", "hip.md", APPROVED, "Rest for six weeks.\n")
    assert run("build", "-j", "1").exit_code == 0
    archived = project / "leaflets" / "archive" / "hip" / "RSC-HP-001-v1.0.pdf"
    issued = archived.read_bytes()
    (project / "leaflets" / RECORD_NAME).unlink()
    hip.write_text(hip.read_text().replace("six", "two"), encoding="utf-8")
    result = run("build", "-j", "1")
    assert archived.read_bytes() == issued
    assert ("leaflets/archive/hip/RSC-HP-001-v1.0.pdf: warning: already archived with other "
            "bytes, and kept as it is: version 1.0 of hip was not in its record") \
        in result.stderr.splitlines()
