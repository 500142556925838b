"""Hostile input, round two, where the attack is not a source: the output folder, the
terminal, the preview server, a full disk. Each test is named after its case (issue 17)."""

from __future__ import annotations

import gc
import hashlib
import http.client
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from leafpress.build.builder import build
from leafpress.model.brand import load_brand

from .conftest import ROOT, SAMPLES, pdf_text, write_leaflet
from .hostile import noise_png

HOSTILE = Path(__file__).resolve().parent / "cases" / "hostile"


def _cli(project: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), *args], cwd=project,
                          capture_output=True, text=True, timeout=timeout, env=env,
                          check=False)


def _one_line_each(done: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-2000:]


# ---- 8: an altered PDF beside a forged manifest ----------------------------------------

def test_manifest_forged_entry_beside_a_swapped_pdf_is_not_trusted(project):
    shutil.copy(HOSTILE / "manifest_forged_entry.md", project / "leaflets")
    brand = load_brand(project / "styles" / "brand.toml")
    out = project / "dist"
    assert build([project / "leaflets"], out, brand, jobs=1, catalogue=False).ok
    pdf = out / "manifest_forged_entry.pdf"
    real = json.loads((out / ".leafpress-manifest.json").read_text())
    # The attacker swaps the PDF and vouches for it in extra "manifests" of their own.
    forged = (ROOT / "tests" / "golden").glob("*")  # any other bytes will do
    fake = b"%PDF-1.4\n% forged leaflet\n" + b"".join(p.read_bytes()[:100] for p in forged)
    pdf.write_bytes(fake)
    entry = real["entries"][pdf.name]
    real["entries"][pdf.name] = {**entry, "pdf": hashlib.sha256(fake).hexdigest()}
    for name in (".leafpress-manifest.forged.json", ".leafpress-manifest.shard-3-of-2.json",
                 ".leafpress-manifest.shard-1-of-2.json.json"):
        (out / name).write_text(json.dumps(real))
    for _ in range(2):
        result = build([project / "leaflets"], out, brand, jobs=1, catalogue=False)
        assert result.ok
    assert "The real text of this leaflet." in pdf_text(pdf)
    assert result.up_to_date == [pdf]  # rebuilt once, then trusted again: its own entry


def test_manifest_dependency_names_never_leave_the_leaflets_folder(tmp_path):
    from leafpress.build.manifest import Entry, Manifest

    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    folder = tmp_path / "leaflets"
    folder.mkdir()
    target = tmp_path / "x.pdf"
    target.write_bytes(b"%PDF")
    manifest = Manifest(tmp_path, ".leafpress-manifest.json")
    digest = hashlib.sha256(b"SECRET").hexdigest()
    manifest.record(target, Entry("x.md", "a4", "k", hashlib.sha256(b"%PDF").hexdigest(),
                                  dependencies={"../secret.txt": digest}))
    assert manifest.current(target, "k", folder) is None  # never read, so never a match
    (folder / "inside.txt").write_text("SECRET")
    manifest.record(target, Entry("x.md", "a4", "k", hashlib.sha256(b"%PDF").hexdigest(),
                                  dependencies={"inside.txt": digest}))
    assert manifest.current(target, "k", folder) is not None


def test_a_fifo_named_like_a_pdf_in_the_output_folder_is_never_opened(project):
    write_leaflet(project / "leaflets", "a.md", "title: A")
    (project / "dist").mkdir()
    os.mkfifo(project / "dist" / "a-booklet.pdf")
    done = _cli(project, "build", timeout=120)
    _one_line_each(done)
    assert done.returncode == 0, done.stderr


# ---- 3: a FIFO, /dev/zero or /proc in place of the manifest and the catalogue record ----

@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """A project with one leaflet, built: its manifest and catalogue record exist."""
    project = tmp_path_factory.mktemp("built-once")
    shutil.copytree(ROOT / "styles", project / "styles")
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "leaflets").mkdir()
    write_leaflet(project / "leaflets", "a.md", "title: A")
    assert _cli(project, "build").returncode == 0
    return project


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "proc-pagemap"])
def test_manifest_and_record_that_never_end_do_not_hang_the_build(built_once, tmp_path, kind):
    project = tmp_path / "project"
    shutil.copytree(built_once, project, symlinks=True)
    for path in (project / "dist" / ".leafpress-manifest.json",
                 project / "dist" / "thumbs" / "catalogue.json"):
        path.unlink()
        if kind == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero" if kind == "dev-zero" else "/proc/self/pagemap")
    done = _cli(project, "build", timeout=120)
    _one_line_each(done)
    assert done.returncode == 0, done.stderr
    assert "dist/.leafpress-manifest.json: warning: ignoring the build manifest: cannot be read" \
        in done.stderr
    assert "1 built, 0 up to date, 0 failed" in done.stderr + done.stdout


# ---- 10: one leaflet's pictures never cost the next ------------------------------------

