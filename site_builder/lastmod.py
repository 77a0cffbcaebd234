"""Last-updated date of each page: the newest commit date of the data files the page comes from.

One `git log` over the data directory. Without git, outside a repository, or for files whose history
a shallow clone cut off, there is simply no date; the build never fails because of it. Dates come from
commits, never from the clock or file times, so the same checkout always gives the same pages.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .gitrepo import is_shallow, run_git
from .validation import PlanBundle, Portal

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


def file_dates(directory: Path) -> dict[Path, str]:
    """Resolved file path → `YYYY-MM-DD` of the newest commit touching it (empty without git)."""
    directory = directory.resolve()
    top = _git(directory, "rev-parse", "--show-toplevel")
    log = _git(directory, "log", f"--format={_MARK}%H %cs", "--name-only", "--no-renames", "--", ".")
    if not top or log is None:
        return {}
    root, cut = Path(top.strip()), _boundaries(directory)
    dates: dict[Path, str] = {}
    for entry in log.split(_MARK)[1:]:
        head, *names = entry.strip().splitlines()
        commit, date = head.split()
        for name in filter(None, names):
            path = (root / name).resolve()
            if path not in dates:
                dates[path] = "" if commit in cut else date
    return {p: d for p, d in dates.items() if d}


def _bundle_files(bundle: PlanBundle) -> list[Path]:
    """The plan file and every project file of a plan."""
    return [bundle.plan_file.path] + [f.path for f in bundle.project_files.values()]


def page_sources(context: dict[str, Any], portal: Portal) -> list[Path]:
    """The data files a page is made from: its project (and plan), its plan, or all plans."""
    bundle, project = context.get("bundle"), context.get("project")
    if project is not None and bundle is not None:
        own = bundle.project_files.get(project.id)
        return [bundle.plan_file.path] + ([own.path] if own else [])
    if bundle is not None:
        return _bundle_files(bundle)
    return [p for b in portal.plans for p in _bundle_files(b)]


def stamp(pages: list[Any], portal: Portal) -> None:
    """Put `updated` (newest date among the page's sources) into each page's context when known."""
    folders = {b.plan_file.path.resolve().parent.parent.parent for b in portal.plans}
    dates: dict[Path, str] = {}
    for folder in sorted(folders):
        dates.update(file_dates(folder))
    if not dates:
        return
    resolved: dict[Path, Path] = {}  # a plan's files are the sources of many pages: resolve each once
    for page in pages:
        sources = page_sources(page.context, portal)
        resolved.update((p, p.resolve()) for p in sources if p not in resolved)
        known = [dates[resolved[p]] for p in sources if resolved[p] in dates]
        if known:
            page.context["updated"] = max(known)
