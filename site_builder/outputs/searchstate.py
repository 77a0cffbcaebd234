"""The search index of the last build, kept whole in the build cache, so that an edit lays out only what it touched.

search.py lays the index out from every plan's part: the joined postings, the shard count from their total size,
each shard's carried rows (its keys' best documents), then one pass over every phrase in a global order that adds
rows to the shards. After an edit in a few plans, a build does the same from what the last build decided, patched:

- each plan's documents have numbers of their own (`search.plan_room`): a plan whose documents were added or deleted
  is renumbered within its room (`Patch.shift`: its documents matched by address, what the last build decided
  renumbered with them, as the order stays); a plan whose room changed renumbers every later plan (then, as when
  the plan list, the shard count or the code changed, or the state is missing or unreadable, the whole index is
  laid out again and kept);
- a changed plan's old part is the one the plan memo kept, checked against the key the state recorded for it; its
  rows, texts, facets, postings, long words and term scores are swapped for the new part's;
- what depends on a changed key's postings or on a changed row is worked out again: the key's encoded postings and
  own best documents, the Latin keys whose prefix query it answers, the size (and so the shard count), and the
  rows each shard carries before the phrase pass where it holds such a key, or a key of a document whose row
  changed length;
- the phrase pass (`Replay`) goes through the phrases in the same order and works out again the ones whose decision
  can differ (a phrase's page only when it can differ: `page_holds`): a new phrase, one with a changed key, one whose page has a row that changed length, and any that
  looks at a shard whose rows may differ from the last build's at that point (its rows before the pass changed, or
  an earlier phrase added other rows to it than last time, or a phrase that added rows to it is gone). Every other
  phrase decides as it did, on the same inputs, so the pass ends as the full one would;
- a shard file is made again when its keys, its carried documents or one of their rows changed; a detail chunk, a
  text, a facet or a term file when its content did; meta.json and the plan files always (its version hashes every other file).

The state is two files in the plan memo's folder: `search-base.bin` (every file, the postings and the rows, written by
a whole layout) and `search-index.bin` (the decisions, and what changed since the base was written, so that an edit
rewrites a few megabytes, not the whole index; the base is written anew once the changes reach an eighth of it).
tests/test_search_state.py checks random edits against the full computation, byte for byte.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
from array import array
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.portal import PlanBundle, Portal
from .hangul import pair_number, stems
from .memo import Outputs, PlanMemo
from .packed import Packed
from .search import (
    CHUNK,
    HANGUL,
    INDEX_DIR,
    PHRASE_MAX,
    Effect,
    Joined,
    PlanPart,
    Sharding,
    _carried,
    best_docs,
    by_commonness,
    chunk_file,
    encode,
    full_index,
    is_neighbour_key,
    is_plan_file,
    json_bytes,
    key_share,
    latin_keys,
    own_best,
    phrase_keys,
    phrase_list,
    plan_entry,
    plan_files,
    plan_part,
    plan_room,
    prefix_hit,
    shard_count,
    shard_files,
    shard_json,
    shard_of,
    term_file,
    wanted_rows,
)

STATE = "search-index.bin"  # the decisions and the changes since the base
BASE = "search-base.bin"  # every file, the postings, the rows
FORMAT = 2  # of the kept state: another number is laid out whole
# The code the decisions come from: a state made by other code is laid out whole (the plans' keys cover the parts, not this).
CODE = hashlib.sha256(b"".join((Path(__file__).parent / name).read_bytes() for name in ("search.py", "searchstate.py", "packed.py", "hangul.py"))).hexdigest()
COMPACT = 8  # the base is written anew once the changes since it reach 1/COMPACT of its bytes


@dataclass
class IndexState:
    """What the last build's index was made from and what it decided (plain data, kept with marshal)."""

    base: str
    plans: list[str]  # the plans' keys, in order
    keys: list[str]  # what each plan's part was stored under (`PlanMemo.key_of`)
    bounds: list[int]  # each plan's first document number, then the end of the last plan's room (`search.plan_room`)
    counts: list[int]  # each plan's number of documents
    rows: list[bytes]  # each document's result row as JSON
    index: Packed
    files: dict[str, bytes]  # every file of the index but meta.json and the plan files (`search.plan_files`)
    words: dict[str, int]  # long words → how many plans have them
    terms: dict[str, int]
    latin: list[str]  # `search.latin_keys`
    sharding: Sharding  # without `first` and `carried`, kept here as sorted arrays
    first: list[bytes]
    carried: list[bytes]
    token: str = ""  # the base the changes apply to
    changes: dict[str, dict[Any, Any]] = field(default_factory=lambda: {"files": {}, "postings": {}, "rows": {}})
    weight: int = 0  # bytes of the base
    stamps: dict[str, tuple[int, int]] = field(default_factory=dict)  # size and mtime of the files the docs tree was found to hold

    def decisions(self) -> dict[str, Any]:
        """What `search-index.bin` keeps, as plain values."""
        fields = ("plans", "keys", "bounds", "counts", "words", "terms", "latin", "first", "carried", "token", "changes", "weight", "stamps")
        sharding = {name: value for name, value in vars(self.sharding).items() if name not in ("first", "carried")}
        return {name: getattr(self, name) for name in fields} | {"format": FORMAT, "code": CODE, "base": self.base, "sharding": sharding}

    def whole(self) -> dict[str, Any]:
        """What `search-base.bin` keeps, as plain values (with a new token; the changes since it start empty)."""
        self.token = os.urandom(8).hex()
        self.changes = {"files": {}, "postings": {}, "rows": {}}
        postings = self.index.raw()
        self.weight = sum(map(len, self.files.values())) + sum(map(len, postings.values())) + sum(map(len, self.rows))
        return {"token": self.token, "files": self.files, "postings": postings, "rows": self.rows}


def kept_index_files(portal: Portal, base: str = INDEX_DIR, memo: PlanMemo | None = None) -> dict[str, bytes]:
    """`search.index_files`, but with `memo` (a build with a cache) the last build's index is patched when that applies, and kept for the next build."""
    bundles = sorted(portal.plans, key=lambda b: b.key)
    return full_index(bundles, base, None)[0] if memo is None else kept_index(bundles, base, memo)


def kept_index(bundles: list[PlanBundle], base: str, memo: PlanMemo) -> Outputs:
    """The index files of a build with a cache: the last build's index patched when that applies, else laid out whole; kept for the next build."""
    state = None if memo.fresh else _loaded(memo, base)
    patch = _patched(state, bundles, memo) if state is not None else None
    if patch is not None:
        state = patch.state
        weight = sum(len(v or b"") for kind in state.changes.values() for v in kind.values())
        if weight * COMPACT > state.weight:
            memo.keep(BASE, state.whole())
        plans = _plans(state, bundles)
        made = plan_files(state.files, state.sharding.count, CHUNK, plans[-1]["end"] if plans else 0, plans, base)
        files = _outputs(state, made, patch.changed, memo.docs)
        memo.keep(STATE, state.decisions())
        return files
    made, joined, sharding = full_index(bundles, base, memo)
    keys = [memo.key_of(b.key, str(p)) for p, b in enumerate(bundles)]
    if None in keys:  # a plan whose parts are never kept: its part could not be told from the state's
        memo.drop(STATE)
        return Outputs(made)
    state = _state(base, [b.key for b in bundles], [k or "" for k in keys], joined, sharding, made)
    memo.keep(BASE, state.whole())  # first: the decisions name the base they go with
    files = _outputs(state, {path: content for path, content in made.items() if is_plan_file(path, base)}, set(), memo.docs)
    memo.keep(STATE, state.decisions())
    return files


def _plans(state: IndexState, bundles: list[PlanBundle]) -> list[dict[str, Any]]:
    """The plans as meta.json lists them."""
    return [plan_entry(bundle, state.bounds[p], state.bounds[p] + state.counts[p]) for p, bundle in enumerate(bundles)]


def _outputs(state: IndexState, made: dict[str, bytes], changed: set[str], docs: Path | None) -> Outputs:
    """Every file of the index (`made`: meta.json and the plan files, `search.plan_files`), with those the docs tree holds already (`_held`)."""
    files = Outputs(state.files)
    files.update(made)
    if docs is not None:
        files.held = frozenset(_held(state, changed, docs))
    return files


