"""Build-time Korean search index: Hangul bigrams and Latin/number words, sharded so a query loads only a few small files.

Neither Material's search nor Pagefind segments Hangul (they match word prefixes only), and Material's index
is one JSON of every page. Here every Hangul word is expanded at build time into its two-syllable pieces
(`자원봉사센터` → 자원·원봉·봉사·사센·센터), so `봉사` finds `자원봉사센터` and `예산` finds `예산을`;
Latin words and numbers (`ESG`, `31,600` → `31600`) are matched by prefix. Keys are hashed into shards;
each shard also carries the result rows (kind, title, link, unit, budget…) of its keys' best documents, and
of the first pages of the text's longer words and their three-syllable pieces (`예산을`, `추진비`), whose best
documents often are no key's best; so the first page of a one-word query is on screen after one round of
parallel fetches. Other rows (mostly of queries of several words) are in small detail chunks, loaded only for
the results shown. The browser side is content/assets/search.js, which must
tokenise exactly like `tokens` below.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import heapq
import json
import operator
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Project, StrategyNode
from ..model.money import format_in_unit
from ..model.portal import PlanBundle, Portal, by_category, by_funding, by_unit, is_non_budget, node_projects, plan_total, project_total, sum_total
from ..plan.pages import project_url
from ..plan.plan_pages import PLAN_PAGES
from .hangul import pair_number, stems
from .memo import PlanMemo
from .packed import Packed

INDEX_DIR = "search/data"
CHUNK = 8  # documents per detail chunk (~1.5 KB), for results whose rows did not come with the shards
SHARD_TARGET = 12_000  # bytes of postings and rows per shard the shard count aims at
RARE = 64  # a Hangul key in at most this many documents carries all their rows: a query with a rare piece needs no detail chunk
# A key's best documents whose result rows ride in its shard: a one-word query's first page (10) needs no detail
# chunk, nor, mostly, a longer word's (its top 10 lie near the top of its most selective piece).
TOP = 12
ROWS_MAX = 32_000  # bytes of rows one shard carries at most (all numbers from `20…` share a shard: rare ones get none)
PAGE = 10  # results on search.js's first page
# Bytes of rows a shard carries at most for phrases (Hangul words of 3+ syllables, `예산을`) whose first page is not
# among their keys' best documents: such a query's first page is then on screen after one round of fetches too.
PHRASE_MAX = 32_000
# A plan's documents are numbered in a range of its own, a multiple of ROOM numbers with room to grow (`plan_room`):
# a project added or deleted renumbers only the documents of its plan, so searchstate.py patches the index in place.
ROOM = 64
PLAN_GROUP = 8  # plans a `plans/<k>.json` file holds (~1.3 KB): a first page of ten results fetches at most ten
# A shard file above this many bytes is written gzip-compressed beside itself too (`s/<n>.gz`, listed in meta.json's
# `zipped`), which search.js inflates with the browser's DecompressionStream, as Pagefind ships its index: the shards
# of the commonest keys are ~190 KB of JSON at 100,000 projects, a quarter of that compressed, and a web server
# compresses JSON only when set up to (nginx's default does not). Browsers without DecompressionStream fetch the JSON.
# Not lower: a deletion at 10,000 projects rewrites most big shards, and at 16 KB compressing ~730 of them cost 0.8 s.
ZIPPED = 32_768
TEXT_MAX = 4_000  # bytes of a document's text kept for result snippets (t/<document>.json): a page's ten stay ~25 KB
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
TITLE, META, BODY = 2, 1, 0
_WORD = re.compile(r"[\uac00-\ud7a3\u4e00-\u9fff]+|[a-z0-9]+(?:\.[0-9]+)?")
# A comma between a digit and three digits; written comma first so the engine looks for commas only (5× faster).
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3})")
# Neighbours: a word's last syllable, what parts it from the next word (no line break, nothing a word is made of),
# and that word's first syllable, read ahead so the next pair can start there (`아동 돌봄 지원`: 동·돌, 봄·지).
_NEIGHBOURS = re.compile(r"([\uac00-\ud7a3])[^\uac00-\ud7a3\u4e00-\u9fffa-z0-9\n]+(?=([\uac00-\ud7a3]))")
_TERM = re.compile(r"[\uac00-\ud7a3]{2,}")  # a word of the term files: two Hangul syllables or more
_SHORT = re.compile(r"\W*\d{0,3}\W*")  # a text without a word in it, or a bare item number
HANGUL = re.compile(r"[\uac00-\ud7a3\u4e00-\u9fff]")
# A key's score by class (`Searcher._word_scores`), for a key that does not start the query word and for one that does.
_SCORES = {start: [1 + 4 * (c >> 1) * (c >> 1) + (c & 1 if start else 0) for c in range(8)] for start in (False, True)}
# Keys of the data that are identifiers, enums or personal data, never searchable text.
_SKIP = {"id", "kind", "source", "refs", "continues", "strategy", "unit", "group", "$schema", "schema_ref", "contacts",
         "marks", "mark_outside", "merged_with_previous", "children", "year", "acknowledged", "declared_count"}


def normalise(text: str) -> str:
    """NFKC, lower case, digit grouping commas removed (`31,600` → `31600`)."""
    return _THOUSANDS.sub("", unicodedata.normalize("NFKC", text).lower())


def tokens(text: str) -> list[str]:
    """Words of a text: runs of Hangul/Hanja, or Latin letters and digits."""
    return _WORD.findall(normalise(text))


def words_and_neighbours(text: str) -> tuple[set[str], set[str]]:
    """The words of a text (`tokens`) and the keys of Hangul words next to each other (`아동 돌봄` → `동돌 `).

    A neighbour key is the last syllable, the first syllable of the next word, a space; a line break parts neighbours.
    The index has no positions; these let a quoted phrase (`"아동 돌봄"`) ask for its words side by side, in order.
    The space keeps them apart from the bigram `동돌` of one word, and shard_of (the first two characters) puts the
    two in one shard, so a phrase also written as one word (`아동돌봄`) costs no extra fetch.
    """
    text = normalise(text)
    return set(_WORD.findall(text)), {a + b + " " for a, b in set(_NEIGHBOURS.findall(text))}


def is_neighbour_key(key: str) -> bool:
    """Whether a key is one of `words_and_neighbours`' keys (they end in a space; no word does)."""
    return key.endswith(" ")


