"""Front matter: every problem is one error at the exact line it is on."""

from __future__ import annotations

import datetime

import pytest

from leafpress.errors import LeafletError
from leafpress.model.leaflet import leaflet_from_source
from leafpress.model.source import read_source


def problems(path, brand) -> list[str]:
    with pytest.raises(LeafletError) as caught:
        leaflet_from_source(read_source(path), brand)
    return [str(d) for d in caught.value.diagnostics]


def test_valid_front_matter_becomes_a_typed_leaflet(tmp_path, brand):
    path = tmp_path / "ok.md"
    path.write_text("---\ntitle: Back pain\nreviewed: 2026-01-02\nreview_due: 2028-01-02\n"
                    "version: 1.2\ntags: [spine, pain]\n---\n\nBody here.\n")
    leaflet = leaflet_from_source(read_source(path), brand)
    assert leaflet.title == "Back pain"
    assert leaflet.reviewed == datetime.date(2026, 1, 2)
    assert leaflet.version == "1.2"
    assert leaflet.tags == ("spine", "pain")
    assert leaflet.lang == "en-GB"  # from the brand
    assert leaflet.body_line == 8
    assert leaflet.body.strip() == "Body here."


def test_unknown_key_names_the_closest_known_key_at_its_line(tmp_path, brand):
    path = tmp_path / "typo.md"
    path.write_text("---\ntitle: Back pain\nsummary: x\nreview_date: 2027-01-01\n---\nBody\n")
    assert problems(path, brand) == [
        f"{path}:4: error: unknown front-matter key 'review_date' (did you mean 'review_due'?)"]


def test_a_date_that_is_not_a_date_is_an_error_at_its_line(tmp_path, brand):
    path = tmp_path / "date.md"
    path.write_text("---\ntitle: Back pain\n\nreviewed: last Tuesday\n---\nBody\n")
    assert problems(path, brand) == [
        f"{path}:4: error: 'reviewed' must be a date like 2026-10-01"]


def test_every_problem_is_reported_not_just_the_first(tmp_path, brand):
    path = tmp_path / "many.md"
    path.write_text("---\nsummary: x\nurl: http://example.org/x\ncolour: red\n---\nBody\n")
    assert problems(path, brand) == [
        f"{path}:3: error: 'url' must be an https:// address of at most 200 characters",
        f"{path}:4: error: unknown front-matter key 'colour'",
        f"{path}:1: error: missing 'title'",
    ]


def test_review_due_before_reviewed_is_an_error(tmp_path, brand):
    path = tmp_path / "order.md"
    path.write_text("---\ntitle: T\nreviewed: 2026-05-01\nreview_due: 2025-05-01\n---\nBody\n")
    assert problems(path, brand) == [f"{path}:4: error: 'review_due' must be after 'reviewed'"]


@pytest.mark.parametrize(("text", "line", "message"), [
    ("title: x\n", 1, "missing front matter: the file must start with a '---' line"),
    ("---\ntitle: x\nBody\n", 1, "front matter is not closed: add a '---' line after it"),
    ("---\ntitle: x\nsummary: [unclosed\n---\nBody\n", 3, "invalid front matter:"),
    ("---\ntitle: x\n\nsummary: !!python/object/apply:os.system [ls]\n---\n", 4,
     "invalid front matter: YAML tags like !!python are not allowed"),
    ("---\ntitle: &a x\nsummary: *a\n---\n", 2,
     "invalid front matter: anchors and aliases (&name, *name) are not allowed"),
    ("---\n- a list\n---\n", 2, "front matter must be 'key: value' lines"),
    ("  \n\n", 1, "the file is empty"),
])
def test_broken_front_matter_is_one_clear_line(tmp_path, brand, text, line, message):
    path = tmp_path / "broken.md"
    path.write_text(text)
    [problem] = problems(path, brand)
    assert problem.startswith(f"{path}:{line}: error: {message}")


def test_not_utf8_is_an_error_at_the_line_of_the_bad_byte(tmp_path, brand):
    path = tmp_path / "latin1.md"
    path.write_bytes("---\ntitle: x\n---\nCaf\u00e9 open.\n".encode("latin-1"))
    [problem] = problems(path, brand)
    assert problem.startswith(f"{path}:4: error: not UTF-8 text")


@pytest.mark.parametrize(("front", "line", "message"), [
    ("title: x\nreviewed: 2026-02-30", 3, "invalid front matter: day is out of range for month"),
    ("title: x\nversion: " + "9" * 5000, 3, "invalid front matter: a number with too many digits"),
    ("title: x\n<<: {summary: y}", 3, "invalid front matter: merge keys (<<) are not allowed"),
    ("title: x\nsummary: !!python/name:os.system", 3,
     "invalid front matter: YAML tags like !!python are not allowed"),
    ("title: x\nsummary: !!binary 'not base64!'", 3, "invalid front matter: failed to decode"),
    ("title: x\nsummary: a\x00b", 3, "invalid front matter: unacceptable character #x0000"),
    ("title: x\ntags: " + "[" * 3000 + "]" * 3000, 2, "invalid front matter: nested too deeply"),
    ("title: x\nversion: 0x" + "f" * 5000, 3, "'version' must be numbers with dots, like 1, 1.2 or 2.0.1"),
])
def test_front_matter_that_breaks_yaml_libraries_is_one_clear_line(tmp_path, brand, front, line,
                                                                   message):
    path = tmp_path / "x.md"
    path.write_text(f"---\n{front}\n---\nBody\n")
    [problem] = problems(path, brand)
    assert problem.startswith(f"{path}:{line}: error: {message}")


def test_front_matter_over_64_kb_is_refused_before_parsing(tmp_path, brand):
    path = tmp_path / "big.md"
    path.write_text("---\ntitle: x\nsummary: " + "a" * 64 * 1024 + "\n---\nBody\n")
    assert problems(path, brand) == [f"{path}:1: error: front matter is larger than 64 KB"]


def test_a_bom_windows_line_ends_and_a_dot_fence_are_fine(tmp_path, brand):
    path = tmp_path / "windows.md"
    path.write_bytes("\ufeff---\r\ntitle: Caf\u00e9\r\nreviewed: 2026-01-02\r\n...\r\n"
                     "Body\r\n".encode("utf-8"))
    leaflet = leaflet_from_source(read_source(path), brand)
    assert (leaflet.title, leaflet.lines["reviewed"], leaflet.body) == ("Caf\u00e9", 3, "Body\n")


def test_a_folder_named_like_a_source_is_one_line_not_a_traceback(tmp_path, brand):
    (tmp_path / "folder.md").mkdir()
    assert problems(tmp_path / "folder.md", brand) == [
        f"{tmp_path / 'folder.md'}: error: cannot read: is a folder"]


def test_a_source_over_2_mb_is_refused_unread(tmp_path, brand):
    path = tmp_path / "huge.md"
    path.write_text("---\ntitle: x\n---\n" + "word " * 500_000)
    assert problems(path, brand) == [f"{path}: error: the file is larger than 2 MB"]
