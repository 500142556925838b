"""The hostile corpus laid out for a build: canaries outside the leaflets, a real HTTP server."""

from __future__ import annotations

import base64
import http.server
import os
import shutil
import struct
import subprocess
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from .conftest import CASES, ROOT

HOSTILE = CASES / "hostile"
CANARY_IMAGE = b"CANARY-IMAGE-OUTSIDE-7c1f"  # pixel values of a 1-row grey PNG outside
INSIDE_IMAGE = b"INSIDE-IMAGE-ALLOWED-3e9a"  # the same, for a picture that may be used
CANARY_TEXT = "CANARY-TEXT-OUTSIDE-5b2d"
CANARIES = [CANARY_IMAGE, CANARY_TEXT.encode(), b"CANARY-CSS", b"CANARY-SVG", b"CANARY-FONT"]


class CountingServer(http.server.ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that counts every connection and answers every GET."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Answer)
        self.connections = 0
        self.paths: list[str] = []
        self.daemon_threads = True

    @property
    def port(self) -> int:
        return self.server_address[1]

    def verify_request(self, request, client_address) -> bool:
        self.connections += 1  # before any bytes are read: a TLS hello counts too
        return True


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's name
        self.server.paths.append(self.path)
        body = png_bytes(CANARY_IMAGE)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def png_bytes(pixels: bytes) -> bytes:
    """A one-row grey PNG whose pixel values are the given bytes (found again in a PDF)."""
    from io import BytesIO

    out = BytesIO()
    Image.frombytes("L", (len(pixels), 1), pixels).save(out, "PNG")
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of width x height, all black: a few KB on disk, enormous decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the bits
    packer = zlib.compressobj(9)
    rows_per_step = max(1, 4_000_000 // len(row))
    data = b"".join(packer.compress(row * min(rows_per_step, height - start))
                    for start in range(0, height, rows_per_step)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


@dataclass
class Layout:
    """Where the corpus was laid out: project/leaflets, and outside/ with the canaries."""

    root: Path
    project: Path
    leaflets: Path
    outside: Path
    server: CountingServer
    extra: dict[str, Path] = field(default_factory=dict)


def lay_out(root: Path, server: CountingServer) -> Layout:
    """Copy the corpus into root/project/leaflets, filling in {OUTSIDE} and {PORT}."""
    project, outside = root / "project", root / "outside"
    shutil.copytree(ROOT / "styles", project / "styles")
    shutil.copytree(ROOT / "templates", project / "templates")
    leaflets = project / "leaflets"
    for source in HOSTILE.rglob("*"):
        target = leaflets / source.relative_to(HOSTILE)
        if source.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        data = source.read_bytes().replace(b"{OUTSIDE}", str(outside).encode())
        target.write_bytes(data.replace(b"{PORT}", str(server.port).encode()))

    outside.mkdir()
    (outside / "canary.png").write_bytes(png_bytes(CANARY_IMAGE))
    (outside / "secret.txt").write_text(CANARY_TEXT + "\n")
    (outside / "canary.css").write_text('body::after { content: "CANARY-CSS" }\n')
    (outside / "canary.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><g id="shape">'
                                        '<text y="20">CANARY-SVG</text></g></svg>\n')
    (outside / "canary.ttf").write_bytes(b"CANARY-FONT" * 100)

    images = leaflets / "images"
    (images / "inside.png").write_bytes(png_bytes(INSIDE_IMAGE))
    (images / "symlink-to-canary.png").symlink_to(outside / "canary.png")
    (images / "symlink-to-dev-zero.png").symlink_to("/dev/zero")
    os.mkfifo(images / "fifo.png")
    (images / "huge.png").write_bytes(huge_png(20_000, 20_000))
    (images / "over-budget.png").write_bytes(huge_png(8_000, 8_000))
    data_uri = "data:image/png;base64," + base64.b64encode(huge_png(20_000, 20_000)).decode()
    (images / "huge_image_in_svg.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
        f'<image width="200" height="100" href="{data_uri}"/></svg>\n')
    return Layout(root, project, leaflets, outside, server)


def decompressed(pdf: Path) -> bytes:
    """Every byte of a PDF with its streams inflated (qpdf), to search for leaks."""
    out = pdf.with_name(pdf.name + ".qdf")
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(out)],
                   check=True, capture_output=True, timeout=60)
    return out.read_bytes()


def start(server: CountingServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread
