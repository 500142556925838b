"""Benchmark: the reception catalogue with a library of 1,000 leaflets, in Chromium.

    .venv/bin/python bench/catalogue_scale.py [--leaflets 1000] [--rounds 5]

Generates N leaflets in bench/out/scale/ (about 700 words each, from a vocabulary of real
and made-up words, so the index is as varied as a real library's), renders one real A4 PDF
and gives every leaflet a copy of it (and every fourth a large-print copy), because the
catalogue only reads the files' sizes and pages: rendering 1,000 PDFs would take minutes and
measure WeasyPrint, not the catalogue. Then it times write_catalogue with an empty text cache
(every body read) and again with nothing changed (what a no-op build pays), and opens
index.html from file:// in Debian's Chromium (a fresh browser context each round) to measure:

- interactive: from navigation to every card listed and the finder working (the page's
  "leafpress-list-ready" mark: filters, topics and title search answer); then the full-text
  index loaded ("leafpress-search-ready"), which MiniSearch reads in slices so the page keeps
  answering, and the longest main-thread task meanwhile;
- per keystroke: from each key's input event to the frame after the results were shown,
  typing queries a letter at a time, and the same for filter changes;
- scrolling: frame intervals while the list is scrolled from top to bottom;
- beside the wall-clock times, the CPU time Chromium's processes spent loading the page and
  per keystroke (read from /proc), which other people's work on a shared machine does not
  inflate.

The median of the rounds counts. Not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from leafpress.build.builder import build, discover, load  # noqa: E402
from leafpress.catalogue import search  # noqa: E402
from leafpress.catalogue.page import INDEX, THUMBS, write_catalogue  # noqa: E402
from leafpress.model.brand import load_brand  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
REAL = """knee hip shoulder spine neck wrist ankle elbow hand foot back disc nerve joint bone muscle
tendon ligament cartilage wound stitches dressing bandage plaster splint brace crutches sling
physiotherapy physiotherapist exercise stretching walking swimming hydrotherapy rest ice heat
painkillers paracetamol ibuprofen codeine morphine anaesthetic sedation injection infusion drip
blood clot infection swelling bruising bleeding numbness tingling weakness stiffness fever
surgeon nurse anaesthetist pharmacist radiographer consultant doctor clinic ward theatre
operation surgery procedure keyhole arthroscopy replacement repair release fusion decompression
discectomy laminectomy injection scan x-ray ultrasound MRI CT biopsy appointment referral
recovery healing rehabilitation driving work sleeping bathing showering lifting bending sitting
diabetes asthma pregnancy allergy warfarin anticoagulant antibiotics steroids insulin inhaler
breakfast fasting water tea coffee smoking alcohol weight diet fibre constipation nausea""".split()
SYLLABLES = "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo la le li lo lu ma me mi mo " \
            "mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve " \
            "vi vo za ze zi zo".split()
GLUE = "the and a of to you your we will for with after before it is can may if this".split()
TOPICS = ["surgery", "recovery", "pain", "injection", "exercise", "children", "medicines",
          "diagnosis", "spine", "knee", "hip", "shoulder", "hand", "foot", "tests", "anaesthesia"]


def words(rng: random.Random) -> list[str]:
    """A library's vocabulary: real words and 8,000 made-up ones (drug names, places...)."""
    made = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(9000)}
    return REAL + sorted(made)[:8000]


def leaflet(index: int, rng: random.Random, vocabulary: list[str]) -> str:
    """One leaflet of about 700 words: front matter, sections, lists, a callout.

    Each leaflet draws on its own 40 of the real words and 300 of the made-up ones, so a
    word such as "physiotherapy" is in about one leaflet in five, as in a real library.
    """
    real = rng.sample(REAL, 40)
    own = rng.sample(vocabulary, 300)

    def sentence(length: int) -> str:
        picked = [rng.choice(GLUE) if rng.random() < 0.45 else
                  rng.choice(real if rng.random() < 0.5 else own) for _ in range(length)]
        return " ".join(picked).capitalize() + "."

    def paragraph() -> str:
        return " ".join(sentence(rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))

    subject = " ".join(rng.sample(REAL, 2))
    sections = []
    for number in range(6):
        items = "\n".join(f"- {sentence(rng.randint(5, 10))}" for _ in range(3)) if number % 2 else ""
        sections.append(f"## {sentence(3)[:-1]}\n\n{paragraph()}\n\n{items}\n\n{paragraph()}\n")
    tags = ", ".join(rng.sample(TOPICS, 2))
    reviewed = f"202{rng.randint(4, 6)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    due = f"202{int(reviewed[3]) + 2}{reviewed[4:]}"
    return f"""---
title: {subject.capitalize()} ({index:04d})
summary: {sentence(14)}
reviewed: {reviewed}
review_due: {due}
reference: BENCH-{index:04d}
version: "1.{index % 7}"
url: https://www.example.org/leaflets/bench-{index:04d}
tags: [{tags}]
---

{"".join(sections)}
!!! important "Get help urgently"
    {sentence(12)}
"""