def _held(state: IndexState, changed: set[str], docs: Path) -> Iterator[str]:
    """The files the docs tree holds as they are now: unchanged since the last build, and of the size and mtime recorded then.

    A file without a record (new, or written by the last build) is read once and compared; then its size and mtime
    are recorded. A changed file loses its record: the build writes it, after the state is kept.
    """
    stamps, top = state.stamps, os.fspath(docs) + os.sep
    for path, content in state.files.items():
        recorded = stamps.pop(path, None)
        if path in changed:
            continue
        try:
            found = os.stat(top + path)
        except OSError:
            continue
        stamp = (found.st_size, found.st_mtime_ns)
        if stamp == recorded or (found.st_size == len(content) and _holds(top + path, content)):
            stamps[path] = stamp
            yield path


def _holds(path: str, content: bytes) -> bool:
    """Whether a file holds exactly these bytes."""
    try:
        with open(path, "rb") as file:
            return file.read() == content
    except OSError:
        return False


def _state(base: str, plans: list[str], keys: list[str], joined: Joined, sharding: Sharding, files: dict[str, bytes]) -> IndexState:
    """The state of a whole layout."""
    first, carried = [_blob(docs) for docs in sharding.first], [_blob(docs) for docs in sharding.carried]
    sharding.first, sharding.carried = [], []
    return IndexState(base, plans, keys, [*joined.starts, len(joined.rows)], joined.counts, joined.rows, joined.index,
                      {path: content for path, content in files.items() if not is_plan_file(path, base)}, joined.words, joined.terms,
                      latin_keys(joined.index), sharding, first, carried)


def _blob(docs: set[int]) -> bytes:
    """Documents as a sorted array's bytes."""
    return array("i", sorted(docs)).tobytes()


def _loaded(memo: PlanMemo, base: str) -> IndexState | None:
    """The kept state, when it is of this format and base and hangs together (else None: laid out whole)."""
    value, whole = memo.load(STATE), memo.load(BASE)
    if not isinstance(value, dict) or value.get("format") != FORMAT or value.get("code") != CODE or value.get("base") != base:
        return None
    if not isinstance(whole, dict) or whole.get("token") != value.get("token"):
        return None
    try:
        changes = value["changes"]
        whole["files"].update(changes["files"])
        for path, content in changes["files"].items():
            if content is None:  # a file no longer made (a text or a detail chunk of a number no document has now)
                del whole["files"][path]
        for key, packed in changes["postings"].items():
            whole["postings"][key] = packed
        for d, row in changes["rows"].items():
            whole["rows"][d] = row
        state = IndexState(base, value["plans"], value["keys"], value["bounds"], value["counts"], whole["rows"],
                           Packed({k: v for k, v in whole["postings"].items() if v is not None}), whole["files"], value["words"],
                           value["terms"], value["latin"], Sharding(**value["sharding"]), value["first"], value["carried"],
                           value["token"], changes, value["weight"], value["stamps"])
    except (KeyError, TypeError, IndexError, AttributeError):
        return None
    fits = len(state.keys) == len(state.plans) == len(state.counts) == len(state.bounds) - 1 and state.bounds[-1] == len(state.rows)
    return state if fits and len(state.first) == len(state.carried) == state.sharding.count else None


def _patched(state: IndexState, bundles: list[PlanBundle], memo: PlanMemo) -> Patch | None:
    """The last build's index with the changed plans' parts swapped in (None: lay the index out whole)."""
    if [b.key for b in bundles] != state.plans:
        return None
    changes = _changes(state, bundles, memo)
    if changes is None:
        return None
    patch = Patch(state)
    for i, (p, old, new) in enumerate(changes):
        moved = patch.shift(p, old, new)
        if moved is None:
            return None
        changes[i] = (p, moved, new)
        patch.diff(p, moved, new)
    patch.apply(changes)
    if not patch.relay():
        return None
    patch.record()
    return patch


def _changes(state: IndexState, bundles: list[PlanBundle], memo: PlanMemo) -> list[tuple[int, PlanPart, PlanPart]] | None:
    """Each changed plan's number with its part as the state has it and as it is now (None: not a patch)."""
    changes: list[tuple[int, PlanPart, PlanPart]] = []
    for p, bundle in enumerate(bundles):
        key = memo.key_of(bundle.key, str(p))
        if key is not None and key == state.keys[p]:
            continue
        previous = memo.previous("search", bundle.key)  # read before plan_part keeps the new part in its place
        if key is None or previous is None or previous[0] != state.keys[p]:
            return None
        new = plan_part(bundle, p, memo)
        if plan_room(len(new[0])) != state.bounds[p + 1] - state.bounds[p]:
            return None  # another room renumbers every later plan's documents
        changes.append((p, previous[1], new))
        state.keys[p] = key
    return changes


