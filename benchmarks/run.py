#!/usr/bin/env python3
"""Build benchmark: synthetic portals of N projects through the real pipeline, one table of numbers.

For each N (default 100, 1,000, 10,000) a fresh process generates a portal (benchmarks/portal.py), runs
`site_builder.pipeline.build` on it (validate → Markdown → downloads → search index → `mkdocs build
--strict` → site swap) and then a plain `mkdocs build` of the same generated Markdown, so our overhead
is a ratio measured in the same run. Then peer generators build the same Markdown (benchmarks/peers.py: Hugo with a
minimal layout, Zensical with our config), each with its column and the ratio of our total to it. Nothing is
asserted; targets are printed beside the table.

    .venv/bin/python benchmarks/run.py [--sizes 100,1000,10000] [--repeat 2] [--keep /tmp/bench] [--peers none|hugo|zensical|all]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import peers as peer_sites  # noqa: E402  (after the path: run as a script)

QUERIES = ["봉사", "자원봉사센터", "돌봄", "예산을", "ESG", "청렴", "인권", "만족도 조사", "사회서비스", "교육", "운영", "사업"]
COLUMNS = [("N", "n", "{:,}"), ("data s", "data_s", "{:.1f}"), ("gen s", "gen_s", "{:.1f}"), ("mkdocs s", "mkdocs_s", "{:.1f}"),
           ("search s", "search_s", "{:.1f}"), ("total s", "total_s", "{:.1f}"), ("plain s", "plain_s", "{:.1f}"),
           ("ratio", "ratio", "{:.2f}"), ("ours %", "ours_pct", "{:.1f}"), ("peak MB", "rss_mb", "{:,.0f}"),
           ("tree MB", "tree_mb", "{:,.0f}"), ("tree PSS MB", "tree_pss_mb", "{:,.0f}"), ("pages", "pages", "{:,}"),
           ("med KB", "median_kb", "{:.1f}"), ("max KB", "max_kb", "{:.1f}"), ("site MB", "site_mb", "{:,.1f}"), ("1st search KB", "search_kb", "{:.1f}")]


def peak_rss_mb() -> float:
    """Largest resident set of this process or any finished child (MkDocs runs as a child), in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def parent_pid(stat: str) -> int:
    """The parent's pid in the text of /proc/<pid>/stat (the command name before it, in parentheses, may hold both)."""
    return int(stat[stat.rindex(")") + 2:].split()[1])


def vmrss_kb(status: str) -> int:
    """VmRSS in kB from the text of /proc/<pid>/status (0 when absent: a zombie or a kernel thread)."""
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pss_kb(rollup: str) -> int:
    """Pss in kB from the text of /proc/<pid>/smaps_rollup: the process's own pages plus its share of pages shared with others."""
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def mem_available_kb() -> int:
    """The machine's MemAvailable (kB)."""
    for line in _read("/proc/meminfo").splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1])
    return 0


def descendants(root: int, parents: dict[int, int]) -> set[int]:
    """`root` and every process below it, from each process's parent (pid → ppid)."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    tree, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in tree:
            tree.add(pid)
            todo += children.get(pid, [])
    return tree


def _read(path: str) -> str:
    """A /proc file's text ('' when the process is gone)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def tree_pids(root: int, skip: int | None = None) -> set[int]:
    """`root` and all its descendants now, but `skip`."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdecimal() and (stat := _read(f"/proc/{name}/stat")):
            parents[int(name)] = parent_pid(stat)
    return descendants(root, parents) - {skip}


def tree_rss_kb(root: int, skip: int | None = None) -> tuple[int, dict[int, int]]:
    """The summed VmRSS (kB) of `root` and all its descendants now (but `skip`), and each one's."""
    each = {pid: vmrss_kb(_read(f"/proc/{pid}/status")) for pid in tree_pids(root, skip)}
    return sum(each.values()), each


def tree_pss_kb(root: int, skip: int | None = None) -> int:
    """The summed Pss (kB) of `root` and all its descendants now (but `skip`): pages forked workers share count once in all.

    Reading smaps_rollup walks the page tables (~15 ms per 2 GB), so it is sampled less often than VmRSS.
    """
    return sum(pss_kb(_read(f"/proc/{pid}/smaps_rollup")) for pid in tree_pids(root, skip))


