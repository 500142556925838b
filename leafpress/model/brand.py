"""The brand: styles/brand.toml read, validated and frozen into a Brand."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from leafpress.errors import ConfigError
from leafpress.suggest import did_you_mean

DEFAULT_BRAND = Path("styles/brand.toml")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal-size text: the brand colours set text
LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
# The document-control front-matter keys a brand may require or print (see [governance]).
GOVERNANCE_KEYS = ("owner", "approved_by", "approved", "changes")


@dataclass(frozen=True)
class Contact:
    """How patients reach the clinic."""

    phone: str
    email: str
    website: str
    address: str


@dataclass(frozen=True)
class Governance:
    """Document control: which keys each leaflet must carry and which it prints."""

    required: tuple[str, ...] = ()
    printed: tuple[str, ...] = ()
    house_sentence: str = ""  # e.g. "This document is uncontrolled if printed."
    due_soon_months: int = 6  # the register flags reviews due within this many months
    archive: Path | None = None  # None: an archive/ folder beside each leaflet's source


@dataclass(frozen=True)
class Brand:
    """Everything clinic-specific: name, logo, colours, contact and house rules."""

    path: Path
    name: str
    logo: Path
    primary: str
    accent: str
    contact: Contact
    alternative_formats: str
    disclaimer: str
    lang: str
    review_interval_months: int
    formats: tuple[str, ...]
    body_pt: float
    target_grade: float
    templates: Path
    styles: Path
    easy_read_pt: float = 16.0
    # The brand's own sentences per language: {"pl": {"disclaimer": "...", ...}}.
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    governance: Governance = Governance()
    # The catalogue's search: a word or phrase and what else it should find ([synonyms]).
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def folder(self) -> Path:
        return self.path.parent

    def sentence(self, key: str, lang: str) -> str | None:
        """The brand's sentence `key` (disclaimer, alternative_formats, name) in lang: the
        brand's own for its language, else [translations.<lang>] (exact tag, then language)."""
        if lang.split("-")[0].lower() == self.lang.split("-")[0].lower() and not (
                lang in self.translations):
            return (self.governance.house_sentence or None if key == "house_sentence"
                    else getattr(self, key))
        for tag in (lang, lang.split("-")[0]):
            if tag in self.translations:
                return self.translations[tag].get(key)
        return None


# key: (type, required, default). Tables are validated key by key below.
_TOP = {
    "name": (str, True, None),
    "logo": (str, True, None),
    "alternative_formats": (str, True, None),
    "disclaimer": (str, True, None),
    "lang": (str, False, "en-GB"),
    "review_interval_months": (int, False, 24),
    "formats": (list, False, ["a4"]),
    "templates": (str, False, "../templates"),
    "styles": (str, False, "."),
    "colours": (dict, True, None),
    "contact": (dict, True, None),
    "type": (dict, False, {}),
    "readability": (dict, False, {}),
    "translations": (dict, False, {}),
    "governance": (dict, False, {}),
    "synonyms": (dict, False, {}),
}
_TABLES = {
    "colours": {"primary": (str, True, None), "accent": (str, True, None)},
    "contact": {
        "phone": (str, True, None),
        "email": (str, True, None),
        "website": (str, True, None),
        "address": (str, True, None),
    },
    "type": {"body_pt": ((int, float), False, 13), "easy_read_pt": ((int, float), False, 16)},
    "readability": {"target_grade": ((int, float), False, 8)},
    "governance": {
        "required": (list, False, []),
        "printed": (list, False, []),
        "house_sentence": (str, False, ""),
        "due_soon_months": (int, False, 6),
        "archive": (str, False, ""),
    },
}
# What a language may say in [translations.<lang>]; the clinic's name is optional.
_TRANSLATION = {"alternative_formats": (str, False, None), "disclaimer": (str, False, None),
                "name": (str, False, None), "house_sentence": (str, False, None)}
_TYPE_NAMES = {str: "text", int: "a whole number", list: "a list", dict: "a table"}


