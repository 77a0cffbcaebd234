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

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..git.history import History
from ..model.portal import PlanOutline, Portal
from ..outputs.memo import PlanMemo

PACKAGE = Path(__file__).resolve().parent.parent  # site_builder/: templates and code
CACHE_VERSION = 1
PAGES = "pages.json"
_CODE: list[str] = []


def code_digest() -> str:
    """Hash of every file of the site_builder package (code, templates): another version renders everything again."""
    if not _CODE:
        digest = hashlib.sha256(f"{CACHE_VERSION}".encode())
        for folder, dirs, names in os.walk(PACKAGE):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(names):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    digest.update(os.path.relpath(path, PACKAGE).encode() + b"\0" + handle.read() + b"\0")
        _CODE.append(digest.hexdigest())
    return _CODE[0]


def _folder_digest(folder: Path) -> hashlib._Hash:
    """Hash of every file's path and bytes under `folder` (sorted)."""
    digest = hashlib.sha256()
    top = os.fspath(folder)
    for here, dirs, names in os.walk(top):
        dirs.sort()
        for name in sorted(names):
            path = os.path.join(here, name)
            with open(path, "rb") as handle:
                digest.update(os.path.relpath(path, top).encode() + b"\0" + handle.read() + b"\0")
    return digest


def _shared_digest(portal: Portal) -> str:
    """Hash of what every organisation's pages can show: code, the site settings, every org.yaml and plan.yaml."""
    digest = hashlib.sha256(code_digest().encode() + portal.site.model_dump_json().encode())
    files = {(b.org_file.path.parent.parent, path) for b in portal.plans for path in (b.org_file.path, b.plan_file.path)}
    for data, path in sorted(files):
        digest.update(os.path.relpath(path, data).encode() + b"\0" + path.read_bytes() + b"\0")  # from data/: a moved checkout keeps its keys
    return digest.hexdigest()


def _history_lines(history: History, org: str) -> list[str]:
    """The organisation's changes as text (a new commit touching it gives other lines)."""
    return [repr((k, c.title, c.commit, c.when.isoformat(), c.messages, c.exists)) for k, cs in sorted(history.by_project.items())
            if k.split("/", 1)[0] == org for c in cs]


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

    `whole`: a shard's portal with every plan (the other organisations' without projects), whose org.yaml and
    plan.yaml files every page can show; `portal` then holds the shard's own organisations only.
    """
    shared, own = _shared_digest(whole or portal), {}
    folders = {b.org.id: b.org_file.path.parent for b in portal.plans}
    for org, folder in folders.items():
        digest = _folder_digest(folder)
        prefix = os.path.realpath(folder) + os.sep
        dated = sorted(f"{p[len(prefix):]}={d}" for p, d in dates.items() if p.startswith(prefix))
        digest.update("\n".join(_history_lines(history, org) + dated).encode())
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
        self.memo = PlanMemo(self.cache / "plans", plans, self.fresh)
        for path, extra in paths.items():
            org = path.split("/", 1)[0]
            if "/" in path and org in prints:
                self.keys[path] = hashlib.sha256(f"{prints[org]}\0{path}\0{extra}".encode()).hexdigest()[:32]
        previous = {} if self.fresh else _previous(self.cache / PAGES)
        self.kept = {path for path, key in self.keys.items() if (entry := previous.get(path)) and entry == [key, *_stamp(self.docs / path)]}

    def remember(self) -> None:
        """Record every keyed file's key with its file as now written (written beside, then renamed)."""
        entries = {path: [key, *_stamp(self.docs / path)] for path, key in sorted(self.keys.items()) if (self.docs / path).is_file()}
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = self.cache / f".{PAGES}.tmp"
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "pages": entries}, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self.cache / PAGES)


def _stamp(path: Path) -> list[object]:
    """Size and mtime of a file ([] when missing)."""
    try:
        found = os.stat(path)
    except OSError:
        return []
    return [found.st_size, found.st_mtime_ns]


def _previous(path: Path) -> dict[str, list[object]]:
    """The last build's page records (nothing when missing or damaged: then every page is rendered)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("pages"), dict):
        return {}
    return {k: v for k, v in data["pages"].items() if isinstance(v, list) and len(v) == 3}
