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
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# What the children work from: set before the fork, so inherited, never pickled.
_INHERITED: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
_MAPPED: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []


def configured_jobs(limit: int) -> int:
    """Processes to use: SITE_BUILDER_JOBS when set, else one per usable core, at most `limit` (MkDocs parts ask too)."""
    wanted = os.environ.get("SITE_BUILDER_JOBS", "")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return int(wanted) if wanted.isdecimal() else min(cores, limit)


def can_fork() -> bool:
    """Whether this process may fork workers: on Linux, with no other thread running."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


@contextmanager
def background(func: Callable[..., T], *args: Any, worth: bool = True) -> Iterator[Callable[[], T]]:
    """Start `func(*args)` in a forked child; the yielded function waits for its result (computed here when forking is off or not `worth` it)."""
    if not worth or configured_jobs(2) < 2 or not can_fork():
        yield lambda: func(*args)
        return
    _INHERITED[:] = [(func, args)]  # the child inherits them: only the result is pickled
    pool = multiprocessing.get_context("fork").Pool(1)
    _INHERITED.clear()  # the child has its copy
    try:
        result = pool.apply_async(_run_inherited)
        yield result.get
    finally:
        pool.terminate()
        pool.join()


def _run_inherited() -> Any:
    """`background`'s call, in the child."""
    func, args = _INHERITED[0]
    return func(*args)


def _run_span(span: tuple[int, int]) -> list[Any]:
    """`mapped`'s function over items[start:stop], in a child."""
    func, items = _MAPPED[0]
    return [func(item) for item in items[span[0]:span[1]]]


def mapped(func: Callable[[T], R], items: Sequence[T], minimum: int, chunk: int = 100) -> list[R]:
    """`func` over `items`, in order; from `minimum` items in forked workers (one per core, at most 4), results pickled back."""
    jobs = configured_jobs(4)
    if len(items) < minimum or jobs < 2 or not can_fork():
        return [func(item) for item in items]
    _MAPPED[:] = [(func, items)]
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            spans = [(i, min(i + chunk, len(items))) for i in range(0, len(items), chunk)]
            return [result for part in pool.map(_run_span, spans, chunksize=1) for result in part]
    finally:
        _MAPPED.clear()
