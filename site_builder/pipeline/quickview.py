"""Whole-portal preview of a big portal: an edit shows first from a build of its organisation alone, then from the whole build.

`serve` on a portal of over BIG_PORTAL projects previews the site that incremental `build`s make in `build/serve/site`
(byte for byte the published site), but one such build takes ~8 s at 10,000 projects. So the server serves a view
of that site instead: `build/serve/view/` holds one symbolic link per top-level entry of the site. When an edit
touches the files of one or a few organisations, each of them is first built alone (`build --only-org`: a shard,
whose pages are the whole build's byte for byte; ~2 s), the view's link for that organisation is pointed at the
shard's pages, and browsers reload. The whole incremental build then runs in the background; once it is done, the
links point back at the site and browsers reload again, now with the portal-wide pages (home, all projects, search,
downloads) up to date too. An edit elsewhere (site.yaml, content/) or across many organisations waits for the whole build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from .run import Paths

BACKGROUND_NICE = 10  # the whole build's priority (nice): an edit's quick build comes first
QUICK_MAX_ORGS = 3  # an edit across more organisations than this waits for the whole build
# The whole build's caches an organisation's first quick build starts from: each entry is keyed by content (file bytes,
# plan inputs, template source), so a shard recalls what it shares with the whole build and ignores the rest. Every
# cache file is written anew and renamed in, never rewritten in place, so hard links to them stay apart.
SEEDED_CACHES = ("parsed", "history", "plans", "scanned.bin", "templates")
# Not linked: the whole index's layout (a shard's index is another: read for nothing), and files being written (`.name.pid.tmp`:
# the whole build may be running in the background).
NOT_SEEDED = ("search-base.bin", "search-index.bin", ".*")


def changed_orgs(paths: Collection[str], data_dir: Path) -> set[str] | None:
    """The organisations whose folders hold every changed file; None when a file outside them changed (site.yaml, content/)."""
    orgs = set()
    top = os.path.abspath(data_dir)
    for path in paths:
        rel = os.path.relpath(os.path.abspath(path), top).replace(os.sep, "/")
        if rel.startswith("../") or "/" not in rel:
            return None
        orgs.add(rel.split("/", 1)[0])
    return orgs


def seed_cache(whole: Path, target: Path) -> None:
    """Start a quick build's cache folder `target` as hard links to the whole build's content-keyed caches (none when it exists).

    An organisation's first quick build then parses no file the whole build parsed and compiles no template (~0.4 of
    ~2.2 CPU s at 10,000 projects). Best effort: a folder that cannot be linked is a cold cache, as before.
    """
    if target.exists() or not whole.is_dir():
        return
    tmp = target.with_name(f".{target.name}.seeding")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        for name in SEEDED_CACHES:
            source = whole / name
            if source.is_dir():
                shutil.copytree(source, tmp / name, copy_function=os.link, ignore=shutil.ignore_patterns(*NOT_SEEDED))
            elif source.is_file():
                os.link(source, tmp / name)
        os.replace(tmp, target)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)


def _link(path: Path, target: Path) -> None:
    """Point the symbolic link `path` at `target`, replacing it in one rename (a reader never finds it missing)."""
    tmp = path.with_name(f".{path.name}.link")
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)


@dataclass
class QuickView:
    """The served view of `work/site`, its organisations' quick builds and the whole build that runs after them."""

    paths: Paths
    work: Path
    shown: dict[str, int] = field(default_factory=dict)  # organisation → whole builds started when its quick pages were linked
    started: int = 0
    pending: bool = False
    worker: threading.Thread | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def site(self) -> Path:
        """The site the whole builds keep up to date."""
        return self.work / "site"

    @property
    def view(self) -> Path:
        """The folder the server serves: links into the site, or into an organisation's quick build."""
        return self.work / "view"

    @property
    def stamp(self) -> Path:
        """A folder the server watches: a file written here when a whole build is done makes browsers reload."""
        return self.work / "done"

    def command(self, into: Path, orgs: Collection[str] = ()) -> list[str]:
        """`site-builder build` of the data (`orgs`: those organisations alone, for the view only) with its site and build folder under `into`."""
        command = [sys.executable, "-m", "site_builder", "build", "--data", str(self.paths.data_dir),
                   "--site-dir", str(into / "site"), "--build-dir", str(into / "build")]
        return command + [arg for org in sorted(orgs) for arg in ("--only-org", org)] + (["--preview"] if orgs else [])

    def build_whole(self, started: int = 0, background: bool = False) -> bool:
        """One incremental build of the whole portal (the `started`-th); then the view follows it.

        Quick pages linked before this build started (it read their data) are unlinked: the site has them now.
        """
        ok = self._build(self.work, background=background)
        with self.lock:
            for org in [org for org, when in self.shown.items() if when < started and ok]:
                del self.shown[org]
        self.link_site()
        return ok

    def _build(self, into: Path, orgs: Collection[str] = (), background: bool = False) -> bool:
        """`build` in a child process (this process runs the server's threads, so it must not fork workers itself).

        `background`: the whole build yields the cores to the quick builds of later edits (a lower priority, where the system has them).
        """
        process = subprocess.Popen(self.command(into, orgs), cwd=self.paths.root)
        if background and hasattr(os, "setpriority"):
            with contextlib.suppress(OSError):  # set before the build starts its own workers, which inherit it
                os.setpriority(os.PRIO_PROCESS, process.pid, BACKGROUND_NICE)
        return process.wait() == 0

    def link_site(self) -> None:
        """Point the view at the site, entry by entry, but the organisations whose quick pages are newer than the last whole build."""
        self.view.mkdir(parents=True, exist_ok=True)
        entries = {entry.name for entry in self.site.iterdir()} if self.site.is_dir() else set()
        with self.lock:
            quick = set(self.shown)
        for name in sorted(entries - quick):
            _link(self.view / name, (self.site / name).resolve())
        for gone in {entry.name for entry in self.view.iterdir()} - entries - quick:
            (self.view / gone).unlink(missing_ok=True)

    def show_quick(self, org: str) -> bool:
        """Build one organisation alone and point the view's link for it at that build's pages."""
        into, start = self.work / "quick" / org, time.perf_counter()
        seed_cache(self.work / "build" / "cache", into / "build" / "cache")
        if not self._build(into, [org]) or not (into / "site" / org).is_dir():
            return False
        with self.lock:
            self.shown[org] = self.started
        _link(self.view / org, (into / "site" / org).resolve())
        print(f"{org}의 페이지를 먼저 보여 줍니다 ({time.perf_counter() - start:.1f}초). 전체 빌드는 이어서 합니다.", file=sys.stderr)
        return True

    def on_change(self, changed: set[str]) -> None:
        """Files changed: the organisations they belong to shown at once from quick builds, then a whole build in the background."""
        orgs = changed_orgs(changed, self.paths.data_dir)
        if orgs and len(orgs) <= QUICK_MAX_ORGS:
            for org in sorted(orgs):
                self.show_quick(org)
        with self.lock:
            self.pending = True
            if self.worker is not None:
                return  # the running worker builds again when it is done
            self.worker = threading.Thread(target=self._whole_builds, name="whole-build", daemon=True)
            self.worker.start()

    def _whole_builds(self) -> None:
        """Whole builds while edits keep coming; after each, the quick pages it covers are unlinked and browsers told to reload."""
        while True:
            with self.lock:
                if not self.pending:
                    self.worker = None
                    return
                self.pending, self.started = False, self.started + 1
                started = self.started
            start = time.perf_counter()
            self.build_whole(started, background=True)
            print(f"전체 빌드를 마쳤습니다 ({time.perf_counter() - start:.1f}초).", file=sys.stderr)
            self.stamp.mkdir(parents=True, exist_ok=True)
            (self.stamp / "stamp").write_text(str(started), encoding="utf-8")  # the server sees it and reloads browsers

    def wait(self) -> None:
        """Wait until no whole build is running or due (tests, and the end of `serve`)."""
        while True:
            with self.lock:
                worker = self.worker
            if worker is None:
                return
            worker.join()