class TreeSampler(threading.Thread):
    """Samples the summed RSS of a process tree every `every` seconds until stopped; `peak_kb` is the largest sum seen.

    Every `pss_every`-th sample also sums Pss (`peak_pss_kb`). The tree is that of another process (`--watch`): a
    thread in the build's own process would stop it forking its workers (base/workers.can_fork wants no other thread).
    """

    def __init__(self, root: int, every: float = 0.2, timeline: bool = False, pss_every: int = 5, limit_mb: int = 0, floor_mb: int = 0) -> None:
        super().__init__(daemon=True)
        self.root, self.every, self.pss_every, self.peak_kb, self.peak_pss_kb, self.count = root, every, pss_every, 0, 0, 0
        self.samples: list[tuple[float, int, int, int]] | None = [] if timeline else None  # (seconds, RSS kB, processes, Pss kB or 0)
        self.limit_kb, self.floor_kb, self.killed = limit_mb * 1024, floor_mb * 1024, ""
        self._stop_event = threading.Event()

    def sample(self) -> int:
        """One sample: the tree's summed RSS now (kB), remembered in `peak_kb` (and every `pss_every`-th the Pss).

        With a limit, the whole tree is killed when its Pss passes `limit_mb` or the machine's MemAvailable falls
        under `floor_mb` (a shared machine: other jobs must not meet the kernel's OOM killer).
        """
        total, each = tree_rss_kb(self.root, os.getpid())
        self.peak_kb = max(self.peak_kb, total)
        pss = tree_pss_kb(self.root, os.getpid()) if self.count % self.pss_every == 0 else 0
        self.peak_pss_kb, self.count = max(self.peak_pss_kb, pss), self.count + 1
        if self.samples is not None:
            self.samples.append((time.monotonic(), total, len(each), pss))
        available = mem_available_kb() if self.floor_kb else 0
        if not self.killed and ((self.limit_kb and pss > self.limit_kb) or (self.floor_kb and available < self.floor_kb)):
            self.killed = f"killed: tree Pss {pss // 1024} MB, MemAvailable {available // 1024} MB, processes {sorted(each)}"
            for pid in sorted(each, reverse=True):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        return total

    def run(self) -> None:
        """Sample until `stop` (or the watched process is gone)."""
        while not self._stop_event.is_set() and os.path.exists(f"/proc/{self.root}"):
            self.sample()
            self._stop_event.wait(self.every)

    def stop(self) -> int:
        """Stop sampling after one last sample; the peak in kB."""
        self._stop_event.set()
        self.join()
        self.count = 0  # the last sample reads Pss too
        self.sample()
        return self.peak_kb


def watch(root: int, timeline: Path | None = None, limit_mb: int = 0, floor_mb: int = 0) -> None:
    """`--watch PID`: sample PID's tree until stdin closes, then print the peaks (RSS and Pss, kB) and, with `timeline`, write every sample."""
    sampler = TreeSampler(root, timeline=timeline is not None, limit_mb=limit_mb, floor_mb=floor_mb)
    sampler.start()
    if limit_mb or floor_mb:  # the build may be killed: then nobody closes stdin, so wait for either
        while sampler.is_alive() and not sampler.killed:
            if select.select([sys.stdin], [], [], 0.5)[0] and not sys.stdin.read():
                break  # end of input: the build is done
    elif not sampler.killed:
        sys.stdin.read()
    peak = sampler.stop()
    if timeline is not None and sampler.samples:
        start = sampler.samples[0][0]
        lines = [f"{t - start:.1f} {kb // 1024} {n} {pss // 1024}\n" for t, kb, n, pss in sampler.samples]
        timeline.write_text("".join(lines) + (sampler.killed + "\n" if sampler.killed else ""), encoding="utf-8")
    with contextlib.suppress(BrokenPipeError):  # killed: nobody reads
        print(peak, sampler.peak_pss_kb, flush=True)


