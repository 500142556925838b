"""Every limit a hostile or careless source meets, in one place (the README's Security table)."""

from __future__ import annotations

MAX_SOURCE_BYTES = 2 * 1024 * 1024  # a source file
MAX_FRONT_MATTER_BYTES = 64 * 1024  # its YAML
MAX_RESOURCE_BYTES = 20 * 1024 * 1024  # the largest image, font or stylesheet a leaflet may use
# A full A4 page at 300 dpi is 8.7 megapixels; 40 lets phone photos through but not bombs.
MAX_IMAGE_PIXELS = 40_000_000
# Elements inside elements: real leaflets stay under 15; WeasyPrint recurses per level.
MAX_DEPTH = 40
# Bounds for numbers authors may give in raw HTML; WeasyPrint builds a huge grid for
# colspan="100000000" (minutes and gigabytes), so larger values are dropped.
NUMBER_BOUNDS = {"colspan": (1, 20), "rowspan": (1, 500), "start": (-10**6, 10**6),
                 "width": (1, 10**4), "height": (1, 10**4)}
JOB_TIMEOUT = 60.0  # seconds for one leaflet in one format
MEMORY_LIMIT = 2 * 1024**3  # address space per worker; WeasyPrint needs ~0.5 GB
MAX_OUTPUT_BYTES = 1024**3  # a PDF we wrote, hashed to see whether it is still ours
MAX_MANIFEST_BYTES = 64 * 1024**2  # a build manifest or the catalogue's record
# Every picture a leaflet shows, added up (one file counts once, however often it is named).
MAX_LEAFLET_IMAGE_BYTES = 50 * 1024**2
# Decoded images a worker keeps between leaflets; past it the cache starts again, so one
# picture-heavy leaflet never costs the next its memory.
IMAGE_CACHE_BYTES = 64 * 1024**2
MAX_URL_LENGTH = 200  # characters of `url`: more makes a QR code too dense to scan at 34 mm
MAX_WARNINGS = 20  # shown per leaflet and output; the rest are counted in one line
# The smallest type a patient must read, per format (RNIB Clear Print: 12pt; large print 16pt;
# the booklet's own floor), and the width of each format's text column (its CSS @page side
# margins taken from the paper): `check` scales an SVG's text by these to warn when it
# would print too small. tests/test_layout.py measures both in the built PDFs.
MIN_TEXT_PT = {"a4": 12.0, "large-print": 16.0, "booklet": 11.0}
TEXT_WIDTH_MM = {"a4": 210 - 2 * 34, "large-print": 210 - 2 * 16, "booklet": 148 - 2 * 12}


def out_of_memory(limit: int, crash: bool = False) -> str:
    """What a leaflet that met the memory limit (bytes; 0 for none) is told."""
    said = f" (the limit is {limit // 1024**2} MB)" if limit else ""
    return f"out of memory{said} or a crash" if crash else f"ran out of memory{said}"
