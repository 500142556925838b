"""Shards: split a build into N deterministic slices that CI jobs or machines build apart."""

from __future__ import annotations

import hashlib
import re

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


def parse_shard(text: str) -> tuple[int, int]:
    """'2/4' -> (2, 4); ValueError with a message for anything else."""
    match = _SHARD.match(text)
    if not match:
        raise ValueError(f"'{text}' is not K/N, for example 2/4")
    k, n = int(match[1]), int(match[2])
    if not 1 <= k <= n:
        raise ValueError(f"'{text}': K must be between 1 and N")
    return k, n


def shard_of(stem: str, count: int) -> int:
    """The 1-based shard a leaflet belongs to, from a stable hash of its name alone.

    Hashing the stem (not the position in a list) means adding or removing a leaflet never
    moves the others to another shard, and every machine agrees without coordination.
    """
    digest = hashlib.sha256(stem.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(stem: str, shard: tuple[int, int] | None) -> bool:
    """Whether a leaflet belongs to shard (K, N); everything does when shard is None."""
    return shard is None or shard_of(stem, shard[1]) == shard[0]