class TreePeak:
    """Context manager: the peak summed RSS (MB) of this process and every descendant while the body runs (`mb` after it; `pss_mb`: of Pss).

    A watcher process samples the tree (itself left out) and reports when its stdin closes.
    """

    def __init__(self, timeline: Path | None = None, limit_mb: int = 0, floor_mb: int = 0) -> None:
        self.timeline, self.mb, self.pss_mb, self.limit_mb, self.floor_mb = timeline, 0.0, 0.0, limit_mb, floor_mb

    def __enter__(self) -> TreePeak:
        extra = ["--timeline", str(self.timeline)] if self.timeline else []
        extra += ["--limit-mb", str(self.limit_mb), "--floor-mb", str(self.floor_mb)] if self.limit_mb or self.floor_mb else []
        self._watcher = subprocess.Popen([sys.executable, __file__, "--watch", str(os.getpid()), *extra],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        return self

    def __exit__(self, *exc: object) -> None:
        out, _ = self._watcher.communicate("")
        rss, pss = (out.split() + ["0", "0"])[:2]
        self.mb, self.pss_mb = int(rss) / 1024, int(pss) / 1024


def timed_build(data: Path, work: Path) -> dict[str, float]:
    """Run the real pipeline once, timing its MkDocs stage from the inside, then the search index alone."""
    from site_builder.engine import seam as mkdocs_seam
    from site_builder.outputs.search import index_files
    from site_builder.pipeline import run as pipeline
    from site_builder.publish.redaction import redact_portal

    spent = {"mkdocs_s": 0.0}
    build_site = mkdocs_seam.build_site

    def timed_mkdocs(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return build_site(*args, **kwargs)
        finally:
            spent["mkdocs_s"] += time.perf_counter() - t0

    mkdocs_seam.build_site = timed_mkdocs  # type: ignore[assignment]
    # As `site-builder build` (cli/commands.run): the process has no use for a collector after the build, so it is not
    # resumed; resumed, its first pass (the page rendering's cyclic garbage: ~0.7 s at 10k) was timed as the build's.
    pipeline.end_process_after_build()
    with TreePeak(work / "tree-rss.txt") as tree:
        t0 = time.perf_counter()
        checked, output = pipeline.build(pipeline.Paths(ROOT, data=data, build=work / "build"), work / "site")
        total = time.perf_counter() - t0
    if checked.problems or checked.portal is None:
        raise SystemExit(f"build failed: {[p.format() for p in checked.problems[:3]]}\n{output[-1500:]}")
    # In the build the index is made by a worker beside the page rendering, so it is timed here, alone.
    t0 = time.perf_counter()
    index_files(redact_portal(checked.portal))
    search = time.perf_counter() - t0
    return {**spent, "search_s": search, "total_s": total, "gen_s": total - spent["mkdocs_s"], "tree_mb": tree.mb,
            "tree_pss_mb": tree.pss_mb}


def plain_mkdocs(work: Path) -> float:
    """Seconds of a plain `mkdocs build` of the same generated Markdown: one process, without our hooks (engine/hooks.py)."""
    import yaml

    from site_builder.engine.seam import tool_env

    config = yaml.safe_load((work / "build/mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    plain = work / "build/plain-mkdocs.yml"
    plain.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    t0 = time.perf_counter()
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain), "-d", str(work / "plain-site")]
    subprocess.run(cmd, check=True, env=tool_env(), capture_output=True)
    return time.perf_counter() - t0


def site_numbers(site: Path) -> dict[str, float]:
    """Pages, page sizes, site size and the bytes the first search transfers (median over QUERIES)."""
    from site_builder.outputs.search import INDEX_DIR
    from site_builder.outputs.searcher import Searcher

    pages = [p.stat().st_size for p in site.rglob("*.html")]
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    files = {str(p.relative_to(site)): p.read_bytes() for p in (site / INDEX_DIR).rglob("*") if p.is_file()}
    transfers = []
    for query in QUERIES:
        searcher = Searcher(files)
        searcher.search(query, 10)
        transfers.append(searcher.transferred())
    return {"pages": len(pages), "median_kb": statistics.median(pages) / 1024, "max_kb": max(pages) / 1024,
            "site_mb": total / 2**20, "search_kb": statistics.median(transfers) / 1024}


def measure(n: int, work: Path, peers: list[str] | None = None, zensical: str = peer_sites.ZENSICAL,
            timeout: float = peer_sites.TIMEOUT_S) -> dict[str, Any]:
    """Everything for one size, in this process (the parent runs each size in a fresh process)."""
    from benchmarks.portal import generate

    t0 = time.perf_counter()
    # In a child process: the build is then timed in a process that holds nothing else, as `site-builder build` runs.
    # Generated in this process, the build took ~16 % longer (10k, quiet, back to back: 50.7 s there, 43.7 s this way).
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as apart:
        shape = apart.submit(generate, work / "data", n).result()
    row: dict[str, Any] = {"n": n, "data_s": time.perf_counter() - t0, **shape}
    # What the generator wrote (~430 MB with its git history at 10k) is flushed to disk before the build is timed, and
    # what our build wrote before the plain one: otherwise each pays for the one before (the kernel writes dirty pages
    # back ~30 s after they were made, right into the next timed run; 3–4 s at 10k on the 2-core machine).
    os.sync()
    row.update(timed_build(work / "data", work))
    row["rss_mb"] = peak_rss_mb()  # before the plain build, which is a child too
    os.sync()
    row["plain_s"] = plain_mkdocs(work)
    row["ratio"] = row["total_s"] / row["plain_s"]
    row["ours_pct"] = 100 * (row["total_s"] - row["mkdocs_s"]) / row["total_s"]
    row.update(site_numbers(work / "site"))
    # Last, so that no peer's files or memory are in our numbers; one after the other, each in its own process.
    row["peers"] = peer_sites.measure_peers(work, peers or [], zensical, timeout)
    return row


Cell = Callable[[dict[str, Any]], str]


def _number(key: str, fmt: str) -> Cell:
    """The cell of a number of the row."""
    return lambda row: fmt.format(row[key])


def _peer_seconds(peer: str) -> Cell:
    """The `<peer> s` cell."""
    return lambda row: peer_sites.peer_cell(row.get("peers", {}).get(peer))


def _peer_ratio(peer: str) -> Cell:
    """The `÷<peer>` cell."""
    return lambda row: peer_sites.ratio_cell(row["total_s"], row.get("peers", {}).get(peer))


def columns(peers: list[str]) -> list[tuple[str, Cell]]:
    """Headings and cell makers: COLUMNS, with `<peer> s` then `÷<peer>` for each peer asked for after `ratio`."""
    cols = [(h, _number(k, fmt)) for h, k, fmt in COLUMNS]
    at = [h for h, _ in cols].index("ratio") + 1
    added = [(f"{p} s", _peer_seconds(p)) for p in peers] + [(f"÷{p}", _peer_ratio(p)) for p in peers]
    return cols[:at] + added + cols[at:]


def table(rows: list[dict[str, Any]], peers: list[str] | None = None) -> str:
    """The rows as one aligned text table (with --peers none, the table of old)."""
    cols = columns(peers or [])
    cells = [[h for h, _ in cols]] + [[cell(r) for _, cell in cols] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(cols))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(line, widths, strict=True)) for line in cells)


