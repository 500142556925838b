"""Benchmark: what the catalogue adds to a build (thumbnails, page counts, the page).

    .venv/bin/python bench/catalogue.py [N]      # N leaflets (copies of the samples), default 60

Prints the build's time, then write_catalogue's when every PDF was rebuilt (a thumbnail
each) and when none was (the usual incremental run). Output goes to bench/out/.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from leafpress.build.builder import build
from leafpress.catalogue.page import write_catalogue
from leafpress.model.brand import load_brand

ROOT = Path(__file__).resolve().parent.parent


def main(count: int) -> None:
    """Build count leaflets, then time the catalogue both ways."""
    work = ROOT / "bench" / "out" / "catalogue"
    shutil.rmtree(work, ignore_errors=True)
    sources = work / "leaflets"
    sources.mkdir(parents=True)
    shutil.copytree(ROOT / "leaflets" / "images", sources / "images")
    samples = sorted((ROOT / "leaflets").glob("*.md"))
    for number in range(count):
        sample = samples[number % len(samples)]
        text = sample.read_text(encoding="utf-8").replace("title: ", f"title: {number:03d} ", 1)
        (sources / f"{sample.stem}-{number:03d}.md").write_text(text, encoding="utf-8")
    brand = load_brand(ROOT / "styles" / "brand.toml")
    out = work / "dist"

    started = time.perf_counter()
    result = build([sources], out, brand, jobs=2)
    built = time.perf_counter() - started
    started = time.perf_counter()
    full = write_catalogue(out, result.leaflets, brand, rebuilt=result.written)
    everything = time.perf_counter() - started
    started = time.perf_counter()
    none = write_catalogue(out, result.leaflets, brand, rebuilt=[])
    nothing = time.perf_counter() - started

    thumbs = sorted((out / "thumbs").glob("*.webp"))
    size = sum(t.stat().st_size for t in thumbs) / len(thumbs) / 1024
    index = (out / "index.html").stat().st_size / 1024
    print(f"{count} leaflets built in {built:.2f} s ({len(result.written)} PDFs)")
    print(f"catalogue, all rebuilt:  {everything:.2f} s ({len(full.thumbnails)} thumbnails, "
          f"{everything / max(1, len(full.thumbnails)) * 1000:.0f} ms each, "
          f"{everything / built * 100:.0f}% of the build)")
    print(f"catalogue, none rebuilt: {nothing:.2f} s ({len(none.thumbnails)} thumbnails)")
    print(f"thumbnail {size:.1f} KB on average; index.html {index:.0f} KB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
