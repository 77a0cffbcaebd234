"""Peer static-site generators on the same generated Markdown: Hugo (minimal layout) and Zensical, timed beside our build.

benchmarks/run.py calls `measure_peers(work, ...)` after our build and the plain `mkdocs build`. Each peer runs in a
fresh wrapper process, so its peak RSS is that wrapper's RUSAGE_CHILDREN and nothing of ours; each has a timeout, and
a peer that is missing, fails or times out gives a cell that says so instead of stopping the benchmark.
Only the peer's own command is timed: writing its site folder (hard links of the Markdown) is set-up, as MkDocs reads
build/docs in place.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PEERS = ("hugo", "zensical")
TIMEOUT_S = 20 * 60  # per peer: Zensical needed minutes and gigabytes at 10,000 pages, and the benchmark must end
HUGO = os.environ.get("BENCH_HUGO", "hugo")
ZENSICAL = os.environ.get("BENCH_ZENSICAL", str(ROOT / ".venv-peers/bin/zensical"))  # made by `make bench-peers-setup`
MISSING = "–"

# Hugo: no theme, no taxonomies or RSS (MkDocs makes neither); raw HTML kept, as our pages are mostly HTML blocks;
# paths not lowercased, so the URLs are MkDocs' directory URLs.
HUGO_CONFIG = """\
baseURL = "/"
languageCode = "ko"
title = "bench"
hasCJKLanguage = true
disablePathToLower = true
relativeURLs = true
disableKinds = ["taxonomy", "term", "RSS"]

[markup.goldmark.renderer]
unsafe = true
"""
HUGO_LAYOUTS = {
    "_default/baseof.html": '<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>\n'
                            '<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "_default/single.html": '{{ define "main" }}{{ .Content }}{{ end }}\n',
    # Section pages (our index.md) print their own Markdown too, not a list of children: MkDocs lists none either.
    "_default/list.html": '{{ define "main" }}{{ .Content }}{{ end }}\n',
}


def _link(src: Path, dst: Path) -> None:
    """Hard-link a file (same file system: instant, no extra space), else copy it."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def hugo_site(docs: Path, site: Path) -> int:
    """Write a minimal Hugo site of the docs tree into `site`; the number of Markdown pages in it.

    Our front matter (title, description, breadcrumbs, hide, updated, …) uses no key Hugo reserves with another type,
    so the Markdown is taken unchanged. Only `index.md` becomes `_index.md`: for Hugo a folder with `index.md` is a
    leaf bundle whose other files and subfolders are resources, so the pages under it would not be rendered.
    Files that are not Markdown go to static/, copied as MkDocs copies them.
    """
    if site.exists():
        shutil.rmtree(site)
    (site / "config.toml").parent.mkdir(parents=True)
    (site / "config.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).parent.mkdir(parents=True, exist_ok=True)
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    pages = 0
    for src in sorted(docs.rglob("*")):
        if not src.is_file():
            continue
        rel = src.relative_to(docs)
        if src.suffix == ".md":
            pages += 1
            _link(src, site / "content" / (rel.with_name("_index.md") if rel.name == "index.md" else rel))
        else:
            _link(src, site / "static" / rel)
    return pages


def zensical_config(work: Path) -> Path:
    """Write work/zensical.yml: our build/mkdocs.yml less what Zensical refuses or we must move; its path.

    Dropped: `hooks:` (Zensical runs no MkDocs hooks; plain `mkdocs build` drops them too). Moved: the config sits in
    the work folder because Zensical wants site_dir inside the config's folder; so docs_dir and INHERIT are re-based.
    """
    build = work / "build"
    config = yaml.safe_load((build / "mkdocs.yml").read_text(encoding="utf-8"))
    config.pop("hooks", None)
    if "INHERIT" in config:
        config["INHERIT"] = str((build / config["INHERIT"]).resolve())
    config["docs_dir"] = os.path.relpath(build / config.get("docs_dir", "docs"), work)
    config["site_dir"] = "zensical-site"
    path = work / "zensical.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# Run in a fresh interpreter: its RUSAGE_CHILDREN is then the peer alone. The peer gets its own session so that a
# timeout kills it and any process it started (killpg of the group it leads), not just the direct child.
_WRAPPER = r"""
import json, os, resource, signal, subprocess, sys, time
timeout, cwd, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
t0 = time.perf_counter()
proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
try:
    out, timed_out = proc.communicate(timeout=timeout)[0], False
except subprocess.TimeoutExpired:
    os.killpg(proc.pid, signal.SIGKILL)
    out, timed_out = proc.communicate()[0], True
seconds = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rc": proc.returncode, "timed_out": timed_out, "rss_mb": rss,
                  "output": out.decode("utf-8", "replace")[-4000:]}))
"""


def run_measured(cmd: list[str], cwd: Path, timeout: float) -> dict[str, Any]:
    """Run `cmd` once: wall-clock seconds, exit code, whether it timed out, peak RSS (MB) and the tail of its output."""
    wrapper = [sys.executable, "-c", _WRAPPER, str(timeout), str(cwd), *cmd]
    result = subprocess.run(wrapper, capture_output=True, text=True, timeout=timeout + 120, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def count_pages(site: Path) -> int:
    """HTML files a generator wrote."""
    return sum(1 for _ in site.rglob("*.html")) if site.is_dir() else 0


def missing(why: str) -> dict[str, Any]:
    """The result of a peer that did not run."""
    return {"s": None, "cell": f"{MISSING} ({why})", "why": why}


def failure(run: dict[str, Any], timeout: float) -> str:
    """A short reason for a failed run: the timeout, the kill signal, or the first error line of its output."""
    if run["timed_out"]:
        return f"timeout {timeout:.0f} s"
    if run["rc"] is not None and run["rc"] < 0:
        return f"killed by signal {-run['rc']}"  # SIGKILL: the kernel's out-of-memory killer, most likely
    lines = [ln.strip() for ln in run["output"].splitlines() if ln.strip()]
    errors = [ln for ln in lines if re.search(r"error|panic|failed|exception", ln, re.I)]
    line = (errors or lines or [f"exit {run['rc']}"])[0]
    return re.sub(r"\s+", " ", line)[:60]


def outcome(run: dict[str, Any], site: Path, timeout: float, version: str) -> dict[str, Any]:
    """A peer's result from its run: seconds when it succeeded and wrote pages, else `failed: <reason>`."""
    pages = count_pages(site)
    base = {"rss_mb": run["rss_mb"], "pages": pages, "version": version, "run_s": run["seconds"]}
    if run["timed_out"] or run["rc"] != 0:
        why = failure(run, timeout)
        return {**base, "s": None, "cell": f"failed: {why}", "why": why, "output": run["output"][-1500:]}
    if not pages:
        return {**base, "s": None, "cell": "failed: no pages written", "why": "no pages written", "output": run["output"][-1500:]}
    return {**base, "s": run["seconds"], "cell": f"{run['seconds']:.1f}", "why": ""}


def version_of(cmd: list[str]) -> str:
    """The first line a `--version`-like command prints, or '' when it does not run."""
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.strip().splitlines()[0] if out.strip() else ""


def hugo_peer(work: Path, hugo: str = HUGO, timeout: float = TIMEOUT_S) -> dict[str, Any]:
    """Build work/build/docs with Hugo and the minimal layout; the result for the table."""
    exe = shutil.which(hugo)
    if exe is None:
        return missing("no hugo: apt-get install hugo")
    exe = os.path.abspath(exe)  # it runs in the site's folder
    source, public = work / "hugo", work / "hugo-public"
    hugo_site(work / "build/docs", source)
    shutil.rmtree(public, ignore_errors=True)
    run = run_measured([exe, "--quiet", "--source", str(source), "--destination", str(public)], source, timeout)
    version = version_of([exe, "version"])
    return outcome(run, public, timeout, re.sub(r"^hugo (v\S+?)(\+\S*)? .*", r"\1", version))


def zensical_peer(work: Path, zensical: str = ZENSICAL, timeout: float = TIMEOUT_S) -> dict[str, Any]:
    """Build work/build/docs with Zensical from a config derived from ours; the result for the table."""
    exe = shutil.which(zensical)
    if exe is None:
        return missing("no zensical: make bench-peers-setup")
    exe = os.path.abspath(exe)  # a path relative to the repository (the Makefile's) and it runs in the work folder
    config = zensical_config(work)
    shutil.rmtree(work / "zensical-site", ignore_errors=True)
    run = run_measured([exe, "build", "--clean", "-f", str(config)], work, timeout)  # --clean: no cache from a former run
    return outcome(run, work / "zensical-site", timeout, version_of([exe, "--version"]))


def measure_peers(work: Path, which: list[str], zensical: str = ZENSICAL, timeout: float = TIMEOUT_S) -> dict[str, Any]:
    """Every peer asked for, one after another (never beside each other: the machine has 2 cores)."""
    out: dict[str, Any] = {}
    if "hugo" in which:
        out["hugo"] = hugo_peer(work, timeout=timeout)
    if "zensical" in which:
        out["zensical"] = zensical_peer(work, zensical, timeout)
    return out


def peer_cell(result: dict[str, Any] | None) -> str:
    """The `<peer> s` cell: seconds, or why there are none."""
    return result["cell"] if result else MISSING


def ratio_cell(total_s: float, result: dict[str, Any] | None) -> str:
    """The `÷<peer>` cell: our total over the peer's seconds (< 1: we are faster), or – when the peer has no time."""
    return f"{total_s / result['s']:.2f}" if result and result.get("s") else MISSING


def parse_peers(value: str) -> list[str]:
    """`--peers none|hugo|zensical|all` (or a comma list) as the list of peers to run."""
    if value == "all":
        return list(PEERS)
    if value == "none":
        return []
    names = [v.strip() for v in value.split(",") if v.strip()]
    unknown = [n for n in names if n not in PEERS]
    if unknown:
        raise ValueError(f"unknown peer {unknown[0]!r}: none, all or any of {', '.join(PEERS)}")
    return names


def describe(n: int, peers: dict[str, Any]) -> list[str]:
    """One line per peer of size n: seconds, peak RSS, pages, version, or why it has no seconds and its output's end."""
    lines = []
    for name, r in peers.items():
        if r.get("s") is not None:
            lines.append(f"N={n:,} {name} {r['version']}: {r['s']:.1f} s, peak {r['rss_mb']:,.0f} MB, {r['pages']:,} pages")
        elif "run_s" in r:
            tail = " | ".join(ln.strip() for ln in r.get("output", "").splitlines()[-3:] if ln.strip())
            lines.append(f"N={n:,} {name} {r['version']}: failed after {r['run_s']:.1f} s ({r['why']}), peak {r['rss_mb']:,.0f} MB, "
                         f"{r['pages']:,} pages; output ends: {tail[:300]}")
        else:
            lines.append(f"N={n:,} {name}: not run ({r['why']})")
    return lines