def prepare(count: int) -> tuple[Path, list, object]:
    """Sources, one real PDF copied per leaflet (and its thumbnail), the loaded leaflets."""
    work = ROOT / "bench" / "out" / "scale"
    shutil.rmtree(work, ignore_errors=True)
    sources, out = work / "leaflets", work / "dist"
    sources.mkdir(parents=True)
    rng = random.Random(16)
    vocabulary = words(rng)
    for index in range(count):
        (sources / f"bench-{index:04d}.md").write_text(leaflet(index, rng, vocabulary), encoding="utf-8")
    brand = load_brand(ROOT / "styles" / "brand.toml")
    first = build([sources / "bench-0000.md"], out, brand, jobs=1)
    assert first.ok, [str(d) for d in first.diagnostics]
    pdf, thumb = out / "bench-0000.pdf", out / THUMBS / "bench-0000.webp"
    for index in range(1, count):
        stem = f"bench-{index:04d}"
        shutil.copy2(pdf, out / f"{stem}.pdf")
        if index % 4 == 0:
            shutil.copy2(pdf, out / f"{stem}-large-print.pdf")
        shutil.copy2(thumb, out / THUMBS / f"{stem}.webp")
    started = time.perf_counter()
    leaflets, problems = load(discover([sources])[0], brand)
    print(f"load {count} sources: {time.perf_counter() - started:.2f} s")
    assert len(leaflets) == count, problems[:3]
    (out / THUMBS / "catalogue.json").unlink(missing_ok=True)  # an empty text cache
    return out, leaflets, brand


def catalogue_times(out: Path, leaflets: list, brand) -> None:
    started = time.perf_counter()
    write_catalogue(out, leaflets, brand)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(3):
        started = time.perf_counter()
        write_catalogue(out, leaflets, brand)
        warm.append(time.perf_counter() - started)
    size = {name: (out / name).stat().st_size / 1e6 for name in (INDEX, search.SCRIPT)}
    print(f"write_catalogue, every body read:  {cold:.2f} s")
    print(f"write_catalogue, nothing changed:  {min(warm):.2f} s (best of 3)")
    print(f"index.html {size[INDEX]:.2f} MB; {search.SCRIPT} {size[search.SCRIPT]:.2f} MB; "
          f"record {(out / THUMBS / 'catalogue.json').stat().st_size / 1e6:.2f} MB")


# In the page before its own script: when each input event started, and the frame after it.
PROBE = """
window.__lag = []; window.__long = [];
new PerformanceObserver(list => list.getEntries().forEach(e => window.__long.push([e.startTime, e.duration])))
  .observe({type: "longtask", buffered: true});
let started = null;
addEventListener("input", e => { started = e.timeStamp; }, true);
addEventListener("change", e => { if (e.target.tagName === "SELECT") started = performance.now(); }, true);
const done = () => { if (started === null) return; const t = started; started = null;
  requestAnimationFrame(() => setTimeout(() => window.__lag.push(performance.now() - t), 0)); };
addEventListener("input", done);
addEventListener("change", e => { if (e.target.tagName === "SELECT") done(); });
"""
def chromium_cpu_ms() -> float:
    """CPU time (user + system) used so far by the Chromium processes this script started.

    Wall-clock latency on a shared machine grows with everyone else's load; the CPU the
    browser spent does not, so it is reported beside it: on an idle machine a step cannot
    take much longer than the CPU it needs (the page's work is one main thread).
    """
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    mine, grew = {os.getpid()}, True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                grew = True
    total = 0
    for pid in mine - {os.getpid()}:
        try:
            if b"chromium" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total * 1000 / os.sysconf("SC_CLK_TCK")


