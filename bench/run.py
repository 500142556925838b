"""Benchmark: leafpress against a pandoc loop and the raw WeasyPrint floor, in one run.

    .venv/bin/python bench/run.py --leaflets 100

Generates N two-page leaflets (about half with an SVG drawing, a JPEG photo or a PNG
diagram) in bench/out/, then, in each of --repeat rounds, times as separate processes:
leafpress --jobs 1 and --jobs 2 (fresh output folders), a no-op rebuild, a one-leaflet edit,
the engine floor (bench/floor.py) and a `pandoc --pdf-engine=weasyprint` loop over a subset.
The fastest round counts. Prints the results and the targets as Markdown tables. Not a test:
the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafpress.model.brand import load_brand  # noqa: E402
from leafpress.model.leaflet import leaflet_from_source  # noqa: E402
from leafpress.render.html import render_html  # noqa: E402
from leafpress.model.source import read_source  # noqa: E402

BRAND = ROOT / "styles" / "brand.toml"

TOPICS = ["knee replacement", "hip arthroscopy", "carpal tunnel release", "shoulder injection",
          "cataract surgery", "hernia repair", "lumbar decompression", "bunion surgery",
          "tonsillectomy", "varicose vein treatment", "gallbladder removal", "spinal fusion"]
SENTENCES = [
    "Your surgeon will talk to you about the benefits and risks before you decide.",
    "Most people go home on the same day or the next day.",
    "You will be asked to stop eating 6 hours before your operation.",
    "Bring a list of the medicines you take, including any you buy yourself.",
    "The wound is usually small and heals within two weeks.",
    "Take your painkillers regularly for the first few days, even if the pain seems mild.",
    "Walking little and often helps you recover and lowers the chance of a blood clot.",
    "Ask an adult to take you home and stay with you for the first night.",
    "Keep the dressing clean and dry until the nurse tells you it can come off.",
    "Tell us if you have a cough, a cold or a temperature before the day of your operation.",
    "You can usually shower after 48 hours if your dressing is waterproof.",
    "Most people are back to their normal activities within six weeks.",
]
TABLE = """| Time after surgery | What you can do |
|---|---|
| Days 1 to 3 | Walk around your home several times a day. |
| Week 2 | Short walks outside; sit for up to 45 minutes. |
| Weeks 3 to 6 | Light housework; back to desk work if you feel ready. |
"""


def leaflet_text(index: int, rng: random.Random) -> str:
    """A realistic two-page leaflet: front matter, sections, a list, a table, a callout."""
    topic = TOPICS[index % len(TOPICS)]

    def para(count: int) -> str:
        return " ".join(rng.sample(SENTENCES, count))

    image = ""
    if index % 3 == 0:
        image = "![A drawing of the spine seen from the side](images/spine-regions.svg)\n\n"
    elif index % 5 == 1:
        image = "![A photograph of the clinic's day surgery ward](images/ward.jpg)\n\n"
    elif index % 7 == 2:
        image = "![A diagram of the three steps: check-in, operation, recovery](images/steps.png)\n\n"
    return f"""---
title: Having {topic} ({index:03d})
summary: For adults who have been offered {topic}. It explains what happens and how you will recover.
author: Mr A. Example, Consultant Surgeon
reviewed: 2026-10-01
review_due: 2028-10-01
reference: BENCH-{index:03d}
version: "1.{index % 7}"
url: https://www.example.org/leaflets/bench-{index:03d}
tags: [surgery, bench]
---
## What is {topic}?

{para(3)}

{image}## Before your operation

{para(2)}

- {rng.choice(SENTENCES)}
- {rng.choice(SENTENCES)}
- {rng.choice(SENTENCES)}

## Your recovery

{"" if image else TABLE}
{para(2)}

!!! important "Important"
    Call 999 if you have chest pain or sudden difficulty breathing.

## When to get help

