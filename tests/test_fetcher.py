"""The fetcher is the only way in: every resource kind, from every file that can name one."""

from __future__ import annotations

import base64
import os

import pypdf
import pytest

from leafpress.build.builder import build
from leafpress.model.brand import load_brand
from leafpress.render.fetcher import LocalFetcher, ResourceRefused

from .conftest import normalise, pdf_text, write_leaflet
from .hostile import (ACTIVE_PDF_KEYS, CANARY_PNG_SIZE, CANARY_SVG_TEXT, CANARY_TEXT, canary_png,
                      expanded, image_sizes, leaks, png, start_listener, write_canaries)

# What a clinic's own stylesheet or template could name (they are trusted, but a pasted
# snippet must still not reach the network or a file outside the allowed folders).
HOSTILE_CSS = """
@import url("{server}/css-import.css");
@import url("file://{base}/canary.css");
@import "../canary.css";
@font-face {{ font-family: LeakFont; src: url("{server}/css-font.ttf"), url("../canary.ttf"); }}
h2 {{ font-family: LeakFont, sans-serif; }}
body {{ background-image: url("{server}/css-background.png"); }}
h1::before {{ content: url("{server}/css-content.png"); }}
ul {{ list-style-image: url("../canary.png"); }}
.summary {{ border-image: url("file://{base}/canary.png") 30 round; }}
main::after {{ content: url("file://{base}/canary.svg"); }}
"""
HOSTILE_HEAD = """
  <link rel="stylesheet" href="{server}/template-link.css">
  <link rel="stylesheet" href="file://{base}/canary.css">
  <link rel="attachment" href="notes.txt" title="notes">
  <link rel="attachment" href="file://{base}/canary.txt">
</head>"""
HOSTILE_BODY = """
  <img src="{server}/template-img.png" alt="">
  <a rel="attachment" href="notes.txt">ATTACHED-NOTES</a>
  <a href="relative.html">RELATIVE-LINK</a>
  <a href="file://{base}/canary.txt">FILE-LINK</a>
</body>"""


@pytest.fixture
def listener():
    listener, server = start_listener()
    yield listener
    server.shutdown()


def test_clinic_css_and_template_cannot_reach_out_through_any_resource_kind(
        project, listener, tmp_path, monkeypatch):
    base = tmp_path.resolve()
    write_canaries(base)
    values = {"server": listener.url, "base": base}
    css = project / "styles" / "leaflet.css"
    css.write_text(HOSTILE_CSS.format(**values) + css.read_text())
    template = project / "templates" / "leaflet.html.j2"
    text = template.read_text().replace("</head>", HOSTILE_HEAD.format(**values))
    template.write_text(text.replace("</body>", HOSTILE_BODY.format(**values)))
    (project / "leaflets" / "notes.txt").write_text("NOTES-IN-THE-FOLDER are never attached")
    write_leaflet(project / "leaflets", "plain.md", "title: Plain\nsummary: A summary",
                  "## Section\n\n- a list\n")
    monkeypatch.chdir(project)
    lines: list[str] = []
    result = build([project / "leaflets"], project / "dist",
                   load_brand(project / "styles" / "brand.toml"), jobs=1,
                   report=lambda d: lines.append(str(d)))

    assert result.ok, lines
    assert listener.connections == [] and listener.requests == []
    refused = "\n".join(lines)
    for name in ("css-import.css", "css-font.ttf", "css-background.png", "css-content.png",
                 "template-link.css", "template-img.png"):
        assert f"{listener.url}/{name}: network resources are not allowed" in refused
    for name in ("canary.css", "canary.ttf", "canary.png", "canary.svg"):
        assert f"{base}/{name}: outside the leaflet's folder" in refused
    pdf = project / "dist" / "plain.pdf"
    data = expanded(pdf, tmp_path)
    assert leaks(data, [CANARY_TEXT, CANARY_SVG_TEXT, "NOTES-IN-THE-FOLDER", str(base),
                        "file:", "relative.html"]) == []
    assert [key for key in ACTIVE_PDF_KEYS if key in data] == []
    assert CANARY_PNG_SIZE not in image_sizes(pdf)
    assert pypdf.PdfReader(pdf).attachments == {}
    text = normalise(pdf_text(pdf))
    assert "ATTACHED-NOTES RELATIVE-LINK FILE-LINK" in text  # the words stay, the targets go


@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "leaflets").mkdir()
    fetcher = LocalFetcher([tmp_path / "styles"])
    fetcher.document_root = (tmp_path / "leaflets").resolve()
    return fetcher


def _refused(fetcher: LocalFetcher, url: str) -> str:
    with pytest.raises(ResourceRefused):
        fetcher.fetch(url)
    return fetcher.refused[-1][1]


