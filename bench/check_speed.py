"""Check versus build on 100 generated leaflets: `.venv/bin/python bench/check_speed.py`.

Copies the samples (and their images) into bench/out/leaflets/ as 100 sources, then
times `generate.py check` and `generate.py build` on them as separate processes, the
way authors run them. Not part of the test suite: timings depend on the machine.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
COUNT = 100


def make_sources() -> Path:
    """100 leaflets made from the samples, each with its own stem."""
    folder = OUT / "leaflets"
    shutil.rmtree(OUT, ignore_errors=True)
    shutil.copytree(ROOT / "leaflets" / "images", folder / "images")
    samples = sorted((ROOT / "leaflets").glob("*.md"))
    for number in range(COUNT):
        sample = samples[number % len(samples)]
        (folder / f"{sample.stem}-{number:03}.md").write_text(sample.read_text(encoding="utf-8"),
                                                              encoding="utf-8")
    return folder


def timed(*args: str) -> float:
    """Seconds for one run of generate.py with args, from the repository root."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "generate.py", *args], cwd=ROOT,
                          capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"generate.py {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return seconds


def main() -> None:
    folder = make_sources()
    check = min(timed("check", str(folder)) for _ in range(3))
    build = timed("build", str(folder), "-o", str(OUT / "dist"), "--force")
    print(f"{COUNT} leaflets: check {check:.2f} s, build {build:.2f} s "
          f"(check takes {100 * check / build:.1f}% of the build's time)")


if __name__ == "__main__":
    main()
