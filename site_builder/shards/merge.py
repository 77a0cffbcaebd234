"""What assemble makes from the shards' files alone: one search index and the portal-wide downloads."""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..outputs.downloads import ROWS_JSON, plan_base
from ..outputs.packed import Packed
from ..outputs.search import ALPHABET, INDEX_DIR, json_bytes, layout_encoded, plan_room, read_plans, shard_postings

# Postings the merged index keeps unpacked for the phrase pass (`Packed.cached`, ~70 bytes each: ~0.6 GB more than
# the default). At 100,000 projects the phrase pass asks for the commonest keys (~180,000 postings each) again and
# again; with the default's room for about five of them it unpacked 75,000 rows (layout 47 → 35 s with this).
MERGE_CACHED = 8_000_000


def merge_indexes(sites: list[Path], base: str = INDEX_DIR) -> dict[str, bytes]:
    """One search index from the shards' sites: documents renumbered in plan order (each plan in its room: `search.plan_room`), postings re-sharded.

    Read from disk shard by shard and kept as a whole build keeps its own (rows and texts as JSON bytes, postings
    packed): at 100,000 projects a dict of dicts of postings would take gigabytes.
    """
    metas = [json.loads((site / base / "meta.json").read_bytes()) for site in sites]
    listed = [read_plans(meta, _reader(site / base)) for site, meta in zip(sites, metas, strict=True)]
    plans = sorted((plan["key"], s, p) for s, mine in enumerate(listed) for p, plan in enumerate(mine))
    new_number = [array("i", [0]) * meta["docs"] for meta in metas]  # a shard's document number → the portal's
    rows: list[bytes] = []
    texts: list[bytes] = []
    out_plans: list[dict[str, Any]] = []
    facets: list[bytes] = []
    for _, s, p_old in plans:
        plan, chunk, folder = dict(listed[s][p_old]), metas[s]["chunk"], sites[s] / base
        start, loaded = len(rows) if not out_plans else out_plans[-1]["start"] + plan_room(out_plans[-1]["end"] - out_plans[-1]["start"]), (-1, list[Any]())
        rows += [b""] * (start - len(rows))  # the numbers of the previous plan's room no document has (search.Joined)
        texts += [b""] * (start - len(texts))
        for n in range(plan["start"], plan["end"]):
            new_number[s][n] = len(rows)
            if loaded[0] != n // chunk:
                loaded = (n // chunk, json.loads((folder / f"d/{n // chunk}.json").read_bytes()))
            rows.append(json_bytes(loaded[1][n % chunk]))
            texts.append((folder / f"t/{n}.json").read_bytes())  # a text file is `json_bytes` of the text already
        out_plans.append(plan | {"start": start, "end": len(rows)})
        facets.append((folder / f"p/{p_old}.json").read_bytes())
    index = Packed(cached=MERGE_CACHED)
    for s, meta in enumerate(metas):
        numbers = new_number[s]
        for i in range(meta["shards"]):
            for key, value in shard_postings((sites[s] / base / f"s/{i}.json").read_bytes()).items():
                index.extend(key, renumbered(value, numbers))
    index.in_order()
    return layout_encoded(index, rows, out_plans, facets, metas[0]["chunk"] if metas else 8, base, texts, _merged_terms(sites, base))


def renumbered(text: str, numbers: array[int]) -> array[int]:
    """A shard's encoded postings (`search.decode`), each document given its number in the portal (`numbers`).

    One pass, as decode's: at 100,000 projects the shards hold 47 million postings, and decoding them into a list
    and then renumbering through a generator took ~15 s of the index merge, on the assembly's critical path.
    """
    out, acc, shift, last, index = [], 0, 0, 0, ALPHABET.index
    for ch in text:
        d = index(ch)
        if d >= 32:
            acc |= (d - 32) << shift
            shift += 5
            continue
        last += acc | (d << shift)
        out.append(numbers[last >> 3] << 3 | last & 7)
        acc, shift = 0, 0
    return array("i", out)


def _reader(folder: Path) -> Callable[[str], bytes]:
    """A file's bytes under `folder` by its relative path."""
    return lambda rel: (folder / rel).read_bytes()


def _merged_terms(sites: list[Path], base: str) -> dict[str, int]:
    """Word scores of every shard's term files, added up (a score is a sum over documents)."""
    terms: dict[str, int] = {}
    for site in sites:
        for path in sorted((site / base / "c").glob("*.json")):
            for word, score in json.loads(path.read_bytes()):
                terms[word] = terms.get(word, 0) + score
    return terms


def write_index(shards: list[Path], folder: Path) -> None:
    """Merge the shards' search indexes and write the files under `folder` (in assemble's worker: the index never passes through the caller)."""
    made: set[str] = set()
    for rel, content in merge_indexes(shards).items():
        path = folder / rel
        if str(path.parent) not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(str(path.parent))
        path.write_bytes(content)


def plan_shards(shards: list[Path], manifests: list[dict[str, Any]]) -> list[tuple[str, Path]]:
    """(`<org>/<year>`, the shard that built it), plans in the order an unsharded build reads them."""
    where = {key: shard for shard, m in zip(shards, manifests, strict=True) for key in m["plans"]}
    return [(key, where[key]) for key in sorted(where, key=lambda k: tuple(k.split("/")))]


def shard_rows(shards: list[Path], manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every project row, plans in the order an unsharded build reads them, from the shards' per-plan row JSON."""
    rows: list[dict[str, Any]] = []
    for key, shard in plan_shards(shards, manifests):
        rows += json.loads((shard / f"{plan_base(key)}{ROWS_JSON}").read_bytes())
    return rows
