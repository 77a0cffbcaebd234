#!/usr/bin/env python3
"""Sharded build benchmark: the same synthetic portal built whole and as `--shards` shards in parallel, then assembled.

    .venv/bin/python benchmarks/shards.py [--projects 10000] [--shards 2] [--data DIR] [--skip-whole]

Each shard is `site-builder build --shard i/n` in its own process (as a CI matrix job would be), all started at
once; then `site-builder assemble`. `--each` also times every shard alone, which is what one CI machine per shard
would see (critical path: slowest shard + assemble). Prints wall-clock seconds of the whole build, of the parallel shard phase,
of the assembly, and the speed-up, and compares the assembled site with the whole one file by file (pages, downloads,
search index, sitemap: every file should be byte-identical). `--keep DIR` keeps the sites.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "site_builder", *args]


CPU: list[float] = []  # CPU seconds (user + system, children included) of each _run_all, in call order


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_all(commands: list[list[str]]) -> float:
    """Run commands at the same time; seconds until the last one ends (fails loudly); their CPU seconds go to CPU."""
    t0, c0 = time.perf_counter(), _cpu()
    running = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in commands]
    for process, command in zip(running, commands, strict=True):
        _, err = process.communicate()
        if process.returncode:
            raise SystemExit(f"failed: {' '.join(command)}\n{err[-2000:]}")
    CPU.append(_cpu() - c0)
    return time.perf_counter() - t0


def _pages(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("index.html")}


def _files(site: Path) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), site) for d, _, names in os.walk(site) for f in names}


def compare(whole: Path, assembled: Path) -> tuple[list[str], list[str], list[str]]:
    """Files only in the whole site, only in the assembled one, and in both with different bytes."""
    a, b = _files(whole), _files(assembled)
    differ = [f for f in sorted(a & b) if not filecmp.cmp(whole / f, assembled / f, shallow=False)]
    return sorted(a - b), sorted(b - a), differ


def main() -> int:
    """Generate (or reuse) a portal, build it whole and sharded, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--data", type=Path, help="an existing data folder (e.g. from benchmarks/run.py --keep)")
    parser.add_argument("--skip-whole", action="store_true", help="do not build the whole site (faster)")
    parser.add_argument("--each", action="store_true", help="also time each shard alone (as on its own CI machine)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shards-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        data = args.data
        if data is None:
            from benchmarks.portal import generate

            data = work / "data"
            generate(data, args.projects)
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        whole = None
        if not args.skip_whole:
            whole = _run_all([_cli("build", "--data", str(data), "--site-dir", str(work / "whole"), "--build-dir", str(work / "b-whole"))])
            print(f"whole build: {whole:.1f} s (CPU {CPU[-1]:.1f} s)")
        n = args.shards
        shards = [_cli("build", "--data", str(data), "--shard", f"{i}/{n}", "--site-dir", str(work / f"shard{i}"), "--build-dir", str(work / f"b{i}"))
                  for i in range(1, n + 1)]
        parallel = _run_all(shards)
        print(f"{n} shards in parallel: {parallel:.1f} s (CPU {CPU[-1]:.1f} s)")
        alone = [_run_all([command]) for command in shards] if args.each else []
        if alone:
            print("each shard alone: " + ", ".join(f"{t:.1f} s (CPU {c:.1f} s)" for t, c in zip(alone, CPU[-len(alone):], strict=True)))
        assemble = _run_all([_cli("assemble", *[str(work / f"shard{i}") for i in range(1, n + 1)], "--data", str(data),
                                  "--site-dir", str(work / "site"), "--build-dir", str(work / "b-all"))])
        print(f"assemble: {assemble:.1f} s (CPU {CPU[-1]:.1f} s); sharded total {parallel + assemble:.1f} s")
        if whole is not None:
            print(f"speed-up: {whole / (parallel + assemble):.2f}× (whole {whole:.1f} s vs sharded {parallel + assemble:.1f} s)")
            missing = _pages(work / "whole") - _pages(work / "site")
            if alone:
                path = max(alone) + assemble
                print(f"one machine per shard (CI matrix): slowest shard + assemble = {path:.1f} s, speed-up {whole / path:.2f}×")
            print(f"pages: whole {len(_pages(work / 'whole')):,}, assembled {len(_pages(work / 'site')):,}, missing {len(missing)}")
            only_whole, only_assembled, differ = compare(work / "whole", work / "site")
            print(f"files: {len(_files(work / 'whole')):,} whole; only whole {len(only_whole)}, only assembled {len(only_assembled)}, "
                  f"different bytes {len(differ)} {(only_whole + only_assembled + differ)[:5]}")
        print("load average after: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