def test_the_image_cache_never_carries_one_leaflets_pictures_to_the_next(project, monkeypatch):
    from leafpress.model.leaflet import leaflet_from_source
    from leafpress.model.source import read_source
    from leafpress.render import pdf
    from leafpress.render.html import render_html
    from leafpress.render.pdf import Renderer

    # The cache's budget cut from 64 MB to 4, with pictures to match: the same rule at a
    # scale that renders in a second (18 MB of noise a picture took several).
    IMAGE_CACHE_BYTES = 4 * 1024**2
    monkeypatch.setattr(pdf, "IMAGE_CACHE_BYTES", IMAGE_CACHE_BYTES)
    brand = load_brand(project / "styles" / "brand.toml")
    renderer = Renderer(brand, [brand.styles / "leaflet.css", brand.styles / "a4.css"])
    folder = project / "leaflets"
    for n in range(4):  # 1.1 MB each: two leaflets' worth is over the budget
        (folder / f"big-{n}.png").write_bytes(noise_png(620, 620, seed=n))
    for first in (0, 2):
        source = write_leaflet(folder, f"pictures-{first}.md", f"title: Pictures {first}",
                               f"![One](big-{first}.png)\n\n![Two](big-{first + 1}.png)\n")
        rendered = renderer.render(render_html(leaflet_from_source(read_source(source), brand),
                                               brand), folder)
        assert rendered.errors == []
        cache = renderer.image_caches[folder.resolve()]
        assert sum(renderer.fetcher.sizes.get(url, 0) for url in cache) <= IMAGE_CACHE_BYTES
    # Hand the pictures' memory back: later tests fork workers with an address-space cap.
    renderer.image_caches.clear()
    del renderer, rendered, cache
    gc.collect()


# ---- 1: the check after layout, when CSS lets something through ------------------------

def test_text_outside_the_page_is_an_error_naming_the_text(project):
    from leafpress.model.leaflet import leaflet_from_source
    from leafpress.model.source import read_source
    from leafpress.render.html import render_html
    from leafpress.render.pdf import Renderer

    # A clinic stylesheet that makes tables wider than the paper: the bounds check, not the
    # shipped CSS, must stop it.
    wide = project / "styles" / "wide.css"
    wide.write_text((project / "styles" / "a4.css").read_text() + "\ntable { width: 300mm; }\n")
    brand = load_brand(project / "styles" / "brand.toml")
    source = write_leaflet(project / "leaflets", "wide.md", "title: Wide",
                           "| Dose | Most in a day |\n|---|---|\n| 1 tablet | Never more than 8 |\n")
    leaflet = leaflet_from_source(read_source(source), brand)
    rendered = Renderer(brand, [brand.styles / "leaflet.css", wide]).render(render_html(leaflet, brand), source.parent)
    assert rendered.errors, "a table 300 mm wide on A4 must be refused"
    assert any('text "Never more than 8"' in m and "runs off page 1" in m
               or 'text "8"' in m and "runs off page 1" in m for m in rendered.errors), \
        rendered.errors
    ok = Renderer(brand, [brand.styles / "leaflet.css", brand.styles / "a4.css"]).render(render_html(leaflet, brand), source.parent)
    assert ok.errors == []


# ---- 11: escape sequences never reach the terminal raw ----------------------------------

def test_escape_sequences_in_file_names_are_escaped_in_every_line(project):
    name = "dose\x1b[2J\x1b[1;1HAll leaflets reviewed\x07.md"
    write_leaflet(project / "leaflets", name, "title: Escapes\nreview_due: 2020-01-01")
    done = _cli(project, "build")
    _one_line_each(done)
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
    assert "dose\\x1b[2J\\x1b[1;1HAll leaflets reviewed\\x07.md:3: warning: review overdue" \
        in done.stderr
    assert "wrote dist/dose\\x1b[2J" in done.stdout


# ---- 12: the preview server -------------------------------------------------------------

@pytest.fixture
def preview(tmp_path):
    from leafpress.authoring.preview import BuildState, PreviewServer

    (tmp_path / "index.html").write_text("<html><body>Catalogue</body></html>")
    (tmp_path / "latin1.html").write_bytes("<p>caf\xe9</p>".encode("latin-1"))
    (tmp_path.parent / "outside.txt").write_text("SECRET")
    (tmp_path / "link.txt").symlink_to(tmp_path.parent / "outside.txt")
    os.mkfifo(tmp_path / "fifo.pdf")
    server = PreviewServer(tmp_path, 0, BuildState())
    server.start()
    yield server.httpd.server_address[1]
    server.stop()


