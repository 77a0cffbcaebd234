"""Search in Python over the built index files, as content/assets/search.js searches (for tests and benchmarks; keep the two in step)."""

from __future__ import annotations

import json
from typing import Any

from .search import HANGUL, INDEX_DIR, decode, shard_of, tokens, word_keys


class Searcher:
    """The query algorithm of search.js in Python, over index files in memory; counts the bytes a browser would fetch."""

    def __init__(self, files: dict[str, bytes], base: str = INDEX_DIR) -> None:
        """Read the index from its files."""
        self.files, self.base = files, base
        self.meta = json.loads(self.fetch("meta.json"))
        self.fetched: set[str] = set()
        self.rows: dict[int, list[Any]] = {}  # result rows that came with the shards

    def fetch(self, rel: str) -> bytes:
        """One index file (remembered, like the browser's cache)."""
        if hasattr(self, "fetched"):
            self.fetched.add(rel)
        return self.files[f"{self.base}/{rel}"]

    def transferred(self) -> int:
        """Bytes fetched so far, meta.json included."""
        return len(self.files[f"{self.base}/meta.json"]) + sum(len(self.files[f"{self.base}/{r}"]) for r in self.fetched if r != "meta.json")

    def _key_hits(self, key: str, prefix: bool) -> dict[int, int]:
        """{document → class} for a key (every key with this prefix when `prefix`)."""
        shard = json.loads(self.fetch(f"s/{shard_of(key, self.meta['shards'])}.json"))
        self.rows.update((int(d), row) for d, row in shard["r"].items())
        hits: dict[int, int] = {}
        for term, value in shard["k"].items():
            if term == key or (prefix and term.startswith(key)):
                for v in decode(value):
                    hits[v >> 3] = max(hits.get(v >> 3, -1), v & 7)
        return hits

    def _word_scores(self, word: str) -> dict[int, int]:
        """Documents matching every key of one query word, with a score."""
        scores: dict[int, int] | None = None
        hangul = bool(HANGUL.match(word)) and len(word) > 1
        for key, start in word_keys(word):
            hits = self._key_hits(key, prefix=not hangul)
            now = {d: (1 + 4 * (c >> 1) * (c >> 1) + (c & 1 if start else 0)) for d, c in hits.items()}
            scores = now if scores is None else {d: s + now[d] for d, s in scores.items() if d in now}
        return scores or {}

    def ranked(self, query: str) -> list[int]:
        """Documents having every key of the query, best first, ties in document order."""
        total: dict[int, int] | None = None
        for word in tokens(query):
            scores = self._word_scores(word)
            total = scores if total is None else {d: s + scores[d] for d, s in total.items() if d in scores}
        return [d for d, _ in sorted((total or {}).items(), key=lambda kv: (-kv[1], kv[0]))]

    def row(self, d: int) -> list[Any]:
        """The result row of a document: from the shards already fetched, else from its detail chunk."""
        if d not in self.rows:
            chunk = self.meta["chunk"]
            self.rows[d] = json.loads(self.fetch(f"d/{d // chunk}.json"))[d % chunk]
        return self.rows[d]

    def search(self, query: str, limit: int = 20) -> list[list[Any]]:
        """Ranked result rows (kind, title, url, unit, budget, node, number) for a query."""
        return [self.row(d) for d in self.ranked(query)[:limit]]
