#!/usr/bin/env python3
"""Serve reload time: from saving a project YAML to `site-builder serve` serving the changed page.

Copies data/ (the seed plans; `--data DIR`: another data folder, e.g. a synthetic portal of benchmarks/portal.py)
to a temp folder, starts `site-builder serve` on it (own build folder, free port; `--only-org ORG`: the preview of
that organisation alone), waits for a project page, then changes that project's title several times and measures
how long until the served HTML shows the new title. Prints each time and the median (target ≤ 2 s).

    .venv/bin/python benchmarks/serve_reload.py [--rounds 5] [--data DIR] [--only-org ORG]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    """The page's HTML, or '' while the server is not ready."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(url: str, text: str, limit: float) -> float:
    """Seconds until the page contains `text` (polling every 20 ms); raises after `limit` seconds."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        if text in _get(url):
            return time.perf_counter() - t0
        time.sleep(0.02)
    raise SystemExit(f"timed out waiting for {text!r} at {url}")


def main() -> int:
    """Start serve, change a title `--rounds` times, print the reload times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="the data folder to copy and serve (default: data/)")
    parser.add_argument("--only-org", help="serve --only-org: the preview of this organisation alone")
    parser.add_argument("--start-limit", type=float, default=120, help="seconds the first page may take (a big portal: more)")
    parser.add_argument("--settle", type=float, default=1.5, help="seconds between a change showing and the next edit (a big portal's "
                        "whole build runs on after its quick build: e.g. 15 lets it finish)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(args.data, data, ignore=shutil.ignore_patterns(".git"))
        source = sorted(data.glob(f"{args.only_org or '*'}/*/projects/*.yaml"))[0]
        org, year = source.parent.parent.parent.name, source.parent.parent.name
        port = _free_port()
        url = f"http://127.0.0.1:{port}/{org}/{year}/projects/{source.stem}/"
        cmd = [sys.executable, "-m", "site_builder", "serve", "--data", str(data), "--build-dir", str(Path(tmp) / "build"), "--address", f"127.0.0.1:{port}"]
        cmd += ["--only-org", args.only_org] if args.only_org else []
        process = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            print(f"first page served after {_wait_for(url, '</html>', args.start_limit):.1f} s (start-up)")
            times = []
            for i in range(args.rounds):
                marker = f"고침표시{i}"
                text = source.read_text(encoding="utf-8")
                lines = [ln + f" {marker}" if ln.startswith("title: ") else ln for ln in text.splitlines()]
                source.write_text("\n".join(lines).replace(f" 고침표시{i - 1}", "") + "\n", encoding="utf-8")
                times.append(_wait_for(url, marker, 60))
                print(f"round {i + 1}: page changed {times[-1]:.2f} s after the YAML was saved")
                time.sleep(args.settle)  # let the server settle before the next edit
            print(f"serve reload: median {statistics.median(times):.2f} s, max {max(times):.2f} s (target ≤ 2 s)")
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
