"""Atomic output: a reader sees the previous complete file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

PARTIAL_SUFFIX = ".partial"  # never .pdf, so nobody mistakes a temp file for a leaflet


def atomic_write(path: Path, data: bytes, durable: bool = True) -> None:
    """Write data to path through a temp file in the same folder, fsync, rename.

    durable=False skips the fsyncs (readers still never see half a file): for caches such
    as thumbnails that are made again when lost, where fsync is most of the cost.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=PARTIAL_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync_folder(path.parent)


def write_if_changed(path: Path, data: bytes, durable: bool = True) -> bool:
    """atomic_write unless path already holds data: a no-op build must write nothing."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
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
        temp.unlink(missing_ok=True)
        count += 1
    return count
