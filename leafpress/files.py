"""Atomic output: a reader sees the previous complete file or the new one, never half."""

from __future__ import annotations

import os
import tempfile
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


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_partials(folder: Path) -> int:
    """Delete temp files a killed build left behind; return how many."""
    if not folder.is_dir():
        return 0
    count = 0
    for temp in folder.glob(f".*{PARTIAL_SUFFIX}"):
        temp.unlink(missing_ok=True)
        count += 1
    return count
