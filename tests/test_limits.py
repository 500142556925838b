"""Resource limits: nesting checked up front, and a timeout and memory cap per rendered job."""

from __future__ import annotations

import os
import struct
import time
import zlib
from pathlib import Path

import pytest

from leafpress.build import build
from leafpress.errors import LeafletError
from leafpress.limits import MAX_HTML_NESTING, MAX_NESTING, line_depth, nesting_problems
from leafpress.model import leaflet_from_source
from leafpress.pdf import preload
from leafpress.source import read_source
from leafpress.workers import run_jobs

from .conftest import write_leaflet


@pytest.mark.parametrize(("line", "depth"), [
    ("Text", 0), ("- item", 0), ("    - item", 1), ("\t\t- item", 2), ("  \t- item", 1),
    ("> quote", 1), ("> > quote", 2), (">>> quote", 3), (">     - item", 2), ("    > quote", 2),
])
def test_line_depth_counts_quotes_and_four_column_indents(line, depth):
    assert line_depth(line) == depth


def test_nesting_up_to_the_limit_is_fine_and_one_more_is_an_error_at_its_line(brand, tmp_path):
    lists = "".join("    " * level + "- item\n" for level in range(MAX_NESTING + 1))
    ok = write_leaflet(tmp_path, "ok.md", "title: T", lists)
    assert leaflet_from_source(read_source(ok), brand).title == "T"
    deeper = lists + "    " * (MAX_NESTING + 1) + "- x\n"
    deep = write_leaflet(tmp_path, "deep.md", "title: T", deeper)
    with pytest.raises(LeafletError) as caught:
        leaflet_from_source(read_source(deep), brand)
    assert [str(d) for d in caught.value.diagnostics] == [
        f"{deep}:{4 + MAX_NESTING + 1}: error: nested {MAX_NESTING + 1} levels deep (lists, "
        f"quotes and callouts may go {MAX_NESTING} deep): flatten it"]


def test_blank_lines_are_never_too_deep():
    assert nesting_problems(Path("x.md"), "Text.\n" + " " * 1000 + "\n\t\t\t\t\n", 5) == []


def test_html_nesting_counts_open_tags_only():
    path = Path("x.md")
    flat = "<p>a<br><img src=x alt=y/></p>\n" * 1000  # closed, void and self-closing: depth 1
    assert nesting_problems(path, flat, 5) == []
    ok = "<div>" * MAX_HTML_NESTING + "x" + "</div>" * MAX_HTML_NESTING
    assert nesting_problems(path, ok, 5) == []
    [problem] = nesting_problems(path, "text\n\n" + "<div>\n" * (MAX_HTML_NESTING + 1), 5)
    assert (problem.line, problem.message) == (
        5 + 2 + MAX_HTML_NESTING, f"HTML tags nested more than {MAX_HTML_NESTING} deep: close "
                                  "them or flatten the markup")


def _behaviour():
    """Worker set-up for run_jobs tests: each payload names what the job does."""
    def handle(payload):
        if payload == "sleep":
            time.sleep(60)
        if payload == "crash":
            os._exit(3)
        if payload == "memory":
            return bytearray(1024**3)  # over the cap below
        if payload == "recurse":
            def down(n):
                return down(n + 1)
            return down(0)
        if payload == "fail":
            raise ValueError("a bad value")
        return f"done {payload}"
    return handle


def address_space() -> int:
    """This process's address space in bytes: forked workers start with all of it."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmSize:")[1].split()[0]) * 1024


def test_each_bad_job_fails_alone_and_the_others_finish():
    jobs = [(name, name) for name in ("a", "sleep", "b", "crash", "c", "memory", "recurse",
                                      "fail", "d")]
    # 256 MB more than the test process already maps (which grows as the suite imports more).
    limit = address_space() + 256 * 1024**2
    outcomes = {o.key: (o.result, o.error)
                for o in run_jobs(jobs, _behaviour, workers=2, timeout=3, memory_limit=limit)}
    assert outcomes == {
        "a": ("done a", None), "b": ("done b", None), "c": ("done c", None),
        "d": ("done d", None),
        "sleep": (None, "took longer than 3 seconds to render; stopped"),
        "crash": (None, "the renderer stopped unexpectedly (out of memory or a crash)"),
        "memory": (None, "ran out of memory while rendering"),
        "recurse": (None, "nested too deeply to render: flatten the lists, quotes, emphasis or "
                          "HTML tags inside each other"),
        "fail": (None, "could not render: ValueError: a bad value"),
    }


MARGIN = 300 * 1024**2


def _rgba_png(width: int, height: int) -> bytes:
    """A transparent RGBA PNG: under 1 MB on disk, width * height * 4 bytes decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" * (1 + 4 * width)
    packer = zlib.compressobj(1)
    step = max(1, 8_000_000 // len(row))
    data = b"".join(packer.compress(row * min(step, height - start))
                    for start in range(0, height, step)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6,
                                                               0, 0, 0))
            + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def test_a_leaflet_over_the_memory_cap_fails_alone(tmp_path, brand):
    # 49 megapixels is inside the pixel budget but decodes to about 200 MB, several times
    # over while WeasyPrint splits off the alpha: more than a worker with 300 MB to spare
    # may have, while a plain leaflet needs far less.
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "big.png").write_bytes(_rgba_png(7000, 7000))
    big = write_leaflet(tmp_path, "big.md", "title: Big", "![A big picture](images/big.png)\n")
    good = write_leaflet(tmp_path, "good.md", "title: Good", "Fine.\n")
    preload()  # what the build does before forking: count it in, then allow 300 MB more
    result = build([big, good], tmp_path / "out", brand, jobs=1,
                   memory_limit=address_space() + MARGIN, catalogue=False)
    assert [(d.path, d.severity, d.message) for d in result.diagnostics] == [
        (big, "error", "ran out of memory while rendering")]
    assert result.written == [tmp_path / "out" / "good.pdf"]
