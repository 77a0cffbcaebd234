"""One file of a build cache: plain values under the key of what made them, written whole or not at all.

`marshal` is used, not `pickle`: it reads only plain values (a damaged or planted cache file can fail to load, never
run code), and it is fast. A CRC of the stored bytes catches damage marshal itself would read as other values, and
the key (the code's digest and whatever else the values depend on) makes another version's file count as none.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class CacheDir:
    """Where a build keeps what the next build may reuse (`build/cache`); `fresh` (`build --full`): recall nothing, keep all."""

    folder: Path
    fresh: bool = False


def read_store(path: Path, key: str) -> Any:
    """The values stored at `path` under `key`, or None when the file is missing, damaged or of another key."""
    try:
        stored_key, crc, payload = marshal.loads(path.read_bytes())
        if stored_key != key or not isinstance(payload, bytes) or crc != zlib.crc32(payload):
            return None
        return marshal.loads(payload)
    except (OSError, ValueError, EOFError, TypeError):
        return None


def write_store(path: Path, key: str, values: Any) -> None:
    """Store plain values at `path` under `key` (best effort: a cache that cannot be written or values marshal cannot store are only not kept)."""
    with contextlib.suppress(OSError, ValueError):
        payload = marshal.dumps(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # two builds at once: each its own file, the last rename wins
        try:
            tmp.write_bytes(marshal.dumps((key, zlib.crc32(payload), payload)))
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()


class DigestMemo:
    """Values by the digest of what they were made from (a file's bytes), in one cache file under one key.

    `get` recalls a value kept by the last build, `put` adds one; `save` writes the values this build used or added
    (the others are dropped), and only when they differ from the file's.
    """

    def __init__(self, path: Path, key: str, fresh: bool = False) -> None:
        self.path, self.key, self.fresh = path, key, fresh
        self._kept: dict[str, Any] | None = None  # as the last build left them (read on first use)
        self._used: dict[str, Any] = {}
        self._added = False

    def _read(self) -> dict[str, Any]:
        """The values the last build kept (read once)."""
        if self._kept is None:
            stored = None if self.fresh else read_store(self.path, self.key)
            self._kept = stored if isinstance(stored, dict) else {}
        return self._kept

    def holds_any(self) -> bool:
        """Whether the last build kept any value."""
        return bool(self._read())

    def get(self, digest: str) -> Any:
        """The value kept under `digest`, or None."""
        value = self._read().get(digest)
        if value is not None:
            self._used[digest] = value
        return value

    def put(self, digest: str, value: Any) -> None:
        """Keep a value under `digest` for the next build."""
        self._used[digest] = value
        self._added = True

    def save(self) -> None:
        """Write the values this build used or added, if they are not what the file holds."""
        if self.fresh or self._added or self._used.keys() != (self._kept or {}).keys():
            write_store(self.path, self.key, dict(sorted(self._used.items())))

    def retain(self, digests: Iterable[str]) -> None:
        """Keep these values too (those the last build kept), used or not; nothing when the file was never read."""
        if self._kept:
            self._used.update((d, self._kept[d]) for d in digests if d in self._kept and d not in self._used)
