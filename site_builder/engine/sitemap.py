"""MkDocs' sitemap of a site built in pieces (parts of one build, shards of a portal): joined in MkDocs' page order."""

from __future__ import annotations

import gzip
import heapq
import re
from pathlib import Path

_URL = re.compile(r"\s*<url>.*?</url>", re.S)  # an entry with the line break and indent before it, as MkDocs wrote it
_LOC = re.compile(r"<loc>(.*?)</loc>", re.S)


def write_sitemap(path: Path, text: str, epoch: int) -> None:
    """Write sitemap.xml and its gzip copy as MkDocs does (fixed mtime, so the same data gives the same bytes)."""
    path.write_text(text, encoding="utf-8")
    with open(f"{path}.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, filename=f"{path}.gz", mode="wb", mtime=epoch) as gz:
        gz.write(text.encode("utf-8"))


def join_sitemaps(parts: list[Path], whole: Path, epoch: int) -> None:
    """Append the entries of later parts' sitemaps to the first's (parts are consecutive runs of MkDocs' page order) and gzip as MkDocs does."""
    if not whole.is_file():
        return
    head = whole.read_text(encoding="utf-8")
    end = head.rindex("</urlset>")
    entries = "".join(entry for part in parts if part.is_file() for entry in _URL.findall(part.read_text(encoding="utf-8")))
    write_sitemap(whole, head[:end].rstrip("\n") + entries + "\n" + head[end:], epoch)


def merge_sitemaps(sites: list[Path], target: Path, epoch: int) -> None:
    """One sitemap in `target` with every page of `target` and `sites`, in MkDocs' page order, gzipped as MkDocs does."""
    texts = [(part / "sitemap.xml").read_text(encoding="utf-8") if (part / "sitemap.xml").is_file() else "" for part in [target, *sites]]
    if not texts[0]:
        return
    runs = [[(_LOC.search(e).group(1), e) for e in _URL.findall(text)] for text in texts]  # type: ignore[union-attr]
    entries = {loc: entry for run in runs for loc, entry in run}
    xml = with_entries(texts[0], [entries[loc] for loc in page_order([[loc for loc, _ in run] for run in runs])])
    write_sitemap(target / "sitemap.xml", xml, epoch)


def with_entries(text: str, entries: list[str]) -> str:
    """The sitemap `text` with its entries replaced by `entries` (each with the line break and indent MkDocs writes before it)."""
    end = text.rindex("</urlset>")
    first = _URL.search(text)
    head = text[: first.start()] if first else text[:end].rstrip("\n")
    return head + "".join(entries) + "\n" + text[end:]


def entries_of(text: str) -> list[str]:
    """The `<url>` entries of a sitemap MkDocs wrote, in its order, each with the line break and indent before it."""
    return _URL.findall(text)


def page_order(runs: list[list[str]]) -> list[str]:
    """One order that keeps the order of every run (each part's sitemap is a part of MkDocs' one page order).

    Every shard's sitemap holds the portal-wide pages and, after each of its organisations, the next organisation's
    page (a stub: shards/shard.stubs), so the runs pin the order down completely; where they would not, earlier runs decide.
    """
    after: dict[str, set[str]] = {}
    rank: dict[str, int] = {}
    for run in runs:
        for i, loc in enumerate(run):
            rank.setdefault(loc, len(rank))
            after.setdefault(loc, set())
            if i:
                after[run[i - 1]].add(loc)
    return _topological(after, rank)


def _topological(after: dict[str, set[str]], rank: dict[str, int]) -> list[str]:
    """Kahn's order of the `after` graph, ties (and a cycle's leftovers) by `rank`."""
    waiting = {loc: 0 for loc in after}
    for nexts in after.values():
        for loc in nexts:
            waiting[loc] += 1
    ready = [(rank[loc], loc) for loc, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out = []
    while ready:
        _, loc = heapq.heappop(ready)
        out.append(loc)
        for nxt in after[loc]:
            waiting[nxt] -= 1
            if not waiting[nxt]:
                heapq.heappush(ready, (rank[nxt], nxt))
    return out + sorted(set(after) - set(out), key=rank.__getitem__)  # a cycle (parts disagree) cannot drop a page
