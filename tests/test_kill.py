"""A real batch build SIGKILLed at several moments: every <stem>.pdf left behind is a complete
PDF (the previous version or the new one), and the next run cleans up and completes."""

from __future__ import annotations

import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdf
import pytest

from .conftest import ROOT, SAMPLES

COPIES = 7  # 3 samples x 7 = 21 leaflets


def edition(project: Path, number: int) -> None:
    """Retitle every source so that its PDF's title says which edition it is."""
    for path in sorted((project / "leaflets").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^title: .*$", f"title: Edition {number}", text, count=1),
                        encoding="utf-8")


def start_build(project: Path) -> tuple[subprocess.Popen, queue.Queue]:
    """`generate.py build --jobs 2` in its own process group; its stdout lines on a queue."""
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), "build", "--jobs", "2"], cwd=project,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return process, lines


def wait_for_wrote(lines: queue.Queue, count: int, seconds: float = 120) -> None:
    seen, deadline = 0, time.monotonic() + seconds
    while seen < count:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        assert line is not None, "the build ended before it was killed"
        seen += " wrote " in line


def wait_for_new_partial(out: Path, before: set[Path], process: subprocess.Popen,
                         seconds: float = 120) -> list[str]:
    """Spin until the build has a temp file open that was not there before; its name."""
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        with os.scandir(out) as entries:
            new = [e.name for e in entries
                   if e.name.endswith(".partial") and out / e.name not in before]
        if new:
            return new
    pytest.fail("the build wrote no temp file that could be caught")


def check_pdfs(out: Path, stems: list[str], editions: set[int]) -> None:
    """Every PDF is present, passes qpdf --check and pypdf's strict reading, and carries the
    title of one edition of its source."""
    assert sorted(p.stem for p in out.glob("*.pdf")) == stems
    for pdf in out.glob("*.pdf"):
        check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True,
                               timeout=60)
        assert check.returncode == 0, (pdf.name, check.stdout[-500:], check.stderr[-500:])
        title = pypdf.PdfReader(pdf, strict=True).metadata.title
        assert title in {f"Edition {n}" for n in editions}, (pdf.name, title)


@pytest.fixture
def batch(project):
    for copy in range(COPIES):
        for sample in SAMPLES.glob("*.md"):
            shutil.copy(sample, project / "leaflets" / f"{sample.stem}-{copy}.md")
    shutil.copytree(SAMPLES / "images", project / "leaflets" / "images")
    return project


def test_a_build_killed_at_any_moment_leaves_only_complete_pdfs(batch):
    out = batch / "dist"
    edition(batch, 1)
    first = subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "--jobs", "2"],
                           cwd=batch, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    stems = sorted(p.stem for p in (batch / "leaflets").glob("*.md"))
    check_pdfs(out, stems, {1})

    # Kill before any PDF is written, after the first, in the middle of writing one (a temp
    # file is there), after nine, and after the last (while the manifest and catalogue are
    # written).
    caught: list[str] = []
    for number, moment in enumerate([0, 1, "mid-write", 9, len(stems)], start=2):
        edition(batch, number)
        before = set(out.glob(".*.partial"))
        process, lines = start_build(batch)
        try:
            if moment == "mid-write":
                caught += wait_for_new_partial(out, before, process)
            elif moment:
                wait_for_wrote(lines, moment)
            else:
                time.sleep(0.3)
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # the CLI and both workers, at once
            process.wait(timeout=30)
        assert process.returncode == -signal.SIGKILL
        # Each PDF is whole: this run's edition, or whichever one an earlier run completed.
        check_pdfs(out, stems, set(range(1, number + 1)))
        if moment == "mid-write":  # the half-written temp file is left, and is no .pdf
            assert caught and all((out / name).exists() for name in caught), caught

    final = subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", "--jobs", "2"],
                           cwd=batch, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stderr
    check_pdfs(out, stems, {6})
    assert [p.name for p in out.rglob("*") if p.name.endswith(".partial")] == []  # cleaned up
    assert (out / "index.html").is_file()
