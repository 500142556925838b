"""Files: the one safe way to read a path we were given, and atomic output."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PARTIAL_SUFFIX = ".partial"  # never .pdf, so nobody mistakes a temp file for a leaflet
_CHUNK = 1024 * 1024


class FileRefused(Exception):
    """A path that is not read: `reason` says why in a few words, for the author."""

    def __init__(self, reason: str, missing: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.missing = missing


def resolve(path: Path | str) -> Path:
    """The path with symlinks and .. resolved; FileRefused for a name no system could open."""
    try:
        return Path(path).resolve()
    except (OSError, ValueError, RuntimeError):  # a NUL byte, a name too long, a symlink loop
        raise FileRefused("not a usable file name") from None


def open_regular(path: Path | str, limit: int, inside: Iterable[Path] | None = None):
    """Open a regular file for reading, never blocking; FileRefused for anything else.

    Every path that comes from a source or the output folder is read through here (or
    read_regular / digest_regular below), in the parent and in the workers alike: a FIFO,
    a device, /proc or a file over `limit` bytes can then neither hang nor exhaust us.
    `inside`: the folders the resolved path must lie in.
    """
    real = resolve(path)
    if inside is not None and not any(real.is_relative_to(Path(root)) for root in inside):
        raise FileRefused("outside the allowed folders")
    try:
        # Look before opening (opening some devices has effects), then open without
        # blocking and ask the open file again: something swapped in between is caught.
        mode = os.stat(real).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused("is a folder" if stat.S_ISDIR(mode) else "not a regular file")
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise FileRefused("file not found", missing=True) from None
    except (OSError, ValueError) as exc:
        raise FileRefused(_reason(exc)) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(fd)
        raise FileRefused("not a regular file" if not stat.S_ISREG(info.st_mode)
                          else f"file larger than {_size(limit)}")
    return open(fd, "rb")


def read_regular(path: Path | str, limit: int, inside: Iterable[Path] | None = None) -> bytes:
    """The bytes of a regular file of at most limit bytes (see open_regular)."""
    with open_regular(path, limit, inside) as handle:
        # st_size can lie: /proc files say 0 and never end. Count what is read instead.
        data = _read_at_most(handle, limit)
    return data


@dataclass(frozen=True)
class Checked:
    """A file whose SHA-256 a build has checked, read again only as those same bytes (it may
    have been swapped since: a link, or other bytes, is refused)."""

    path: Path
    digest: str
    inside: Path  # the folder it must stay in
    limit: int

    def read(self) -> bytes:
        data = read_regular(self.path, self.limit, [resolve(self.inside)])
        if hashlib.sha256(data).hexdigest() != self.digest:
            raise FileRefused("it changed after the build checked it")
        return data


def digest_regular(path: Path | str, limit: int, inside: Iterable[Path] | None = None) -> str:
    """SHA-256 of a regular file of at most limit bytes (see open_regular)."""
    digest = hashlib.sha256()
    with open_regular(path, limit, inside) as handle:
        total = 0
        while chunk := _read(handle, _CHUNK):
            total += len(chunk)
            if total > limit:
                raise FileRefused(f"file larger than {_size(limit)}")
            digest.update(chunk)
    return digest.hexdigest()


def _read_at_most(handle, limit: int) -> bytes:
    parts, total = [], 0
    while chunk := _read(handle, min(_CHUNK, limit + 1 - total)):
        parts.append(chunk)
        total += len(chunk)
        if total > limit:
            raise FileRefused(f"file larger than {_size(limit)}")
    return b"".join(parts)


def _read(handle, size: int) -> bytes:
    try:
        return handle.read(size)
    except OSError as exc:
        raise FileRefused(_reason(exc)) from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return "not a usable file name"


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write data to path through a temp file in the same folder, fsync, rename.

    durable=False skips the fsyncs (readers still never see half a file): for caches such
    as thumbnails that are made again when lost, where fsync is most of the cost.
    """
    temp = _temp_copy(path, data, 0o644, durable)
    try:
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(path.parent)


def _temp_copy(path: Path, data: bytes, mode: int, durable: bool) -> Path:
    """data in a new temp file beside path (a name `remove_partials` knows), synced if
    durable; removed again if writing it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, mode)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Path(temp)


def write_new(path: Path, data: bytes, mode: int = 0o444) -> bool:
    """Write data at path unless a file is already there; True if it wrote.

    Written to a temp file, synced, then hard-linked into place: link() never replaces an
    existing file (not even one that appears meanwhile), and a reader never sees half a file.
    """
    if path.exists():
        return False
    temp = _temp_copy(path, data, mode, durable=True)
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    finally:
        temp.unlink(missing_ok=True)
    _fsync_folder(path.parent)
    return True


def write_if_changed(path: Path, data: bytes, durable: bool = True) -> bool:
    """atomic_write unless path already holds data: a no-op build must write nothing."""
    try:
        # Through the safe read: a FIFO or /dev/zero left in its place must not hang us.
        if read_regular(path, len(data)) == data:
            return False
    except FileRefused:
        pass
    atomic_write(path, data, durable)
    return True


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_partials(folder: Path, names: Iterable[str] | None = None) -> int:
    """Delete temp files a killed build left behind (only those for `names`, if given)."""
    if not folder.is_dir():
        return 0
    wanted = None if names is None else {f".{name}." for name in names}
    count = 0
    for temp in folder.glob(f".*{PARTIAL_SUFFIX}"):
        # A temp name is ".<target>.<random>.partial": match its target exactly.
        if wanted is not None and not any(temp.name.startswith(p) and
                                          "." not in temp.name[len(p):-len(PARTIAL_SUFFIX)]
                                          for p in wanted):
            continue
        # A folder or a link wearing a temp file's name is not ours to remove, and must not
        # stop the build: leave it.
        if temp.is_symlink() or not temp.is_file():
            continue
        try:
            temp.unlink(missing_ok=True)
        except OSError:
            continue
        count += 1
    return count
