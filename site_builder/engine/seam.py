"""The only place that knows the static-site tool: it runs MkDocs on the generated docs tree."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..base.problem import shield_commands
from ..base.workers import configured_jobs  # SITE_BUILDER_JOBS: the same switch as every worker pool of the build
from ..write.tree import fresh_dir
from .hooks import ONLY_ENV, PART_ENV
from .sitemap import join_sitemaps

# A fixed build date keeps sitemap.xml and every page byte-identical between builds of the same data.
FIXED_EPOCH = "1704067200"
# MkDocs renders pages one after another; from this many pages a build runs one MkDocs process per core (at most
# MAX_PARTS), each rendering a consecutive run of the pages (hooks.on_files), and joins their folders.
PARALLEL_MIN_PAGES = 600
MAX_PARTS = 4  # MkDocs processes at once, at most
# Pages of one part, at most: each MkDocs process holds every page it renders until it ends (~15 KB each, the HTML
# packed by hooks.py), on top of a fixed cost that grows with the site (every file's `File`, the navigation: at
# 100,000 projects ~590 MB and ~24 s a part). 24,000 pages: ~0.95 GB a part there, 8 parts.
PART_MAX_PAGES = 24_000


def tool_env() -> dict[str, str]:
    """Environment for MkDocs: fixed build date, no upgrade banner."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", FIXED_EPOCH)}


def build_epoch() -> int:
    """The build date MkDocs stamps (SOURCE_DATE_EPOCH), as an integer."""
    return int(tool_env()["SOURCE_DATE_EPOCH"])


def build_beside(config: Path, text: str, site_dir: Path, only: list[str] | None = None) -> tuple[Path | None, str]:
    """Write the per-build config, run MkDocs into a fresh folder beside `site_dir` (the swap is a rename); None when it fails.

    `only`: an incremental build (engine/incremental.py): MkDocs renders only these docs files (`incremental.apply` moves them in).
    """
    config.write_text(text, encoding="utf-8")
    tmp = fresh_dir(site_dir.resolve().parent, f".{site_dir.name}-tmp-")  # per site name: never another site's build
    ok, output = build_site(config, tmp) if only is None else _build_only(config, tmp, only) if only else (True, "")
    if ok:
        return tmp, output
    shutil.rmtree(tmp, ignore_errors=True)
    return None, output


def _build_only(config: Path, site_dir: Path, only: list[str]) -> tuple[bool, str]:
    """One MkDocs process that renders and copies only the listed docs files (the others are marked excluded)."""
    listing = config.with_name("only.json")
    listing.write_text(json.dumps(only, ensure_ascii=False), encoding="utf-8")
    try:
        return _run(config, site_dir, {ONLY_ENV: str(listing)})
    finally:
        listing.unlink(missing_ok=True)


def build_site(config: Path, site_dir: Path, parts: int | None = None, jobs: int | None = None) -> tuple[bool, str]:
    """Run `mkdocs build --strict` into `site_dir` (in `parts` processes, by default as many as pay off); return (ok, tool output).

    At most `jobs` parts run at once (by default one per core, `configured_jobs`): a big site has more parts than
    cores, so that no MkDocs process holds more than PART_MAX_PAGES pages.
    """
    parts = parts or default_parts(config.parent / "docs")
    if parts == 1:
        return _run(config, site_dir, {})
    jobs = max(1, min(parts, jobs or configured_jobs(MAX_PARTS)))
    dirs = [site_dir] + [site_dir.with_name(f"{site_dir.name}.part{i}") for i in range(2, parts + 1)]
    try:
        with ThreadPoolExecutor(jobs) as pool:  # each thread starts one MkDocs process and waits for it
            results = list(pool.map(lambda i: _run(config, dirs[i - 1], {PART_ENV: f"{i}/{parts}"}), range(1, parts + 1)))
        output = "\n".join(dict.fromkeys(line for _, text in results for line in text.splitlines()))  # each part repeats shared warnings
        if all(ok for ok, _ in results):
            for part in dirs[1:]:
                merge_part(part, site_dir)
            join_sitemaps([part / "sitemap.xml" for part in dirs[1:]], site_dir / "sitemap.xml", build_epoch())
    finally:
        for part in dirs[1:]:
            shutil.rmtree(part, ignore_errors=True)
    return all(ok for ok, _ in results), output


