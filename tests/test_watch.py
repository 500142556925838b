"""`watch` for real: a subprocess, real file edits, real HTTP requests, a real Ctrl-C."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pypdf
import pytest

from .conftest import ROOT, write_leaflet

GOOD = "title: First title\nreference: W-1\nauthor: W. Example"  # no version: edited in place


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read()


def wait_for(predicate, seconds: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = predicate()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def watcher(project):
    """Start `generate.py watch` in the project; stop it with SIGINT afterwards."""
    write_leaflet(project / "leaflets", "live.md", GOOD)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "generate.py"), "watch", "-o", "out", "--port", str(port),
         "--jobs", "1"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    state = lambda: json.loads(get(f"{base}/__leafpress__/state")[1])  # noqa: E731
    try:
        wait_for(lambda: state()["generation"] >= 1, what="the first build")
        yield process, base, state, project
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def title_of(pdf: Path) -> str | None:
    try:
        return pypdf.PdfReader(pdf).metadata.title
    except (OSError, pypdf.errors.PyPdfError):  # absent or unreadable: not there yet
        return None


def test_watch_rebuilds_on_save_survives_a_broken_edit_and_stops_on_ctrl_c(watcher):
    process, base, state, project = watcher
    pdf = project / "out" / "live.pdf"
    assert title_of(pdf) == "First title"
    status, page = get(f"{base}/")
    assert status == 200 and b"/__leafpress__/reload.js" in page
    assert b"First title" in page  # the catalogue, served with the reload script added
    assert b"location.reload()" in get(f"{base}/__leafpress__/reload.js")[1]
    assert get(f"{base}/live.pdf")[1].startswith(b"%PDF")

    source = project / "leaflets" / "live.md"
    generation = state()["generation"]
    source.write_text(source.read_text().replace("First title", "Second title"))
    wait_for(lambda: state()["generation"] > generation, what="a rebuild after the edit")
    assert title_of(pdf) == "Second title"
    assert b"Second title" in get(f"{base}/")[1]

    generation = state()["generation"]
    source.write_text(source.read_text().replace("reference: W-1", "reference: [unclosed"))
    wait_for(lambda: state()["generation"] > generation, what="a rebuild after the broken edit")
    [problem] = state()["problems"]
    assert problem.startswith("leaflets/live.md:4: error: invalid front matter")
    assert process.poll() is None, "the watcher must survive a broken edit"
    assert title_of(pdf) == "Second title"  # the last good PDF is kept

    generation = state()["generation"]
    source.write_text(source.read_text().replace("reference: [unclosed", "reference: W-2")
                      .replace("Second title", "Third title"))
    wait_for(lambda: state()["generation"] > generation, what="a rebuild after the fix")
    assert state()["problems"] == []
    assert title_of(pdf) == "Third title"

    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in out + err
    assert "leaflets/live.md:4: error: invalid front matter" in err


def test_preview_page_reloads_itself_and_shows_problems_in_a_real_browser(watcher, browser):
    from playwright.sync_api import expect

    process, base, state, project = watcher
    source = project / "leaflets" / "live.md"
    errors: list[str] = []
    page = browser.new_page()
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.route(lambda url: not url.startswith(base), lambda route: route.abort())
    page.goto(f"{base}/")
    expect(page.get_by_text("First title").first).to_be_visible()

    source.write_text(source.read_text().replace("First title", "Renamed title"))
    expect(page.get_by_text("Renamed title").first).to_be_visible(timeout=30_000)

    source.write_text(source.read_text().replace("reference: W-1", "reference: [unclosed"))
    expect(page.locator("#leafpress-problems")).to_contain_text(
        "leaflets/live.md:4: error: invalid front matter", timeout=30_000)
    assert errors == []  # no CSP violation: the preview widened the page's policy for its script