@dataclass
class Patch:
    """One patch of the state: what changed, gathered plan by plan (`diff`), then carried through the layout (`apply`, `relay`)."""

    state: IndexState
    keys: set[str] = field(default_factory=set)  # keys whose postings changed (added and removed ones too)
    docs: dict[int, bytes] = field(default_factory=dict)  # documents whose row changed → the new row
    resized: set[int] = field(default_factory=set)  # documents whose row changed length
    holders: set[str] = field(default_factory=set)  # the keys of the documents whose row changed length
    before: int = 0  # the share of the size of `keys` and `holders` before the patch
    changed: set[str] = field(default_factory=set)  # paths of the files whose bytes changed
    encoded: dict[str, str] = field(default_factory=dict)  # the changed keys' encoded postings (and the renumbered ones')
    renumbered: set[str] = field(default_factory=set)  # keys whose postings only renumbered documents of a plan (`shift`)
    moved: set[int] = field(default_factory=set)  # numbers whose row `shift` moved, emptied or filled
    recarried: set[int] = field(default_factory=set)  # shards whose carried documents `shift` renumbered
    removed: set[int] = field(default_factory=set)  # documents taken out of a changed key's postings (`holds`)
    gained: set[int] = field(default_factory=set)  # documents put into a changed key's postings, or with another class there (`holds`)
    by_shard: dict[int, list[str]] = field(default_factory=dict)  # the changed keys by shard
    reset: dict[int, set[int]] = field(default_factory=dict)  # shards whose rows before the phrase pass changed → those rows
    _shard_keys: dict[int, dict[str, str]] = field(default_factory=dict)

    def shift(self, p: int, old: PlanPart, new: PlanPart) -> PlanPart | None:
        """Renumber a plan whose documents were added, deleted or moved, in its room; its old part numbered as the new one (None: lay out whole).

        The documents are matched by address (a deleted one is matched by none, an added one by none). What the
        last build decided is renumbered as it would have been made from the old documents at their new numbers:
        the order of the documents is the same, so every choice among them is the same. The keys of a deleted
        document count as changed, so everything it took part in is worked out again.
        """
        moves = _moves(old[0], new[0])
        if moves is None:
            return old if len(old[0]) == len(new[0]) else None  # same count: compared place by place, as before
        if len(moves) == len(new[0]) and all(m == n for n, m in enumerate(moves)):
            return old
        start = self.state.bounds[p]
        move = _Move(start, moves)
        index = self._shift_keys(p, old[3], move)
        self._shift_decisions(move)
        self._shift_rows(p, move, len(new[0]))
        return old[0], old[1], old[2], index, old[4], old[5]

    def _shift_keys(self, p: int, old: dict[str, dict[int, int]], move: _Move) -> dict[str, dict[int, int]]:
        """The plan's postings renumbered (its old part's, numbered from 0), spliced in; their encoding, length, own best and share of the size with them."""
        state, sharding, start = self.state, self.state.sharding, self.state.bounds[p]
        moved: dict[str, dict[int, int]] = {}
        for key, row in old.items():
            now = moved[key] = {m: c for n, c in row.items() if (m := move.local[n]) is not None}
            if now == row:
                continue
            if len(now) < len(row):
                self.keys.add(key)  # a deleted document's key: worked out again
            best = sharding.best.get(key, ())
            share = -sum(len(state.rows[d]) + 8 for d in best if move.gone(d)) - sharding.lengths[key]
            state.index.splice(key, start, state.bounds[p + 1], now)
            if key in state.index:
                self.encoded[key] = encode(state.index.postings(key))
                sharding.lengths[key] = len(self.encoded[key])
                self.renumbered.add(key)
            if best:
                sharding.best[key] = move.docs(best)
            sharding.size += share + sharding.lengths[key]
            if not HANGUL.match(key):
                self._shift_prefixes(key, move)
        return moved

    def _shift_prefixes(self, key: str, move: _Move) -> None:
        """Renumber the prefix results of the Latin keys that begin `key` (each once)."""
        prefix = self.state.sharding.prefix
        for i in range(1, len(key) + 1):
            if key[:i] in prefix and key[:i] not in move.prefixes:
                move.prefixes.add(key[:i])
                prefix[key[:i]] = move.docs(prefix[key[:i]])

    def _shift_decisions(self, move: _Move) -> None:
        """Renumber the phrase pages, the phrases' effects and each shard's carried documents."""
        sharding = self.state.sharding
        for phrase, page in list(sharding.pages.items()):
            if move.touches(page):
                if any(move.gone(d) for d in page):
                    del sharding.pages[phrase]  # made again (`holds` knows only documents taken out by the new part)
                else:
                    sharding.pages[phrase] = move.docs(page)
        for phrase, (s, docs, size) in sharding.effects.items():
            if move.touches(docs):
                sharding.effects[phrase] = (s, move.docs(docs), size)
        for blobs in (self.state.first, self.state.carried):
            for s, blob in enumerate(blobs):
                numbers = array("i", blob)
                i, j = bisect_left(numbers, move.low), bisect_left(numbers, move.high)
                if i < j:
                    blobs[s] = (numbers[:i] + array("i", move.docs(numbers[i:j])) + numbers[j:]).tobytes()  # still sorted: the order stays
                    if blobs is self.state.carried and blobs[s] != blob:
                        self.recarried.add(s)

    def _shift_rows(self, p: int, move: _Move, count: int) -> None:
        """Move the plan's rows to their new numbers (a number no document has now: no bytes; its text is no longer made)."""
        state, start = self.state, self.state.bounds[p]
        end = start + max(len(move.local), count)
        before = state.rows[move.low : end]
        state.rows[move.low : end] = [b""] * (end - move.low)
        for d, row in zip(range(move.low, move.high), before, strict=False):
            if (m := move.number(d)) is not None:
                state.rows[m] = row
        self.moved.update(d for d, row in zip(range(move.low, end), before, strict=True) if state.rows[d] != row)
        for n in range(count, len(move.local)):
            self.put(f"{state.base}/t/{start + n}.json", b"")
        state.counts[p] = count

    def diff(self, p: int, old: PlanPart, new: PlanPart) -> None:
        """Note what one plan's new part changes, and swap its postings and long words in."""
        state, start = self.state, self.state.bounds[p]
        resized: set[int] = set()
        for n, values in enumerate(new[0]):
            encoded = json_bytes(values)
            if encoded != state.rows[start + n]:
                self.docs[start + n] = encoded
                if len(encoded) != len(state.rows[start + n]):
                    resized.add(n)
                    self.resized.add(start + n)
        old_index, new_index = old[3], new[3]
        for key in old_index.keys() | new_index.keys():
            row, was = new_index.get(key), old_index.get(key)
            if was != row:
                self.keys.add(key)
                state.index.splice(key, start, state.bounds[p + 1], row)
                self._taken(start, was or {}, row or {})
        self.holders.update(key for part in (old_index, new_index) for key, row in part.items() if not resized.isdisjoint(row))
        self._words(old[4], new[4])

    def _taken(self, start: int, was: dict[int, int], row: dict[int, int]) -> None:
        """Note the documents a key's postings in a plan lost (`removed`) and those they gained or whose class changed (`gained`)."""
        self.removed.update(start + n for n in was.keys() - row.keys())
        self.gained.update(start + n for n, c in row.items() if was.get(n) != c)

    def holds(self, phrase: str, page: list[int]) -> bool:
        """Whether a phrase's page of the last build is its page now (`search.phrase_page`), so that it need not be worked out again.

        Only documents with every key of the phrase, or of its shortest stem (the stems are its beginnings, tried
        shortest first), can be on it. The page holds when the documents the phrase's changed keys lost are not on it
        (every document ranked above them keeps its place) and those they gained (or that changed class) lack a key
        of the shortest stem. A key left without postings, or with postings where it had none, changes which stem is
        tried only where no document has all its keys: the page is the same.
        """
        return page_holds(self.state.index, phrase, page, self.keys, self.removed, self.gained)

    def _words(self, old: list[str], new: list[str]) -> None:
        """Swap a plan's long words: a word no plan has any more is no key any more, one no plan had is a new key."""
        words, index = self.state.words, self.state.index
        for word in set(old) - set(new):
            words[word] -= 1
            if not words[word]:
                del words[word]
                index.drop(word)
                self.keys.add(word)
        for word in set(new) - set(old):
            words[word] = words.get(word, 0) + 1
            if words[word] == 1:
                index.empty(word)
                self.keys.add(word)

    def apply(self, changes: list[tuple[int, PlanPart, PlanPart]]) -> None:
        """Swap in the changed plans' rows, texts, facets and term scores (after `diff`: the size's old share needs the old rows)."""
        state, base = self.state, self.state.base
        sharding = state.sharding
        self.before = sum(key_share(key, sharding.lengths[key], sharding.best.get(key, ()), state.rows)
                          for key in self.keys | self.holders if key in sharding.lengths)
        for d, row in self.docs.items():
            state.rows[d] = row
        for d in {d // CHUNK * CHUNK for d in self.docs.keys() | self.moved}:
            self.put(f"{base}/d/{d // CHUNK}.json", chunk_file(state.rows, d, CHUNK))
        for p, _, new in changes:
            for n, text in enumerate(new[1]):
                self.put(f"{base}/t/{state.bounds[p] + n}.json", json_bytes(text))
            self.put(f"{base}/p/{p}.json", new[2])
        self._terms(changes)

    def _terms(self, changes: list[tuple[int, PlanPart, PlanPart]]) -> None:
        """Swap the changed plans' term scores and make the term files of the words whose score changed again."""
        terms, pairs = self.state.terms, dict[int, set[str]]()
        for _, old, new in changes:
            for word in old[5].keys() | new[5].keys():
                if delta := new[5].get(word, 0) - old[5].get(word, 0):
                    terms[word] = terms.get(word, 0) + delta
                    if not terms[word]:
                        del terms[word]
                    pairs.setdefault(pair_number(word), set()).add(word)
        for n, words in pairs.items():
            if n >= 0:
                path = f"{self.state.base}/c/{n}.json"
                words |= {word for word, _ in json.loads(self.state.files[path])}
                self.put(path, term_file([(word, terms[word]) for word in words if word in terms]))

    def put(self, path: str, content: bytes) -> None:
        """Keep a file's new bytes (noting it as changed when they differ); no bytes: the file is no longer made."""
        files = self.state.files
        if files.get(path, b"") != content:
            if content:
                files[path] = content
            else:
                del files[path]
                self.state.stamps.pop(path, None)
            self.changed.add(path)

    def relay(self) -> bool:
        """Carry the changes through the shards' layout (False: the shard count changed, so lay the index out whole)."""
        state, sharding = self.state, self.state.sharding
        self._rekey()
        size = sharding.size - self.before + sum(key_share(key, sharding.lengths[key], sharding.best.get(key, ()), state.rows)
                                                 for key in self.keys | self.holders if key in state.index)
        if shard_count(size) != sharding.count:
            return False
        sharding.size = size
        for key in self.keys | self.renumbered:
            self.by_shard.setdefault(self.shard(key), []).append(key)
        moved = self.keys | self._prefixes(self.keys, True) | self.holders | self._prefixes(self.holders, False)
        best = sharding.best | sharding.prefix
        for s in {self.shard(key) for key in moved}:
            first = _carried(by_commonness(state.index, self.shard_keys(s), best), best, state.rows)
            if _blob(first) != state.first[s]:
                self.reset[s] = first
        self._shard_files(Replay(self).run())
        return True

    def shard(self, key: str) -> int:
        """The shard of a key."""
        return shard_of(key, self.state.sharding.count)

    def _rekey(self) -> None:
        """The changed keys' encoded postings, own best documents and place among the Latin keys."""
        index, sharding, latin = self.state.index, self.state.sharding, self.state.latin
        for key in self.keys:
            if key not in index:
                sharding.lengths.pop(key, None)
                sharding.best.pop(key, None)
                self.encoded.pop(key, None)  # `shift` may have renumbered it before the new part took it out
            else:
                self.encoded[key] = encode(index.postings(key))
                sharding.lengths[key] = len(self.encoded[key])
                if index.length(key) and not is_neighbour_key(key):
                    sharding.best[key] = own_best(index, key)
                else:
                    sharding.best.pop(key, None)
            if not HANGUL.match(key):  # Latin keys always have postings
                i = bisect_left(latin, key)
                listed = i < len(latin) and latin[i] == key
                if key in index and not listed:
                    insort(latin, key)
                elif key not in index and listed:
                    del latin[i]

    def _prefixes(self, keys: set[str], again: bool) -> set[str]:
        """The Latin keys whose prefix query takes in one of `keys` (they begin it, in its shard); with `again`, their prefix best is worked out again."""
        state, sharding = self.state, self.state.sharding
        found = {key[:i] for key in keys if not HANGUL.match(key) for i in range(1, len(key) + 1)
                 if key[:i] in state.index and self.shard(key[:i]) == self.shard(key)}
        if again:
            for key in keys:
                if key not in state.index:
                    sharding.prefix.pop(key, None)
            for key in found:
                sharding.prefix[key] = best_docs(prefix_hit(state.index, state.latin, bisect_left(state.latin, key), sharding.count))
        return found

    def shard_keys(self, s: int) -> dict[str, str]:
        """Shard `s`'s keys with their encoded postings: the last build's, with the changed keys'."""
        keys = self._shard_keys.get(s)
        if keys is None:
            keys = self._shard_keys[s] = json.loads(self.state.files[f"{self.state.base}/s/{s}.json"])["k"]
            for key in self.by_shard.get(s, ()):
                if key in self.encoded:
                    keys[key] = self.encoded[key]
                else:
                    keys.pop(key, None)
        return keys

    def _shard_files(self, live: dict[int, set[int]]) -> None:
        """Make the shard files whose keys, carried documents or carried rows changed (`live`: the carried documents of the shards the pass looked at)."""
        state = self.state
        for s, docs in self.reset.items():
            state.first[s] = _blob(docs)
        dirty = set(self.by_shard) | self.recarried
        for s, now in live.items():
            blob = _blob(now)
            if blob != state.carried[s]:
                state.carried[s] = blob
                dirty.add(s)
        for s, blob in enumerate(state.carried):
            carried = array("i", blob)
            if any((i := bisect_left(carried, d)) < len(carried) and carried[i] == d for d in self.docs):
                dirty.add(s)
        for s in dirty:
            found = live.get(s)
            shard = shard_json(self.shard_keys(s), found if found is not None else array("i", state.carried[s]), state.rows)
            for path, content in shard_files(state.base, s, shard).items():
                self.put(path, content)

    def record(self) -> None:
        """Add what this patch changed to the changes since the base."""
        state = self.state
        changes = state.changes
        changes["files"].update((path, state.files.get(path)) for path in self.changed)
        changes["postings"].update((key, state.index.blob(key) if key in state.index else None) for key in self.keys | self.renumbered)
        changes["rows"].update((d, state.rows[d]) for d in self.docs.keys() | self.moved)


def page_holds(index: Packed, phrase: str, page: list[int], keys: set[str], removed: set[int], gained: set[int]) -> bool:
    """`Patch.holds` on the postings as they are now: `keys` changed, documents `removed` from them, `gained` by them."""
    if keys.isdisjoint(phrase_keys(phrase)):
        return True
    if not removed.isdisjoint(page):
        return False
    needed = phrase_keys(phrase)[: len(min(stems(phrase), key=len, default=phrase)) - 1]
    return not any(all(index.has(key, d) for key in needed) for d in gained)


def _moves(old: list[list[Any]], new: list[list[Any]]) -> list[int | None] | None:
    """Where each of a plan's old documents is among its new ones, matched by address (None: gone); None when they are not in the same order."""
    where = {row[2]: n for n, row in enumerate(new)}
    moves = [where.get(row[2]) for row in old]
    kept = [m for m in moves if m is not None]
    same_order = all(a < b for a, b in zip(kept, kept[1:], strict=False))
    return moves if len(where) == len(new) and same_order else None


class _Move:
    """A plan's old document numbers to its new ones (`shift`): `local` by place in the plan, None for a deleted document."""

    def __init__(self, start: int, local: list[int | None]) -> None:
        self.start, self.local = start, local
        first = next((n for n, m in enumerate(local) if m != n), len(local))
        self.low, self.high = start + first, start + len(local)  # the numbers that can move
        self.prefixes: set[str] = set()  # the Latin keys whose prefix results are renumbered already

    def number(self, d: int) -> int | None:
        """The new number of old document `d` (None: deleted)."""
        if not self.low <= d < self.high:
            return d
        m = self.local[d - self.start]
        return None if m is None else self.start + m

    def gone(self, d: int) -> bool:
        """Whether old document `d` was deleted."""
        return self.number(d) is None

    def touches(self, docs: list[int]) -> bool:
        """Whether any of these documents can move."""
        return any(self.low <= d < self.high for d in docs)

    def docs(self, docs: Iterable[int]) -> list[int]:
        """These documents renumbered, the deleted ones left out (the order stays: the numbers keep theirs)."""
        return [m for d in docs if (m := self.number(d)) is not None]


class Replay:
    """The phrase pass again, working out only the phrases whose decision can differ from the last build's.

    `live` holds the rows and extra bytes of each shard looked at so far, as they stand at the current phrase; a
    shard in `dirty` may differ from the last build's there, every other one is as it was. A shard is brought live
    from its rows before the pass and the effects the last build's phrases before the current one had on it.
    """

    def __init__(self, patch: Patch) -> None:
        self.patch, self.state = patch, patch.state
        sharding = self.state.sharding
        self.effects: dict[str, Effect] = {}
        self.pages = {phrase: page for phrase, page in sharding.pages.items() if patch.holds(phrase, page)}
        self.live: dict[int, tuple[set[int], list[int]]] = {s: (set(first), [0]) for s, first in patch.reset.items()}
        self.dirty: set[int] = set(patch.reset)
        self.shards: dict[str, int] = {}  # a phrase key's shard
        self.aimed: dict[int, list[tuple[str, Effect]]] = {}  # the last build's effects by shard, in phrase order
        for phrase, effect in sharding.effects.items():
            self.aimed.setdefault(effect[0], []).append((phrase, effect))
        for aimed in self.aimed.values():
            aimed.sort(key=lambda pe: (len(pe[0]), pe[0]))
        self.cache: dict[str, tuple[set[int], set[int]]] = {}

    def run(self) -> dict[int, set[int]]:
        """Go through every phrase (and the gone ones that added rows) in order; the live shards' carried documents."""
        sharding = self.state.sharding
        order = phrase_list(self.state.words)
        known, now = set(sharding.order), set(order)
        gone = sorted((p for p in sharding.effects if p not in now), key=lambda p: (len(p), p))
        for phrase in heapq.merge(order, gone, key=lambda p: (len(p), p)):
            old = sharding.effects.get(phrase)
            if phrase in now:
                self._step(phrase, phrase in known, old)
            elif old is not None:  # a gone phrase that added rows: its shard differs from here on
                self._bring(old[0], phrase)
                self.dirty.add(old[0])
        sharding.order, sharding.effects = order, self.effects
        sharding.pages = {phrase: self.pages[phrase] for phrase in order if phrase in self.pages}
        return {s: docs for s, (docs, _) in self.live.items()}

    def _step(self, phrase: str, known: bool, old: Effect | None) -> None:
        """One phrase: its last decision again, or worked out anew when it can differ."""
        keys = phrase_keys(phrase)
        shards = {self._shard(key) for key in keys}
        page = self.state.sharding.pages.get(phrase)
        same = known and not self.patch.keys.intersection(keys) and self.dirty.isdisjoint(shards)
        if same and (page is None or self.patch.resized.isdisjoint(page)):
            if old is not None:
                self.effects[phrase] = old
                if old[0] in self.live:
                    self._add(old)
            return
        for s in shards:
            self._bring(s, phrase)
        have = set().union(*(self.live[s][0] for s in shards))
        wanted = wanted_rows(self.state.index, phrase, keys, have, self.state.rows, self.pages, self.cache, self.state.sharding.count)
        new = wanted if wanted and self.live[wanted[0]][1][0] + wanted[2] <= PHRASE_MAX else None
        if new is not None:
            self.effects[phrase] = new
            self._add(new)
        if new != old:
            self.dirty.update(effect[0] for effect in (old, new) if effect is not None)

    def _shard(self, key: str) -> int:
        """A phrase key's shard (looked up: the keys recur across phrases)."""
        s = self.shards.get(key)
        if s is None:
            s = self.shards[key] = self.patch.shard(key)
        return s

    def _bring(self, s: int, phrase: str) -> None:
        """Make shard `s` live as it stands before `phrase`: its rows before the pass and what earlier phrases added (as last time: it is not dirty)."""
        if s in self.live:
            return
        docs, extra = set(array("i", self.state.first[s])), 0
        for earlier, effect in self.aimed.get(s, ()):
            if (len(earlier), earlier) >= (len(phrase), phrase):
                break
            docs.update(effect[1])
            extra += effect[2]
        self.live[s] = (docs, [extra])

    def _add(self, effect: Effect) -> None:
        """Add a phrase's rows to its live shard."""
        docs, extra = self.live[effect[0]]
        docs.update(effect[1])
        extra[0] += effect[2]
