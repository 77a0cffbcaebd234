"""Last-updated date of each page: the newest commit date of the data files the page comes from.

One `git log` over the data directory. Without git, outside a repository, or for files whose history
a shallow clone cut off, there is simply no date; the build never fails because of it. Dates come from
commits, never from the clock or file times, so the same checkout always gives the same pages.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..model.portal import PlanBundle, Portal
from .repo import is_shallow, run_git

_MARK = "\x1e"


def _git(cwd: Path, *args: str) -> str | None:
    """Text output of a git command, or None when git or the repository is missing."""
    out = run_git(cwd, *args)
    return out.decode("utf-8", "replace") if out is not None else None


def _boundaries(cwd: Path) -> set[str]:
    """Commits where a shallow clone's history stops (their files' real dates are unknown)."""
    if not is_shallow(cwd):
        return set()
    shallow = (_git(cwd, "rev-parse", "--git-path", "shallow") or "").strip()
    path = cwd / shallow if shallow else None
    return set(path.read_text().split()) if path and path.is_file() else set()


def file_dates(directory: Path) -> dict[str, str]:
    """Resolved file path (as text) → `YYYY-MM-DD` of the newest commit touching it (empty without git)."""
    directory = directory.resolve()
    top = _git(directory, "rev-parse", "--show-toplevel")
    log = _git(directory, "log", f"--format={_MARK}%H %cs", "--name-only", "--no-renames", "--", ".")
    if not top or log is None:
        return {}
    root, cut = top.strip(), _boundaries(directory)
    resolve = _Resolver()
    dates: dict[str, str] = {}
    for entry in log.split(_MARK)[1:]:
        head, *names = entry.strip().splitlines()
        commit, date = head.split()
        for name in filter(None, names):
            path = resolve(os.path.join(root, name))
            if path not in dates:
                dates[path] = "" if commit in cut else date
    return {p: d for p, d in dates.items() if d}


class _Resolver:
    """`os.path.realpath` of many files in few folders: each folder is resolved once, each file checked for a link."""

    def __init__(self) -> None:
        """No folder resolved yet."""
        self.folders: dict[str, str] = {}

    def __call__(self, path: str | Path) -> str:
        """The real path of `path`, as text."""
        folder, name = os.path.split(os.fspath(path))
        real = self.folders.get(folder)
        if real is None:
            real = self.folders[folder] = os.path.realpath(folder)
        joined = os.path.join(real, name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined


def _newest(paths: list[Path], dates: dict[str, str], resolve: _Resolver) -> str:
    """The newest date among these files ('' when none is known)."""
    return max((dates.get(resolve(p), "") for p in paths), default="")


def _plan_dates(bundle: PlanBundle, dates: dict[str, str], resolve: _Resolver) -> tuple[str, dict[str, str]]:
    """A plan's newest date over all its files, and each project page's (its plan file and its own file)."""
    plan = _newest([bundle.plan_file.path], dates, resolve)
    own = {pid: max(plan, _newest([f.path], dates, resolve)) for pid, f in bundle.project_files.items()}
    return max([plan, *own.values()]), own


def _known_newest(bundle: PlanBundle, dates: dict[str, str], resolve: _Resolver) -> str:
    """A plan's newest date from its plan file and its project files by name (a shard knows other organisations' plans so)."""
    folder = bundle.plan_file.path.parent / "projects"
    return _newest([bundle.plan_file.path, *(folder / f"{stem}.yaml" for stem in sorted(bundle.declared_ids))], dates, resolve)


def stamp(pages: list[Any], portal: Portal, whole: Portal | None = None) -> dict[str, str]:
    """Put `updated` (newest date among the data files the page comes from) into each page's context when known.

    A project page comes from its file and its plan file, a plan's pages from all its files, portal-wide pages from
    every plan's files; each plan's dates are worked out once, not once per page. Returns every data file's date.
    `whole`: a shard's portal with every plan (other organisations' known by their files' names), whose newest date the
    pages without a plan (an organisation's overview) show, as in a whole build.
    """
    folders = {b.plan_file.path.resolve().parent.parent.parent for b in portal.plans}
    dates: dict[str, str] = {}
    for folder in sorted(folders):
        dates.update(file_dates(folder))
    if not dates:
        return dates
    resolve = _Resolver()
    plans = {id(b): _plan_dates(b, dates, resolve) for b in portal.plans}
    everything = max((newest for newest, _ in plans.values()), default="")
    own = {b.key for b in portal.plans}
    everything = max([everything, *(_known_newest(b, dates, resolve) for b in whole.plans if b.key not in own)] if whole else [everything])
    for page in pages:
        bundle, project = page.context.get("bundle"), page.context.get("project")
        if bundle is None:
            updated = everything
        elif project is None:
            updated = plans[id(bundle)][0]
        else:
            updated = plans[id(bundle)][1].get(project.id) or _newest([bundle.plan_file.path], dates, resolve)
        if updated:
            page.context["updated"] = updated
    return dates
