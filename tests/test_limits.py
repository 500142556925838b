"""Resource limits: a job that hangs, crashes or eats memory fails alone; the rest go on."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from leafpress.build.workers import run_jobs

from .conftest import ROOT, write_leaflet
from .hostile import png


def _handler():
    """A worker's job handler whose payload says how to misbehave."""
    def handle(payload: str):
        if payload == "hang":
            time.sleep(3600)
        if payload == "crash":
            os._exit(3)  # as a segfault in a C library would end the process
        if payload == "hog":
            return bytearray(1024**3)  # 1 GB: over the address-space cap below
        if payload == "recurse":
            def down(n):
                return down(n + 1)
            return down(0)
        return payload.upper()
    return handle


def test_hung_crashed_and_greedy_jobs_fail_alone_and_later_jobs_still_run():
    jobs = [(name, name) for name in ("hang", "ok-1", "crash", "ok-2", "hog", "recurse", "ok-3")]
    # The hung job costs the whole timeout: keep it short, the other jobs take milliseconds.
    outcomes = {o.key: o for o in run_jobs(jobs, _handler, workers=1, timeout=1.2,
                                           memory_limit=512 * 1024**2)}
    assert {key: o.result for key, o in outcomes.items() if o.error is None} == {
        "ok-1": "OK-1", "ok-2": "OK-2", "ok-3": "OK-3"}
    assert outcomes["hang"].error == "took longer than 1.2 seconds to render; stopped"
    assert outcomes["crash"].error == ("the renderer stopped unexpectedly: out of memory "
                                       "(the limit is 512 MB) or a crash")
    assert outcomes["hog"].error == "ran out of memory (the limit is 512 MB)"
    assert outcomes["recurse"].error == "nested too deeply to render; flatten lists and quotes"


BUILD_WITH_CAP = """
import sys
from pathlib import Path
from leafpress.build.builder import Limits, build
from leafpress.model.brand import load_brand
result = build([Path("leaflets")], Path("dist"), load_brand(Path("styles/brand.toml")), jobs=1,
               limits=Limits(memory=int(sys.argv[1]) * 1024**2), report=lambda d: print(d, file=sys.stderr))
print(" ".join(sorted(p.name for p in result.written)))
"""


def _build_with_cap(project, megabytes: int) -> subprocess.CompletedProcess:
    # A fresh, small parent process: workers are forked, so they start from its size.
    return subprocess.run([sys.executable, "-c", BUILD_WITH_CAP, str(megabytes)], cwd=project,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_a_leaflet_over_the_memory_cap_fails_alone_with_one_line(project):
    leaflets = project / "leaflets"
    (leaflets / "images").mkdir()
    # 39.7 megapixels: inside the pixel budget, but decoding it needs ~150 MB more.
    (leaflets / "images" / "photo.png").write_bytes(png(6300, 6300, colour=b"\x10\x80\xc0"))
    write_leaflet(leaflets, "big.md", "title: Big", "![A big photo](images/photo.png)\n")
    write_leaflet(leaflets, "good.md", "title: Good")

    capped = _build_with_cap(project, 360)
    assert capped.stdout.split() == ["good.pdf"]
    [line] = capped.stderr.splitlines()
    # Where the memory runs out decides the line: decoding the picture (its line), or
    # anywhere else in the worker (the leaflet).
    assert line in ("leaflets/big.md:4: error: images/photo.png: ran out of memory (the limit "
                    "is 360 MB) decoding it; use a smaller picture",
                    "leaflets/big.md: error: ran out of memory (the limit is 360 MB)"), line

    roomy = _build_with_cap(project, 2048)  # the default: the same leaflet is fine
    assert roomy.stdout.split() == ["big.pdf"], roomy.stderr  # good.pdf is already up to date
    assert (project / "dist" / "good.pdf").is_file()


def test_a_picture_that_does_not_fit_in_memory_is_not_called_damaged(monkeypatch):
    """Running out of memory while the picture is checked says so, with the process's limit:
    the file is fine, the machine (or the cap) is too small for it."""
    import resource

    from PIL import ImageFile

    from leafpress.render.local import Refused, check_pixels

    def no_room(self):
        raise MemoryError

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_room)
    limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    said = "" if limit == resource.RLIM_INFINITY else f" (the limit is {limit // 1024**2} MB)"
    with pytest.raises(Refused) as refused:
        check_pixels(png(40, 30))
    assert refused.value.fatal
    assert refused.value.why == f"ran out of memory{said} decoding it; use a smaller picture"


def test_a_timeout_of_one_second_is_said_in_the_singular():
    [outcome] = run_jobs([("hang", "hang")], _handler, workers=1, timeout=1)
    assert outcome.error == "took longer than 1 second to render; stopped"
