"""Shared fixtures: the real brand, the real samples, and helpers to read PDFs back."""

from __future__ import annotations

import fcntl
import os
import pickle
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import markdown
import pytest
import yaml

from leafpress import formats
from leafpress.build.builder import build
from leafpress.model.brand import load_brand

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "leaflets"
CASES = Path(__file__).resolve().parent / "cases"
# What a local build of the samples leaves beside them (document control): never copied.
NOT_SOURCES = shutil.ignore_patterns("archive", "issued-versions.csv")
# Debian's Chromium, driven by Playwright (whose own browser download cannot work offline).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, started once per test process and shared by
    every browser test: `browser.new_page()` hands a test a tab, taken back when it ends."""
    from playwright.sync_api import sync_playwright

    from .browser import Tabs, launch

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield Tabs(chromium)
        chromium.close()


@pytest.fixture(autouse=True)
def _tabs_back():
    """After each test, its browser tabs go back to the pool (see tests/browser.py)."""
    yield
    from .browser import Tabs

    for tabs in Tabs.live:
        tabs.reclaim()


@pytest.fixture(scope="session")
def brand():
    return load_brand(ROOT / "styles" / "brand.toml")


def copy_samples(folder: Path) -> Path:
    """The samples copied to folder/leaflets: a build records issued versions and archives PDFs
    beside its sources, which must not be the repository's."""
    shutil.copytree(SAMPLES, folder / "leaflets", ignore=NOT_SOURCES, dirs_exist_ok=True)
    return folder / "leaflets"


def sample_sources(out: Path) -> Path:
    """A copy of the samples beside the output folder out, to build from."""
    return copy_samples(out.parent / f"{out.name}-sources")


def shared_folder(tmp_path_factory, name: str, make) -> Path:
    """A folder made once per test run, however many xdist workers ask for it.

    The first worker to take the lock runs make(folder); the others wait, then reuse it
    (pytest-xdist's recipe for session fixtures, with fcntl instead of the filelock package).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by every worker of this run, and only of this run
    folder = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / f"{name}.done").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed half-way
            folder.mkdir()
            make(folder)
            (root / f"{name}.done").touch()
    return folder


# Expected values come from the files as independent tools read them, never from
# leafpress's own parsers: a bug there must not move the expectation with the output.
BRAND = tomllib.loads((ROOT / "styles" / "brand.toml").read_text(encoding="utf-8"))


def front_matter(path: Path) -> tuple[dict, str]:
    """A source's front matter (PyYAML's reading) and its body, split at the '---' lines."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def reference_html(body: str) -> str:
    """The body as Python-Markdown alone renders it: the words a PDF must carry."""
    return markdown.markdown(body, extensions=["tables", "admonition", "sane_lists"])


@pytest.fixture(scope="session")
def every_format(tmp_path_factory, brand):
    """Every sample and edition in every format, with its catalogue, built once per test run
    (whichever xdist worker asks first); the output folder. Read it, never change it."""
    def make(out: Path) -> None:
        notes: list = []
        result = build([sample_sources(out)], out, brand, formats=tuple(formats.names()), jobs=2,
                       report=notes.append)
        assert result.ok, [str(d) for d in result.diagnostics]
        (out.parent / f"{out.name}.notes").write_bytes(pickle.dumps(notes))

    return shared_folder(tmp_path_factory, "every-format", make)


@pytest.fixture(scope="session")
def every_format_notes(every_format):
    """What that build reported (warnings and notes), in order."""
    return pickle.loads((every_format.parent / f"{every_format.name}.notes").read_bytes())


def pdf_text(path: Path, page: int | None = None, raw: bool = False) -> str:
    """Text of a PDF (or one 1-based page) as poppler reads it, in reading order (raw: in
    drawing order, and a hyphen at a line's end kept, where reading order drops it)."""
    args = ["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else [])]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def normalise(text: str) -> str:
    """Fold white space and the typographic quotes smarty makes, for comparisons."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2013", "-").replace("\u2014", "-")
    text = re.sub(r"(?<=\w)-\s+(?=\w)", "-", text)  # a line broken after a hyphen
    return re.sub(r"\s+", " ", text).strip()


def write_leaflet(folder: Path, name: str, front: str, body: str = "Some text.\n") -> Path:
    """Write a source file with the given front matter lines and body."""
    path = folder / name
    path.write_text(f"---\n{front.strip()}\n---\n{body}", encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path):
    """A copy of the brand, styles and templates in tmp_path, with an empty leaflets/."""
    shutil.copytree(ROOT / "styles", tmp_path / "styles")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "leaflets").mkdir()
    return tmp_path


def figure_alts(path: Path) -> list[str]:
    """The alt text of every Figure in a PDF's structure tree (what a screen reader says)."""
    import pypdf

    alts: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure":
                alts.append(str(node.get("/Alt")))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(pypdf.PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return alts


# Modules with few tests that take long (a real watch process, builds killed mid-way, jobs
# that hang or exhaust memory, a preview server): handed out first. Ordered by their count
# of tests, as pytest-xdist would, they came last and kept one worker busy for seconds
# after the other had finished.
LONG_FIRST = ("test_watch.py", "test_atomic.py", "test_limits.py", "test_preview_browser.py",
              "test_progress.py", "test_parser_stress.py")


def pytest_collection_modifyitems(items):
    """Modules in LONG_FIRST first, then the rest, most tests first (each module runs on one
    worker: see pyproject.toml)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.path.name] = counts.get(item.path.name, 0) + 1
    items.sort(key=lambda item: (item.path.name not in LONG_FIRST, -counts[item.path.name],
                                 item.path.name))


def pytest_collection_finish(session):
    """Modules, fixtures' definitions and collected items live for the whole run: keep the
    cyclic garbage collector from walking them again and again."""
    import gc

    gc.freeze()
