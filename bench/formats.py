"""Benchmark: `build --format all` against `build --format a4`, side by side.

    .venv/bin/python bench/formats.py --leaflets 40

Generates N leaflets (bench/run.py's generator: sections, a list, a table, a callout, half
with an image) in bench/out-formats/, then in each of --repeat rounds runs, as separate
processes into fresh folders and in alternating order, `build --format a4 --jobs 2` and
`build --format all --jobs 2` (every registered format). The fastest round of each counts.
Prints a Markdown table and the ratio against the issue's target (at most 2.5). Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import best, generate, measure  # noqa: E402

from leafpress import formats as registry  # noqa: E402

TARGET = 2.5  # all formats / A4 alone, wall time


def main() -> None:
    """Generate, measure alternately, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaflets", type=int, default=40, help="how many leaflets (40)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds; the fastest counts (3)")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for every build (2)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out-formats",
                        help="work folder")
    options = parser.parse_args()
    work = options.out.resolve()
    shutil.rmtree(work, ignore_errors=True)
    generate(work / "leaflets", options.leaflets)
    runs: dict[str, list] = {"a4": [], "all": []}
    for round_ in range(options.repeat):
        # Alternate which goes first, so a load spike hurts both alike.
        order = ("a4", "all") if round_ % 2 == 0 else ("all", "a4")
        for name in order:
            out = work / f"dist-{name}"
            shutil.rmtree(out, ignore_errors=True)
            runs[name].append(measure([sys.executable, str(ROOT / "generate.py"), "build",
                                       str(work / "leaflets"), "-o", str(out), "--format", name,
                                       "--jobs", str(options.jobs)]))
    a4, every = best(runs["a4"]), best(runs["all"])
    count = options.leaflets
    print(f"{count} leaflets, --jobs {options.jobs}, best of {options.repeat}; "
          f"all = {', '.join(registry.names())}\n")
    print("| Build | Wall (s) | Per leaflet (ms) | CPU (s) | Peak memory (MB) |")
    print("|---|---:|---:|---:|---:|")
    for label, run in (("--format a4", a4), ("--format all", every)):
        print(f"| {label} | {run.seconds:.2f} | {run.seconds / count * 1000:.1f} | "
              f"{run.cpu:.2f} | {run.peak_mb:.0f} |")
    ratio = every.seconds / a4.seconds
    print(f"\nall / a4: {ratio:.2f} (target at most {TARGET}: "
          f"{'met' if ratio <= TARGET else 'MISSED'}); CPU ratio {every.cpu / a4.cpu:.2f}")


if __name__ == "__main__":
    main()