def test_files_inside_the_allowed_folders_are_served(fetcher, tmp_path):
    (tmp_path / "leaflets" / "a.png").write_bytes(canary_png())
    (tmp_path / "styles" / "x.css").write_text("p {}")
    assert fetcher.fetch((tmp_path / "leaflets" / "a.png").as_uri()).read() == canary_png()
    response = fetcher.fetch((tmp_path / "styles" / "x.css").as_uri())
    assert response.read() == b"p {}" and response.content_type == "text/css"


@pytest.mark.parametrize(("url", "why"), [
    ("http://127.0.0.1:9/x.png", "network resources are not allowed"),
    ("https://example.org/x.png", "network resources are not allowed"),
    ("ftp://example.org/x.png", "network resources are not allowed"),
    ("file:///etc/passwd", "outside the leaflet's folder, templates/ and styles/"),
    ("file:///dev/urandom", "outside the leaflet's folder, templates/ and styles/"),
    ("data:text/html,<script>x</script>", "only data: images are allowed"),
    ("data:application/pdf;base64,JVBERi0=", "only data: images are allowed"),
])
def test_anything_else_is_refused(fetcher, url, why):
    assert _refused(fetcher, url) == why


def test_dot_dot_and_symlinks_cannot_leave_the_folder(fetcher, tmp_path):
    (tmp_path / "secret.png").write_bytes(canary_png())
    leaflets = tmp_path / "leaflets"
    (leaflets / "link.png").symlink_to(tmp_path / "secret.png")
    (leaflets / "dir").symlink_to(tmp_path)
    outside = "outside the leaflet's folder, templates/ and styles/"
    assert _refused(fetcher, leaflets.as_uri() + "/../secret.png") == outside
    assert _refused(fetcher, leaflets.as_uri() + "/%2e%2e/secret.png") == outside
    assert _refused(fetcher, (leaflets / "link.png").as_uri()) == outside
    assert _refused(fetcher, (leaflets / "dir" / "secret.png").as_uri()) == outside


def test_special_and_missing_files_are_refused_without_reading(fetcher, tmp_path):
    leaflets = tmp_path / "leaflets"
    os.mkfifo(leaflets / "pipe.png")  # reading it would block for ever
    (leaflets / "folder.png").mkdir()
    assert _refused(fetcher, (leaflets / "pipe.png").as_uri()) == "not a regular file"
    assert _refused(fetcher, (leaflets / "folder.png").as_uri()) == "not a regular file"
    assert _refused(fetcher, (leaflets / "none.png").as_uri()) == "file not found"
    assert _refused(fetcher, leaflets.as_uri() + "/nul%00.png") == "not a usable file name"


def test_images_over_the_pixel_budget_are_refused_as_fatal_even_as_data(fetcher, tmp_path):
    bomb = png(8000, 6000)  # 48 megapixels in a few kilobytes
    (tmp_path / "leaflets" / "bomb.png").write_bytes(bomb)
    message = "image is 8000 x 6000 pixels, over the limit of 40 megapixels; make it smaller"
    assert _refused(fetcher, (tmp_path / "leaflets" / "bomb.png").as_uri()) == message
    data_url = "data:image/png;base64," + base64.b64encode(bomb).decode()
    assert _refused(fetcher, data_url) == message
    assert fetcher.refused[-1][2] is True  # fatal: the leaflet is not written
    small = "data:image/png;base64," + base64.b64encode(png(2000, 1500)).decode()
    assert fetcher.fetch(small).read() == png(2000, 1500)


def test_a_picture_cached_for_one_folder_is_not_served_to_another(project, monkeypatch):
    leaflets = project / "leaflets"
    for name in ("a", "b"):
        (leaflets / name).mkdir()
    (leaflets / "a" / "images").mkdir()
    (leaflets / "a" / "images" / "pic.png").write_bytes(canary_png())
    write_leaflet(leaflets / "a", "first.md", "title: First", "![A picture](images/pic.png)\n")
    write_leaflet(leaflets / "b", "second.md", "title: Second", "![Borrowed](../a/images/pic.png)\n")
    monkeypatch.chdir(project)
    lines: list[str] = []
    # One worker renders both, first.md first: its picture is in the worker's cache.
    result = build([leaflets / "a" / "first.md", leaflets / "b" / "second.md"], project / "dist",
                   load_brand(project / "styles" / "brand.toml"), jobs=1,
                   report=lambda d: lines.append(str(d)))
    assert result.ok
    assert lines == ["leaflets/b/second.md:4: warning: "
                     f"{leaflets.resolve()}/a/images/pic.png: outside the leaflet's folder, "
                     "templates/ and styles/"]
    assert image_sizes(project / "dist" / "first.pdf") == [CANARY_PNG_SIZE]
    assert image_sizes(project / "dist" / "second.pdf") == []
