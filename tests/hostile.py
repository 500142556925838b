"""Helpers for the hostile tests: a listening server, canary files, huge images, PDF scans."""

from __future__ import annotations

import http.server
import struct
import subprocess
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path

CANARY_TEXT = "CANARY-TEXT-3b9f"
CANARY_SVG_TEXT = "CANARY-SVG-3b9f"
CANARY_PNG_SIZE = (37, 23)  # a size no other picture in these tests has
# Objects that would run code or carry files in a PDF reader.
ACTIVE_PDF_KEYS = (b"/JavaScript", b"/JS", b"/EmbeddedFile", b"/FileAttachment", b"/Launch",
                   b"/SubmitForm", b"/ImportData", b"/RichMedia", b"/GoToR")


@dataclass
class Listener:
    """A real HTTP server on 127.0.0.1 that records every connection and request."""

    host: str
    connections: list = field(default_factory=list)
    requests: list = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}"


def start_listener() -> tuple[Listener, http.server.ThreadingHTTPServer]:
    """Start the server on a random port in a thread; stop it with server.shutdown()."""
    listener = Listener("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            listener.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(canary_png())

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def verify_request(self, request, client_address):
            # Counted before any bytes are read: an https or half-open attempt counts too.
            listener.connections.append(client_address)
            return True

    server = Server(("127.0.0.1", 0), Handler)
    listener.host = f"127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return listener, server


def png(width: int, height: int, colour: bytes | None = None) -> bytes:
    """A valid PNG: 1-bit black when colour is None (a bomb compresses to kilobytes), else RGB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    if colour is None:
        depth, kind, row = 1, 0, b"\0" * (1 + (width + 7) // 8)
    else:
        depth, kind, row = 8, 2, b"\0" + colour * width
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, kind, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def noise_png(width: int, height: int, seed: int = 0) -> bytes:
    """An RGB PNG of random noise: it hardly compresses, so its size is about 3 x its pixels."""
    import random

    rows = random.Random(seed)
    data = bytearray()
    for _ in range(height):
        data += b"\0" + rows.randbytes(width * 3)
    return _png(width, height, 8, 2, bytes(data), level=0)


def jpeg(width: int, height: int) -> bytes:
    """A real JPEG photo-like gradient, made with Pillow."""
    import io

    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def _png(width: int, height: int, depth: int, kind: int, raw: bytes, level: int = 9) -> bytes:
    def chunk(name: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + name + data + struct.pack(">I", zlib.crc32(name + data))

    header = struct.pack(">IIBBBBB", width, height, depth, kind, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, level))
            + chunk(b"IEND", b""))


def canary_png() -> bytes:
    return png(*CANARY_PNG_SIZE, colour=b"\x01\x02\x03")


def write_canaries(folder: Path) -> None:
    """Files an attacker would like to see in a PDF, outside every allowed folder."""
    (folder / "canary.txt").write_text(CANARY_TEXT)
    (folder / "canary.png").write_bytes(canary_png())
    (folder / "canary.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40">'
        f'<text x="0" y="20">{CANARY_SVG_TEXT}</text></svg>')
    (folder / "canary.css").write_text(f'body::after {{ content: "{CANARY_TEXT}" }}')
    (folder / "canary.ttf").write_text(CANARY_TEXT)


def expanded(pdf: Path, work: Path) -> bytes:
    """The PDF with every stream decompressed (qpdf --qdf), for searching its raw bytes."""
    out = work / f"{pdf.stem}.qdf.pdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), str(out)], check=True)
    return out.read_bytes()


def image_sizes(pdf: Path) -> list[tuple[int, int]]:
    """Width and height of every raster image in a PDF, as pdfimages lists them."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True,
                             text=True).stdout.splitlines()[2:]
    return [(int(row.split()[3]), int(row.split()[4])) for row in listing]


def leaks(data: bytes, secrets: list[str]) -> list[str]:
    """Which secrets appear in the bytes, as UTF-8, Latin-1 or UTF-16 (PDF text strings)."""
    found = []
    for secret in secrets:
        forms = {secret.encode("utf-8"), secret.encode("utf-16-be")}
        if any(form in data for form in forms):
            found.append(secret)
    return found