def _ask(port: int, path: str, host: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host if host is not None else f"127.0.0.1:{port}")
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def test_preview_answers_only_its_own_host_and_refuses_bad_paths_quietly(preview, capfd):
    port = preview
    assert _ask(port, "/") == 200
    assert _ask(port, "/", host=f"localhost:{port}") == 200
    for host in ("attacker.example", f"attacker.example:{port}", "127.0.0.1", "127.0.0.1:1", ""):
        assert _ask(port, "/", host=host) == 421, host
        assert _ask(port, "/__leafpress__/state", host=host) == 421, host
    assert _ask(port, "/%00.html") == 400
    assert _ask(port, "/%ed%a0%80") == 400
    assert _ask(port, "/missing.html") == 404
    assert _ask(port, "/../../etc/passwd") == 404
    assert _ask(port, "/latin1.html") == 200
    assert _ask(port, "/link.txt") == 404  # a link out of the folder
    assert _ask(port, "/fifo.pdf") == 404  # would hold the thread for ever
    # A client that resets its connection mid-request (SO_LINGER 0 sends RST on close).
    for _ in range(3):
        client = socket.create_connection(("127.0.0.1", port))
        client.sendall(b"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % port)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    assert _ask(port, "/") == 200
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert captured.err == ""


# ---- 13: output errors are one line each, and written PDFs stay whole --------------------

def test_output_folder_below_a_file_is_one_line(project):
    write_leaflet(project / "leaflets", "a.md", "title: A")
    (project / "file").write_text("not a folder")
    done = _cli(project, "build", "-o", "file/dist")
    _one_line_each(done)
    assert done.returncode == 2  # nothing can be built: like a bad brand file
    assert "file/dist: error: cannot use this as the output folder: not a directory" in done.stderr


def test_index_html_or_a_temp_name_that_is_a_folder_is_one_line(project):
    write_leaflet(project / "leaflets", "a.md", "title: A")
    (project / "dist" / "index.html").mkdir(parents=True)
    (project / "dist" / ".a.pdf.x1y2z3.partial").mkdir()
    done = _cli(project, "build")
    _one_line_each(done)
    assert done.returncode == 1
    assert "dist/index.html: error: cannot write the catalogue: is a directory" in done.stderr
    assert pdf_text(project / "dist" / "a.pdf")
    assert (project / "dist" / ".a.pdf.x1y2z3.partial").is_dir()  # not ours: left alone


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode:
        pytest.skip("needs root to mount a small tmpfs")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_that_fills_up_mid_build_is_one_line_per_leaflet(project, small_disk):
    for sample in SAMPLES.glob("*.md"):
        shutil.copy(sample, project / "leaflets")
    shutil.copytree(SAMPLES / "images", project / "leaflets" / "images", dirs_exist_ok=True)
    # Leave room for about one leaflet, so the disk fills up in the middle of the build.
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * max(0, free - 90 * 1024))
    done = _cli(project, "build", "-o", str(small_disk), "--jobs", "1")
    _one_line_each(done)
    assert done.returncode == 1
    assert "No space left on device".lower() in done.stderr.lower()
    pdfs = sorted(small_disk.glob("*.pdf"))
    for pdf in pdfs:  # whatever was written is whole
        assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True,
                              check=False).returncode == 0
    assert list(small_disk.glob(".*.partial")) == []
    for line in done.stderr.splitlines():
        assert ": error: " in line or ": warning: " in line or " failed" in line, line


# ---- 4: thousands of warnings cost a leaflet milliseconds, not minutes --------------------

def test_thirty_thousand_warnings_are_capped_and_found_in_linear_time(tmp_path, brand):
    import time

    from leafpress.build.builder import _Build, capped
    from leafpress.build.progress import Progress
    from leafpress.model.leaflet import leaflet_from_source
    from leafpress.model.source import read_source

    body = "".join(f"See [part {n}](part-{n}.md).\n" for n in range(30_000))
    source = write_leaflet(tmp_path, "many.md", "title: Many", body)
    leaflet = leaflet_from_source(read_source(source), brand)
    messages = [f"part-{n}.md: links must start with https:, mailto: or tel:; printed as plain "
                "text" for n in range(30_000)]
    seen = []
    run = _Build(tmp_path / "out", brand, False, False, seen.append, Progress())
    started = time.perf_counter()
    run.warn(leaflet, capped(messages))
    assert time.perf_counter() - started < 2.0
    assert [d.line for d in seen[:20]] == list(range(4, 24))  # the body starts at line 4
    assert str(seen[-1]) == f"{source}: warning: 29980 more warning(s) like these not shown"
    assert len(seen) == 21


# ---- 7: thumbs/ as a link to a folder elsewhere -----------------------------------------

def test_a_thumbs_link_to_another_folder_is_left_alone(project):
    write_leaflet(project / "leaflets", "a.md", "title: A")
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "a.webp").write_bytes(b"NOT A THUMBNAIL")
    (elsewhere / "orphan.webp").write_bytes(b"KEEP ME")
    (project / "dist").mkdir()
    (project / "dist" / "thumbs").symlink_to(elsewhere)
    done = _cli(project, "build")
    _one_line_each(done)
    assert done.returncode == 0, done.stderr
    assert "dist: warning: thumbs is a link or a file, not a folder of the catalogue" in done.stderr
    assert sorted(p.name for p in elsewhere.iterdir()) == ["a.webp", "orphan.webp"]
    assert (elsewhere / "a.webp").read_bytes() == b"NOT A THUMBNAIL"
    assert (project / "dist" / "index.html").is_file()
