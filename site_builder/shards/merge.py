"""What assemble makes from the shards' files alone: one search index and the portal-wide downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..outputs.downloads import ROWS_JSON, plan_base, portal_downloads
from ..outputs.search import INDEX_DIR, decode, layout, shard_postings


def merge_indexes(indexes: list[dict[str, bytes]], base: str = INDEX_DIR) -> dict[str, bytes]:
    """One search index from the shards' indexes: documents renumbered in plan order, postings re-sharded."""
    metas = [json.loads(files[f"{base}/meta.json"]) for files in indexes]
    plans = sorted((plan["key"], s, p) for s, meta in enumerate(metas) for p, plan in enumerate(meta["plans"]))
    new_number: list[dict[int, int]] = [{} for _ in indexes]
    rows: list[Any] = []
    texts: list[str] = []
    out_plans, facets = [], []
    for _, s, p_old in plans:
        plan, chunk = dict(metas[s]["plans"][p_old]), metas[s]["chunk"]
        start = len(rows)
        for n in range(plan["start"], plan["end"]):
            new_number[s][n] = len(rows)
            rows.append(json.loads(indexes[s][f"{base}/d/{n // chunk}.json"])[n % chunk])
            texts.append(json.loads(indexes[s][f"{base}/t/{n}.json"]))
        out_plans.append(plan | {"start": start, "end": len(rows)})
        facets.append(indexes[s][f"{base}/p/{p_old}.json"])
    postings: dict[str, dict[int, int]] = {}
    for s, files in enumerate(indexes):
        for i in range(metas[s]["shards"]):
            for key, value in shard_postings(files[f"{base}/s/{i}.json"]).items():
                row = postings.setdefault(key, {})
                for v in decode(value):
                    row[new_number[s][v >> 3]] = v & 7
    return layout(postings, rows, out_plans, facets, metas[0]["chunk"] if metas else 8, base, texts, _merged_terms(indexes, base))


def _merged_terms(indexes: list[dict[str, bytes]], base: str) -> dict[str, int]:
    """Word scores of every shard's term files, added up (a score is a sum over documents)."""
    terms: dict[str, int] = {}
    for files in indexes:
        for path, content in files.items():
            if path.startswith(f"{base}/c/"):
                for word, score in json.loads(content):
                    terms[word] = terms.get(word, 0) + score
    return terms


def merged_files(shards: list[Path], manifests: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """What assemble makes from the shards' files alone: the one search index and the portal-wide downloads."""
    files: dict[str, str | bytes] = dict(merge_indexes([_read_index(s) for s in shards]))
    files.update(portal_downloads(_shard_rows(shards, manifests)))
    return files


def plan_shards(shards: list[Path], manifests: list[dict[str, Any]]) -> list[tuple[str, Path]]:
    """(`<org>/<year>`, the shard that built it), plans in the order an unsharded build reads them."""
    where = {key: shard for shard, m in zip(shards, manifests, strict=True) for key in m["plans"]}
    return [(key, where[key]) for key in sorted(where, key=lambda k: tuple(k.split("/")))]


def _shard_rows(shards: list[Path], manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every project row, plans in the order an unsharded build reads them, from the shards' per-plan row JSON."""
    rows: list[dict[str, Any]] = []
    for key, shard in plan_shards(shards, manifests):
        rows += json.loads((shard / f"{plan_base(key)}{ROWS_JSON}").read_bytes())
    return rows


def _read_index(site: Path, base: str = INDEX_DIR) -> dict[str, bytes]:
    """A built site's search index files, keyed like the docs tree."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / base).rglob("*.json")}