def notes(rows: list[dict[str, Any]], peers: list[str] | None = None) -> list[str]:
    """The targets of issue 7 next to what was measured."""
    by_n = {r["n"]: r for r in rows}
    out = ["columns: data = writing the synthetic YAML (not part of the build); gen = everything of ours in the build (validate,",
           "Markdown, downloads, search index, writing); search = the search index alone, timed after the build (in it, a worker",
           "makes it beside the page rendering); total = the whole build; plain = a vanilla one-process `mkdocs build` of the same Markdown;",
           "ratio = total/plain; mkdocs = MkDocs as we run it (raw-HTML blocks skip Python-Markdown, one process per core);",
           "ours % = (total − MkDocs) / total; peak MB = the largest single process (ru_maxrss);",
           "tree MB = the peak of the build process's and all its children's RSS summed (sampled every 0.2 s; a page forked workers",
           "share with the build counts once per process, so an upper bound); tree PSS MB = the same of Pss (shared pages split among",
           "the processes sharing them: what the tree takes from the machine; sampled every 1 s); med/max KB = page HTML;",
           "1st search KB = median bytes a first query fetches.",
           "targets: 10k total ≤ 90 s · ours ≤ 10 % · t(10k)/t(1k) ≤ 11 · median page ≤ 40 KB · peak RSS ≤ 1,536 MB · 100k: ≤ 10 min, tree ≤ 6 GB"]
    if peers:
        out += ["peers (benchmarks/peers.py, same generated Markdown, run after our build, one at a time, each timed alone):",
                "hugo s = Debian's `hugo --quiet`, no theme, a layout printing title and .Content, raw HTML kept, all cores;",
                "zensical s = `zensical build --clean` with our mkdocs.yml less its hooks (Material theme and our overrides);",
                "÷peer = total / peer s (below 1: our whole build is faster than the peer); – = not run, with the reason.",
                "target: 10k: total ≤ 0.3 × plain mkdocs"]
    if 10000 in by_n:
        out.append(f"10k: total/plain = {by_n[10000]['ratio']:.2f} (target ≤ 0.3)")
    if 1000 in by_n and 10000 in by_n:
        out.append(f"t(10k)/t(1k) = {by_n[10000]['total_s'] / by_n[1000]['total_s']:.1f}")
    for r in rows:
        out += peer_sites.describe(r["n"], r.get("peers", {}))
    return out


