#!/usr/bin/env python3
"""One full build of an existing (synthetic) portal, for the large sizes: time, the process tree's RSS, pages.

    .venv/bin/python benchmarks/scale.py DATA WORK [--stages]

DATA is a data folder (benchmarks/portal.py's `generate`), WORK an empty or old work folder (its build/ and site/
are removed first, so the build is a full one; `--again` keeps them: an incremental build). As `site-builder build`,
a portal above shards/runner.SHARD_ABOVE projects is built as shards and assembled. Prints the load average before and after, the build's seconds, the
peak summed RSS and Pss of the build process and all its children (benchmarks/run.TreePeak, sampled every 0.2 s
and 1 s, written to WORK/tree-rss.txt as `seconds RSS-MB processes Pss-MB`, Pss 0 when not sampled), the number of HTML pages and their median and largest size.
`--stages`: also a line at each stage boundary (check, history, generate, write, MkDocs) with this process's and the
tree's RSS then.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import TreePeak, tree_pss_kb, tree_rss_kb  # noqa: E402  (after the path: run as a script)

_T0 = [time.perf_counter()]


def _stage(name: str) -> None:
    """A line on stderr: seconds since the build started, this process's RSS, the tree's RSS and Pss."""
    tree, each = tree_rss_kb(os.getpid())
    print(f"{time.perf_counter() - _T0[0]:7.1f} s  {name:<28} own {each.get(os.getpid(), 0) / 1024:7,.0f} MB  tree {tree / 1024:7,.0f} MB "
          f"Pss {tree_pss_kb(os.getpid()) / 1024:7,.0f} MB ({len(each)} processes)", file=sys.stderr, flush=True)


def _traced(module: Any, name: str) -> None:
    """Wrap module.name so that a stage line is printed before and after it."""
    original: Callable[..., Any] = getattr(module, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _stage(f"{name} start")
        try:
            return original(*args, **kwargs)
        finally:
            _stage(f"{name} end")

    setattr(module, name, wrapped)


def stage_lines() -> None:
    """Print a line at the pipeline's stage boundaries."""
    from site_builder.engine import seam
    from site_builder.pipeline import run as pipeline
    from site_builder.render import markdown
    from site_builder.shards import assembly, runner

    for name in ("check", "load_history", "shed_sources", "generate_into", "write_tree", "config_text"):
        _traced(pipeline, name)
    _traced(seam, "build_site")
    _traced(markdown, "streaming")
    for name in ("run_shards", "build_shard", "assemble"):  # a sharded build (above runner.SHARD_ABOVE projects)
        _traced(runner, name)
    for name in ("published_portal", "write_index", "_global_files", "_publish_assembled", "_index_made", "_move_in", "broken_links", "merge_sitemaps"):
        _traced(assembly, name)


def _cpu() -> float:
    """User + system CPU seconds of this process and every child it (or they) waited for."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def page_sizes(site: Path) -> list[int]:
    """The size of every HTML page of the site."""
    sizes = []
    for folder, _, names in os.walk(site):
        sizes += [os.path.getsize(os.path.join(folder, n)) for n in names if n.endswith(".html")]
    return sizes


def main() -> int:
    """Build once and print the numbers (and one JSON line)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("work", type=Path)
    parser.add_argument("--stages", action="store_true", help="a line with RSS at each stage boundary")
    parser.add_argument("--again", action="store_true", help="keep WORK's build/ and site/: an incremental build")
    parser.add_argument("--limit-mb", type=int, default=0, help="kill the build when its process tree's Pss passes this")
    parser.add_argument("--floor-mb", type=int, default=0, help="kill the build when the machine's MemAvailable falls under this")
    args = parser.parse_args()
    from site_builder.pipeline import run as pipeline
    from site_builder.shards.runner import build_site

    for old in () if args.again else ("build", "site"):
        shutil.rmtree(args.work / old, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.stages:
        stage_lines()
    load_before = os.getloadavg()
    with TreePeak(args.work / "tree-rss.txt", args.limit_mb, args.floor_mb) as tree:
        _T0[0] = t0 = time.perf_counter()
        cpu0 = _cpu()
        checked, output = build_site(pipeline.Paths(ROOT, data=args.data, build=args.work / "build"), args.work / "site")
        seconds = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    load_after = os.getloadavg()
    if checked.problems or checked.portal is None:
        print(f"build failed: {[p.format() for p in checked.problems[:3]]}\n{output[-1500:]}", file=sys.stderr)
        return 1
    sizes = page_sizes(args.work / "site")
    row = {"seconds": round(seconds, 1), "cpu_s": round(cpu, 1),
           "tree_mb": round(tree.mb), "tree_pss_mb": round(tree.pss_mb), "pages": len(sizes), "median_kb": round(statistics.median(sizes) / 1024, 1),
           "max_kb": round(max(sizes) / 1024, 1), "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in load_after]}
    print(f"{seconds:.1f} s (CPU {cpu:.1f} s), tree peak RSS {tree.mb:,.0f} MB, Pss {tree.pss_mb:,.0f} MB, "
          f"{len(sizes):,} pages (median {row['median_kb']} KB, max {row['max_kb']} KB); "
          f"load {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f} before, "
          f"{load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} after", file=sys.stderr)
    print("\n".join(checked.notes), file=sys.stderr)
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
