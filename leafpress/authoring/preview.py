"""The live preview: serve the output folder on 127.0.0.1 and reload pages after each build."""

from __future__ import annotations

import html
import json
import re
import sys
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from leafpress.files import FileRefused, read_regular

STATE_PATH = "/__leafpress__/state"
SCRIPT_PATH = "/__leafpress__/reload.js"

# Polls the build state; reloads when a build finishes, shows the last build's problems.
# The panel is fixed to the foot of the window, so the page keeps that much room below its
# content and scrolls focus clear of it (scroll-padding): it never covers a focused link
# (WCAG 2.2, 2.4.11). It is a polite live region rewritten only when the problems change,
# so a screen reader announces each new set once, not on every poll.
RELOAD_JS = """\
(function () {
  var seen = null, shown = "[]";
  function room(height) {
    document.documentElement.style.scrollPaddingBottom = height ? height + 16 + "px" : "";
    document.body.style.paddingBottom = height ? height + "px" : "";
  }
  function show(problems) {
    var box = document.getElementById("leafpress-problems");
    var text = JSON.stringify(problems);
    if (text === shown && (box || !problems.length)) return;
    shown = text;
    if (!problems.length) { if (box) box.remove(); room(0); return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "leafpress-problems";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      box.setAttribute("aria-label", "Problems in the last build");
      box.style.cssText = "position:fixed;left:0;right:0;bottom:0;max-height:40vh;overflow:auto;" +
        "background:#fdf1f1;color:#1a1a1a;border-top:4px solid #a4161a;padding:12px 16px;" +
        "font:15px/1.4 monospace;z-index:9999;box-sizing:border-box";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("strong");
    title.textContent = "Last build: " + problems.length + " problem(s)";
    box.appendChild(title);
    problems.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line;
      box.appendChild(row);
    });
    room(box.offsetHeight);
  }
  window.addEventListener("resize", function () {
    var box = document.getElementById("leafpress-problems");
    room(box ? box.offsetHeight : 0);
  });
  function poll() {
    fetch("%(state)s", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (state) {
        if (seen !== null && state.generation !== seen) { location.reload(); return; }
        seen = state.generation;
        show(state.problems);
      }).catch(function () {}).finally(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
""" % {"state": STATE_PATH}


class BuildState:
    """What the watcher last did; read by request threads, written by the watcher."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.generation = 0
        self.problems: list[str] = []

    def finished(self, problems: list[str]) -> None:
        with self._lock:
            self.generation += 1
            self.problems = list(problems)

    def as_json(self) -> bytes:
        with self._lock:
            return json.dumps({"generation": self.generation, "problems": self.problems}).encode()


def _with_reload_script(page: str) -> str:
    """Add the reload script to a page, and let its Content-Security-Policy allow it."""
    def widen(match: re.Match) -> str:
        # The page trusts only what its own script adds ('strict-dynamic', which ignores
        # 'self'); served from here, its own origin is as narrow and covers reload.js too.
        policy = re.sub(r"\s*'strict-dynamic'", "", html.unescape(match[2]))
        for directive, source in (("script-src", "'self'"), ("connect-src", "'self'")):
            if re.search(rf"(^|;)\s*{directive}\b", policy):
                policy = re.sub(rf"((?:^|;)\s*{directive})", rf"\1 {source}", policy, count=1)
            else:
                policy += f"; {directive} {source}"
        return f"{match[1]}{html.escape(policy, quote=True)}{match[3]}"

    page = re.sub(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")',
                  widen, page, flags=re.IGNORECASE)
    tag = f'<script src="{SCRIPT_PATH}"></script>'
    return page.replace("</body>", f"{tag}\n</body>") if "</body>" in page else page + tag


# A client that went away mid-answer is normal for a browser; it is not the author's problem.
_GONE = (ConnectionError, TimeoutError)
MAX_PAGE_BYTES = 64 * 1024**2


class _Handler(SimpleHTTPRequestHandler):
    state: BuildState

    def __init__(self, *args, state: BuildState, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def handle(self):
        try:
            super().handle()
        except _GONE:
            pass

    def parse_request(self) -> bool:
        """Refuse a Host that is not this server's loopback address and port (421): a web
        page on a DNS-rebinding name must not read the build state, PDFs or source paths."""
        if not super().parse_request():
            return False
        host, port = self.server.server_address[:2]
        allowed = {f"{host}:{port}", f"localhost:{port}", f"[{host}]:{port}"}
        if (self.headers.get("Host") or "").strip().lower() not in allowed:
            self.send_error(421, "Misdirected Request", "this server answers only to "
                            f"http://{host}:{port}/")
            return False
        return True

    def _target(self) -> str | None:
        """The request's path, decoded; None (after a 400) when it is not a usable one."""
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        try:
            decoded = unquote(path, errors="strict")
        except UnicodeDecodeError:
            self.send_error(400, "Bad Request", "the address is not UTF-8")
            return None
        if not path.startswith("/") or "\0" in decoded or not decoded.isprintable():
            self.send_error(400, "Bad Request", "the address holds characters no file has")
            return None
        return path

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass  # the terminal is for build problems, not request logs

    def end_headers(self):
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):  # noqa: N802 - the stdlib's name
        if self._target() is not None:
            super().do_HEAD()

    def do_GET(self):  # noqa: N802 - the stdlib's name
        path = self._target()
        if path is None:
            return None
        if path == STATE_PATH:
            return self._send(self.state.as_json(), "application/json")
        if path == SCRIPT_PATH:
            return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8")
        if path.endswith("/") or path.endswith(".html"):
            target = Path(self.translate_path(path))
            if target.is_dir():
                target = target / "index.html"
            if target.is_file():
                try:
                    data = read_regular(target, MAX_PAGE_BYTES)
                except FileRefused:
                    return self.send_error(404, "Not Found")
                try:
                    page = _with_reload_script(data.decode("utf-8")).encode("utf-8")
                except UnicodeDecodeError:  # not ours: shown as it is, without the script
                    return self._send(data, "text/html")
                return self._send(page, "text/html; charset=utf-8")
            if path == "/":
                return self._send(_WAITING_PAGE.encode(), "text/html; charset=utf-8")
        return super().do_GET()


_WAITING_PAGE = _with_reload_script(
    "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Preview</title></head>"
    "<body><p>No catalogue yet: the first build is running or has failed.</p></body></html>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], _GONE):  # a reset connection: nothing to print
            return
        super().handle_error(request, client_address)


class PreviewServer:
    """A local web server for the output folder, on its own thread."""

    def __init__(self, folder: Path, port: int, state: BuildState, host: str = "127.0.0.1"):
        handler = partial(_Handler, directory=str(folder), state=state)
        self.httpd = _Server((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
