"""Reuse of the last build's pages: a page under an organisation's folder is rendered again only when its inputs changed.

What such a page can show is bounded by what a shard build of its organisation reads (shards/shard.py, proven
byte-identical to a whole build by tests/test_shards.py): the organisation's own files, every site.yaml, org.yaml
and plan.yaml, and the organisations its projects continue into or from (`continues`). To that come the git
history and file dates of the organisation's files and our own code. All of it goes into one fingerprint per
organisation (`fingerprints`); a page's key is that fingerprint with the page's path. `build/cache/pages.json`
keeps each page's key with the size and mtime of its Markdown in the docs tree as written then, so a page is
reused only when its key is the same and its file is untouched. Portal-wide pages (home, all projects, changes,
downloads, search) depend on every plan and are always rendered.
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..base.digest import code_digest, file_digest, tree_digest
from ..git.history import History
from ..model.portal import PlanOutline, Portal
from ..outputs.memo import PlanMemo

CACHE_VERSION = 1
PAGES = "pages.json"


def source_digests(portal: Portal) -> dict[str, str]:
    """The digest of every file the portal was read from, as the loader took it (full path → SHA-256 of its bytes)."""
    found = {}
    for bundle in portal.plans:
        for source in (bundle.org_file, bundle.plan_file, *bundle.sources, *bundle.report_files):
            if source.digest:
                found[os.fspath(source.path)] = source.digest
    return found


def _shared_digest(portal: Portal, known: dict[str, str]) -> str:
    """Hash of what every organisation's pages can show: code, the site settings, every org.yaml and plan.yaml."""
    digest = hashlib.sha256(code_digest().encode() + portal.site.model_dump_json().encode())
    files = {(b.org_file.path.parent.parent, path) for b in portal.plans for path in (b.org_file.path, b.plan_file.path)}
    for data, path in sorted(files):
        sha = known.get(os.fspath(path)) or file_digest(os.fspath(path))
        digest.update(f"{os.path.relpath(path, data)}\0{sha}\n".encode())  # from data/: a moved checkout keeps its keys
    return digest.hexdigest()


def _history_lines(history: History) -> dict[str, list[str]]:
    """Each organisation's changes as text (a new commit touching it gives other lines)."""
    lines: dict[str, list[str]] = {}
    for key, changes in sorted(history.by_project.items()):
        lines.setdefault(key.split("/", 1)[0], []).extend(repr((key, c.title, c.commit, c.when.isoformat(), c.messages, c.exists)) for c in changes)
    return lines


def _dated(dates: dict[str, str], folders: dict[str, Path]) -> dict[str, list[str]]:
    """Each organisation's file dates as `path from its folder=date` (sorted paths: one pass, not one per organisation)."""
    paths, found = sorted(dates), {}
    for org, folder in folders.items():
        prefix = os.path.realpath(folder) + os.sep
        mine = []
        for path in itertools.islice(paths, bisect.bisect_left(paths, prefix), None):  # the paths under `prefix` follow it
            if not path.startswith(prefix):
                break
            mine.append(f"{path[len(prefix):]}={dates[path]}")
        found[org] = sorted(mine)
    return found


def _groups(portal: Portal) -> dict[str, set[str]]:
    """Each organisation → the organisations joined to it by `continues` links, either way, transitively."""
    group = {b.org.id: {b.org.id} for b in portal.plans}
    for bundle in portal.plans:
        for target in (t.split("/", 1)[0] for p in bundle.projects for t in p.continues):
            if target in group and group[target] is not group[bundle.org.id]:
                merged = group[target] | group[bundle.org.id]
                for org in merged:
                    group[org] = merged
    return group


