"""Postings kept packed: each key's documents and classes as 4-byte integers (document × 8 + class), in document order.

As a dict of dicts a posting takes ~65 bytes: at 100,000 projects ~46 million postings, 3 GB. Rows are unpacked into
dicts only when asked for, and kept as bytes (as the build cache stores them) until a key is first changed or read.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping


class Packed(Mapping[str, dict[int, int]]):
    """Postings by key, unpacked into a dict when asked for; the rows last unpacked are kept, up to `cached` postings in all.

    The shards' phrase pass asks for the same common keys again and again. Rows handed out are shared: callers never
    change them.
    """

    CACHED = 1_000_000

    def __init__(self, rows: dict[str, bytes] | None = None, cached: int = 0) -> None:
        self._rows: dict[str, array[int] | bytes] = dict(rows or {})
        self._recent: OrderedDict[str, dict[int, int]] = OrderedDict()
        self._held = 0
        self.cached = cached or self.CACHED  # postings kept unpacked (~70 bytes each)

    @classmethod
    def of(cls, index: Mapping[str, dict[int, int]]) -> Packed:
        """Packed postings of plain ones (documents in any order)."""
        packed = cls()
        for key, row in index.items():
            packed._rows[key] = array("i", [n << 3 | c for n, c in sorted(row.items())])
        return packed

    def add_all(self, index: Mapping[str, dict[int, int]], offset: int) -> None:
        """Append a plan's row of every key (its documents numbered from `offset`, after every earlier plan's): one call a plan."""
        rows = self._rows
        for key, row in index.items():
            values = [(n + offset) << 3 | cls for n, cls in row.items()]
            packed = rows.get(key)
            if packed is None:
                rows[key] = array("i", values)
            elif isinstance(packed, array):
                packed.extend(values)
            else:
                self._packed(key).extend(values)

    def empty(self, key: str) -> None:
        """`key` with no postings (a long word: `search.postings`)."""
        self._rows[key] = array("i")
        self._forget(key)

    def extend(self, key: str, values: Iterable[int]) -> None:
        """Add postings already packed (document × 8 + class) to `key`, in any order (`in_order` sorts them once all are in)."""
        self._packed(key).extend(values)
        self._forget(key)

    def in_order(self) -> None:
        """Sort every key's postings by document (after `extend` from shards whose documents interleave)."""
        for key in list(self._rows):
            self._rows[key] = array("i", sorted(self._packed(key)))
            self._forget(key)

    def splice(self, key: str, start: int, end: int, row: dict[int, int] | None) -> None:
        """Put `row` (documents numbered from `start`) in place of the key's documents from `start` to `end`; a key left without any is dropped."""
        packed = self._packed(key)
        i, j = bisect_left(packed, start << 3), bisect_left(packed, end << 3)
        packed[i:j] = array("i", [(n + start) << 3 | c for n, c in sorted((row or {}).items())])
        self._forget(key)
        if not packed:
            del self._rows[key]

    def drop(self, key: str) -> None:
        """Forget a key altogether."""
        self._rows.pop(key, None)
        self._forget(key)

    def length(self, key: str) -> int:
        """How many documents a key has (0 when it is not there), without unpacking its row."""
        packed = self._rows.get(key)
        return 0 if packed is None else len(packed) if isinstance(packed, array) else len(packed) >> 2

    def has(self, key: str, d: int) -> bool:
        """Whether document `d` is among the key's postings (found by bisection, nothing unpacked into a dict)."""
        if key not in self._rows:
            return False
        packed = self._packed(key)
        i = bisect_left(packed, d << 3)
        return i < len(packed) and packed[i] >> 3 == d

    def postings(self, key: str) -> list[int]:
        """The key's postings as packed integers (document × 8 + class), in document order."""
        return self._packed(key).tolist()

    def blob(self, key: str) -> bytes:
        """A key's postings as bytes."""
        packed = self._rows[key]
        return packed if isinstance(packed, bytes) else packed.tobytes()

    def raw(self) -> dict[str, bytes]:
        """Every key's postings as bytes (what the build cache stores)."""
        return {key: packed if isinstance(packed, bytes) else packed.tobytes() for key, packed in self._rows.items()}

    def _packed(self, key: str) -> array[int]:
        """The key's array (made, or unpacked from bytes, when first needed)."""
        packed = self._rows.get(key)
        if not isinstance(packed, array):
            packed = self._rows[key] = array("i", packed or b"")
        return packed

    def _forget(self, key: str) -> None:
        """Drop an unpacked row that no longer matches its postings."""
        row = self._recent.pop(key, None)
        if row is not None:
            self._held -= len(row)

    def __getitem__(self, key: str) -> dict[int, int]:
        row = self._recent.get(key)
        if row is not None:
            self._recent.move_to_end(key)
            return row
        if key not in self._rows:
            raise KeyError(key)
        row = {value >> 3: value & 7 for value in self._packed(key)}
        if len(row) <= self.cached:
            self._recent[key] = row
            self._held += len(row)
            while self._held > self.cached:
                self._held -= len(self._recent.popitem(last=False)[1])
        return row

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)