def default_parts(docs: Path) -> int:
    """How many MkDocs processes pay off for this docs tree.

    From PARALLEL_MIN_PAGES pages one per core (or SITE_BUILDER_JOBS); more when a part would have more than
    PART_MAX_PAGES pages (MkDocs keeps every page it renders in memory until it ends), as many as make whole rounds
    of one per core; also with SITE_BUILDER_JOBS=1, where they run one after the other.
    """
    if os.environ.get(PART_ENV):
        return 1
    pages = sum(name.endswith(".md") for _, _, names in os.walk(docs) for name in names)  # os.walk: pathlib takes seconds at 100,000 pages
    if pages < PARALLEL_MIN_PAGES:
        return 1
    jobs = max(1, configured_jobs(MAX_PARTS))
    return -(-max(jobs, -(-pages // PART_MAX_PAGES)) // jobs) * jobs  # a multiple of the jobs: no core waits alone for the last part


def _command(config: Path, site_dir: Path) -> list[str]:
    # No `--quiet`: it silences the warnings that `--strict` counts, so broken links would pass.
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(site_dir)]


def _start(config: Path, site_dir: Path, extra: dict[str, str]) -> subprocess.Popen[str]:
    """Start one MkDocs build in the background."""
    env = {**tool_env(), **extra}
    return subprocess.Popen(_command(config, site_dir), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def _finish(process: subprocess.Popen[str]) -> tuple[bool, str]:
    """Wait for a build; (ok, its output without INFO lines)."""
    out, _ = process.communicate()
    shown = "\n".join(ln for ln in out.splitlines() if not ln.startswith("INFO")).strip()
    return process.returncode == 0, shield_commands(shown)  # MkDocs warnings quote page text, which comes from data


def _run(config: Path, site_dir: Path, extra: dict[str, str]) -> tuple[bool, str]:
    """One MkDocs build in the foreground."""
    return _finish(_start(config, site_dir, extra))


def merge_part(part: Path, site_dir: Path) -> None:
    """Move a part's files into the first part's folder; files both wrote (theme assets, 404) are the same; sitemaps are left (`join_sitemaps`)."""
    for folder, dirs, names in os.walk(part):  # plain strings: pathlib's sorting and hashing cost seconds at 10,000 pages
        into = os.path.join(site_dir, os.path.relpath(folder, part))
        os.makedirs(into, exist_ok=True)
        shared = []
        for name in dirs:  # a folder only this part wrote (most pages are a folder with index.html) moves in one rename
            if os.path.lexists(os.path.join(into, name)):
                shared.append(name)
            else:
                os.replace(os.path.join(folder, name), os.path.join(into, name))
        dirs[:] = shared
        for name in names:
            source, target = os.path.join(folder, name), os.path.join(into, name)
            if folder == str(part) and name in ("sitemap.xml", "sitemap.xml.gz"):
                continue
            if not os.path.exists(target):
                os.replace(source, target)
            elif not filecmp.cmp(source, target, shallow=False):
                raise RuntimeError(f"MkDocs parts disagree on {target}")  # a bug in the split, never bad data


SMALL_TREE = 5_000  # docs files: up to this many, `serve` polls them every 0.1 s (engine/live.py), more every 0.5 s


def serve(config: Path, address: str, docs_files: int = SMALL_TREE + 1) -> subprocess.Popen[bytes]:
    """Start MkDocs serving the docs tree with live reload (the caller stops it); `docs_files`: how many it has, for its poll."""
    return subprocess.Popen(_serve_command(config, address, poll_seconds(docs_files)), env=tool_env())


def serve_site(site_dir: Path, address: str, watched: list[Path], rebuild: Callable[[set[str]], None]) -> None:
    """Serve a built site with live reload, running `rebuild` with the changed paths whenever watched files change (engine/live.py)."""
    from .live import serve_site as serve_built

    serve_built(site_dir, address, watched, rebuild, 0.5)


def poll_seconds(docs_files: int) -> float:
    """How often MkDocs looks for changed files in a docs tree of this many files."""
    return 0.1 if docs_files <= SMALL_TREE else 0.5


def _serve_command(config: Path, address: str, poll: float = 0.5) -> list[str]:
    """The command that serves the docs tree with live reload, polling it every `poll` seconds."""
    # --dirty: rebuild only pages whose Markdown changed (the generator rewrites exactly those, write/tree.py); MkDocs
    # warns about dirty builds, so the preview is not strict (`build` stays strict and catches broken links).
    return [sys.executable, "-m", "site_builder.engine.live", str(poll), "--dirty", "--no-strict", "-f", str(config), "-a", address]
