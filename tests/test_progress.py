"""Progress: plain lines in logs and pipes, a bar on a terminal, and one closing summary."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

from .conftest import ROOT, write_leaflet

SUMMARY = re.compile(r"^(\d+) built, (\d+) up to date, (\d+) failed in \d+\.\d s$")


def build(project, *args):
    return subprocess.run([sys.executable, str(ROOT / "generate.py"), "build", *args],
                          cwd=project, capture_output=True, text=True, timeout=120)


def test_plain_lines_and_summary_when_not_a_terminal(project):
    for name in ("one", "two", "three"):
        write_leaflet(project / "leaflets", f"{name}.md", f"title: Leaflet {name}")
    first = build(project)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    # Workers finish in any order: the count goes up, each file appears once.
    assert [line.split(" wrote ")[0] for line in lines[:3]] == ["[1/3]", "[2/3]", "[3/3]"]
    assert sorted(line.split(" wrote ")[1] for line in lines[:3]) == \
        ["dist/one.pdf", "dist/three.pdf", "dist/two.pdf"]
    assert SUMMARY.match(lines[3]).groups() == ("3", "0", "0")
    assert lines[4] == "catalogue: dist/index.html (3 leaflet(s), 3 new thumbnail(s))"
    assert len(lines) == 5
    assert "\r" not in first.stdout + first.stderr and "\x1b" not in first.stdout + first.stderr
    assert first.stderr == ""

    again = build(project)
    assert again.stdout.splitlines()[0].startswith("0 built, 3 up to date, 0 failed in ")
    assert again.stdout.splitlines()[1:] == [
        "catalogue: dist/index.html (3 leaflet(s), 0 new thumbnail(s))"]


def test_failures_are_counted_and_the_summary_goes_to_stderr(project):
    write_leaflet(project / "leaflets", "good.md", "title: Good")
    write_leaflet(project / "leaflets", "missing-image.md", "title: Missing image",
                  "![A picture](nowhere.png)\n")
    write_leaflet(project / "leaflets", "bad.md", "title: Bad\nreviewed: soon")
    done = build(project, "--strict")
    assert done.returncode == 1
    out = done.stdout.splitlines()
    assert [line[:5] for line in out[:2]] == ["[1/2]", "[2/2]"]
    assert sorted(line[6:] for line in out[:2]) == ["failed dist/missing-image.pdf",
                                                    "wrote dist/good.pdf"]
    assert out[2:] == ["catalogue: dist/index.html (1 leaflet(s), 1 new thumbnail(s))"]
    err = done.stderr.splitlines()
    assert "leaflets/bad.md:3: error: 'reviewed' must be a date like 2026-10-01" in err
    assert "leaflets/missing-image.md:4: warning: nowhere.png: file not found" in err
    assert any(line.startswith("leaflets/missing-image.md: error: not written") for line in err)
    assert SUMMARY.match(err[-1]).groups() == ("1", "0", "2")
    assert all(": error: " in line or ": warning: " in line for line in err[:-1])


def test_a_terminal_gets_a_bar_with_count_file_and_eta(project):
    for name in ("one", "two"):
        write_leaflet(project / "leaflets", f"{name}.md", f"title: Leaflet {name}")
    write_leaflet(project / "leaflets", "bad.md", "title: Bad\nreviewed: soon")
    main, child = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    process = subprocess.Popen([sys.executable, str(ROOT / "generate.py"), "build"],
                               cwd=project, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the terminal closed: the build is over
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=120) == 1
    screen = b"".join(chunks).decode()
    assert re.search(r"Building \[#+-*\] 1/2 ETA \d+:\d\d (one|two)\.pdf", screen)
    assert re.search(r"Building \[#+\] 2/2 ETA 0:00 (one|two)\.pdf", screen)
    assert "wrote dist/" not in screen  # the bar replaces the per-file lines
    assert "leaflets/bad.md:3: error: 'reviewed' must be a date like 2026-10-01\r\n" in screen
    summary, catalogue = screen.rsplit("\x1b[K", 1)[1].strip().splitlines()
    assert re.fullmatch(r"2 built, 0 up to date, 1 failed in \d+\.\d s", summary)
    assert catalogue == "catalogue: dist/index.html (2 leaflet(s), 2 new thumbnail(s))"