def word_keys(word: str) -> Iterator[tuple[str, bool]]:
    """Index keys of one word with a flag for the word's first key: bigrams for Hangul, the word itself otherwise."""
    if not HANGUL.match(word) or len(word) == 1:
        yield word, True
        return
    for i in range(len(word) - 1):
        yield word[i : i + 2], i == 0


def shard_of(key: str, shards: int) -> int:
    """Shard number of a key: FNV-1a over its first two UTF-16 units (same in search.js)."""
    h = 0x811C9DC5
    for ch in key[:2]:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return h % shards


def _code(d: int) -> str:
    """One non-negative integer in the code of `encode`: 5 bits a character, low bits first, last character < 32."""
    out = []
    while d >= 32:
        out.append(ALPHABET[32 + (d & 31)])
        d >>= 5
    return "".join(out) + ALPHABET[d]


_CODES = [_code(d) for d in range(1 << 15)]  # the codes of small deltas, looked up: most deltas are small


def encode(values: list[int]) -> str:
    """Ascending integers as deltas in a base-32 variable-length code (5 bits a character)."""
    deltas = map(operator.sub, values, [0, *values[:-1]])
    return "".join([_CODES[d] if d < 32768 else _code(d) for d in deltas])


def decode(text: str) -> list[int]:
    """Inverse of `encode` (used by tests and the benchmark)."""
    out, acc, shift, last = [], 0, 0, 0
    for ch in text:
        d = ALPHABET.index(ch)
        if d >= 32:
            acc |= (d - 32) << shift
            shift += 5
            continue
        last += acc | (d << shift)
        out.append(last)
        acc, shift = 0, 0
    return out


