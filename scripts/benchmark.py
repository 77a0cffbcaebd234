#!/usr/bin/env python3
"""Search benchmark: a synthetic 10,000-project portal (temp dir), its search index, and what a query costs.

Prints numbers only (nothing is asserted): index size, bytes a first query transfers, query latency in
Python and, when /usr/bin/chromium and Playwright are present, in headless chromium running the real
content/assets/search.js against a local http.server. Text comes from the real data in data/ (lines of
the plans, reshuffled), so the vocabulary is Korean public-plan text.

    .venv/bin/python scripts/benchmark.py [--projects 10000] [--plans 50] [--no-browser]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import random
import shutil
import socketserver
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_builder.pipeline import check  # noqa: E402
from site_builder.search import INDEX_DIR, Searcher, index_files, strings  # noqa: E402

QUERIES = ["봉사", "자원봉사센터", "돌봄", "틈새돌봄", "예산을", "31,600", "천원", "ESG", "AI", "ESG 경영", "노사관계", "청렴",
           "소속시설", "인권", "대체인력", "주소갖기", "기록물", "리더십", "만족도 조사", "사회서비스", "교육", "2024", "운영", "사업"]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def _pool(data: Path) -> tuple[list[str], list[str]]:
    """Lines of real text and words of real titles, the material of the synthetic projects."""
    lines: list[str] = []
    words: list[str] = []
    for path in sorted(data.glob("*/*/projects/*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        words += str(doc.get("title", "")).split()
        for text in strings({k: v for k, v in doc.items() if k != "title"}):
            lines += [ln.strip() for ln in text.splitlines() if len(ln.strip()) > 8]
    return lines, words


def _project(rng: random.Random, n: int, plan: dict[str, Any], lines: list[str], words: list[str], nodes: list[str]) -> dict[str, Any]:
    """One synthetic project in the data format."""
    amount = rng.choice([0, rng.randrange(1_000, 900_000)])
    body = "\n".join("- " + rng.choice(lines) for _ in range(rng.randrange(6, 18)))
    return {
        "id": f"p{n:05d}", "title": " ".join(rng.sample(words, rng.randrange(3, 7))), "number": str(n),
        "unit": rng.choice(plan["units"])["id"], "strategy": rng.choice(nodes),
        "goals": {"body": "\n".join("- " + rng.choice(lines) for _ in range(3))},
        "overview": {"items": [
            {"label": "사업기간", "kind": "period", "text": f"{plan['year']}. {rng.randrange(1, 7)} ~ 12월"},
            {"label": "소요예산", "kind": "budget", "text": f"{amount:,}천원" if amount else "비예산"},
        ]},
        "actions": {"heading": "실행방안", "body": body},
    }


def _walk(nodes: list[dict[str, Any]]) -> list[str]:
    """Ids of a strategy tree."""
    return [i for n in nodes for i in [n["id"]] + _walk(n.get("children", []))]


def generate(target: Path, projects: int, plans: int, seed: int = 7) -> None:
    """Write a synthetic portal: `plans` copies of the JB plan skeleton sharing `projects` projects."""
    rng = random.Random(seed)
    lines, words = _pool(ROOT / "data")
    skeleton = yaml.safe_load((ROOT / "data/jb-sswa/2024/plan.yaml").read_text(encoding="utf-8"))
    keep = {"year", "title", "money_unit", "levels", "strategy", "units"}
    shutil.copy(ROOT / "data/site.yaml", target / "site.yaml")
    per_plan = projects // plans
    for p in range(plans):
        org, year = f"org{p // 2:03d}", 2023 + p % 2
        folder = target / org / str(year) / "projects"
        folder.mkdir(parents=True, exist_ok=True)
        (target / org / "org.yaml").write_text(yaml.safe_dump({"id": org, "name": f"합성기관 {p // 2:03d}"}, allow_unicode=True), encoding="utf-8")
        plan = {k: v for k, v in skeleton.items() if k in keep} | {"year": year, "title": f"합성 연간계획 {p:03d}"}
        (target / org / str(year) / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
        nodes = _walk(plan["strategy"])
        for i in range(per_plan):
            doc = _project(rng, p * per_plan + i, plan, lines, words, nodes)
            (folder / f"{doc['id']}.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _kb(n: float) -> str:
    return f"{n / 1024:,.1f} KB"


def python_numbers(files: dict[str, bytes]) -> None:
    """Transfer and latency of each query with the Python twin of search.js (cold cache per query)."""
    print(f"\n{'query':<14}{'hits':>7}{'first-query transfer':>24}{'python ms':>12}")
    transfers, times = [], []
    for q in QUERIES:
        s = Searcher(files)
        t0 = time.perf_counter()
        hits = s.search(q, 10)
        ms = 1000 * (time.perf_counter() - t0)
        total = len(Searcher(files).search(q, 10**9))
        transfers.append(s.transferred())
        times.append(ms)
        print(f"{q:<14}{total:>7}{_kb(s.transferred()):>24}{ms:>12.1f}" + ("" if hits else "  (no hits)"))
    print(f"first-query transfer: median {_kb(statistics.median(transfers))}, max {_kb(max(transfers))} (target ≤ 300 KB)")
    print(f"python query time: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")


def _search_page(root: Path) -> None:
    """A bare page with the markup of search.md.j2 and the real search.js, beside the index."""
    (root / "search").mkdir(exist_ok=True)
    shutil.copy(ROOT / "content/assets/search.js", root / "search.js")
    selects = "".join(f'<select id="search-{k}" name="{k}"><option value="">전체</option></select>' for k in ("org", "year", "plan", "unit", "node"))
    (root / "search/index.html").write_text(
        '<!doctype html><html lang="ko"><meta charset="utf-8"><div id="search-app" data-root="../" data-index="data/">'
        f'<form id="search-form"><input id="search-q" name="q">{selects}</form><p id="search-status"></p><ol id="search-results"></ol>'
        '<button id="search-more" hidden>더</button></div><script src="../search.js"></script>', encoding="utf-8")


def browser_numbers(site: Path) -> None:
    """Cold first query and warm queries in headless chromium (fetches from a local http.server)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("\n(browser: Playwright missing, skipped)")
        return
    _search_page(site)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/search/"
    cold, repeat, fresh, transfer = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for i, q in enumerate(QUERIES):
            page = browser.new_page()
            page.goto(url + "?q=" + q)
            page.wait_for_function("() => document.getElementById('search-app').hasAttribute('data-ready')", timeout=30000)
            cold.append(page.evaluate("window.siteSearch.timings[0]"))
            transfer.append(page.evaluate("window.siteSearch.bytes"))
            for again, bucket in ((q, repeat), (QUERIES[(i + 1) % len(QUERIES)], fresh)):
                n = page.evaluate("window.siteSearch.timings.length")
                page.fill("#search-q", again)
                page.evaluate("document.getElementById('search-form').requestSubmit()")
                page.wait_for_function(f"() => window.siteSearch.timings.length > {n}", timeout=30000)
                bucket.append(page.evaluate("window.siteSearch.timings.at(-1)"))
            page.close()
        browser.close()
    server.shutdown()
    print("\nheadless chromium (search.js, local http.server, times from submit to results on screen):")
    print(f"  first query transfer (meta.json + shards + detail chunks): median {_kb(statistics.median(transfer))}, max {_kb(max(transfer))}")
    print(f"  first query, cold (fetching included): median {statistics.median(cold):.1f} ms, max {max(cold):.1f} ms")
    print(f"  next, different query (fetches its own shards): median {statistics.median(fresh):.1f} ms, max {max(fresh):.1f} ms")
    print(f"  same query again (files cached: ranking + rendering only): median {statistics.median(repeat):.1f} ms, max {max(repeat):.1f} ms")


