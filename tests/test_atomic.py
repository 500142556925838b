"""Atomic output: a build killed at any moment leaves only complete PDFs, and cleans up after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pypdf
import pytest

from leafpress.files import atomic_write, remove_partials

from .conftest import ROOT, write_leaflet

LEAFLETS = 16  # enough for kills early, half-way and near the end to land mid-build
PARTIAL_SUFFIX = ".partial"  # a temp file is ".<target>.<random>.partial", never .pdf


def _check_complete(pdf: Path) -> str:
    """qpdf's verdict on a PDF, and its title: only complete files pass."""
    done = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
    assert done.returncode == 0, f"{pdf.name}: {done.stdout}{done.stderr}"
    return pypdf.PdfReader(pdf, strict=True).metadata.title


def _start(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "build", "-o", "dist",
                             "--jobs", "2"], cwd=project, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _workers_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _kill_when(project: Path, ready, rendering: bool = True) -> None:
    """Start a build, SIGKILL its main process as soon as ready(dist) holds, then wait.

    rendering: the build is past its start, so its workers must be there to be killed.
    """
    build = _start(project)
    try:
        while not ready(project / "dist") and build.poll() is None:
            time.sleep(0.005)
        workers = _workers_of(build.pid)
        # Without workers the check below that they died would pass for nothing.
        assert workers or not rendering, "no worker was running when the build was killed"
        build.send_signal(signal.SIGKILL)
        # The kill must land while the build runs: a build that ended first tests nothing.
        assert build.wait(30) == -signal.SIGKILL, "the build finished before it was killed"
        # The workers die with their parent (PR_SET_PDEATHSIG), even mid-render.
        deadline = time.monotonic() + 30
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()


@pytest.fixture
def big_project(project):
    """Short leaflets in a project folder: enough to kill a build half-way."""
    for number in range(LEAFLETS):
        write_leaflet(project / "leaflets", f"leaflet-{number:02}.md",
                      f"title: Leaflet {number}\nreference: T-{number}",  # no version: edited in place
                      "## About\n\n" + "A sentence about recovery. " * 40 + "\n")
    return project


def _retitle(project: Path, mark: str) -> None:
    for source in (project / "leaflets").glob("*.md"):
        lines = source.read_text(encoding="utf-8").split("\n")
        title = next(i for i, line in enumerate(lines) if line.startswith("title:"))
        lines[title] = f"title: {mark} {source.stem}"
        source.write_text("\n".join(lines), encoding="utf-8")


def _newer(started: float, count: int):
    return lambda dist: sum(1 for p in dist.glob("*.pdf") if p.stat().st_mtime > started) >= count


def test_a_build_killed_at_any_moment_leaves_only_complete_pdfs(big_project):
    dist = big_project / "dist"
    stems = sorted(p.stem for p in (big_project / "leaflets").glob("*.md"))

    # Killed with nothing written yet, then after the first PDF: fresh output folder.
    _retitle(big_project, "First")
    _kill_when(big_project, lambda d: True, rendering=False)
    _kill_when(big_project, lambda d: any(d.glob("*.pdf")))
    for pdf in dist.glob("*.pdf"):
        assert _check_complete(pdf) == f"First {pdf.stem}"

    # A complete build: every leaflet has a previous version now.
    assert subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "-o", "dist"],
                          cwd=big_project, capture_output=True).returncode == 0
    # Then new versions, killed early, half-way and near the end.
    _retitle(big_project, "Second")
    for count in (1, len(stems) // 2, len(stems) - 2):
        _kill_when(big_project, _newer(time.time() - 0.001, count))
        assert sorted(p.stem for p in dist.glob("*.pdf")) == stems
        titles = {pdf.stem: _check_complete(pdf) for pdf in dist.glob("*.pdf")}
        assert all(title in (f"First {stem}", f"Second {stem}") for stem, title in titles.items())
        assert any(title.startswith("Second") for title in titles.values())
        if count < len(stems) // 2 + 1:  # killed early or half-way: some are still the old one
            assert any(title.startswith("First") for title in titles.values()), count
    # Nothing but leaflets, (perhaps) hidden temp files and the build's own records is ever
    # in the folder: the manifest, the catalogue page, its search files and its thumbnails,
    # the register.
    others = {p.name for p in dist.iterdir()
              if p.suffix != ".pdf" and not p.name.endswith(PARTIAL_SUFFIX)}
    assert others <= {".leafpress-manifest.json", "index.html", "register.html", "search-index.js",
                      "search-text.js", "thumbs"}


KILLED_IN_FSYNC = """
import os, sys, time
from pathlib import Path
from leafpress import files
def stall(fd):
    print("writing", flush=True)
    time.sleep(3600)
files.os.fsync = stall
files.atomic_write(Path(sys.argv[1]), b"%PDF-1.7 only the first bytes")
"""


def test_a_temp_file_left_by_a_kill_mid_write_is_removed_by_the_next_build(big_project):
    dist = big_project / "dist"
    dist.mkdir()
    target = dist / "leaflet-00.pdf"
    writer = subprocess.Popen([sys.executable, "-c", KILLED_IN_FSYNC, str(target)],
                              stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert writer.stdout.readline() == "writing\n"
        writer.send_signal(signal.SIGKILL)
        writer.wait(30)
    finally:
        if writer.poll() is None:
            writer.kill()
    [partial] = dist.iterdir()  # the bytes went to a hidden temp file, never to the .pdf
    assert partial.name.startswith(f".{target.name}.") and partial.name.endswith(PARTIAL_SUFFIX)
    assert not target.exists()

    done = subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "-o", "dist",
                           str(big_project / "leaflets" / "leaflet-00.md")],
                          cwd=big_project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not [p for p in dist.iterdir() if p.name.endswith(PARTIAL_SUFFIX)]
    assert sorted(p.name for p in dist.glob("*.pdf")) == [target.name]
    _check_complete(target)


def test_atomic_write_replaces_whole_and_cleans_its_temp_file_on_failure(tmp_path):
    target = tmp_path / "out" / "x.pdf"
    atomic_write(target, b"first")
    atomic_write(target, b"second")
    assert target.read_bytes() == b"second"
    with pytest.raises(TypeError):
        atomic_write(target, "not bytes")  # fails inside the write
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["x.pdf"]
    (target.parent / ".y.pdf.abc123.partial").write_bytes(b"left over")
    (target.parent / "notes.partial.txt").write_bytes(b"not ours")
    assert remove_partials(target.parent) == 1
    assert sorted(p.name for p in target.parent.iterdir()) == ["notes.partial.txt", "x.pdf"]
