"""Atomic publish: a build killed with SIGKILL at any moment leaves a complete site; two builds at once do not mix.

Builds run as real `site-builder build` subprocesses. The killed builds use changed data, so a complete
site is either exactly the previous one or exactly the new one (compared as a hash of the whole tree).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.write.tree import recover_dir, replace_dir
from tests.conftest import FIXTURE_DATA, ROOT

KILL_RUNS = 10


def tree_hash(site: Path) -> str:
    """One hash over every path and its bytes (empty folders and stray files count too)."""
    digest = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        digest.update(path.relative_to(site).as_posix().encode() + (b"/" if path.is_dir() else b""))
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _start(data: Path, site: Path, build: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "site_builder", "build", "--data", str(data), "--site-dir", str(site), "--build-dir", str(build)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _finish(proc: subprocess.Popen[bytes]) -> None:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, (out.decode(), err.decode())


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Old data and its site, new data (one title changed) and the hash of its clean build, one build's duration."""
    tmp = tmp_path_factory.mktemp("atomic")
    old, new = tmp / "old-data", tmp / "new-data"
    shutil.copytree(FIXTURE_DATA, old)
    shutil.copytree(FIXTURE_DATA, new)
    p1 = new / "demo-org/2024/projects/p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8").replace("title: ", "title: 바뀐 ", 1), encoding="utf-8")
    started = time.monotonic()
    _finish(_start(old, tmp / "old-site", tmp / "old-build"))
    duration = time.monotonic() - started
    _finish(_start(new, tmp / "new-site", tmp / "new-build"))
    return {"tmp": tmp, "old": old, "new": new, "old_site": tmp / "old-site", "duration": duration,
            "old_hash": tree_hash(tmp / "old-site"), "new_hash": tree_hash(tmp / "new-site")}


def test_old_and_new_sites_differ(sites: dict[str, object]):
    assert sites["old_hash"] != sites["new_hash"]


def test_sigkill_at_random_moments_leaves_a_complete_site(sites: dict[str, object], tmp_path: Path):
    site, build = tmp_path / "site", tmp_path / "build"
    shutil.copytree(sites["old_site"], site)  # type: ignore[arg-type]
    rng = random.Random(20241118)
    duration = float(sites["duration"])  # type: ignore[arg-type]
    outcomes = []
    for run in range(KILL_RUNS):
        proc = _start(sites["new"], site, build)  # type: ignore[arg-type]
        time.sleep(rng.uniform(0.0, duration * 1.1))
        if run % 2:
            os.kill(proc.pid, signal.SIGKILL)  # the build process alone: an orphaned MkDocs may run on
        else:
            os.killpg(proc.pid, signal.SIGKILL)  # the whole process group, as an OOM kill or power cut would
        proc.communicate()
        now = tree_hash(site)
        assert now in (sites["old_hash"], sites["new_hash"]), f"run {run}: site is neither the old nor the new one"
        outcomes.append("new" if now == sites["new_hash"] else "old")
        if now == sites["new_hash"]:  # start over from the old site so later kills can still catch a swap
            shutil.rmtree(site)
            shutil.copytree(sites["old_site"], site)  # type: ignore[arg-type]
    _finish(_start(sites["new"], site, build))  # the next build cleans up and publishes normally
    assert tree_hash(site) == sites["new_hash"]
    assert not list(tmp_path.glob(".site-tmp-*")) and not (tmp_path / ".site.old").exists()
    print(f"kill runs: {KILL_RUNS}, outcomes: {outcomes}")


def test_two_builds_at_once_equal_one_clean_build(sites: dict[str, object], tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(sites["old_site"], site)  # type: ignore[arg-type]
    for build_dirs in ([tmp_path / "b", tmp_path / "b"], [tmp_path / "b1", tmp_path / "b2"]):
        procs = [_start(sites["new"], site, b) for b in build_dirs]  # type: ignore[arg-type]
        for proc in procs:
            _finish(proc)
        assert tree_hash(site) == sites["new_hash"]
        assert not list(tmp_path.glob(".site-tmp-*"))


def test_swap_cut_between_renames_is_recovered(tmp_path: Path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("old", encoding="utf-8")
    site.rename(tmp_path / ".site.old")  # killed after the first rename of the fallback swap
    recover_dir(site)
    assert (site / "index.html").read_text(encoding="utf-8") == "old"


def test_replace_dir_swaps_whole_folders(tmp_path: Path):
    site, new = tmp_path / "site", tmp_path / "new"
    site.mkdir()
    new.mkdir()
    (site / "a").write_text("old", encoding="utf-8")
    (new / "b").write_text("new", encoding="utf-8")
    replace_dir(new, site)
    assert [p.name for p in site.iterdir()] == ["b"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


WAITING = "다른 빌드가 진행 중이라 끝나기를 기다립니다"
HOLD = "import fcntl, sys, time\nh = open(sys.argv[1], 'a+b')\nfcntl.flock(h, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(float(sys.argv[2]))\n"


def _hold_lock(lock: Path, seconds: float) -> subprocess.Popen[bytes]:
    """Another process holding a build's lock (as a running build does) for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(lock), str(seconds)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline() == b"held\n"
    return proc


def test_a_build_that_waits_for_the_lock_says_so_once(tmp_path: Path):
    site, build = tmp_path / "site", tmp_path / "build"
    holder = _hold_lock(tmp_path / ".site.lock", 3.0)
    started = time.monotonic()
    out, err = _start(FIXTURE_DATA, site, build).communicate(timeout=120)
    holder.wait()
    text = err.decode()
    assert text.count(WAITING) == 1 and f"(잠금: {tmp_path / '.site.lock'})" in text, text
    assert time.monotonic() - started >= 2.5 and (site / "index.html").is_file()  # it did wait, then built


def test_a_build_that_does_not_wait_says_nothing(tmp_path: Path):
    out, err = _start(FIXTURE_DATA, tmp_path / "site", tmp_path / "build").communicate(timeout=120)
    assert WAITING not in err.decode() and (tmp_path / "site" / "index.html").is_file()


def test_lock_of_a_killed_build_does_not_block(tmp_path: Path):
    holders = [_hold_lock(tmp_path / name, 600) for name in (".site.lock", ".build.lock")]
    for holder in holders:
        os.kill(holder.pid, signal.SIGKILL)  # as an OOM kill would: no clean-up runs, the lock files stay
        holder.wait()
    assert (tmp_path / ".site.lock").exists() and (tmp_path / ".build.lock").exists()
    proc = _start(FIXTURE_DATA, tmp_path / "site", tmp_path / "build")
    out, err = proc.communicate(timeout=60)  # a lock that outlived its process would hang here
    assert proc.returncode == 0 and WAITING not in err.decode(), err.decode()