def contrast_on_white(colour: str) -> float:
    """WCAG 2.2 contrast ratio of a #rrggbb colour against white (1 to 21)."""
    channels = []
    for index in (1, 3, 5):
        value = int(colour[index:index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 1.05 / (0.2126 * red + 0.7152 * green + 0.0722 * blue + 0.05)


def shown_ratio(ratio: float) -> str:
    """A contrast ratio as people read it, never rounded up past a limit: '4.49:1'."""
    return f"{int(ratio * 100) / 100:.2f}:1"


def line_of(text: str, table: str | None, key: str) -> int:
    """Best-effort 1-based line of `key = ` inside [table] (tomllib keeps no positions)."""
    current = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if match := re.match(r"^\[([^\]]+)\]", stripped):
            current = match[1].strip()
            if table is None and current == key:
                return number
        elif current == table and re.match(rf"^{re.escape(key)}\s*=", stripped):
            return number
        elif table is not None and current is None and stripped.startswith(f"{table}."):
            return number
    return 0


def _validated(data: dict, spec: dict, text: str, table: str | None, path: Path) -> dict:
    """Check keys and types against spec; return the values with defaults filled in."""
    for key in data:
        if key not in spec:
            where = f"[{table}] " if table else ""
            raise ConfigError(
                path, line_of(text, table, key),
                f"unknown brand key {where}'{key}'{did_you_mean(key, spec)}")
    values = {}
    for key, (kind, required, default) in spec.items():
        if key not in data:
            if required:
                where = f" in [{table}]" if table else ""
                raise ConfigError(path, 0, f"missing brand key '{key}'{where}")
            values[key] = default
            continue
        value = data[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            name = _TYPE_NAMES.get(kind, "a number")
            raise ConfigError(path, line_of(text, table, key), f"'{key}' must be {name}")
        values[key] = value
    return values


def _synonyms(table: dict, text: str, path: Path) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """[synonyms]: each key a word or phrase, each value a list of others it should find."""
    found = []
    for word, others in table.items():
        if (not word.strip() or not isinstance(others, list) or not others
                or not all(isinstance(other, str) and other.strip() for other in others)):
            raise ConfigError(path, line_of(text, "synonyms", word) or line_of(text, None, "synonyms"),
                              f"synonym '{word}' must be a word with a list of words or phrases, "
                              'like keyhole = ["minimally invasive"]')
        found.append((word.strip(), tuple(other.strip() for other in others)))
    return tuple(found)


def load_brand(path: Path = DEFAULT_BRAND) -> Brand:
    """Read and validate a brand file; raise ConfigError naming the bad key and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, 0, "brand file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, 0, f"cannot read brand file: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(path, int(match[1]) if match else 0, f"invalid TOML: {message}") from None

    top = _validated(data, _TOP, text, None, path)
    tables = {name: _validated(top[name], spec, text, name, path) for name, spec in _TABLES.items()}
    folder = path.parent
    translations = {}
    for tag, table in top["translations"].items():
        if not isinstance(table, dict) or not LANG_TAG.match(tag):
            raise ConfigError(path, line_of(text, None, f"translations.{tag}"),
                              f"[translations.{tag}] must be a table named by a language tag")
        values = _validated(table, _TRANSLATION, text, f"translations.{tag}", path)
        translations[tag] = {key: value for key, value in values.items() if value is not None}

    for key in ("primary", "accent"):
        if not HEX_COLOUR.match(tables["colours"][key]):
            raise ConfigError(path, line_of(text, "colours", key),
                              f"colour '{key}' must be written as \"#rrggbb\"")
    logo = (folder / top["logo"]).resolve()
    if logo.suffix.lower() not in (".svg", ".png"):
        raise ConfigError(path, line_of(text, None, "logo"), "logo must be an SVG or PNG file")
    if not logo.is_file():
        raise ConfigError(path, line_of(text, None, "logo"), f"logo not found: {top['logo']}")
    if not LANG_TAG.match(top["lang"]):
        raise ConfigError(path, line_of(text, None, "lang"), f"'lang' is not a language tag: {top['lang']}")
    if not 1 <= top["review_interval_months"] <= 60:
        raise ConfigError(path, line_of(text, None, "review_interval_months"),
                          "'review_interval_months' must be between 1 and 60")
    if not all(isinstance(name, str) for name in top["formats"]):
        raise ConfigError(path, line_of(text, None, "formats"),
                          "'formats' must be a list of format names")
    for key in ("templates", "styles"):
        if not (folder / top[key]).is_dir():
            raise ConfigError(path, line_of(text, None, key), f"'{key}' folder not found: {top[key]}")

    governance = _governance(tables["governance"], text, path)
    return Brand(
        synonyms=_synonyms(top["synonyms"], text, path),
        path=path.resolve(),
        name=top["name"],
        logo=logo,
        primary=tables["colours"]["primary"].lower(),
        accent=tables["colours"]["accent"].lower(),
        contact=Contact(**tables["contact"]),
        alternative_formats=top["alternative_formats"],
        disclaimer=top["disclaimer"],
        lang=top["lang"],
        review_interval_months=top["review_interval_months"],
        formats=tuple(top["formats"]) or ("a4",),
        body_pt=float(tables["type"]["body_pt"]),
        target_grade=float(tables["readability"]["target_grade"]),
        templates=(folder / top["templates"]).resolve(),
        styles=(folder / top["styles"]).resolve(),
        easy_read_pt=float(tables["type"]["easy_read_pt"]),
        translations=translations,
        governance=governance,
    )


def _governance(values: dict, text: str, path: Path) -> Governance:
    """[governance]: key lists must name document-control keys; the archive is a folder path."""
    for key in ("required", "printed"):
        for name in values[key]:
            if name not in GOVERNANCE_KEYS:
                raise ConfigError(path, line_of(text, "governance", key),
                                  f"[governance] '{key}' lists '{name}', which is not one of "
                                  f"{', '.join(GOVERNANCE_KEYS)}{did_you_mean(str(name), GOVERNANCE_KEYS)}")
    if not 1 <= values["due_soon_months"] <= 36:
        raise ConfigError(path, line_of(text, "governance", "due_soon_months"),
                          "'due_soon_months' must be between 1 and 36")
    archive = values["archive"].strip()
    return Governance(
        required=tuple(values["required"]),
        printed=tuple(values["printed"]),
        house_sentence=values["house_sentence"].strip(),
        due_soon_months=values["due_soon_months"],
        archive=(path.parent / archive).resolve() if archive else None,
    )


