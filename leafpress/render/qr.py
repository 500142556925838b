"""QR codes: the leaflet's online address as a vector SVG image, ready for an <img> tag."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

# At least level M (15 %) to survive smudges and creases; segno raises it when that fits in
# the same symbol size. Asking for H outright would make the code denser at the same printed
# size, so the modules would get smaller and harder to scan.
ERROR_LEVEL = "m"
QUIET_ZONE = 4  # modules of white around the symbol, as the QR standard asks


@lru_cache(maxsize=256)
def qr_svg(url: str) -> bytes:
    """An SVG QR code for url: black on white, sized by CSS (viewBox only)."""
    import segno  # only builds that print a QR code need it

    code = segno.make(url, error=ERROR_LEVEL, micro=False)
    svg = io.BytesIO()
    code.save(svg, kind="svg", xmldecl=False, nl=False, omitsize=True, border=QUIET_ZONE,
              dark="#000", light="#fff")
    return svg.getvalue()


@lru_cache(maxsize=256)
def qr_data_uri(url: str) -> str:
    """The same QR code as a data: URI, for the PDF (which carries its images inside)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(url)).decode("ascii")
