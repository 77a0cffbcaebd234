"""The `tree MB` column of benchmarks/run.py: the summed RSS of a process and all its descendants."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from benchmarks import run as bench

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")


def test_parent_pid_survives_odd_command_names() -> None:
    assert bench.parent_pid("1234 (python3) S 77 1234 1234 0 -1") == 77
    assert bench.parent_pid("1234 (a) b (c) R 5 6 7") == 5  # the name may hold spaces and parentheses: the last `)` ends it


def test_vmrss_is_read_in_kb_and_missing_is_zero() -> None:
    assert bench.vmrss_kb("Name:\tpython3\nVmPeak:\t 9000 kB\nVmRSS:\t  12345 kB\nRssAnon:\t 1 kB\n") == 12345
    assert bench.vmrss_kb("Name:\tkthreadd\nState:\tS (sleeping)\n") == 0


def test_pss_is_read_from_smaps_rollup() -> None:
    rollup = "5618237c5000-7ffcfb132000 ---p 00000000 00:00 0  [rollup]\nRss:   2108092 kB\nPss:   1103273 kB\nPss_Dirty:  2102020 kB\n"
    assert bench.pss_kb(rollup) == 1103273
    assert bench.pss_kb("") == 0  # the process is gone


def test_descendants_are_the_whole_subtree_only() -> None:
    parents = {1: 0, 10: 1, 11: 10, 12: 10, 13: 12, 20: 1, 21: 20}
    assert bench.descendants(10, parents) == {10, 11, 12, 13}
    assert bench.descendants(13, parents) == {13}
    assert bench.descendants(1, parents) == {1, 10, 11, 12, 13, 20, 21}
    assert bench.descendants(99, parents) == {99}  # gone since: only itself (its RSS then reads as 0)


def test_tree_rss_counts_children_and_the_peak_holds_while_they_ran() -> None:
    own, _ = bench.tree_rss_kb(os.getpid())
    code = "import sys, time; b = bytearray(80 * 2**20); b[::4096] = b'x' * len(b[::4096]); print('ready', flush=True); sys.stdin.read()"
    with bench.TreePeak() as peak:
        child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
        total, each = bench.tree_rss_kb(os.getpid())
        assert child.pid in each and each[child.pid] >= 80 * 1024
        assert total >= own + 80 * 1024
        time.sleep(1.3)  # the watcher samples RSS every 0.2 s, Pss every 1 s
        child.communicate("")
    assert peak.mb * 1024 >= own + 80 * 1024  # the child is gone, its memory is still in the peak
    assert peak.pss_mb * 1024 >= 80 * 1024 and bench.tree_pss_kb(os.getpid()) <= own * 2


def test_a_tree_above_its_limit_is_killed(tmp_path) -> None:
    code = ("import sys, time; from benchmarks import run as bench\n"
            "with bench.TreePeak(bench.Path(sys.argv[1]), limit_mb=150) as peak:\n"
            "    b = bytearray(400 * 2**20); b[::4096] = b'x' * len(b[::4096]); time.sleep(10)\n"
            "print('survived')\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "timeline")], capture_output=True, text=True, timeout=60, cwd=bench.ROOT)
    assert done.returncode == -9 and "survived" not in done.stdout
    for _ in range(50):  # the watcher writes its timeline after the kill
        if (tmp_path / "timeline").is_file() and "killed" in (tmp_path / "timeline").read_text():
            break
        time.sleep(0.1)
    assert "killed: tree Pss" in (tmp_path / "timeline").read_text()
