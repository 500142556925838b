"""Incremental builds: the manifest decides what is rebuilt, and never leaves a stale PDF."""

from __future__ import annotations

import hashlib
import json
import shutil

import pypdf
import pytest
from click.testing import CliRunner

from leafpress.build import workers
from leafpress.build.builder import build
from leafpress.cli import main
from leafpress.model.brand import load_brand
from leafpress.build.manifest import read_entries

from .conftest import ROOT, normalise, pdf_text, write_leaflet

MANIFEST = ".leafpress-manifest.json"  # the file name is a contract: not read from the code

# No version: these leaflets are edited in place, which an issued version refuses (test_control).
FRONT = "title: {title}\nreference: T-{n}\nreviewed: 2026-10-01"


@pytest.fixture
def site(project):
    """Three leaflets, one with an image, in a project copy; returns (project, build function)."""
    leaflets = project / "leaflets"
    (leaflets / "images").mkdir()
    shutil.copy(ROOT / "leaflets" / "images" / "spine-regions.svg", leaflets / "images")
    write_leaflet(leaflets, "alpha.md", FRONT.format(title="Alpha", n=1), "Alpha body.\n")
    write_leaflet(leaflets, "beta.md", FRONT.format(title="Beta", n=2), "Beta body.\n")
    write_leaflet(leaflets, "gamma.md", FRONT.format(title="Gamma", n=3),
                  "Gamma body.\n\n![The spine from the side](images/spine-regions.svg)\n")

    def run(jobs=1, **options):
        brand = load_brand(project / "styles" / "brand.toml")
        return build([leaflets], project / "dist", brand, jobs=jobs, **options)

    return project, run