def full_build(data: Path, tmp: Path) -> None:
    """Time the whole pipeline (validate, render, downloads, index, MkDocs) on the synthetic data."""
    from site_builder.pipeline import Paths, build

    t0 = time.perf_counter()
    checked, _ = build(Paths(ROOT, data=data, build=tmp / "build"), tmp / "full-site")
    seconds = time.perf_counter() - t0
    pages = sum(1 for _ in (tmp / "full-site").rglob("index.html")) if checked.portal else 0
    print(f"\nfull site build: {seconds:.0f} s for {pages:,} pages" + ("" if checked.portal and not checked.problems else " (FAILED)"))


def main() -> int:
    """Generate, index, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--plans", type=int, default=50)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--full-site", action="store_true", help="also time the whole site build (Markdown + MkDocs); slow at 10,000 projects")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        data, site = Path(tmp) / "data", Path(tmp) / "site"
        data.mkdir()
        t0 = time.perf_counter()
        generate(data, args.projects, args.plans)
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
        shards = [len(v) for k, v in files.items() if "/s/" in k]
        chunks = [len(v) for k, v in files.items() if "/d/" in k]
        text = sum(len(t.encode()) for b in checked.portal.plans for p in b.projects for t in strings(p.model_dump(mode="json")))
        print(f"synthetic portal: {args.projects:,} projects in {args.plans} plans, {meta['docs']:,} searchable documents")
        print(f"generate data {t1 - t0:.1f} s · load+validate {t2 - t1:.1f} s · build search index {t3 - t2:.1f} s")
        print(f"index: {len(files):,} files, {_kb(sum(len(v) for v in files.values()))} in all; meta.json {_kb(len(files[INDEX_DIR + '/meta.json']))}")
        print(f"  shards: {len(shards)}, median {_kb(statistics.median(shards))}, max {_kb(max(shards))}; "
              f"detail chunks: {len(chunks)} × {meta['chunk']} docs, median {_kb(statistics.median(chunks))}")
        print(f"  for comparison, the projects' searchable text alone is {_kb(text)} (one JSON index, as Material's, would exceed this)")
        python_numbers(files)
        if args.full_site:
            full_build(data, Path(tmp))
        if not args.no_browser and CHROMIUM.exists():
            browser_numbers(site)
        elif not args.no_browser:
            print(f"\n(browser: {CHROMIUM} missing, skipped)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
