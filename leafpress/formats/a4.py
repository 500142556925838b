"""A4: for the desk printer and for email; the accessible, tagged PDF."""

from __future__ import annotations

from leafpress.formats.pdf import PdfFormat


class A4(PdfFormat):
    name = "a4"
    suffix = ""
    label = "A4 PDF"
    cover = True
    help_template = "help/a4.html.j2"
