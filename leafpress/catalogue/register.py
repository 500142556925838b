"""The register page, <out>/register.html beside the catalogue: a sortable, filterable table
of every leaflet and edition that links the archived files; offline, inline CSS and script."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from leafpress import __version__
from leafpress.catalogue.page import _inline
from leafpress.control.record import Records
from leafpress.control.register import DUE_SOON, OVERDUE, STALE, Register, rows_of
from leafpress.errors import Diagnostic, error
from leafpress.files import write_if_changed
from leafpress.model.brand import Brand
from leafpress.model.leaflet import Leaflet
from leafpress.render.html import csp_hash, environment

PAGE = "register.html"
TEMPLATE = "register.html.j2"
SCRIPT = "register.js"
STYLESHEET = "register.css"


def register_html(register: Register, brand: Brand, folder: Path) -> str:
    """The page for a file in folder (links to the archive are relative to it)."""
    style = (f":root{{--primary:{brand.primary};--accent:{brand.accent}}}\n"
             + _inline(brand.styles / STYLESHEET))
    script = _inline(brand.templates / SCRIPT)
    csp = "; ".join(["default-src 'none'", f"style-src {csp_hash(style)}",
                     f"script-src {csp_hash(script)}", "base-uri 'none'", "form-action 'none'"])

    def href(path: Path) -> str:
        return quote(Path(os.path.relpath(path.resolve(), folder.resolve())).as_posix())

    return environment(brand.templates).get_template(TEMPLATE).render(
        brand=brand, register=register, rows=register.rows, csp=csp, style=Markup(style),
        script=Markup(script), generator=f"leafpress {__version__}", href=href,
        DUE_SOON=DUE_SOON, OVERDUE=OVERDUE, STALE=STALE)


def write_page(out: Path, leaflets: Iterable[Leaflet], brand: Brand, today: datetime.date,
               records: Records | None = None) -> list[Diagnostic]:
    """Write out/register.html (only when it changed); a problem is one diagnostic."""
    register = Register(today, brand.governance.due_soon_months,
                        rows_of(leaflets, brand, today, records))
    try:
        write_if_changed(out / PAGE, register_html(register, brand, out).encode("utf-8"))
    except jinja2.TemplateError as exc:
        where = brand.templates / (getattr(exc, "name", None) or TEMPLATE)
        return [error("register", where, getattr(exc, "lineno", 0) or 0,
                      f"cannot write the register: {getattr(exc, 'message', exc)}")]
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return [error("register", out / PAGE, 0, f"cannot write the register: {reason}")]
    return []
