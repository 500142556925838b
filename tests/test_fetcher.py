"""The fetcher on its own: what WeasyPrint may load, and the one-line reason for each refusal."""

from __future__ import annotations

import base64
import os

import pytest

from leafpress.fetcher import LocalFetcher, ResourceRefused
from leafpress.limits import MAX_RESOURCE_BYTES

from .hostile import huge_png, png_bytes


@pytest.fixture
def fetcher(tmp_path):
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "leaflet.css").write_text("p { color: black }")
    leaflets = tmp_path / "leaflets"
    (leaflets / "images").mkdir(parents=True)
    (leaflets / "images" / "ok.png").write_bytes(png_bytes(b"ok"))
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = LocalFetcher([tmp_path / "styles"])
    fetcher.document_root = leaflets.resolve()
    return fetcher


def refusal(fetcher: LocalFetcher, url: str) -> str:
    with pytest.raises(ResourceRefused) as caught:
        fetcher.fetch(url)
    return str(caught.value)


def test_files_in_the_leaflet_folder_and_styles_load(fetcher, tmp_path):
    response = fetcher.fetch((tmp_path / "leaflets" / "images" / "ok.png").as_uri())
    assert response.read() == png_bytes(b"ok") and response.content_type == "image/png"
    assert fetcher.fetch((tmp_path / "styles" / "leaflet.css").as_uri()).read() == \
        b"p { color: black }"


@pytest.mark.parametrize(("url", "message"), [
    ("http://127.0.0.1:9/x.png", "network resources are not allowed: http://127.0.0.1:9/x.png"),
    ("https://example.org/x.png", "network resources are not allowed: https://example.org/x.png"),
    ("ftp://example.org/x", "network resources are not allowed: ftp://example.org/x"),
    ("data:text/html,<script>", "only data: images are allowed: data:text/html,<script>"),
    ("file:///etc/passwd", "outside the leaflet's folder, templates/ and styles/: "
                           "file:///etc/passwd"),
])
def test_other_addresses_are_refused_and_named(fetcher, url, message):
    assert refusal(fetcher, url) == message
    assert fetcher.refused[-1][0] == url


def test_escapes_through_dot_dot_symlinks_and_loops_are_refused(fetcher, tmp_path):
    images = tmp_path / "leaflets" / "images"
    (images / "secret.png").symlink_to(tmp_path / "secret.txt")
    (images / "loop-a.png").symlink_to(images / "loop-b.png")
    (images / "loop-b.png").symlink_to(images / "loop-a.png")
    base = images.as_uri()
    assert refusal(fetcher, f"{base}/../../secret.txt").startswith("outside the leaflet's folder")
    assert refusal(fetcher, f"{base}/secret.png") == \
        "outside the leaflet's folder, templates/ and styles/: images/secret.png"
    assert refusal(fetcher, f"{base}/loop-a.png") == "not a usable file name: images/loop-a.png"
    assert refusal(fetcher, f"{base}/nul%00.png") == "not a usable file name: images/nul?.png"


def test_folders_pipes_and_missing_files_are_refused(fetcher, tmp_path):
    images = tmp_path / "leaflets" / "images"
    os.mkfifo(images / "pipe.png")
    base = images.as_uri()
    assert refusal(fetcher, base) == "not a regular file: images"
    assert refusal(fetcher, f"{base}/pipe.png") == "not a regular file: images/pipe.png"
    assert refusal(fetcher, f"{base}/none.png") == "file not found: images/none.png"


def test_a_file_over_the_size_limit_is_refused_unread(fetcher, tmp_path):
    big = tmp_path / "leaflets" / "images" / "big.png"
    with big.open("wb") as handle:  # sparse: costs no disk
        handle.truncate(MAX_RESOURCE_BYTES + 1)
    assert refusal(fetcher, big.as_uri()) == "file larger than 20 MB: images/big.png"


def test_images_over_the_pixel_budget_are_refused_from_files_and_data(fetcher, tmp_path):
    big = tmp_path / "leaflets" / "images" / "big.png"
    big.write_bytes(huge_png(10_000, 5_100))
    assert refusal(fetcher, big.as_uri()) == (
        "image of 10000 x 5100 pixels (51 megapixels) is over the 50 megapixel limit: "
        "images/big.png")
    data = "data:image/png;base64," + base64.b64encode(huge_png(20_000, 20_000)).decode()
    assert refusal(fetcher, data).startswith(
        "image of 20000 x 20000 pixels (400 megapixels) is over the 50 megapixel limit: data:")
    # Exactly at the budget is fine.
    big.write_bytes(huge_png(10_000, 5_000))
    assert fetcher.fetch(big.as_uri()).read() == big.read_bytes()


def test_a_data_image_under_the_budget_loads(fetcher):
    data = base64.b64encode(png_bytes(b"abc")).decode()
    response = fetcher.fetch(f"data:image/png;base64,{data}")
    assert response.read() == png_bytes(b"abc") and response.content_type == "image/png"


def test_each_leaflet_folder_is_its_own(fetcher, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.png").write_bytes(png_bytes(b"x"))
    assert refusal(fetcher, (other / "x.png").as_uri()).startswith("outside the leaflet's folder")
    fetcher.document_root = other.resolve()
    assert fetcher.fetch((other / "x.png").as_uri()).read() == png_bytes(b"x")


def test_pillow_refuses_bombs_even_without_the_fetcher():
    # Defence in depth: the renderer lowers Pillow's own limit and makes its warning an error.
    import io
    import warnings

    from PIL import Image

    from leafpress.fetcher import guard_pillow

    saved = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():  # restores the filters guard_pillow changes
            guard_pillow()
            with pytest.raises((Image.DecompressionBombWarning, Image.DecompressionBombError)):
                Image.open(io.BytesIO(huge_png(8_000, 8_000)))
    finally:
        Image.MAX_IMAGE_PIXELS = saved