def fingerprints(portal: Portal, history: History, dates: dict[str, str], whole: Portal | None = None) -> dict[str, str]:
    """Organisation id → the hash of everything its pages can show (see the module's note).

    Files the loader read are hashed by the digest it took of them (what was validated is what is keyed); only the
    others (official documents, anything else in the folder) are read here. `whole`: a shard's portal with every plan
    (the other organisations' without projects), whose org.yaml and plan.yaml files every page can show; `portal`
    then holds the shard's own organisations only.
    """
    known = source_digests(whole or portal)
    shared, own = _shared_digest(whole or portal, known), {}
    folders = {b.org.id: b.org_file.path.parent for b in portal.plans}
    changed, dated = _history_lines(history), _dated(dates, folders)
    for org, folder in folders.items():
        digest = tree_digest(folder, known)
        digest.update("\n".join(changed.get(org, []) + dated[org]).encode())
        own[org] = digest.hexdigest()
    groups = _groups(portal)
    return {org: hashlib.sha256((shared + "".join(own[o] for o in sorted(groups[org]))).encode()).hexdigest() for org in folders}


def page_facts(context: Mapping[str, object]) -> str:
    """What a page shows beyond its organisation's data, as text for its key: its plain context values and plan outlines.

    A page's date can be the portal's newest (an organisation's overview); a plan's part of the split all-projects
    table names the portal's project count and the plans beside it (other organisations'). The data objects
    (bundle, project …) are covered by the fingerprint and left out here.
    """
    return repr(sorted((k, v) for k, v in context.items() if _plain(v)))


def _plain(value: object) -> bool:
    """Plain text, numbers, plan outlines, or tuples and lists of them (never the big data objects)."""
    if value is None or isinstance(value, (str, int, float, PlanOutline)):
        return True
    return isinstance(value, (tuple, list)) and all(_plain(v) for v in value)


@dataclass
class PageReuse:
    """The pages of the last build that this build keeps (`kept`), and the keys it records for the next build."""

    cache: Path  # build/cache
    docs: Path  # the docs tree the kept pages are in
    fresh: bool = False  # `build --full`: nothing is kept (the keys are still recorded)
    keys: dict[str, str] = field(default_factory=dict)  # page or feed path → this build's key (under an organisation's folder)
    kept: set[str] = field(default_factory=set)
    memo: PlanMemo | None = None  # the search-index and download parts of plans that did not change
    whole: Portal | None = None  # a shard's: every plan, for the org.yaml and plan.yaml files all pages can show

    def plan(self, portal: Portal, history: History, dates: dict[str, str], paths: Mapping[str, str]) -> None:
        """Key every path under an organisation's folder and keep those whose key and file are as the last build left them.

        `paths`: page or feed path → what else its file shows (a page's date: an organisation's overview shows the portal's newest).
        """
        prints = fingerprints(portal, history, dates, self.whole)
        plans = {b.key: hashlib.sha256(f"{prints[b.org.id]}\0{b.key}".encode()).hexdigest() for b in portal.plans}
        self.memo = PlanMemo(self.cache / "plans", plans, self.fresh, self.docs)
        for path, extra in paths.items():
            org = path.split("/", 1)[0]
            if "/" in path and org in prints:
                self.keys[path] = hashlib.sha256(f"{prints[org]}\0{path}\0{extra}".encode()).hexdigest()[:32]
        previous = {} if self.fresh else _previous(self.cache / PAGES)
        docs = os.fspath(self.docs)  # plain strings: a Path per page costs ~0.2 s at 10,000 projects
        self.kept = {path for path, key in self.keys.items() if (entry := previous.get(path)) and entry == [key, *_stamp(os.path.join(docs, path))]}

    def remember(self) -> None:
        """Record every keyed file's key with its file as now written (written beside, then renamed)."""
        docs = os.fspath(self.docs)
        stamps = {path: (key, _stamp(os.path.join(docs, path))) for path, key in sorted(self.keys.items())}
        entries = {path: [key, *stamp] for path, (key, stamp) in stamps.items() if stamp}  # a file not written has none
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = self.cache / f".{PAGES}.tmp"
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "pages": entries}, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.cache / PAGES)


def _stamp(path: str | Path) -> list[object]:
    """Size and mtime of a file ([] when missing, or not a file)."""
    try:
        found = os.stat(path)
    except OSError:
        return []
    return [found.st_size, found.st_mtime_ns] if stat.S_ISREG(found.st_mode) else []


def _previous(path: Path) -> dict[str, list[object]]:
    """The last build's page records (nothing when missing or damaged: then every page is rendered)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("pages"), dict):
        return {}
    return {k: v for k, v in data["pages"].items() if isinstance(v, list) and len(v) == 3}