{para(1)}
"""


def generate(folder: Path, count: int) -> list[Path]:
    """Write count leaflets and their images into folder; return the sources."""
    from PIL import Image, ImageDraw

    images = folder / "images"
    images.mkdir(parents=True)
    shutil.copy(ROOT / "leaflets" / "images" / "spine-regions.svg", images)
    rng = random.Random(1)
    # A photograph is a JPEG (WeasyPrint embeds it as it is); a diagram is a flat-colour PNG.
    photo = Image.new("RGB", (640, 360))
    photo.putdata([(150 + x * 60 // 640, 170 + y * 50 // 360, 200 + rng.randrange(30))
                   for y in range(360) for x in range(640)])
    photo.save(images / "ward.jpg", quality=85)
    diagram = Image.new("RGB", (600, 160), "white")
    draw = ImageDraw.Draw(diagram)
    for step in range(3):
        draw.rounded_rectangle((20 + step * 200, 40, 160 + step * 200, 120), 12,
                               fill=(0, 103, 127), outline=(0, 60, 75), width=3)
        if step < 2:
            draw.line((165 + step * 200, 80, 215 + step * 200, 80), fill=(80, 80, 80), width=5)
    diagram.save(images / "steps.png", optimize=True)
    sources = []
    for index in range(count):
        path = folder / f"bench-{index:03d}.md"
        path.write_text(leaflet_text(index, rng), encoding="utf-8")
        sources.append(path)
    return sources


@dataclass
class Run:
    """One measured process: wall seconds, CPU seconds and peak RSS (its own or a child's)."""

    seconds: float
    cpu: float
    peak_mb: float
    stdout: str


def measure(args: list[str], env: dict | None = None) -> Run:
    """Run a process to the end; wait4 gives its rusage including reaped descendants."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(args, stdout=out, stderr=err, cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode != 0:
            raise SystemExit(f"failed ({process.returncode}): {' '.join(map(str, args))}\n"
                             f"{err.read().decode()}")
        return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   out.read().decode())


def best(runs: list[Run]) -> Run:
    """The fastest run (least disturbed by other load), with the highest peak memory seen."""
    fastest = min(runs, key=lambda run: run.seconds)
    return Run(fastest.seconds, fastest.cpu, max(run.peak_mb for run in runs), fastest.stdout)


def main() -> None:
    """Generate, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leaflets", type=int, default=100, help="how many leaflets (100)")
    parser.add_argument("--pandoc", type=int, default=10,
                        help="how many of them the pandoc loop converts (10)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each measurement; the fastest counts (3)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="work folder")
    options = parser.parse_args()
    count, repeat = options.leaflets, options.repeat
    for tool in ("pandoc", "pdfinfo"):
        if shutil.which(tool) is None:
            raise SystemExit(f"bench: needs {tool}: apt-get install pandoc poppler-utils")

    work = options.out.resolve()
    shutil.rmtree(work, ignore_errors=True)
    sources = generate(work / "leaflets", count)
    brand = load_brand(BRAND)
    # The floor renders exactly our HTML; base URLs point at the leaflets' folder for images.
    html = work / "html"
    html.mkdir()
    for source in sources:
        leaflet = leaflet_from_source(read_source(source), brand)
        (html / f"{source.stem}.html").write_text(render_html(leaflet, brand), encoding="utf-8")
        (html / f"{source.stem}.base").write_text(source.parent.as_uri() + "/")

    cli = [sys.executable, str(ROOT / "generate.py"), "build", str(work / "leaflets"),
           "--brand", str(BRAND)]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    load_before = os.getloadavg()[0]
    pandoc_files = sources[: options.pandoc]
    j1, j2, floor, floor_loop, noop, edits, pandocs = [], [], [], [], [], [], []
    for attempt in range(repeat):  # each round measures everything, so load hits all alike
        j1.append(measure([*cli, "-o", str(work / f"j1-{attempt}"), "--jobs", "1"]))
        out = work / f"j2-{attempt}"
        j2.append(measure([*cli, "-o", str(out), "--jobs", "2"]))
        noop.append(measure([*cli, "-o", str(out), "--jobs", "2"]))
        assert noop[-1].stdout.startswith(f"0 built, {count} up to date"), noop[-1].stdout
        edited = sources[attempt * 7 % count]
        # An author's edit: new text under a new version (an issued version may not change).
        text = re.sub(r'^version: "(\d+)\.(\d+)', lambda m: f'version: "{m[1]}.{int(m[2]) + 10}',
                      edited.read_text(), count=1, flags=re.M)
        edited.write_text(text + f"\nEdited for the benchmark ({attempt}).\n")
        edits.append(measure([*cli, "-o", str(out), "--jobs", "2"]))
        assert edits[-1].stdout.startswith("[1/1] wrote"), edits[-1].stdout
        run = measure([sys.executable, str(ROOT / "bench" / "floor.py"), str(html),
                       str(work / f"floor-{attempt}"), str(BRAND)])
        floor.append(run)
        floor_loop.append(float(run.stdout.strip()))
        folder = work / f"pandoc-{attempt}"
        folder.mkdir()
        runs = [measure(["pandoc", str(path), "-o", str(folder / f"{path.stem}.pdf"),
                         "--pdf-engine=weasyprint"], env) for path in pandoc_files]
        pandocs.append(Run(sum(r.seconds for r in runs), sum(r.cpu for r in runs),
                           max(r.peak_mb for r in runs), ""))
    pandoc = best(pandocs)
    j1, j2, floor, noop, edit = best(j1), best(j2), best(floor), best(noop), best(edits)
    pages = [int(subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True)
                 .stdout.split("Pages:")[1].split()[0]) for pdf in sorted(out.glob("*.pdf"))]
    per = {name: run.seconds / count * 1000 for name, run in
           (("j1", j1), ("j2", j2), ("floor", floor))}
    per["pandoc"] = pandoc.seconds / len(pandoc_files) * 1000

    with_images = sum(1 for i in range(count) if i % 3 == 0 or i % 5 == 1 or i % 7 == 2)
    print(f"leafpress benchmark, {datetime.date.today()}: {count} leaflets "
          f"({statistics.mean(pages):.1f} pages on average, {with_images} with an image); "
          f"fastest of {repeat} runs")
    pandoc_version = subprocess.run(["pandoc", "--version"], capture_output=True,
                                    text=True).stdout.splitlines()[0]
    print(f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.machine()}, "
          f"Python {platform.python_version()}, WeasyPrint {metadata.version('weasyprint')}, "
          f"{pandoc_version}; "
          f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    print()
    print("| Run | Wall (s) | Per leaflet (ms) | CPU (s) | CPU per leaflet (ms) "
          "| Peak memory per process (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = [
        ("leafpress build --jobs 1", j1, per["j1"]),
        ("leafpress build --jobs 2", j2, per["j2"]),
        ("engine floor: raw WeasyPrint, one process, CSS and fonts reused", floor, per["floor"]),
        (f"pandoc --pdf-engine=weasyprint, file by file ({len(pandoc_files)} files)",
         pandoc, per["pandoc"]),
        (f"no-op rebuild ({count} up to date, --jobs 2)", noop, None),
        ("one leaflet edited, rebuild (--jobs 2)", edit, None),
    ]
    for name, run, each in rows:
        files = len(pandoc_files) if run is pandoc else count
        each_text = f"{each:.1f}" if each is not None else "–"
        cpu_each = f"{run.cpu / files * 1000:.1f}" if each is not None else "–"
        print(f"| {name} | {run.seconds:.2f} | {each_text} | {run.cpu:.2f} | {cpu_each} "
              f"| {run.peak_mb:.0f} |")
    print()
    floor_each = floor_loop and min(floor_loop) / count * 1000
    print(f"The floor's render loop alone, without Python start-up and imports: "
          f"{floor_each:.1f} ms per leaflet. CPU is user + system time of the process and its "
          f"workers; on a busy machine it shows the work done when wall time cannot.")
    print()
    peak = max(run.peak_mb for run in (j1, j2, noop, edit))
    checks = [
        ("per leaflet, pandoc loop / leafpress --jobs 2", per["pandoc"] / per["j2"], ">=", 15),
        ("--jobs 1 / --jobs 2", j1.seconds / j2.seconds, ">=", 1.6),
        ("leafpress --jobs 1 / engine floor (per leaflet)", per["j1"] / per["floor"], "<=", 1.15),
        ("no-op rebuild / full build (--jobs 2)", noop.seconds / j2.seconds, "<=", 0.10),
        ("one-edit rebuild / full build (--jobs 2)", edit.seconds / j2.seconds, "<=", 0.30),
        ("peak memory of any leafpress process (MB)", peak, "<=", 500),
    ]
    print("| Target | Measured | Goal | |")
    print("|---|---:|---:|---|")
    for name, value, op, goal in checks:
        ok = value >= goal if op == ">=" else value <= goal
        print(f"| {name} | {value:.2f} | {op.replace('>=', '≥').replace('<=', '≤')} {goal:g} "
              f"| {'met' if ok else 'MISSED'} |")


if __name__ == "__main__":
    main()