def fastest(n: int, repeat: int, base: Path, peer_args: list[str] | None = None) -> dict[str, Any]:
    """Measure size `n` `repeat` times, each in a fresh process and folder; the row of the fastest build (machines share cores)."""
    rows = []
    for r in range(max(1, repeat)):
        work = base / (f"n{n}" if r == 0 else f"n{n}-{r + 1}")
        cmd = [sys.executable, __file__, "--one", str(n), "--work", str(work), *(peer_args or [])]
        result = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        done = ", ".join(f"{p} {peer_sites.peer_cell(v)}" for p, v in rows[-1]["peers"].items())
        print(f"measured N={n:,}: {rows[-1]['total_s']:.1f} s{'; ' + done if done else ''}", file=sys.stderr)
    return min(rows, key=lambda row: row["total_s"])


def main() -> int:
    """Run every size in its own process and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="comma-separated project counts")
    parser.add_argument("--keep", type=Path, help="keep the generated data and sites under this folder")
    parser.add_argument("--repeat", type=int, default=1, help="build each size this many times (fresh folders) and keep the fastest")
    parser.add_argument("--peers", default="all", help="peer generators on the same Markdown: none, hugo, zensical or all (default)")
    parser.add_argument("--zensical", default=peer_sites.ZENSICAL, help="zensical executable (default: .venv-peers of make bench-peers-setup; env BENCH_ZENSICAL)")
    parser.add_argument("--peer-timeout", type=float, default=peer_sites.TIMEOUT_S, help="seconds before a peer's build is killed")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--watch", type=int, help=argparse.SUPPRESS)  # internal: sample this pid's process tree (TreePeak)
    parser.add_argument("--timeline", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit-mb", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--floor-mb", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.watch:
        watch(args.watch, args.timeline, args.limit_mb, args.floor_mb)
        return 0
    try:
        peers = peer_sites.parse_peers(args.peers)
    except ValueError as exc:
        parser.error(str(exc))
    if args.one:
        print(json.dumps(measure(args.one, args.work, peers, args.zensical, args.peer_timeout)))
        return 0
    peer_args = ["--peers", ",".join(peers) or "none", "--zensical", args.zensical, "--peer-timeout", str(args.peer_timeout)]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        rows = [fastest(n, args.repeat, args.keep or Path(tmp), peer_args) for n in [int(s) for s in args.sizes.split(",")]]
    print(table(rows, peers))
    print("\n".join(notes(rows, peers)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