def strings(value: Any) -> Iterator[str]:
    """Every searchable string inside dumped model data (identifiers and personal data skipped)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _SKIP:
                yield from strings(item)


@dataclass
class Doc:
    """One searchable page: what the result list shows, its filters, and its text by weight."""

    kind: str
    title: str
    url: str
    plan: int
    unit: str = ""
    node: str = ""
    budget: str = ""
    number: str = ""
    facet: tuple[int, int] = (-1, -1)
    text: dict[int, list[str]] = field(default_factory=dict)

    def row(self) -> list[Any]:
        """The compact record stored in a detail chunk."""
        return [self.kind, self.title, self.url, self.unit, self.budget, self.node, self.number]

    def snippet_text(self) -> str:
        """The text a result's snippet is cut from, at most TEXT_MAX bytes.

        Meta fields the result line does not show (a plan's total), then the body; each text once, white space
        folded, no bare numbers of three digits or fewer (item numbers: `· 1 ·` tells nothing).
        """
        shown = {self.unit, self.node, self.budget}
        texts = [t for t in self.text.get(META, []) if t not in shown] + self.text.get(BODY, [])
        parts = dict.fromkeys(" ".join(t.split()) for t in texts)
        kept = [t for t in parts if t and not _SHORT.fullmatch(t)]
        return " · ".join(kept).encode()[:TEXT_MAX].decode(errors="ignore")


def _budget_text(project: Project, unit: str) -> str:
    """`31,600 천원`, `비예산` or ''."""
    total = project_total(project)
    if total is not None:
        return f"{format_in_unit(total, unit)} {unit}"
    return "비예산" if is_non_budget(project) else ""


def _amount(won: int, unit: str) -> list[str]:
    """A total as the pages print it (`1,158,165 천원`), so a number copied from a page finds the page; none for 0."""
    return [f"{format_in_unit(won, unit)} {unit}"] if won else []


def _plan_totals(bundle: PlanBundle) -> list[str]:
    """The totals the plan and budget pages print: by funding source and by 세목 (the plan's own total is its meta)."""
    unit = bundle.plan.money_unit
    return [text for _, won in [*by_funding(bundle), *by_category(bundle)] for text in _amount(won, unit)]


def _dump(model: Any, exclude: set[str]) -> Any:
    """Model data as plain JSON values, without the listed fields."""
    return model.model_dump(mode="json", by_alias=True, exclude=exclude)


def _kind(page: str) -> str:
    """The search kind of a page type (declared with the page in `plan_pages.PLAN_PAGES`)."""
    kind = PLAN_PAGES[page].search
    assert kind is not None, page
    return kind


def _node_docs(bundle: PlanBundle, p: int, node_idx: dict[str, int]) -> list[Doc]:
    """One document per strategy node."""
    docs = []
    for node, depth, parents in bundle.nodes():
        level = bundle.plan.levels[depth].name if depth < len(bundle.plan.levels) else ""
        total = _amount(sum_total(node_projects(bundle, node)), bundle.plan.money_unit)
        docs.append(Doc(_kind("node"), node.title, PLAN_PAGES["node"].url(bundle.key, node.id), p, unit=level, number=node.code or "",
                        node=" › ".join(x.title for x in parents), facet=(-1, node_idx[node.id]),
                        text={TITLE: [node.title, node.code or ""], META: [level, *total] + [x.title for x in parents],
                              BODY: list(strings(_dump(node, {"children", "title"})))}))
    return docs


def _project_doc(bundle: PlanBundle, p: int, project: Project, units: dict[str, int], nodes: dict[str, StrategyNode], node_idx: dict[str, int]) -> Doc:
    """The search document of one project."""
    unit = next((u.name for u in bundle.plan.units if u.id == project.unit), "")
    node = nodes.get(project.strategy or "")
    budget = _budget_text(project, bundle.plan.money_unit)
    return Doc(_kind("project"), project.title, project_url(bundle.key, project.id), p, unit=unit, node=node.title if node else "",
               budget=budget, number=project.number or "", facet=(units.get(project.unit or "", -1), node_idx.get(project.strategy or "", -1)),
               text={TITLE: [project.title, project.number or ""], META: [unit, node.title if node else "", budget],
                     BODY: list(strings(_dump(project, {"title"})))})


def plan_docs(bundle: PlanBundle, p: int) -> list[Doc]:
    """Documents of one plan: the plan, its strategy nodes, units and projects."""
    plan = bundle.plan
    node_idx = {n.id: i for i, (n, _, _) in enumerate(bundle.nodes())}
    nodes = {n.id: n for n, _, _ in bundle.nodes()}
    units = {u.id: i for i, u in enumerate(plan.units)}
    title = f"{plan.year}년 {plan.title}"
    docs = [Doc(_kind("plan"), title, PLAN_PAGES["plan"].url(bundle.key), p, unit=bundle.org.name,
                text={TITLE: [title], META: [bundle.org.name, plan.subtitle or "", *_amount(plan_total(bundle), plan.money_unit)],
                      BODY: list(strings(_dump(plan, {"strategy", "units", "project_groups", "catalogues", "irregularities", "levels", "title", "source_documents"})))
                      + _plan_totals(bundle)})]
    docs += _node_docs(bundle, p, node_idx)
    unit_totals = [won for _, won, _ in by_unit(bundle)]  # in the plan's unit order ("부서 미지정" last)
    docs += [Doc(_kind("unit"), u.name, PLAN_PAGES["unit"].url(bundle.key, u.id), p, unit=bundle.org.name, facet=(i, -1),
                 text={TITLE: [u.name], META: [bundle.org.name, *_amount(unit_totals[i], plan.money_unit)],
                       BODY: list(strings(_dump(u, {"name"})))}) for i, u in enumerate(plan.units)]
    docs += [_project_doc(bundle, p, pr, units, nodes, node_idx) for pr in bundle.projects]
    return docs


TERM_WEIGHT = {TITLE: 10, META: 2, BODY: 1}  # a term's score: the sum over documents of its best field's weight (titles name things)


def postings(docs: list[Doc], terms: dict[str, int] | None = None) -> dict[str, dict[int, int]]:
    """Map each key to {document number → best class}; class = field weight × 2 + (1 if the key starts a word).

    Neighbouring words give a key too (`words_and_neighbours`). Every Hangul word of three or more syllables in the
    text maps to {}: a phrase, not a key, whose first page's rows
    the shards carry (`_phrase_rows`); kept in the postings so a merged index (shards.merge_indexes) has them too.
    `terms`, when given, receives the score of every Hangul word of two syllables or more (`TERM_WEIGHT`), for
    the suggestions of initial consonants and the corrections of typing errors (`term_files`).
    """
    index, long_words = _doc_postings(docs, terms)
    for word in long_words:  # never a key itself: keys are syllable pairs, single syllables or Latin words
        index[word] = {}
    return index


def _doc_postings(docs: list[Doc], terms: dict[str, int] | None) -> tuple[dict[str, dict[int, int]], list[str]]:
    """The postings of these documents (numbered from 0) and their Hangul words of three syllables or more, in order of appearance."""
    index: dict[str, dict[int, int]] = {}
    keys_of: dict[str, tuple[tuple[str, ...], tuple[str, ...], bool]] = {}  # word → its keys (`_word_split`); words repeat a lot across documents
    term_words: set[str] = set()  # the words that are terms (`_TERM`), matched once per word, not once per document
    counts: dict[int, Counter[str]] = {weight: Counter() for weight in TERM_WEIGHT}  # documents where a term's heaviest field is this
    for n, doc in enumerate(docs):
        best: dict[str, int] = {}
        found: list[tuple[int, set[str]]] = []
        # Lightest field first, and in a field the keys that start no word first: each class is higher than all
        # before it (weight × 2 + start), so overwriting leaves every key its best class, dict by dict in C.
        for weight, texts in sorted(doc.text.items()):
            words, pairs = words_and_neighbours("\n".join(texts))  # a newline joins no words, nor neighbours
            inner, first = list(pairs), list[str]()
            for word in words:
                keys = keys_of.get(word)
                if keys is None:
                    keys = keys_of[word] = _word_split(word)
                    if keys[2]:
                        term_words.add(word)
                inner += keys[0]
                first += keys[1]
            best.update(dict.fromkeys(inner, weight * 2))
            best.update(dict.fromkeys(first, weight * 2 + 1))
            found.append((weight, words & term_words))
        if terms is not None:
            _count_terms(found, counts)
        for key, cls in best.items():
            row = index.get(key)
            if row is None:
                index[key] = {n: cls}
            else:
                row[n] = cls
    if terms is not None:
        for weight, counted in counts.items():
            for word, documents in counted.items():
                terms[word] = terms.get(word, 0) + documents * TERM_WEIGHT[weight]
    return index, [word for word in keys_of if len(word) > 2 and HANGUL.match(word)]


# Plans are indexed one by one (their parts are kept between builds), and most words recur in every plan: each
# word's keys are worked out once per process, not once per plan (bounded, as `serve` indexes again and again).
@functools.lru_cache(maxsize=1 << 18)
def _word_split(word: str) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    """A word's index keys that do not start it, the one that does (`word_keys`), and whether it is a term (`_TERM`)."""
    keys = list(word_keys(word))
    return tuple(key for key, start in keys if not start), tuple(key for key, start in keys if start), _TERM.fullmatch(word) is not None


def _count_terms(found: list[tuple[int, set[str]]], counts: dict[int, Counter[str]]) -> None:
    """Count one document's terms (each field's, lightest first) under the weight of the heaviest field that has them."""
    seen: set[str] = set()
    for weight, words in reversed(found):
        counts[weight].update(words - seen)
        seen |= words


def json_bytes(value: Any) -> bytes:
    """Compact, deterministic UTF-8 JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _plan_facets(bundle: PlanBundle, docs: list[Doc]) -> dict[str, Any]:
    """Unit and strategy-node filter options of a plan and each document's (unit, node) numbers."""
    node_idx = {n.id: i for i, (n, _, _) in enumerate(bundle.nodes())}
    nodes = [[n.title, node_idx[ps[-1].id] if ps else -1, d, n.code or ""] for n, d, ps in bundle.nodes()]
    return {"units": [u.name for u in bundle.plan.units], "nodes": nodes, "levels": [lv.name for lv in bundle.plan.levels],
            "docs": [list(d.facet) for d in docs]}


def best_docs(row: dict[int, int], k: int = TOP) -> list[int]:
    """The `k` documents a one-key query ranks first: highest class, then lowest number."""
    ranks = [(7 - c) << 32 | d for d, c in row.items()]  # one integer sorts like (class descending, document)
    chosen = sorted(ranks)[:k] if len(ranks) <= 8 * k else heapq.nsmallest(k, ranks)
    return [v & 0xFFFFFFFF for v in chosen]


@dataclass
class Sharding:
    """What `_shards` decided on its way, kept by searchstate.py so that the next build patches it instead of laying out every key again."""

    count: int = 1
    size: int = 0  # bytes of postings and rows the shard count is worked out from (`key_share` of each key)
    lengths: dict[str, int] = field(default_factory=dict)  # each key's encoded postings, in characters
    best: dict[str, list[int]] = field(default_factory=dict)  # each key's own best documents (keys with postings, no neighbour keys)
    prefix: dict[str, list[int]] = field(default_factory=dict)  # each Latin key's best documents of its prefix query (`_prefix_hits`)
    first: list[set[int]] = field(default_factory=list)  # the documents each shard carries before the phrase pass
    carried: list[set[int]] = field(default_factory=list)  # the documents each shard carries
    order: list[str] = field(default_factory=list)  # every phrase, in the order of the phrase pass (`phrase_list`)
    pages: dict[str, list[int]] = field(default_factory=dict)  # the phrase pages the phrase pass worked out (`phrase_page`)
    effects: dict[str, Effect] = field(default_factory=dict)  # what each phrase that added rows added


Effect = tuple[int, list[int], int]  # the rows a phrase adds: (shard, documents, their bytes)


def _shards(index: Packed, rows: list[bytes], words: Iterable[str], out: Sharding) -> list[bytes]:
    """Shard files: postings grouped into a power-of-two number of shards near SHARD_TARGET bytes, each with the rows of its keys' best documents.

    `words`: the long words (`postings`); `out` receives what was decided on the way.
    """
    encoded = {key: encode(index.postings(key)) for key in index}
    out.lengths = {key: len(value) for key, value in encoded.items()}
    out.best = {key: own_best(index, key) for key in index if index.length(key) and not is_neighbour_key(key)}
    out.size = sum(key_share(key, out.lengths[key], out.best.get(key, ()), rows) for key in encoded)
    out.count = shard_count(out.size)
    out.prefix = {key: best_docs(row) for key, row in _prefix_hits(index, out.count).items()}
    keys: list[dict[str, str]] = [{} for _ in range(out.count)]
    for key, value in encoded.items():
        keys[shard_of(key, out.count)][key] = value
    best = out.best | out.prefix
    out.first = [_carried(by_commonness(index, k, best), best, rows) for k in keys]
    out.carried = [set(found) for found in out.first]
    out.order = phrase_list(words)
    _phrase_rows(index, out.carried, rows, out)
    return [shard_json(k, found, rows) for k, found in zip(keys, out.carried, strict=True)]


def own_best(index: Packed, key: str) -> list[int]:
    """A key's best documents: all of a rare Hangul key's (RARE), else the TOP."""
    count = index.length(key)
    return best_docs(index[key], count if count <= RARE and HANGUL.match(key) else TOP)


def key_share(key: str, length: int, best: Iterable[int], rows: list[bytes]) -> int:
    """A key's bytes in the shard files as the shard count reckons them: key, postings, and its best documents' rows."""
    return len(key.encode()) + length + 6 + sum(len(rows[d]) + 8 for d in best)


def shard_count(size: int) -> int:
    """The power of two that brings the bytes of a shard down to SHARD_TARGET."""
    count = 1
    while size / count > SHARD_TARGET:
        count *= 2
    return count


def by_commonness(index: Packed, keys: Iterable[str], best: dict[str, list[int]]) -> list[str]:
    """The keys with best documents, commonest first (the order `_carried` gives their rows room)."""
    return sorted((key for key in keys if key in best), key=lambda key: (-index.length(key), key))


def _prefix_hits(index: Packed, count: int) -> dict[str, dict[int, int]]:
    """{document → class} of each Latin key's query, which matches every key of its shard that begins with it (`31` → 31600)."""
    latin = latin_keys(index)
    return {key: prefix_hit(index, latin, i, count) for i, key in enumerate(latin)}


def latin_keys(index: Packed) -> list[str]:
    """The keys with postings that are not Hangul (Latin words and numbers), sorted: a key's longer forms follow it."""
    return sorted(key for key in index if index.length(key) and not HANGUL.match(key))


def prefix_hit(index: Packed, latin: list[str], i: int, count: int) -> dict[int, int]:
    """{document → class} of the query of Latin key `latin[i]`: its row, and each longer key's of its shard that begins with it."""
    key = latin[i]
    shard, row = shard_of(key, count), dict(index[key])
    for j in range(i + 1, len(latin)):  # by index: a slice would copy the rest of the list for every key
        longer = latin[j]
        if not longer.startswith(key):
            break  # sorted: the keys it begins follow it
        if shard_of(longer, count) == shard:
            for d, c in index[longer].items():
                if row.get(d, -1) < c:
                    row[d] = c
    return row


def _carried(keys: list[str], best: dict[str, list[int]], rows: list[bytes]) -> set[int]:
    """The documents whose rows a shard carries: its keys' best, commonest key first, those that fit in ROWS_MAX bytes."""
    found: set[int] = set()
    size = 0
    for key in keys:
        new = [d for d in best[key] if d not in found]
        more = sum(len(rows[d]) + 8 for d in new)
        if size + more <= ROWS_MAX:
            found.update(new)
            size += more
    return found


def _marked(row: dict[int, int]) -> tuple[set[int], set[int]]:
    """Documents of a key in a title or the meta fields (class 2 and up), and those where it starts a word (odd class)."""
    return {d for d, c in row.items() if c >= 2}, {d for d, c in row.items() if c & 1}


def _having(docs: set[int], rows: list[dict[int, int]]) -> set[int]:
    """The documents also in every row: `keys() & set` loops over the smaller side, in C."""
    for row in rows:
        docs = row.keys() & docs
    return docs


def phrase_best(index: Mapping[str, dict[int, int]], phrase: str, k: int = PAGE, cache: dict[str, tuple[set[int], set[int]]] | None = None) -> list[int]:
    """The `k` documents the one-word query `phrase` ranks first (as `Searcher.ranked`): every key present, highest score, then lowest number.

    Only documents with a key in a title or the meta fields are scored one by one; the others score one a key, plus
    one if the first key starts a word there, so they rank by number (`cache` keeps `_marked` of each key).
    """
    cache = {} if cache is None else cache
    keyed = [(index.get(key, {}), _SCORES[start], key) for key, start in word_keys(phrase)]
    for row, _, key in keyed:
        if key not in cache:
            cache[key] = _marked(row)
    rows = sorted((row for row, _, _ in keyed), key=len)
    rich = _having(set().union(*[rows[0].keys() & cache[key][0] for _, _, key in keyed]), rows[1:])
    best = [d for _, d in heapq.nsmallest(k, [(-sum([scores[row[d]] for row, scores, _ in keyed]), d) for d in rich])]
    if len(best) < k:
        plain = _having(set(rows[0]), rows[1:]) - rich
        starts = sorted(plain & cache[keyed[0][2]][1])[: k - len(best)]
        best += starts + sorted(plain.difference(starts))[: k - len(best) - len(starts)]
    return best


def phrase_page(index: Mapping[str, dict[int, int]], phrase: str, cache: dict[str, tuple[set[int], set[int]]]) -> list[int]:
    """About the first page of the one-word query `phrase`: its `phrase_best`, then its stem's best others.

    The stem: when a particle or ending comes off (`예산을` → `예산`, searcher.Searcher.word_scores). The stem's part
    ignores the word's further keys that some of its documents have, so it can differ a little from the browser's
    order; a document it misses costs that query a detail chunk, nothing worse.
    """
    best = phrase_best(index, phrase, PAGE, cache)
    if len(best) == PAGE:
        return best
    for stem in stems(phrase):
        keys = [key for key, _ in word_keys(stem)]
        if all(index.get(key) for key in keys):
            more = phrase_best(index, stem, 2 * PAGE, cache) if len(stem) > 2 else best_docs(index[stem], 2 * PAGE)
            return best + [d for d in more if d not in best][: PAGE - len(best)]
    return best


def phrases(index: Mapping[str, dict[int, int]]) -> list[str]:
    """The text's Hangul words of three or more syllables (`예산을`) and every three syllables inside them (`추진비` of 업무추진비), shortest first."""
    return phrase_list(w for w, row in index.items() if not row)


def phrase_list(words: Iterable[str]) -> list[str]:
    """`phrases` of these long words."""
    words = list(words)
    return sorted({*words, *(w[i : i + 3] for w in words for i in range(len(w) - 2))}, key=lambda p: (len(p), p))


def _phrase_rows(index: Packed, carried: list[set[int]], rows: list[bytes], out: Sharding) -> None:
    """Add to `carried` the rows a phrase's first page lacks, in the shard of its rarest key, up to PHRASE_MAX bytes a shard.

    The phrases go in `out.order`; the pages worked out go to `out.pages`, what each phrase added to `out.effects`.
    """
    count = len(carried)
    extra = [0] * count
    cache: dict[str, tuple[set[int], set[int]]] = {}
    for phrase in out.order:
        keys = phrase_keys(phrase)
        have = set().union(*(carried[s] for s in {shard_of(key, count) for key in keys}))
        wanted = wanted_rows(index, phrase, keys, have, rows, out.pages, cache, count)
        if wanted and extra[wanted[0]] + wanted[2] <= PHRASE_MAX:
            carried[wanted[0]].update(wanted[1])
            extra[wanted[0]] += wanted[2]
            out.effects[phrase] = wanted


def phrase_keys(phrase: str) -> list[str]:
    """The keys of a phrase (`word_keys`)."""
    return [key for key, _ in word_keys(phrase)]


def wanted_rows(index: Packed, phrase: str, keys: list[str], have: set[int], rows: list[bytes], pages: dict[str, list[int]],
                cache: dict[str, tuple[set[int], set[int]]], count: int) -> Effect | None:
    """The rows of its first page a phrase lacks, for the shard of its rarest key; None when it lacks none.

    `have`: the documents its keys' shards carry so far; `pages`: the phrase pages known (a phrase page depends only on
    the postings of the phrase's keys: searchstate.py keeps those whose keys did not change), the one worked out added.
    """
    rarest = min(keys, key=lambda key: (index.length(key), key))
    if index.length(rarest) <= len(have) and have.issuperset(index.get(rarest, ())):
        return None  # every document the phrase can match rides along already (a rare key carries all its rows)
    page = pages.get(phrase)
    if page is None:
        page = pages[phrase] = phrase_page(index, phrase, cache)
    missing = [d for d in page if d not in have]
    return (shard_of(rarest, count), missing, sum(len(rows[d]) + 8 for d in missing)) if missing else None


def shard_json(keys: dict[str, str], docs: Iterable[int], rows: list[bytes]) -> bytes:
    """`{"k": {key: postings}, "r": {document: row}}` as `json_bytes` writes it, the rows spliced in already encoded."""
    found = b",".join(b'"%d":%s' % (d, rows[d]) for d in sorted(docs, key=str))
    return b'{"k":' + json_bytes(keys) + b',"r":{' + found + b"}}"


def shard_files(base: str, s: int, shard: bytes) -> dict[str, bytes]:
    """Shard `s`'s files: its JSON, and when that is over ZIPPED bytes the same gzip-compressed (else no bytes: none)."""
    return {f"{base}/s/{s}.json": shard, f"{base}/s/{s}.gz": gzipped(shard) if len(shard) > ZIPPED else b""}


def gzipped(content: bytes) -> bytes:
    """Bytes gzip-compressed, the same on every build (no time in the header)."""
    return gzip.compress(content, 6, mtime=0)


def shard_postings(shard: bytes) -> dict[str, str]:
    """The encoded postings of one shard file, by key (for `shards.merge_indexes`)."""
    return dict(json.loads(shard)["k"])


def term_files(terms: dict[str, int], base: str = INDEX_DIR) -> dict[str, bytes]:
    """`c/<n>.json`: the words whose first two initial consonants are pair `n` (hangul.pair_number), best score first.

    All 19 × 19 files are written, empty ones too, so the browser never asks for a file that is not there. Each
    word carries its summed score, so assemble can add up the shards' files (shards.merge_indexes).
    """
    pairs: list[list[tuple[str, int]]] = [[] for _ in range(19 * 19)]
    for word, score in terms.items():
        if (n := pair_number(word)) >= 0:
            pairs[n].append((word, score))
    return {f"{base}/c/{n}.json": term_file(words) for n, words in enumerate(pairs)}


def term_file(words: list[tuple[str, int]]) -> bytes:
    """One `c/` file: these words with their scores, best first."""
    return json_bytes([[w, sc] for w, sc in sorted(words, key=lambda ws: (-ws[1], ws[0]))])


def plan_room(count: int) -> int:
    """How many document numbers a plan of `count` documents takes: a multiple of a step of at least ROOM, about an eighth to a half of the count.

    It depends on the count alone, so a whole build numbers as a patched one; a count crosses a step boundary
    (and renumbers every later plan) once in about `step` additions or deletions. A multiple of CHUNK: no detail
    chunk holds two plans' documents.
    """
    step = max(ROOM, 1 << max(count.bit_length() - 1, 0))
    return -(-count // step) * step


@dataclass
class Joined:
    """Every plan's part joined, each plan's documents numbered from the end of the previous plan's room (`plan_room`), in plan order.

    The numbers no document has are rows and texts of no bytes: no file holds them.
    """

    index: Packed = field(default_factory=Packed)
    rows: list[bytes] = field(default_factory=list)  # each document's result row as JSON
    texts: list[bytes] = field(default_factory=list)  # each document's snippet text as JSON
    facets: list[bytes] = field(default_factory=list)  # each plan's facets
    words: dict[str, int] = field(default_factory=dict)  # the long words (`postings`) → how many plans have them
    terms: dict[str, int] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)  # each plan's first document
    counts: list[int] = field(default_factory=list)  # each plan's number of documents

    def add(self, part: PlanPart) -> None:
        """Join one more plan's part (the parts come in plan order); its rows and texts are kept as JSON bytes."""
        part_rows, part_texts, facet, part_index, part_long, part_terms = part
        offset = self.end()
        self.pad(offset)
        self.starts.append(offset)
        self.counts.append(len(part_rows))
        self.index.add_all(part_index, offset)
        for word, score in part_terms.items():
            self.terms[word] = self.terms.get(word, 0) + score
        self.rows += [json_bytes(row) for row in part_rows]
        self.texts += [json_bytes(text) for text in part_texts]
        self.facets.append(facet)
        for word in part_long:
            self.words[word] = self.words.get(word, 0) + 1

    def end(self) -> int:
        """The first number after the last plan's room."""
        return self.starts[-1] + plan_room(self.counts[-1]) if self.starts else 0

    def pad(self, end: int) -> None:
        """Rows and texts of no bytes for the numbers up to `end` that no document has."""
        self.rows += [b""] * (end - len(self.rows))
        self.texts += [b""] * (end - len(self.texts))

    def finish(self) -> Joined:
        """The long words as keys without postings, as `postings` has them (after every other key); the rows up to the last plan's room's end."""
        for word in self.words:
            self.index.empty(word)
        self.rows += [b""] * (self.end() - len(self.rows))
        return self


def layout(index: dict[str, dict[int, int]], rows: list[list[Any]], plans: list[dict[str, Any]], facets: list[bytes],
           chunk: int = CHUNK, base: str = INDEX_DIR, texts: list[str] | None = None, terms: dict[str, int] | None = None) -> dict[str, bytes]:
    """Every file of an index from its parts (shards.merge_indexes uses it too, so a merged index is byte-identical).

    `texts`: each document's snippet text, one `t/<document>.json` each (fetched for the ten results on screen only);
    `terms`: word scores for the `c/` files (`term_files`).
    """
    joined = Joined(Packed.of(index), [json_bytes(row) for row in rows], [json_bytes(text) for text in texts or []], facets,
                    dict.fromkeys((key for key, row in index.items() if not row), 1), terms or {}, [plan["start"] for plan in plans])
    return _layout(joined, plans, chunk, base, Sharding())


def layout_encoded(index: Mapping[str, dict[int, int]], encoded: list[bytes], plans: list[dict[str, Any]], facets: list[bytes],
                   chunk: int, base: str, texts: list[bytes], terms: dict[str, int] | None) -> dict[str, bytes]:
    """`layout` of rows and texts already written as JSON (assemble reads them so from the shards' files); `index` may be packed already."""
    packed = index if isinstance(index, Packed) else Packed.of(index)
    words = dict.fromkeys((key for key in packed if not packed.length(key)), 1)  # the long words, as `layout` finds them
    joined = Joined(packed, encoded, texts, facets, words, terms or {}, [plan["start"] for plan in plans])
    return _layout(joined, plans, chunk, base, Sharding())


def _layout(joined: Joined, plans: list[dict[str, Any]], chunk: int, base: str, out: Sharding) -> dict[str, bytes]:
    """`layout` of joined parts (`out` receives what the shards' layout decided)."""
    shards = _shards(joined.index, joined.rows, joined.words, out)
    files = {path: content for i, shard in enumerate(shards) for path, content in shard_files(base, i, shard).items() if content}
    for start in range(0, len(joined.rows), chunk):
        if content := chunk_file(joined.rows, start, chunk):
            files[f"{base}/d/{start // chunk}.json"] = content
    for p, facet in enumerate(joined.facets):
        files[f"{base}/p/{p}.json"] = facet
    for d, text in enumerate(joined.texts):
        if text:
            files[f"{base}/t/{d}.json"] = text
    files.update(term_files(joined.terms, base))
    files.update(plan_files(files, len(shards), chunk, plans[-1]["end"] if plans else len(joined.rows), plans, base))
    return files


def chunk_file(rows: list[bytes], start: int, chunk: int) -> bytes:
    """The detail chunk of the documents from `start` (a multiple of `chunk`); no bytes when no document has a number in it.

    It ends with the last document's row; a number no document has before it (no plan's range starts inside a
    chunk: `plan_room`) would be `null`.
    """
    found = rows[start : start + chunk]
    while found and not found[-1]:
        found.pop()
    return b"[" + b",".join(row or b"null" for row in found) + b"]" if found else b""


def plan_files(files: Mapping[str, bytes], shards: int, chunk: int, docs: int, plans: list[dict[str, Any]], base: str = INDEX_DIR) -> dict[str, bytes]:
    """meta.json and the plan files (`plan_groups`): made anew each build from `files`, every other file of the index, and the plans.

    They are small (~0.2 KB a plan) and a plan's title, organisation or numbers change them: never patched, never kept.
    """
    made = plan_groups(plans, base)
    packed = [s for s in range(shards) if f"{base}/s/{s}.gz" in files]
    made[f"{base}/meta.json"] = meta_file({**files, **made}, shards, chunk, docs, plans, packed)
    return made


def is_plan_file(path: str, base: str = INDEX_DIR) -> bool:
    """Whether a path is one of `plan_files`' (meta.json or under `plans/`)."""
    return path == f"{base}/meta.json" or path.startswith(f"{base}/plans/")


def plan_groups(plans: list[dict[str, Any]], base: str = INDEX_DIR) -> dict[str, bytes]:
    """`plans/<k>.json`: plans k × PLAN_GROUP … as `plan_entry` makes them; `plans/all.json`: every plan's key, organisation, year, organisation name.

    A result shows its plan (organisation, year): the browser fetches the groups of the plans on screen, a few KB,
    and the whole list only for the plan filters (which plans an organisation or a year has; in a portal of very many
    plans the organisation and plan lists themselves: search.md.j2's `lazy`). In meta.json the list
    was ~165 bytes a plan, fetched before any query: 328 KB at 2,000 plans.
    """
    files = {f"{base}/plans/{k // PLAN_GROUP}.json": json_bytes(plans[k : k + PLAN_GROUP]) for k in range(0, len(plans), PLAN_GROUP)}
    files[f"{base}/plans/all.json"] = json_bytes([[p["key"], p["org"], p["year"], p["orgName"]] for p in plans])
    return files


def meta_file(files: Mapping[str, bytes], shards: int, chunk: int, docs: int, plans: list[dict[str, Any]], packed: list[int]) -> bytes:
    """`meta.json`, whose version is a hash of every other file of the index (`files`, meta.json not among them).

    `docs`: one past the last plan's last document (the browser sizes its arrays by it; numbers in between may be unused);
    `starts`: each plan's first document (`encode`d), which tells the plan of a document; `group`: plans a `plans/` file holds;
    `zipped`: the shards that have a gzip-compressed file too (`packed`, `encode`d; `shard_files`).
    """
    digest = hashlib.sha256()
    for path in sorted(files):  # file by file: joined first, the index would sit in memory twice
        digest.update(files[path])
    version = digest.hexdigest()[:12]
    return json_bytes({"version": version, "shards": shards, "chunk": chunk, "docs": docs, "group": PLAN_GROUP,
                       "starts": encode([p["start"] for p in plans]), "zipped": encode(packed)})


def read_plans(meta: Mapping[str, Any], read: Callable[[str], bytes]) -> list[dict[str, Any]]:
    """Every plan as `plan_entry` made it, from meta.json and the `plans/` files (`read`: a file's bytes by its path in the index)."""
    count = len(decode(meta["starts"]))
    return [plan for k in range(0, count, meta["group"]) for plan in json.loads(read(f"plans/{k // meta['group']}.json"))]


def index_plans(files: Mapping[str, bytes], base: str = INDEX_DIR) -> list[dict[str, Any]]:
    """`read_plans` of an index in memory (tests and benchmarks)."""
    return read_plans(json.loads(files[f"{base}/meta.json"]), lambda rel: files[f"{base}/{rel}"])


def plan_entry(bundle: PlanBundle, start: int, end: int) -> dict[str, Any]:
    """A plan in its `plans/` file: what a result shows of its plan (organisation, year), and its documents' numbers."""
    return {"key": bundle.key, "org": bundle.org.id, "orgName": bundle.org.name, "year": bundle.plan.year,
            "title": bundle.plan.title, "start": start, "end": end, "url": f"{bundle.key}/"}


def index_files(portal: Portal, base: str = INDEX_DIR, memo: PlanMemo | None = None) -> dict[str, bytes]:
    """Every file of the search index, keyed by its path in the docs tree (`memo`: unchanged plans' parts from the last build).

    A build lays out only what an edit touched (searchstate.kept_index_files); this lays out the whole index.
    """
    files, _, _ = full_index(sorted(portal.plans, key=lambda b: b.key), base, memo)
    return files


def full_index(bundles: list[PlanBundle], base: str, memo: PlanMemo | None) -> tuple[dict[str, bytes], Joined, Sharding]:
    """The whole index laid out from every plan's part (`memo`: unchanged plans' parts from the last build), with what it was made from."""
    plans: list[dict[str, Any]] = []
    joined = Joined()
    for p, bundle in enumerate(bundles):  # each part is joined as it comes and dropped: the parts never all sit in memory
        part = plan_part(bundle, p, memo)
        plans.append(plan_entry(bundle, joined.end(), joined.end() + len(part[0])))
        joined.add(part)
    sharding = Sharding()
    return _layout(joined.finish(), plans, CHUNK, base, sharding), joined, sharding


PlanPart = tuple[list[list[Any]], list[str], bytes, dict[str, dict[int, int]], list[str], dict[str, int]]


def plan_part(bundle: PlanBundle, p: int, memo: PlanMemo | None) -> PlanPart:
    """A plan's share of the index, recalled from the last build when its key is unchanged (else made and kept)."""
    part: PlanPart | None = memo.recall("search", bundle.key, str(p)) if memo else None  # a plan's number is in its documents' facets
    if part is None:
        part = _plan_part(bundle, p)
        if memo:
            memo.store("search", bundle.key, part, str(p))
    return part


def _plan_part(bundle: PlanBundle, p: int) -> PlanPart:
    """A plan's share of the index: result rows, snippet texts, facets, postings (numbered from 0), long words, term scores."""
    docs = plan_docs(bundle, p)
    terms: dict[str, int] = {}
    index, long_words = _doc_postings(docs, terms)
    return [d.row() for d in docs], [d.snippet_text() for d in docs], json_bytes(_plan_facets(bundle, docs)), index, long_words, terms
