"""What reading the git history made in the last build, kept in `build/cache/history/` for the next (base/store.py).

- `log.bin`: the parsed first-parent log of the data folder and the commit HEAD was: with the same HEAD the log is not
  read again, with HEAD moved on along first parents only the new commits are (history.py `_log`).
- `blobs.bin`: what an old version of a project file was read as, by blob id (a blob's bytes never change, so neither
  does what they read as).
- `changes.bin`: each project file's changes, under a digest of everything they are made from: its versions (commit
  and blob), today's file (its bytes: 비공개 marks and title), its plan's words and history screen (history.py
  `_lineage_digest`). All three are under the code's digest: another version of the code starts afresh.
"""

from __future__ import annotations

import contextlib
from typing import Any

from ..base.digest import code_digest
from ..base.store import CacheDir, DigestMemo
from ..load.memo import pack_data, unpack_data

FOLDER = "history"
FORMAT = 1
UNKNOWN = object()  # a blob the memo does not know (its data may be None: an empty file)


class HistoryMemo:
    """The three kept parts of the history, each in its own file (a build writes only those that changed)."""

    def __init__(self, cache: CacheDir) -> None:
        folder, key = cache.folder / FOLDER, f"{FORMAT}\0{code_digest()}"
        self.logs = DigestMemo(folder / "log.bin", key, cache.fresh)
        self.blobs = DigestMemo(folder / "blobs.bin", key, cache.fresh)
        self.changes = DigestMemo(folder / "changes.bin", key, cache.fresh)

    def recall_log(self, data_rel: str) -> tuple[str, list[Any]] | None:
        """(HEAD commit, the log's commits as plain tuples) kept for this data folder, or None."""
        kept = self.logs.get(data_rel)
        return kept if isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], str) and isinstance(kept[1], list) else None

    def keep_log(self, data_rel: str, head: str, commits: list[Any]) -> None:
        """Keep the log read up to `head`."""
        self.logs.put(data_rel, (head, commits))

    def recall_blob(self, blob: str) -> Any:
        """What a blob was read as, or UNKNOWN."""
        kept = self.blobs.get(blob)
        if not isinstance(kept, bytes):
            return UNKNOWN
        try:
            return unpack_data(kept)
        except (ValueError, EOFError, TypeError):
            return UNKNOWN

    def keep_blob(self, blob: str, data: Any) -> None:
        """Keep what a blob was read as (not when marshal cannot store it)."""
        with contextlib.suppress(ValueError):
            self.blobs.put(blob, pack_data(data))

    def save(self, blobs: set[str]) -> None:
        """Write what changed; `blobs`: every blob of today's lineages (kept even when this build did not read them)."""
        self.blobs.retain(blobs)
        for memo in (self.logs, self.blobs, self.changes):
            memo.save()
