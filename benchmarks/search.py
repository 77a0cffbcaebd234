#!/usr/bin/env python3
"""Search benchmark: a synthetic 10,000-project portal (temp dir), its search index, and what a query costs.

Prints numbers only (nothing is asserted): index size, bytes a first query transfers, query latency in
Python and, when /usr/bin/chromium and Playwright are present, in headless chromium running the real
content/assets/search.js against a local http.server (HTTP/1.1 keep-alive, and its default HTTP/1.0).
The portal comes from benchmarks/portal.py (the same generator as the build benchmark, benchmarks/run.py).
Besides the fixed queries, the Python part counts how many of a few hundred queries drawn from the portal's own
text (title words, body words, three syllables inside a word, two title words) need a second round of fetches.

The server sends each response without waiting (TCP_NODELAY), as nginx, Apache and Caddy do: Python's http.server
writes headers and body in two sends, and with Nagle's algorithm on, a keep-alive connection then stalls 40 ms
(the client's delayed ACK) on some responses. `--nagle` keeps Python's default to compare.

    .venv/bin/python benchmarks/search.py [--projects 10000] [--per-plan 50] [--no-browser] [--http both|1.1|1.0] [--rounds N] [--nagle]
    .venv/bin/python benchmarks/search.py --site WORK/site [...]   (a site already built, e.g. by benchmarks/scale.py)
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.portal import generate  # noqa: E402
from site_builder.outputs.search import INDEX_DIR, index_files, index_plans, plan_docs, strings, tokens  # noqa: E402
from site_builder.outputs.searcher import Searcher  # noqa: E402
from site_builder.pipeline.run import check  # noqa: E402

QUERIES = ["봉사", "자원봉사센터", "돌봄", "틈새돌봄", "예산을", "31,600", "천원", "ESG", "AI", "ESG 경영", "노사관계", "청렴",
           "소속시설", "인권", "대체인력", "주소갖기", "기록물", "리더십", "만족도 조사", "사회서비스", "교육", "2024", "운영", "사업"]
# How people type Korean (issue "Search that understands how people type"): particles, wrong keyboard mode, initial
# consonants, a typing error, a number as printed, a quoted phrase. The browser rereads the last four when the query
# as typed finds nothing (a second round of fetches); the Python twin searches them as typed.
KOREAN = ["돌봄을", "선거를", "사업에서는", "ehfqha", "ㄷㅂㅊㄱ", "돌봉", "1,158,165", '"아동 돌봄"']
if "--only-original" not in sys.argv:  # the 24 queries alone: to measure a search.js from before the Korean ones
    QUERIES += KOREAN
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def _kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def python_numbers(files: dict[str, bytes]) -> None:
    """Transfer, files and latency of each query with the Python twin of search.js (cold cache per query)."""
    print(f"\n{'query':<14}{'hits':>7}{'first-query transfer':>24}{'gzip':>10}{'shards':>8}{'chunks':>8}{'python ms':>12}")
    transfers, zipped, times, second = [], [], [], []
    for q in QUERIES:
        s = Searcher(files)
        t0 = time.perf_counter()
        hits = s.search(q, 10)
        ms = 1000 * (time.perf_counter() - t0)
        total = len(Searcher(files).ranked(q))
        transfers.append(s.transferred())
        zipped.append(_gzipped(files, s.fetched | {"meta.json"}))
        times.append(ms)
        shards, chunks = (sum(1 for f in s.fetched if f.startswith(d)) for d in ("s/", "d/"))
        if chunks:
            second.append(q)
        print(f"{q:<14}{total:>7}{_kb(s.transferred()):>24}{_kb(zipped[-1]):>10}{shards:>8}{chunks:>8}{ms:>12.1f}" + ("" if hits else "  (no hits)"))
    print(f"first-query transfer: median {_kb(statistics.median(transfers))}, max {_kb(max(transfers))} (target ≤ 300 KB; meta.json included); "
          f"gzip-compressed as a web server sends JSON: median {_kb(statistics.median(zipped))}, max {_kb(max(zipped))}")
    print(f"rounds of fetches after Enter: 1 (shards in parallel) for {len(QUERIES) - len(second)} of {len(QUERIES)} queries; "
          f"2 (then detail chunks) for {', '.join(second) or 'none'}")
    print(f"python query time: median {statistics.median(times):.1f} ms, p95 {_p95(times):.1f} ms, max {max(times):.1f} ms")


def _gzipped(files: dict[str, bytes], fetched: set[str]) -> int:
    """Bytes of these index files gzip-compressed (level 6, what nginx's gzip and most servers send for JSON; a `.gz` shard as it is)."""
    return sum(len(files[f"{INDEX_DIR}/{rel}"] if rel.endswith(".gz") else gzip.compress(files[f"{INDEX_DIR}/{rel}"], 6)) for rel in fetched)


def sample_queries(portal: Any, count: int = 200, seed: int = 4) -> dict[str, list[str]]:
    """Queries drawn from the portal's own text: words of titles and bodies, three syllables inside a body word, two title words."""
    rng = random.Random(seed)
    docs = [d for b in sorted(portal.plans, key=lambda b: b.key) for d in plan_docs(b, 0)]
    titles = [tokens(d.title) for d in docs]
    bodies = [w for d in rng.sample(docs, min(len(docs), 500)) for t in d.text.get(0, []) for w in tokens(t)]
    inner = [w for w in bodies if len(w) >= 4 and "\uac00" <= w[0] <= "\ud7a3"]
    pairs = [t for t in titles if len(t) > 1]
    return {"title word": [rng.choice(rng.choice(titles)) for _ in range(count)],
            "body word": [rng.choice(bodies) for _ in range(count)],
            "3 syllables in a word": [w[i : i + 3] for w in rng.sample(inner, min(count, len(inner))) for i in [rng.randrange(len(w) - 2)]],
            "two title words": [" ".join(t[i : i + 2]) for t in rng.sample(pairs, min(count, len(pairs))) for i in [rng.randrange(len(t) - 1)]]}


def _needs_chunks(files: dict[str, bytes], query: str) -> bool:
    """Whether the first 10 results of a query need a detail chunk (a second round of fetches)."""
    s = Searcher(files)
    s.search(query, 10)
    return any(f.startswith("d/") for f in s.fetched)


def second_rounds(files: dict[str, bytes], portal: Any) -> None:
    """How many sampled queries need detail chunks (a second round of fetches) for their first 10 results."""
    print("\nqueries drawn from the portal's text (Python twin, cold cache):")
    for kind, queries in sample_queries(portal).items():
        need = [q for q in queries if _needs_chunks(files, q)]
        print(f"  {kind:<24} {len(need):>4} of {len(queries)} need a second round" + (f" (e.g. {', '.join(need[:4])})" if need else ""))


def _search_page(root: Path) -> None:
    """A bare page with the markup of search.md.j2 and the real search.js, beside the index."""
    (root / "search").mkdir(exist_ok=True)
    shutil.copy(ROOT / "content/assets/search.js", root / "search.js")
    selects = "".join(f'<select id="search-{k}" name="{k}"><option value="">전체</option></select>' for k in ("org", "year", "plan", "unit", "node"))
    (root / "search/index.html").write_text(
        '<!doctype html><html lang="ko"><meta charset="utf-8"><div id="search-app" data-root="../" data-index="data/">'
        f'<form id="search-form"><input id="search-q" name="q">{selects}</form><p id="search-status"></p><ol id="search-results"></ol>'
        '<button id="search-more" hidden>더</button></div><script src="../search.js"></script>', encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def handle(self) -> None:
        """Serve; a browser context closed while a snippet was still loading is no error of the search."""
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


class _KeepAlive(_Quiet):
    protocol_version = "HTTP/1.1"  # persistent connections, as every production web server


class _QuietNoDelay(_Quiet):
    disable_nagle_algorithm = True  # TCP_NODELAY, as production web servers: no 40 ms delayed-ACK stall between header and body


class _KeepAliveNoDelay(_KeepAlive):
    disable_nagle_algorithm = True


def _serve(site: Path, keep_alive: bool, nagle: bool = False) -> http.server.ThreadingHTTPServer:
    """A threaded http.server on a free port: HTTP/1.1 keep-alive, or its default HTTP/1.0 (a new connection per file)."""
    handler = {(True, False): _KeepAliveNoDelay, (False, False): _QuietNoDelay, (True, True): _KeepAlive, (False, True): _Quiet}[(keep_alive, nagle)]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _query(page: Any, q: str) -> float:
    """Type a query into the search box, press Enter (submit); ms until its results are painted."""
    n = page.evaluate("window.siteSearch.timings.length")
    page.fill("#search-q", q)
    page.evaluate("document.getElementById('search-form').requestSubmit()")
    page.wait_for_function(f"() => window.siteSearch.timings.length > {n}", timeout=30000)
    return float(page.evaluate("window.siteSearch.timings.at(-1)"))


def _measure(browser: Any, url: str, rounds: int) -> dict[str, list[float]]:
    """Per query, each in a fresh browser context (empty HTTP cache): first query, a different one, the same again, a link with ?q=."""
    out: dict[str, list[float]] = {"first": [], "planned": [], "bytes": [], "fresh": [], "repeat": [], "link": []}
    for i, q in enumerate(QUERIES * rounds):
        context = browser.new_context()
        page = context.new_page()
        page.goto(url)
        page.wait_for_function("() => window.siteSearch.warm", timeout=30000)  # meta.json read, page idle (ranking compiled)
        out["first"].append(_query(page, q))
        page.wait_for_function("() => !window.siteSearch.pending", timeout=30000)  # the snippets too
        page.wait_for_function("() => window.siteSearch.planned.length > 0", timeout=30000)  # the results' plans shown
        out["planned"].append(page.evaluate("window.siteSearch.planned[0]"))
        out["bytes"].append(page.evaluate("window.siteSearch.bytes"))
        out["fresh"].append(_query(page, QUERIES[(i + 1) % len(QUERIES)]))
        out["repeat"].append(_query(page, q))
        context.close()
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "?q=" + q)
        page.wait_for_function("() => window.siteSearch.shownAt.length > 0", timeout=30000)
        out["link"].append(page.evaluate("window.siteSearch.shownAt[0]"))
        context.close()
    return out


def _per_query(times: list[float], rounds: int) -> str:
    """Each query's median over the rounds (one busy moment of the machine weighs less): the slowest, and those over 100 ms."""
    per: dict[str, list[float]] = {}
    for ms, q in zip(times, QUERIES * rounds, strict=True):
        per.setdefault(q, []).append(ms)
    med = {q: statistics.median(v) for q, v in per.items()}
    slow = sorted(med, key=lambda q: -med[q])
    over = [f"{q} {med[q]:.0f}" for q in slow if med[q] > 100]
    return f"per query, median of {rounds} rounds: slowest {slow[0]} {med[slow[0]]:.0f} ms; over 100 ms: {', '.join(over) or 'none'}"


def _p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def _stat(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} ms, p95 {_p95(values):.1f} ms, worst {max(values):.1f} ms"


def browser_numbers(site: Path, servers: list[bool], rounds: int = 1, nagle: bool = False) -> None:
    """Uncached and cached queries in headless chromium running the real search.js against a local http.server."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("\n(browser: Playwright missing, skipped)")
        return
    _search_page(site)
    print("\nheadless chromium, the real search.js. Latency = from the search form's submit (Enter) to the animation frame")
    print("that paints the first 10 results (title, kind, unit, budget; each one's plan follows with its plans/ file); every query starts in a fresh browser profile")
    print("(empty HTTP cache) on a search page that has loaded and gone idle (meta.json read, ranking code warmed up once, as while")
    print("a person types); the link measurement below has neither.")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for keep_alive in servers:
            server = _serve(site, keep_alive, nagle)
            load = os.getloadavg()[0]
            got = _measure(browser, f"http://127.0.0.1:{server.server_address[1]}/search/", rounds)
            server.shutdown()
            server.server_close()
            print("\n  server: python http.server, " + ("HTTP/1.1 keep-alive (like a production web server)" if keep_alive else
                                                      "its default HTTP/1.0: a new connection for every file")
                  + (", Nagle's algorithm on (Python's default)" if nagle else ", TCP_NODELAY")
                  + f"; {len(got['first'])} queries; load average {load:.1f} → {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            print("  first query transfer (meta.json + shards + detail chunks + the ten snippets' texts): "
                  f"median {_kb(statistics.median(got['bytes']))}, max {_kb(max(got['bytes']))}")
            print(f"  first query, uncached (target ≤ 100 ms): {_stat(got['first'])}")
            print(f"    its results' plans shown (plans/<k>.json, asked for beside the detail chunks): {_stat(got['planned'])}")
            base = [ms for ms, q in zip(got["first"], QUERIES * rounds, strict=True) if q not in KOREAN]
            if len(base) < len(got["first"]):
                print(f"    without {', '.join(KOREAN)}: {_stat(base)}")
            slow = sorted(zip(got["first"], QUERIES * rounds, strict=True), reverse=True)[:5]
            print("    slowest: " + ", ".join(f"{q} {ms:.0f}" for ms, q in slow))
            if rounds > 1:
                print("    " + _per_query(got["first"], rounds))
            print(f"  next, different query (fetches its own shards): {_stat(got['fresh'])}")
            print(f"  same query again (files cached: ranking + rendering only): {_stat(got['repeat'])}")
            print(f"  opening a link search/?q=… uncached, from navigation to results painted (page, search.js, meta.json, query): {_stat(got['link'])}")
        browser.close()


def built_site(args: argparse.Namespace) -> int:
    """The numbers of a site's own search index (its portal is not read again: no queries drawn from its text)."""
    files = {p.relative_to(args.site).as_posix(): p.read_bytes() for p in (args.site / INDEX_DIR).rglob("*") if p.is_file()}
    shards = [len(v) for k, v in files.items() if "/s/" in k and k.endswith(".json")]
    plans = index_plans(files)
    print(f"built site {args.site}: {len(plans):,} plans, {sum(p['end'] - p['start'] for p in plans):,} searchable documents")
    print(f"index: {len(files):,} files, {_kb(sum(len(v) for v in files.values()))} in all; meta.json {_kb(len(files[INDEX_DIR + '/meta.json']))}")
    print(f"  shards: {len(shards)}, median {_kb(statistics.median(shards))}, max {_kb(max(shards))}")
    python_numbers(files)
    if not args.no_browser and CHROMIUM.exists():
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:  # the bare search page beside the site's index (linked, not copied)
            (Path(tmp) / "search").mkdir()
            (Path(tmp) / INDEX_DIR).symlink_to((args.site / INDEX_DIR).resolve())
            browser_numbers(Path(tmp), {"both": [True, False], "1.1": [True], "1.0": [False]}[args.http], args.rounds, args.nagle)
    return 0


def full_build(data: Path, tmp: Path) -> None:
    """Time the whole pipeline (validate, render, downloads, index, MkDocs) on the synthetic data."""
    from site_builder.pipeline.run import Paths, build

    t0 = time.perf_counter()
    checked, _ = build(Paths(ROOT, data=data, build=tmp / "build"), tmp / "full-site")
    seconds = time.perf_counter() - t0
    pages = sum(1 for _ in (tmp / "full-site").rglob("index.html")) if checked.portal else 0
    print(f"\nfull site build: {seconds:.0f} s for {pages:,} pages" + ("" if checked.portal and not checked.problems else " (FAILED)"))


def main() -> int:
    """Generate, index, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--per-plan", type=int, default=50, help="projects per plan")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="times each query is measured in the browser")
    parser.add_argument("--http", choices=["both", "1.1", "1.0"], default="both", help="local server: HTTP/1.1 keep-alive, HTTP/1.0, or both")
    parser.add_argument("--nagle", action="store_true", help="keep Nagle's algorithm on in the local server (Python's default; 40 ms stalls)")
    parser.add_argument("--only-original", action="store_true", help="without the Korean queries (to run this against an older search.js)")
    parser.add_argument("--full-site", action="store_true", help="also time the whole site build (Markdown + MkDocs); slow at 10,000 projects")
    parser.add_argument("--site", type=Path, help="a site already built (e.g. by benchmarks/scale.py at 100,000 projects): measure its index, generate nothing")
    args = parser.parse_args()
    if args.site:
        return built_site(args)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        data, site = Path(tmp) / "data", Path(tmp) / "site"
        data.mkdir()
        t0 = time.perf_counter()
        shape = generate(data, args.projects, args.per_plan)
        t1 = time.perf_counter()
        checked = check(data)
        t2 = time.perf_counter()
        assert checked.portal is not None, checked.problems[:3]
        files = index_files(checked.portal)
        t3 = time.perf_counter()
        for rel, content in files.items():
            (site / rel).parent.mkdir(parents=True, exist_ok=True)
            (site / rel).write_bytes(content)
        meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
        shards = [len(v) for k, v in files.items() if "/s/" in k and k.endswith(".json")]
        chunks = [len(v) for k, v in files.items() if "/d/" in k]
        text = sum(len(t.encode()) for b in checked.portal.plans for p in b.projects for t in strings(p.model_dump(mode="json")))
        documents = sum(p["end"] - p["start"] for p in index_plans(files))
        print(f"synthetic portal: {args.projects:,} projects in {shape['plans']} plans of {shape['orgs']} organisations, {documents:,} searchable documents")
        print(f"generate data {t1 - t0:.1f} s · load+validate {t2 - t1:.1f} s · build search index {t3 - t2:.1f} s")
        print(f"index: {len(files):,} files, {_kb(sum(len(v) for v in files.values()))} in all; meta.json {_kb(len(files[INDEX_DIR + '/meta.json']))}")
        print(f"  shards: {len(shards)}, median {_kb(statistics.median(shards))}, max {_kb(max(shards))}; "
              f"detail chunks: {len(chunks)} × {meta['chunk']} docs, median {_kb(statistics.median(chunks))}")
        print(f"  for comparison, the projects' searchable text alone is {_kb(text)} (one JSON index, as Material's, would exceed this)")
        python_numbers(files)
        second_rounds(files, checked.portal)
        if args.full_site:
            full_build(data, Path(tmp))
        if not args.no_browser and CHROMIUM.exists():
            browser_numbers(site, {"both": [True, False], "1.1": [True], "1.0": [False]}[args.http], args.rounds, args.nagle)
        elif not args.no_browser:
            print(f"\n(browser: {CHROMIUM} missing, skipped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
