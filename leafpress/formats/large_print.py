"""Large print (RNIB Clear Print): A4 at 18pt, the same content and tagging as A4."""

from __future__ import annotations

from leafpress.formats.pdf import PdfFormat


class LargePrint(PdfFormat):
    name = "large-print"
    suffix = "-large-print"
    label = "Large print PDF"
    help_template = "help/large-print.html.j2"
