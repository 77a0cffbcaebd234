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
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class PlanMemo:
    """Recall and store per-plan parts; `keys`: plan key (`<org>/<year>`) → fingerprint (plans without one are never kept)."""

    folder: Path
    keys: dict[str, str] = field(default_factory=dict)
    fresh: bool = False  # `build --full`: nothing is recalled, everything is stored

    def _path(self, kind: str, plan: str) -> Path:
        """Where one kind of part of one plan is kept."""
        return self.folder / f"{kind}-{hashlib.sha256(plan.encode()).hexdigest()[:20]}.bin"

    def recall(self, kind: str, plan: str, salt: str = "") -> Any:
        """The part stored for this plan under the same key, or None."""
        key = self.keys.get(plan)
        if key is None or self.fresh:
            return None
        try:
            stored_key, value = marshal.loads(self._path(kind, plan).read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            return None
        return value if stored_key == f"{key}\0{salt}" else None

    def store(self, kind: str, plan: str, value: Any, salt: str = "") -> None:
        """Keep a plan's part for the next build (nothing when the plan has no key or the value is not plain data)."""
        key = self.keys.get(plan)
        if key is None:
            return
        try:
            data = marshal.dumps((f"{key}\0{salt}", value))
        except ValueError:  # not plain data: made again next time
            return
        path = self._path(kind, plan)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # workers write side by side: each its own file
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            os.replace(tmp, path)
        except OSError:  # a cache that cannot be written (build/ taken by a file, a full disk) is only not kept
            with contextlib.suppress(OSError):
                tmp.unlink()
