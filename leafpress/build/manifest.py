"""Incremental builds: which outputs are current, from a manifest of input keys and output hashes."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from leafpress.formats.base import Format
from leafpress.model.brand import Brand
from leafpress.errors import Diagnostic, warning
from leafpress.files import FileRefused, atomic_write, digest_regular, read_regular
from leafpress.limits import MAX_MANIFEST_BYTES, MAX_OUTPUT_BYTES, MAX_RESOURCE_BYTES
from leafpress.model.leaflet import Leaflet

MANIFEST = ".leafpress-manifest.json"
SHARD_MANIFEST = ".leafpress-manifest.shard-{k}-of-{n}.json"
MANIFEST_GLOB = ".leafpress-manifest*.json"
# The only other manifests a build reads: shards' own, by their exact names. A file named
# like a manifest but not one of these (".leafpress-manifest.forged.json") is never trusted.
SHARD_NAME = re.compile(r"^\.leafpress-manifest\.shard-([1-9][0-9]{0,3})-of-([1-9][0-9]{0,3})\.json$")
SCHEMA = 2  # bump when the key recipe changes: every output is then rebuilt once
# Distributions whose upgrades can change an output. Versions come from package metadata so that
# a no-op build never pays WeasyPrint's import.
DISTRIBUTIONS = ("leafpress", "weasyprint", "pydyf", "tinycss2", "markdown", "nh3", "jinja2")

def file_digest(path: Path, limit: int = MAX_RESOURCE_BYTES) -> str:
    """SHA-256 of a regular file's bytes, or a marker naming why it has none.

    Read through files.digest_regular: a reference to /dev/zero, /proc/self/pagemap, a FIFO
    or a name with a NUL byte gives a marker (the renderer refuses those anyway), never a
    hang, a MemoryError or an exception that would stop the other leaflets.
    """
    try:
        return digest_regular(path, limit)
    except FileRefused as exc:
        if exc.missing:
            return "missing"
        # The fetcher's own marker for what it found but would not read: the keys agree.
        return ("not-a-file" if exc.reason in ("not a regular file", "is a folder")
                else f"refused:{exc.reason}")


def tree_digest(folder: Path, skip: Iterable[Path] = ()) -> str:
    """SHA-256 over every file below folder (but skip): relative names and bytes, sorted."""
    skipped = {Path(path).resolve() for path in skip}
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = Path(root, name)
            if skipped and path.resolve() in skipped:
                continue
            digest.update(f"{path.relative_to(folder).as_posix()}\0{file_digest(path)}\n".encode())
    return digest.hexdigest()


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _relative_to(value: object, folder: Path) -> object:
    # Paths inside the brand's folder are hashed relative to it, so moving a checkout keeps keys.
    if isinstance(value, Path):
        return os.path.relpath(value, folder)
    if isinstance(value, dict):
        return {k: _relative_to(v, folder) for k, v in value.items()}
    return value


CATALOGUE_ONLY = ("synonyms",)  # brand values no output depends on


def environment_key(brand: Brand) -> str:
    """Hash of everything shared by all leaflets: brand, templates, styles, fonts, versions."""
    parts = {
        "schema": SCHEMA,
        "versions": {name: _version(name) for name in DISTRIBUTIONS},
        # The engine's own code: an edit to it during development must not leave stale PDFs.
        "code": tree_digest(Path(__file__).parent.parent),
        # Every value the brand file can set (unknown keys are refused), except what only the
        # catalogue reads: a new synonym must not re-render every PDF.
        "brand": _relative_to({key: value for key, value in dataclasses.asdict(brand).items()
                               if key not in CATALOGUE_ONLY}, brand.folder),
        "logo": file_digest(brand.logo),
        "templates": tree_digest(brand.templates),
        # CSS, fonts and usually the logo; the brand file is hashed by its values, above.
        "styles": tree_digest(brand.styles, skip=[brand.path]),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def leaflet_key(environment: str, leaflet: Leaflet, fmt: Format, brand: Brand) -> str:
    """Hash of what makes one output besides the files it reads: the environment, the format
    and its own inputs, the parsed source. The files it read are checked one by one."""
    # The parsed leaflet is exactly what gets rendered (hashing it rather than re-reading the
    # file means an edit saved mid-build cannot be recorded against the older PDF).
    parsed = repr(dataclasses.replace(leaflet, path=Path(leaflet.path.name)))
    parts = [environment, fmt.name, json.dumps(fmt.key_parts(brand), sort_keys=True, default=str),
             parsed]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _inside(folder: Path, name: str) -> bool:
    """A recorded name stays within the output folder (a manifest is a file anyone can edit)."""
    return not Path(name).is_absolute() and ".." not in Path(name).parts


@dataclass(frozen=True)
class Entry:
    """One output as last built: from which inputs (key and the files the renderer read,
    each with its SHA-256), with which bytes (pdf: the output's hash, whatever its format)."""

    source: str
    format: str
    key: str
    pdf: str
    warnings: tuple[str, ...] = ()
    dependencies: dict[str, str] = field(default_factory=dict)  # name in the leaflet's folder
    extras: dict[str, str] = field(default_factory=dict)  # files written beside it (a page's images)


def _hashes(raw: dict, key: str) -> dict[str, str]:
    value = raw.get(key, {})
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError(f"an entry's {key} are not names and hashes")
    return value


def _entry(raw: object) -> Entry:
    if not isinstance(raw, dict):
        raise ValueError("an entry is not an object")
    values = {name: raw.get(name) for name in ("source", "format", "key", "pdf")}
    if not all(isinstance(value, str) for value in values.values()):
        raise ValueError("an entry lacks source, format, key or pdf")
    warnings = raw.get("warnings", [])
    if not isinstance(warnings, list) or not all(isinstance(w, str) for w in warnings):
        raise ValueError("an entry's warnings are not a list of text")
    return Entry(**values, warnings=tuple(warnings), dependencies=_hashes(raw, "dependencies"),
                 extras=_hashes(raw, "extras"))


def read_entries(path: Path) -> dict[str, Entry]:
    """Entries of one manifest file; ValueError if it is not one this version wrote."""
    try:
        data = json.loads(read_regular(path, MAX_MANIFEST_BYTES))
    except FileRefused as exc:
        raise ValueError(f"cannot be read ({exc.reason})") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"cannot be read ({exc.__class__.__name__})") from None
    if not isinstance(data, dict) or data.get("leafpress-manifest") != SCHEMA:
        raise ValueError("not a leafpress manifest of this version")
    entries = data.get("entries")
    if not isinstance(entries, dict):
        raise ValueError("no entries")
    return {str(name): _entry(raw) for name, raw in entries.items()}


