"""Per-plan outputs of the last build (search-index parts, download files), kept to skip the plans that did not change.

Each plan's part is stored in `build/cache/plans/` under its key: the fingerprint of its organisation
(render/reuse.py: data, history, dates, code) and what else the part depends on (`salt`, e.g. its place among
the plans). `marshal` is used, not `pickle`: it reads only plain values (a damaged or planted cache file can
fail to load, never run code), and it is fast. A part that cannot be read is made again.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Outputs(dict[str, bytes]):
    """Generated files, of which the docs tree already holds `held` byte for byte: a writer need not look at those."""

    held: frozenset[str] = frozenset()


@dataclass
class PlanMemo:
    """Recall and store per-plan parts; `keys`: plan key (`<org>/<year>`) → fingerprint (plans without one are never kept)."""

    folder: Path
    keys: dict[str, str] = field(default_factory=dict)
    fresh: bool = False  # `build --full`: nothing is recalled, everything is stored
    docs: Path | None = None  # the docs tree the outputs are written into (`Outputs.held`)

    def _path(self, kind: str, plan: str) -> Path:
        """Where one kind of part of one plan is kept."""
        return self.folder / f"{kind}-{hashlib.sha256(plan.encode()).hexdigest()[:20]}.bin"

    def key_of(self, plan: str, salt: str = "") -> str | None:
        """What a plan's part is stored under in this build (None: never kept)."""
        key = self.keys.get(plan)
        return None if key is None else f"{key}\0{salt}"

    def recall(self, kind: str, plan: str, salt: str = "") -> Any:
        """The part stored for this plan under the same key, or None."""
        key = self.keys.get(plan)
        if key is None or self.fresh:
            return None
        stored = self.previous(kind, plan)
        return stored[1] if stored is not None and stored[0] == f"{key}\0{salt}" else None

    def previous(self, kind: str, plan: str) -> tuple[str, Any] | None:
        """The part stored for this plan by an earlier build, whatever its key, with that key (`key_of`); None when unreadable."""
        stored = self.load(self._path(kind, plan).name)
        if not isinstance(stored, tuple) or len(stored) != 2 or not isinstance(stored[0], str):
            return None
        return stored[0], stored[1]

    def load(self, name: str) -> Any:
        """The value kept in file `name` of the folder (None when missing or unreadable)."""
        try:  # mapped, not read: marshal copies what it needs straight from the page cache (the index's base is ~85 MB at 10,000 projects)
            with open(self.folder / name, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                return marshal.loads(mapped)
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def store(self, kind: str, plan: str, value: Any, salt: str = "") -> None:
        """Keep a plan's part for the next build (nothing when the plan has no key or the value is not plain data)."""
        key = self.key_of(plan, salt)
        if key is not None:
            self.keep(self._path(kind, plan).name, (key, value))

    def keep(self, name: str, value: Any) -> None:
        """Keep a value in file `name` of the folder for the next build (nothing when it is not plain data or cannot be written)."""
        try:
            data = marshal.dumps(value)
        except ValueError:  # not plain data: made again next time
            return
        path = self.folder / name
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # workers write side by side: each its own file
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written (build/ taken by a file, a full disk) is only not kept
            with contextlib.suppress(OSError):
                tmp.unlink()

    def drop(self, name: str) -> None:
        """Forget the value kept in file `name` (nothing when there is none)."""
        with contextlib.suppress(OSError):
            (self.folder / name).unlink()