def snapshot(folder):
    """Name -> (inode, mtime_ns, size) of every file, hidden ones included."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.iterdir()}


def names(paths):
    return sorted(p.name for p in paths)


@pytest.fixture
def worker_starts(monkeypatch):
    """Count worker processes actually started (a spy around the real class)."""
    started = []
    real_init = workers._Worker.__init__

    def counting_init(self, *args, **kwargs):
        started.append(1)
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(workers._Worker, "__init__", counting_init)
    return started


def test_first_build_records_each_pdf_hash(site):
    project, run = site
    result = run()
    assert names(result.written) == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
    entries = read_entries(project / "dist" / MANIFEST)
    assert sorted(entries) == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
    for name, entry in entries.items():
        assert entry.pdf == hashlib.sha256((project / "dist" / name).read_bytes()).hexdigest()
        assert entry.format == "a4"
    assert entries["beta.pdf"].source.endswith("leaflets/beta.md")


def test_noop_rebuild_writes_nothing_and_starts_no_worker(site, worker_starts):
    project, run = site
    run(jobs=2)
    assert len(worker_starts) == 2
    before = snapshot(project / "dist")
    result = run(jobs=2)
    assert result.written == [] and result.failed == []
    assert names(result.up_to_date) == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
    assert snapshot(project / "dist") == before  # same files, inodes and mtimes: nothing written
    assert len(worker_starts) == 2  # no new worker for a no-op


def test_one_edited_source_rebuilds_only_that_leaflet(site, worker_starts):
    project, run = site
    run()
    before = snapshot(project / "dist")
    source = project / "leaflets" / "beta.md"
    source.write_text(source.read_text() + "\nA sentence added by the author.\n")
    worker_starts.clear()
    result = run(jobs=2)
    assert names(result.written) == ["beta.pdf"]
    assert names(result.up_to_date) == ["alpha.pdf", "gamma.pdf"]
    assert len(worker_starts) == 1  # never more workers than jobs
    after = snapshot(project / "dist")
    assert after["alpha.pdf"] == before["alpha.pdf"] and after["gamma.pdf"] == before["gamma.pdf"]
    assert after["beta.pdf"] != before["beta.pdf"]
    assert "A sentence added by the author." in normalise(pdf_text(project / "dist" / "beta.pdf"))


def test_an_edit_to_a_referenced_image_rebuilds_its_leaflet(site):
    project, run = site
    run()
    image = project / "leaflets" / "images" / "spine-regions.svg"
    image.write_text(image.read_text().replace("#e5e7eb", "#ffcc00"))
    assert names(run().written) == ["gamma.pdf"]


def test_a_deleted_or_altered_output_is_rebuilt(site):
    project, run = site
    run()
    target = project / "dist" / "alpha.pdf"
    for damage in ("delete", "alter", "truncate"):
        if damage == "delete":
            target.unlink()
        elif damage == "alter":
            data = bytearray(target.read_bytes())
            data[len(data) // 2] ^= 0xFF  # one byte, same size: only the hash can tell
            target.write_bytes(bytes(data))
        else:
            target.write_bytes(target.read_bytes()[:100])
        result = run()
        assert names(result.written) == ["alpha.pdf"], damage
        assert pypdf.PdfReader(target).metadata.title == "Alpha"


EDITS = {
    "brand": ("styles/brand.toml", 'primary = "#00677f"', 'primary = "#005a70"'),
    "template": ("templates/leaflet.html.j2", "<header class=\"masthead\">",
                 "<header class=\"masthead\" data-edited>"),
    "stylesheet": ("styles/leaflet.css", "line-height: 1.5;", "line-height: 1.55;"),
    "font folder": ("styles/fonts/OFL.txt", "Copyright", "Copyright (edited)"),
}


def test_a_brand_template_or_style_change_rebuilds_all(site):
    project, run = site
    run()
    for edit, (path, old, new) in EDITS.items():
        file = project / path
        text = file.read_text()
        assert old in text, edit
        file.write_text(text.replace(old, new, 1))
        assert names(run().written) == ["alpha.pdf", "beta.pdf", "gamma.pdf"], edit
    assert run().written == []


def test_a_style_edited_between_builds_in_one_process_is_the_style_used(site):
    """The parent keeps each format's prepared stylesheets for its next build (watch does
    many): an edited stylesheet must be read again, not served from what was kept."""
    project, run = site
    run()
    assert "EDITED-STYLE" not in pdf_text(project / "dist" / "alpha.pdf")
    a4_css = project / "styles" / "a4.css"
    a4_css.write_text(a4_css.read_text() + '\nh1::after { content: " EDITED-STYLE"; }\n')
    assert names(run().written) == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
    assert "EDITED-STYLE" in pdf_text(project / "dist" / "alpha.pdf")


def test_force_rebuilds_everything(site, monkeypatch):
    project, run = site
    run()
    monkeypatch.chdir(project)
    before = snapshot(project / "dist")
    result = CliRunner().invoke(main, ["build", "--force"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "3 built, 0 up to date, 0 failed" in result.stdout
    after = snapshot(project / "dist")
    assert all(after[name][0] != before[name][0] for name in ("alpha.pdf", "beta.pdf", "gamma.pdf"))
    again = CliRunner().invoke(main, ["build"], catch_exceptions=False)
    assert "0 built, 3 up to date, 0 failed" in again.stdout


CORRUPT = [b"{not json", b"", b"\xff\xfe\x00", b"[1, 2, 3]",
           b'{"leafpress-manifest": 1, "entries": {"alpha.pdf": 3}}',
           b'{"leafpress-manifest": 1, "entries": {"alpha.pdf": {"key": "k"}}}',
           b'{"leafpress-manifest": 99, "entries": {}}']


def test_a_corrupt_manifest_means_a_full_rebuild(site):
    project, run = site
    run()
    manifest = project / "dist" / MANIFEST
    for content in CORRUPT:
        manifest.write_bytes(content)
        result = run()
        assert names(result.written) == ["alpha.pdf", "beta.pdf", "gamma.pdf"], content
        problems = [str(d) for d in result.diagnostics]
        assert len(problems) == 1, content
        assert "dist/.leafpress-manifest.json: warning: ignoring the build manifest: " in problems[0]
        assert problems[0].endswith("; its PDFs are rebuilt")
        assert sorted(read_entries(manifest)) == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
    assert run().written == []
    # Even a manifest that cannot be written is no reason to fail: the PDFs are all there.
    manifest.unlink()
    manifest.mkdir()
    result = run()
    assert result.ok and names(result.written) == ["alpha.pdf", "beta.pdf", "gamma.pdf"]
    assert [d.message.split(":")[0] for d in result.diagnostics] == \
        ["ignoring the build manifest", "could not record the build"]


def test_a_manifest_entry_never_vouches_for_a_pdf_from_other_inputs(site):
    project, run = site
    run()
    beta = project / "leaflets" / "beta.md"
    old_text = beta.read_text()
    beta.write_text(old_text.replace("Beta body.", "Beta body, second edition."))
    run()
    # Put the first edition's PDF back by hand: its hash no longer matches the manifest.
    beta.write_text(old_text)
    result = run()
    assert names(result.written) == ["beta.pdf"]
    assert "second edition" not in pdf_text(project / "dist" / "beta.pdf")


def test_warnings_are_replayed_and_strict_rechecks_up_to_date_pdfs(site):
    project, run = site
    write_leaflet(project / "leaflets", "delta.md", FRONT.format(title="Delta", n=4),
                  "Delta body.\n\n![Missing picture](images/missing.png)\n")
    first = run()
    assert "delta.pdf" in names(first.written)
    warned = [str(d) for d in first.diagnostics]
    assert any("delta.md:" in w and "warning" in w and "missing.png" in w for w in warned)
    second = run()
    assert second.written == [] and [str(d) for d in second.diagnostics] == warned
    strict = run(strict=True)
    assert [p.name for p in strict.failed] == ["delta.md"]
    assert strict.written == []
    # A file that appears later is picked up: the missing image is part of the key.
    shutil.copy(project / "leaflets" / "images" / "spine-regions.svg",
                project / "leaflets" / "images" / "missing.png")
    assert names(run().written) == ["delta.pdf"]


def test_an_invalid_leaflet_keeps_its_old_pdf_and_is_rebuilt_when_fixed(site):
    project, run = site
    run()
    alpha = project / "leaflets" / "alpha.md"
    good = alpha.read_text()
    alpha.write_text(good.replace("reviewed: 2026-10-01", "reviewed: soon"))
    broken = run()
    assert [p.name for p in broken.failed] == ["alpha.md"] and broken.written == []
    alpha.write_text(good.replace("Alpha body.", "Alpha body, fixed."))
    assert names(run().written) == ["alpha.pdf"]


def test_manifest_is_valid_json_and_keeps_other_sources_entries(site):
    project, run = site
    brand = load_brand(project / "styles" / "brand.toml")
    build([project / "leaflets" / "alpha.md"], project / "dist", brand, jobs=1)
    build([project / "leaflets" / "beta.md"], project / "dist", brand, jobs=1)
    data = json.loads((project / "dist" / MANIFEST).read_text())
    assert sorted(data["entries"]) == ["alpha.pdf", "beta.pdf"]
    assert names(run().written) == ["gamma.pdf"]
    assert not list((project / "dist").glob(".*.partial"))


@pytest.mark.parametrize("kind", ["fifo", "device", "folder", "file", "missing"])
def test_image_digests_never_block_or_read_what_is_not_a_file(tmp_path, kind):
    # The build's parent hashes each file a leaflet's last render read, and has no timeout: a
    # pipe or /dev/zero put in an image's place must give a marker at once, not block or read.
    import os
    import threading

    from leafpress.build.manifest import file_digest

    path = tmp_path / "picture.png"
    make = {"fifo": lambda: os.mkfifo(path), "device": lambda: path.symlink_to("/dev/zero"),
            "folder": path.mkdir, "file": lambda: path.write_bytes(b"png"),
            "missing": lambda: None}
    make[kind]()
    answer: list[str] = []
    worker = threading.Thread(target=lambda: answer.append(file_digest(path)), daemon=True)
    worker.start()
    worker.join(30)
    expected = {"fifo": "not-a-file", "device": "not-a-file", "folder": "not-a-file",
                "file": hashlib.sha256(b"png").hexdigest(), "missing": "missing"}[kind]
    assert answer == [expected]



def _png(path, colour):
    from PIL import Image

    Image.new("RGB", (4, 4), colour).save(path)


@pytest.mark.parametrize("how", ["raw-html", "svg-image", "two-leaflets-one-image"])
def test_what_the_renderer_read_is_what_rebuilds_it(site, how):
    """Dependencies are the files the fetcher served, however the leaflet reached them."""
    project, run = site
    leaflets = project / "leaflets"
    _png(leaflets / "images" / "inner.png", "red")
    if how == "raw-html":
        body = '<p><img src="images/inner.png" alt="A red square"></p>\n'
    else:
        (leaflets / "images" / "frame.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
            '<image href="inner.png" width="40" height="40"/></svg>')
        body = "![A framed square](images/frame.svg)\n"
    write_leaflet(leaflets, "delta.md", FRONT.format(title="Delta", n=4), body)
    if how == "two-leaflets-one-image":  # the second one gets it from the worker's image cache
        write_leaflet(leaflets, "epsilon.md", FRONT.format(title="Epsilon", n=5), body)
    first = run()
    assert first.ok, [str(d) for d in first.diagnostics]
    entries = read_entries(project / "dist" / MANIFEST)
    assert "images/inner.png" in entries["delta.pdf"].dependencies
    assert run().written == []
    _png(leaflets / "images" / "inner.png", "blue")
    rebuilt = names(run().written)
    assert rebuilt == (["delta.pdf", "epsilon.pdf"] if how == "two-leaflets-one-image"
                       else ["delta.pdf"])


def test_a_missing_image_that_appears_rebuilds_its_leaflet(site):
    project, run = site
    leaflets = project / "leaflets"
    write_leaflet(leaflets, "delta.md", FRONT.format(title="Delta", n=4),
                  "![A red square](images/later.png)\n")
    assert names(run().written) == ["alpha.pdf", "beta.pdf", "delta.pdf", "gamma.pdf"]
    assert run().written == []
    _png(leaflets / "images" / "later.png", "red")
    assert names(run().written) == ["delta.pdf"]
