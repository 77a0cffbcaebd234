"""What data files were read as in the last build (their data and value positions), kept to skip parsing them again.

Parsing is most of what reading 10,000 project files costs (~5 CPU s); an edit changes one. Each file that loaded
without a problem is kept under the SHA-256 of its bytes (so an edit is seen even with the same size and mtime, and
two files with the same bytes share an entry) in `build/cache/parsed/`: sixteen files (base/store.py), by the
digest's first hex digit, under the key of the code that read them (`code_digest`, PyYAML's version, Python's).
A file that failed to load is never kept: its problems are made again. Dates, which marshal cannot store, are
written as tagged tuples (YAML data has no tuples, so a tuple is always a tag).
An entry's positions stay packed until a problem or finding asks for a line (most files are never asked).
"""

from __future__ import annotations

import contextlib
import datetime
import marshal
import sys
from typing import Any

import yaml

from ..base.digest import code_digest
from ..base.store import CacheDir, DigestMemo

FOLDER = "parsed"
BUCKETS = "0123456789abcdef"  # an entry's file: its digest's first hex digit (an edit rewrites one sixteenth)
FORMAT = 1
_PLAIN, _TAGGED = b"m", b"t"  # first byte of a packed value: marshal as is, or with its dates tagged

Entry = tuple[bytes, bytes]  # packed data, packed positions


def memo_key() -> str:
    """What the kept entries were made by: this code, PyYAML (and libyaml) and Python (marshal's format)."""
    return f"{FORMAT}\0{code_digest()}\0{yaml.__version__}\0{getattr(yaml, '__with_libyaml__', False)}\0{sys.version}"


class ParseMemo:
    """Recall and keep what files were read as (`fresh`, `build --full`: nothing is recalled, everything is kept)."""

    def __init__(self, cache: CacheDir) -> None:
        folder = cache.folder / FOLDER
        self.buckets = {bucket: DigestMemo(folder / f"{bucket}.bin", memo_key(), cache.fresh) for bucket in BUCKETS}

    def knows_any(self) -> bool:
        """Whether the last build kept anything (if not, there is no point in reading files twice: a first or `--full` build)."""
        return any(bucket.holds_any() for bucket in self.buckets.values())

    def recall(self, digest: str) -> Entry | None:
        """The entry kept for a file with these bytes, or None."""
        bucket = self.buckets.get(digest[:1])
        entry = bucket.get(digest) if bucket else None
        return entry if _is_entry(entry) else None

    def keep(self, digest: str, data: Any, positions: dict[Any, tuple[int, int]]) -> None:
        """Keep what a file that loaded without a problem was read as (nothing when it holds what marshal cannot store)."""
        with contextlib.suppress(ValueError):
            self.keep_packed(digest, pack_data(data), pack_positions(positions))

    def keep_packed(self, digest: str, data: bytes, positions: bytes) -> None:
        """`keep`, of a file's data and positions packed already (`pack_data`, `pack_positions`)."""
        self.buckets[digest[:1]].put(digest, (data, positions))

    def save(self) -> None:
        """Write the buckets whose entries changed (best effort: a cache that cannot be written is only not kept)."""
        for bucket in self.buckets.values():
            bucket.save()


def _is_entry(entry: Any) -> bool:
    """Whether a stored value has the shape of an entry (a planted or foreign one is passed by)."""
    return isinstance(entry, tuple) and len(entry) == 2 and all(isinstance(part, bytes) and part[:1] in (_PLAIN, _TAGGED) for part in entry)


def pack_data(data: Any) -> bytes:
    """A file's data as bytes; ValueError when it holds something marshal cannot store even with dates tagged."""
    try:
        return _PLAIN + marshal.dumps(data)
    except ValueError:
        return _TAGGED + marshal.dumps(_tagged(data))


def unpack_data(packed: bytes) -> Any:
    """The data `pack_data` packed (ValueError, EOFError or TypeError when the bytes are not such data)."""
    value = marshal.loads(memoryview(packed)[1:])
    return _untagged(value) if packed[:1] == _TAGGED else value


def pack_positions(positions: dict[Any, tuple[int, int]]) -> bytes:
    """A file's value positions (location tuple → line, column) as bytes; a location may hold a date key."""
    try:
        return _PLAIN + marshal.dumps(positions)
    except ValueError:
        return _TAGGED + marshal.dumps({tuple(_tagged(part) for part in loc): at for loc, at in positions.items()})


def unpack_positions(packed: bytes) -> dict[Any, tuple[int, int]]:
    """The positions `pack_positions` packed."""
    value = marshal.loads(memoryview(packed)[1:])
    if packed[:1] != _TAGGED:
        return value  # type: ignore[no-any-return]
    return {tuple(_untagged(part) for part in loc): at for loc, at in value.items()}


def _tagged(value: Any) -> Any:
    """`value` with every date and datetime (values and keys) as a tagged tuple."""
    if isinstance(value, dict):
        return {_tagged(k): _tagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tagged(v) for v in value]
    if isinstance(value, datetime.datetime):  # before date: a datetime is a date too
        return ("datetime", value.isoformat())
    if isinstance(value, datetime.date):
        return ("date", value.isoformat())
    return value


def _untagged(value: Any) -> Any:
    """`value` with every tagged tuple back as its date or datetime (data and location parts never hold tuples)."""
    if isinstance(value, dict):
        return {_untagged(k): _untagged(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untagged(v) for v in value]
    if isinstance(value, tuple):
        kind, text = value
        return datetime.datetime.fromisoformat(text) if kind == "datetime" else datetime.date.fromisoformat(text)
    return value
