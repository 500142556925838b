"""`doctor`: is this machine able to build leaflets, and if not, how to fix it."""

from __future__ import annotations

import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from leafpress import formats as registry
from leafpress.model.brand import Brand, load_brand
from leafpress.errors import ConfigError

OK, WARN, FAIL = "ok", "warning", "error"


@dataclass(frozen=True)
class Finding:
    """One line of the doctor's report; FAIL blocks a build, WARN only slows or degrades it."""

    status: str
    what: str
    detail: str
    fix: str = ""


def check_python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < (3, 11):
        return Finding(FAIL, "Python", f"{version} is too old", "install Python 3.11 or newer")
    return Finding(OK, "Python", version)


def check_weasyprint() -> list[Finding]:
    """WeasyPrint itself, then the system libraries it loads: Pango and HarfBuzz subsetting."""
    try:
        import weasyprint
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset, pango
    except (ImportError, OSError) as exc:
        return [Finding(FAIL, "WeasyPrint", f"cannot be loaded: {exc}",
                        "run: bash scripts/setup.sh (installs Pango and the Python packages)")]
    findings = []
    major = int(re.match(r"\d+", weasyprint.__version__)[0])
    if major < 70:
        findings.append(Finding(FAIL, "WeasyPrint", f"{weasyprint.__version__} is older than 70",
                                "run: bash scripts/setup.sh"))
    else:
        findings.append(Finding(OK, "WeasyPrint", weasyprint.__version__))
    pango_version = pango.pango_version()
    text = f"{pango_version // 10000}.{pango_version // 100 % 100}.{pango_version % 100}"
    if pango_version < 14400:
        findings.append(Finding(FAIL, "Pango", f"{text} is older than 1.44",
                                "install a newer libpango-1.0-0"))
    else:
        findings.append(Finding(OK, "Pango", text))
    if harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0):
        findings.append(Finding(OK, "HarfBuzz subsetting", "available (fast font subsetting)"))
    else:
        findings.append(Finding(WARN, "HarfBuzz subsetting", "missing: PDFs build about 2.5x slower",
                                "apt-get install libharfbuzz-subset0"))
    return findings


def check_fonts(brand: Brand) -> Finding:
    """Every font file the stylesheet names must be bundled next to it."""
    stylesheet = brand.styles / "leaflet.css"
    try:
        css = stylesheet.read_text(encoding="utf-8")
    except OSError as exc:
        return Finding(FAIL, "Fonts", f"cannot read {stylesheet}: {exc.strerror}")
    names = re.findall(r"url\(\s*[\"']?([^\"')]+\.(?:ttf|otf|woff2?))", css)
    missing = [name for name in names if not (brand.styles / name).is_file()]
    if missing:
        return Finding(FAIL, "Fonts", "missing: " + ", ".join(missing),
                       "restore styles/fonts/ from the repository")
    if not names:
        return Finding(WARN, "Fonts", "no bundled font: output will differ between machines")
    return Finding(OK, "Fonts", f"{len(names)} bundled font file(s) found")


def check_braille(brand: Brand) -> Finding:
    """liblouis and its UEB table, for the braille file (an error only if the brand makes it)."""
    from leafpress.formats.brf import TABLES, load_louis

    louis = load_louis(required=False)
    try:
        if louis is None:
            raise RuntimeError("liblouis is not installed")
        louis.checkTable([TABLES["en"]])
    except Exception as exc:  # noqa: BLE001 - liblouis raises its own RuntimeError
        status = FAIL if "brf" in brand.formats else WARN
        return Finding(status, "Braille", f"cannot make braille files: {exc}",
                       "run: bash scripts/setup.sh (python3-louis and liblouis-data)")
    return Finding(OK, "Braille", f"liblouis {louis.version()} with {TABLES['en']}")


def check_output(out: Path) -> Finding:
    """The output folder must exist (or be creatable) and accept a file."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out, prefix=".doctor-", suffix=".partial"):
            pass
    except OSError as exc:
        return Finding(FAIL, "Output folder", f"{out} is not writable: {exc.strerror}",
                       "choose another folder with -o, or fix its permissions")
    return Finding(OK, "Output folder", f"{out} is writable")


def brand_rules(brand: Brand) -> Finding:
    """The brand file loads; its colours and body size also pass check's rules (else a warning:
    leaflets still build, but not to the house standard)."""
    from leafpress.check.rules import brand_findings

    problems = brand_findings(brand)
    if problems:
        return Finding(WARN, "Brand", "; ".join(d.message for d in problems),
                       f"fix {os.path.relpath(brand.path)} (run `check` for the lines)")
    return Finding(OK, "Brand", f"{brand.name} ({os.path.relpath(brand.path)})")


def diagnose(brand_path: Path, out: Path) -> list[Finding]:
    """Run every check, in the order a fix would be made."""
    findings = [check_python(), *check_weasyprint()]
    try:
        brand = registry.check_brand(load_brand(brand_path))
    except ConfigError as exc:
        findings.append(Finding(FAIL, "Brand", str(exc.diagnostic), "fix the line named above"))
    else:
        findings.append(brand_rules(brand))
        findings.append(check_fonts(brand))
        findings.append(check_braille(brand))
    findings.append(check_output(out))
    return findings


