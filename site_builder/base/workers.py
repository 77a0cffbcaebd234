"""Worker processes: how many to use, and work run in forked children that inherit the data (never pickled in).

Forking is used on Linux only (macOS frameworks are not fork-safe, Windows has no fork) and never from a process
that runs threads (`serve`): a child would inherit locks held by the other threads. Everywhere else the same work
runs in this process, so results never depend on whether workers were used.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_STATE: list[Any] = []  # what the children of `forked` work from: set before they fork, so inherited, never pickled


def configured_jobs(limit: int) -> int:
    """Processes to use: SITE_BUILDER_JOBS when set, else one per usable core, at most `limit` (MkDocs parts ask too)."""
    wanted = os.environ.get("SITE_BUILDER_JOBS", "")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(wanted) if wanted.isdecimal() else min(cores, limit)


def can_fork() -> bool:
    """Whether this process may fork workers: on Linux, with no other thread running."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


@contextmanager
def forked(jobs: int, state: Any) -> Iterator[ProcessPoolExecutor]:
    """A pool of `jobs` forked processes that inherit `state` (`inherited()` in a task); a killed one raises, never hangs.

    (A multiprocessing Pool waits forever for the task of a worker the kernel killed, e.g. out of memory;
    ProcessPoolExecutor raises BrokenProcessPool.) Its processes fork at the first submit, so submit inside.
    """
    _STATE[:] = [state]
    executor = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"))
    try:
        yield executor
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _STATE.clear()


def inherited() -> Any:
    """The `state` of the `forked` pool this task runs in."""
    return _STATE[0]


@contextmanager
def background(func: Callable[..., T], *args: Any, worth: bool = True) -> Iterator[Callable[[], T]]:
    """Start `func(*args)` in a forked child; the yielded function waits for its result (computed here when forking is off or not `worth` it)."""
    if not worth or configured_jobs(2) < 2 or not can_fork():
        yield lambda: func(*args)
        return
    with forked(1, (func, args)) as pool:
        yield pool.submit(_run_inherited).result


def _run_inherited() -> Any:
    """`background`'s call, in the child."""
    func, args = inherited()
    return func(*args)


def _run_span(span: tuple[int, int]) -> list[Any]:
    """`mapped`'s function over items[start:stop], in a child."""
    func, items = inherited()
    return [func(item) for item in items[span[0]:span[1]]]


def mapped(func: Callable[[T], R], items: Sequence[T], minimum: int, chunk: int = 100) -> list[R]:
    """`func` over `items`, in order; from `minimum` items in forked workers (one per core, at most 4), results pickled back."""
    jobs = configured_jobs(4)
    if len(items) < minimum or jobs < 2 or not can_fork():
        return [func(item) for item in items]
    with forked(jobs, (func, items)) as pool:
        spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
        return [result for part in pool.map(_run_span, spans) for result in part]