def is_manifest_name(name: str) -> bool:
    """Whether name is the plain manifest or a shard's, exactly as build writes them."""
    match = SHARD_NAME.match(name)
    return name == MANIFEST or bool(match and int(match[1]) <= int(match[2]))


def manifest_name(shard: tuple[int, int] | None) -> str:
    """This build's own manifest file: one per shard, so concurrent shards never share one."""
    return SHARD_MANIFEST.format(k=shard[0], n=shard[1]) if shard else MANIFEST


@dataclass
class Manifest:
    """What every manifest in an output folder knows, and what this build will write to its own.

    An entry states a fact: "the output whose SHA-256 is `pdf` was made from inputs `key`". An
    output is current only if the file on disk still has that hash and its inputs (the key and
    every file the renderer read) are unchanged, so entries from any manifest (another
    shard's, an older one) can be trusted together.
    """

    folder: Path
    own_name: str
    known: dict[str, list[Entry]] = field(default_factory=dict)
    own: dict[str, Entry] = field(default_factory=dict)
    own_bytes: bytes | None = None
    problems: list[Diagnostic] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path, shard: tuple[int, int] | None = None) -> Manifest:
        """Read every manifest in folder; an unreadable one is reported and ignored."""
        manifest = cls(folder, manifest_name(shard))
        for path in sorted(folder.glob(MANIFEST_GLOB)):
            if not is_manifest_name(path.name):
                continue
            try:
                entries = read_entries(path)
            except ValueError as exc:
                manifest.problems.append(warning(
                    "manifest", path, 0, f"ignoring the build manifest: {exc}; its PDFs are rebuilt"))
                continue
            if path.name == manifest.own_name:
                manifest.own = dict(entries)
                try:
                    manifest.own_bytes = read_regular(path, MAX_MANIFEST_BYTES)
                except FileRefused:
                    manifest.own_bytes = None
            for name, entry in entries.items():
                manifest.known.setdefault(name, []).append(entry)
        return manifest

    def current(self, target: Path, key: str, folder: Path) -> Entry | None:
        """The entry saying target is up to date for key, if the output on disk matches it,
        every file it read from the leaflet's folder still has the bytes it read, and every
        file it wrote beside itself is still there as written."""
        candidates = [e for e in self.known.get(target.name, []) if e.key == key]
        if not candidates:
            return None
        actual = file_digest(target, MAX_OUTPUT_BYTES)
        for entry in candidates:
            if entry.pdf == actual and all(file_digest(folder / name) == digest
                                           for name, digest in entry.dependencies.items()) \
                    and all(_inside(self.folder, name) and file_digest(self.folder / name) == digest
                            for name, digest in entry.extras.items()):
                return entry
        return None

    def record(self, target: Path, entry: Entry) -> None:
        """Remember an output this build wrote."""
        self.own[target.name] = entry
        self.known[target.name] = [entry]

    def save(self) -> bool:
        """Write this build's manifest atomically if it changed; return whether it wrote."""
        kept = {name: entry for name, entry in sorted(self.own.items())
                if (self.folder / name).is_file()}
        data = {"leafpress-manifest": SCHEMA,
                "entries": {name: {**dataclasses.asdict(entry), "warnings": list(entry.warnings)}
                            for name, entry in kept.items()}}
        payload = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()
        if payload == self.own_bytes:
            return False
        atomic_write(self.folder / self.own_name, payload)
        self.own_bytes = payload
        return True