QUERIES = ["physiotherapy", "keyhole", "discetomy", "after my back operation", "bench-0500",
           "hydrotherapy swelling"]


def browser_round(playwright, out: Path) -> dict[str, float]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(lambda url: not url.startswith("file://"), lambda route: route.abort())
    context.add_init_script(PROBE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("about:blank")
    page.wait_for_timeout(300)
    cpu = chromium_cpu_ms()
    page.goto((out / INDEX).as_uri())
    page.wait_for_selector("#finder[data-ready]", state="attached", timeout=30_000)
    load_cpu = chromium_cpu_ms() - cpu
    timing = page.evaluate("""() => ({
        list: performance.getEntriesByName("leafpress-list-ready")[0].startTime,
        ready: performance.getEntriesByName("leafpress-search-ready")[0].startTime,
        longest: Math.max(0, ...window.__long.map(([start, length]) => length)),
        dcl: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd,
        fcp: (performance.getEntriesByName("first-contentful-paint")[0] || {}).startTime || 0})""")
    keys: list[float] = []
    cpu = chromium_cpu_ms()
    for query in QUERIES:
        page.fill("#search", "")
        page.focus("#search")
        page.evaluate("window.__lag = []")
        page.keyboard.type(query, delay=60)
        page.wait_for_timeout(150)
        keys += page.evaluate("window.__lag")
    key_cpu = (chromium_cpu_ms() - cpu) / len(keys)
    page.fill("#search", "spine")
    page.evaluate("window.__lag = []")
    for key, value in [("format", "large-print"), ("review", "due"), ("format", ""), ("review", "")]:
        page.select_option(f"#filter-{key}", value)
        page.wait_for_timeout(150)
    filters = page.evaluate("window.__lag")
    page.fill("#search", "")
    page.wait_for_timeout(200)
    frames = page.evaluate("""async () => {
        const gaps = []; let last = performance.now(); let run = true;
        const tick = t => { gaps.push(t - last); last = t; if (run) requestAnimationFrame(tick); };
        requestAnimationFrame(tick);
        const end = document.documentElement.scrollHeight;
        for (let y = 0; y < end; y += 300) { window.scrollTo(0, y); await new Promise(r => setTimeout(r, 16)); }
        run = false; return gaps.slice(1); }""")
    browser.close()
    assert not errors, errors
    frames.sort()
    return {
        "list": timing["list"], "longest": timing["longest"],
        "ready": timing["ready"], "dcl": timing["dcl"], "fcp": timing["fcp"],
        "load_cpu": load_cpu, "key_cpu": key_cpu,
        "key_median": statistics.median(keys), "key_p95": sorted(keys)[int(len(keys) * 0.95)],
        "key_max": max(keys), "keys": len(keys), "filter_max": max(filters),
        "frame_p95": frames[int(len(frames) * 0.95)], "frame_max": frames[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaflets", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    out, leaflets, brand = prepare(options.leaflets)
    catalogue_times(out, leaflets, brand)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        rounds = [browser_round(playwright, out) for _ in range(options.rounds)]
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"\nChromium, {options.leaflets} leaflets, median of {options.rounds} rounds "
          f"({median['keys']:.0f} keystrokes each):\n")
    print("| Measure | Measured (ms) | Goal (ms) | |\n|---|---:|---:|---|")
    rows = [("interactive: every card listed, filters, topics and title search working", median["list"], 400),
            ("first contentful paint", median["fcp"], None),
            ("full-text search ready (the index loaded, in slices)", median["ready"], None),
            ("  Chromium's CPU time until then (all its processes)", median["load_cpu"], None),
            ("  longest main-thread task while loading", median["longest"], None),
            ("keystroke to results on screen, median", median["key_median"], 50),
            ("keystroke to results on screen, 95th percentile", median["key_p95"], 50),
            ("keystroke to results on screen, slowest", median["key_max"], None),
            ("  Chromium's CPU time per keystroke, average (all its processes)", median["key_cpu"], 50),
            ("filter change to results on screen, slowest", median["filter_max"], 50),
            ("scrolling: frame interval, 95th percentile", median["frame_p95"], None),
            ("scrolling: longest frame", median["frame_max"], None)]
    for name, value, goal in rows:
        verdict = "" if goal is None else ("met" if value <= goal else "MISSED")
        print(f"| {name} | {value:.0f} | {goal if goal else '–'} | {verdict} |")


if __name__ == "__main__":
    main()
