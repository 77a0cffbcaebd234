"""Search in Python over the built index files, as content/assets/search.js searches (for tests and benchmarks; keep the two in step).

What only the browser does on top (keyboard mode, initial consonants, typing errors) turns a query into another
query; the ranking of that query is this one.
"""

from __future__ import annotations

import bisect
import gzip
import json
import re
from typing import Any

from .hangul import stems
from .search import HANGUL, INDEX_DIR, decode, shard_of, tokens, word_keys

# A quoted phrase: straight or curly double quotes (what phones type).
PHRASE = re.compile(r"[\"“”]([^\"“”]+)[\"“”]")


def score(cls: int, start: bool) -> int:
    """A key's score in a document from its class (field weight × 2 + starts a word), as search.js `rank`."""
    return 1 + 4 * (cls >> 1) * (cls >> 1) + (cls & 1 if start else 0)


def phrase_pairs(query: str) -> list[tuple[str, str]]:
    """Each pair of neighbouring Hangul words inside quotes: (bigram if written as one word, neighbour key)."""
    pairs = []
    for phrase in PHRASE.findall(query):
        words = tokens(phrase)
        for a, b in zip(words, words[1:], strict=False):
            if HANGUL.match(a[-1]) and HANGUL.match(b[0]):
                pairs.append((a[-1] + b[0], a[-1] + b[0] + " "))
    return pairs


class Searcher:
    """The query algorithm of search.js in Python, over index files in memory; counts the bytes a browser would fetch."""

    def __init__(self, files: dict[str, bytes], base: str = INDEX_DIR) -> None:
        """Read the index from its files."""
        self.files, self.base = files, base
        self.meta = json.loads(self.fetch("meta.json"))
        self.starts = decode(self.meta["starts"])  # each plan's first document
        self.zipped = set(decode(self.meta["zipped"]))  # the shards with a gzip file (search.shard_files)
        self.fetched: set[str] = set()
        self.rows: dict[int, list[Any]] = {}  # result rows that came with the shards
        self.loose = False  # the last query's phrase had no documents with its words side by side: all words, anywhere

    def fetch(self, rel: str) -> bytes:
        """One index file (remembered, like the browser's cache)."""
        if hasattr(self, "fetched"):
            self.fetched.add(rel)
        return self.files[f"{self.base}/{rel}"]

    def shard(self, s: int) -> bytes:
        """A shard's JSON, fetched compressed when it has a gzip file (`search.shard_files`), as search.js does."""
        if s in self.zipped:
            return gzip.decompress(self.fetch(f"s/{s}.gz"))
        return self.fetch(f"s/{s}.json")

    def transferred(self) -> int:
        """Bytes fetched so far, meta.json included."""
        return len(self.files[f"{self.base}/meta.json"]) + sum(len(self.files[f"{self.base}/{r}"]) for r in self.fetched if r != "meta.json")

    def _key_hits(self, key: str, prefix: bool) -> dict[int, int]:
        """{document → class} for a key (every key with this prefix when `prefix`)."""
        shard = json.loads(self.shard(shard_of(key, self.meta["shards"])))
        self.rows.update((int(d), row) for d, row in shard["r"].items())
        hits: dict[int, int] = {}
        for term, value in shard["k"].items():
            if term == key or (prefix and term.startswith(key)):
                for v in decode(value):
                    hits[v >> 3] = max(hits.get(v >> 3, -1), v & 7)
        return hits

    def _scores(self, keys: list[tuple[str, bool]], prefix: bool) -> dict[int, int]:
        """Documents having every key, with the sum of their keys' scores."""
        scores: dict[int, int] | None = None
        for key, start in keys:
            now = {d: score(c, start) for d, c in self._key_hits(key, prefix).items()}
            scores = now if scores is None else {d: s + now[d] for d, s in scores.items() if d in now}
        return scores or {}

    def word_scores(self, word: str) -> tuple[dict[int, int], set[int] | None]:
        """Documents matching one query word, with a score, and those that match it as typed (None: all of them).

        A word with a particle or ending (`돌봄을`) also matches its stem (`돌봄`): the longest ending whose stem still
        finds documents is taken off. The stem's keys are the first of the word's, so no other shard is fetched; the
        word's other keys add their score where present, and documents that have them all match the form as typed.
        """
        keys = list(word_keys(word))
        if not (HANGUL.match(word) and len(word) > 1):
            return self._scores(keys, prefix=True), None
        for stem in stems(word):
            base = self._scores(keys[: len(stem) - 1], prefix=False)
            if base:
                rest = keys[len(stem) - 1 :]
                exact = set(self._scores(rest, prefix=False)) & set(base)
                for key, start in rest:
                    for d, c in self._key_hits(key, prefix=False).items():
                        if d in base:
                            base[d] += score(c, start)
                return base, exact
        return self._scores(keys, prefix=False), None

    def _adjacent(self, query: str, docs: set[int]) -> set[int]:
        """The documents with each quoted pair of words side by side (neighbour key, or one word: the bigram)."""
        for joined, neighbour in phrase_pairs(query):
            docs = docs & (set(self._key_hits(joined, prefix=False)) | set(self._key_hits(neighbour, prefix=False)))
        return docs

    def ranked(self, query: str) -> list[int]:
        """Documents matching every word of the query: those matching more words as typed first, then by score, then in document order.

        In a quoted phrase (`"아동 돌봄"`) the words must also stand side by side, in order; when no document has
        them so, every document with the words is a result (`loose`).
        """
        total: dict[int, int] | None = None
        typed: dict[int, int] = {}
        for word in tokens(query):
            scores, exact = self.word_scores(word)
            total = scores if total is None else {d: s + scores[d] for d, s in total.items() if d in scores}
            for d in scores if exact is None else exact:
                typed[d] = typed.get(d, 0) + 1
        total = total or {}
        self.loose = False
        if phrase_pairs(query):
            near = self._adjacent(query, set(total))
            self.loose = not near
            total = total if self.loose else {d: s for d, s in total.items() if d in near}
        return [d for d, _ in sorted(total.items(), key=lambda kv: (-typed.get(kv[0], 0), -kv[1], kv[0]))]

    def row(self, d: int) -> list[Any]:
        """The result row of a document: from the shards already fetched, else from its detail chunk."""
        if d not in self.rows:
            chunk = self.meta["chunk"]
            self.rows[d] = json.loads(self.fetch(f"d/{d // chunk}.json"))[d % chunk]
        return self.rows[d]

    def plan_of(self, d: int) -> int:
        """The number of a document's plan (plans are in document order; a plan's room starts at its first document)."""
        return bisect.bisect_right(self.starts, d) - 1

    def plan(self, d: int) -> dict[str, Any]:
        """A document's plan as search.plan_entry made it (key, org, orgName, year, title, start, end, url), from its `plans/` file."""
        p, group = self.plan_of(d), self.meta["group"]
        return dict(json.loads(self.fetch(f"plans/{p // group}.json"))[p % group])

    def search(self, query: str, limit: int = 20) -> list[list[Any]]:
        """Ranked result rows (kind, title, url, unit, budget, node, number) for a query; their plans fetched as the browser shows them."""
        docs = self.ranked(query)[:limit]
        for d in docs:
            self.plan(d)
        return [self.row(d) for d in docs]
