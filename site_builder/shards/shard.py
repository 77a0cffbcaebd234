"""One shard: the organisations it owns (dealt from folder names), its build with stand-ins for other pages, and its manifest."""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..base.digest import file_digest, tree_digest
from ..base.problem import Problem
from ..engine.config import NAV_MAX_ORGS
from ..git.history import History, recent_json
from ..model.portal import Portal
from ..outputs.downloads import PORTAL_ROWS, download_files
from ..pipeline import run as pl
from ..plan.directory import directory_paths
from ..plan.portal_pages import plan_parts, splits, stand_ins
from ..render.reuse import PageReuse, source_digests
from ..write.tree import update_file

MANIFEST = "shard.json"
PREVIEW = "미리 보기"  # shard.json's data hash of a preview shard (`build --preview`): no data has it, so assemble refuses the shard


def data_plans(data_dir: Path) -> dict[str, int]:
    """`<org>/<year>` → number of project files, from folder names alone (no file is read)."""
    plans: dict[str, int] = {}
    for org in sorted(os.listdir(data_dir)):
        folder = os.path.join(data_dir, org)
        if org.startswith(".") or not os.path.isdir(folder) or not os.path.isfile(os.path.join(folder, "org.yaml")):
            continue
        for year in sorted(os.listdir(folder)):
            if os.path.isfile(os.path.join(folder, year, "plan.yaml")):
                projects = os.path.join(folder, year, "projects")
                plans[f"{org}/{year}"] = sum(n.endswith(".yaml") for n in os.listdir(projects)) if os.path.isdir(projects) else 0
    return plans


def folder_shard_orgs(data_dir: Path, spec: str) -> list[str]:
    """Organisations of shard `i/n`, decided from the data folder's names before anything is read."""
    sizes: dict[str, int] = {}
    for key, count in data_plans(data_dir).items():
        org = key.split("/")[0]
        sizes[org] = sizes.get(org, 0) + count + 1
    return deal(sizes, spec)


def deal(sizes: dict[str, int], spec: str) -> list[str]:
    """Organisations of shard `i/n` (1-based): largest first onto the least-loaded shard, so shards are even."""
    index, count = (int(x) for x in spec.split("/"))  # ValueError for anything but `i/n`
    if not 1 <= index <= count:
        raise ValueError(f"샤드 번호는 1/{count}부터 {count}/{count}까지입니다: {spec}")
    loads, owner = [0] * count, {}
    for org in sorted(sizes, key=lambda o: (-sizes[o], o)):
        least = min(range(count), key=lambda i: (loads[i], i))
        loads[least] += sizes[org]
        owner[org] = least
    return sorted(o for o, s in owner.items() if s == index - 1)


def data_fingerprint(data_dir: Path, known: Mapping[str, str] | None = None) -> str:
    """Hash of every data file's path and bytes: shards built from different data must not be joined.

    `known`: digests the loader already took (full path → SHA-256), so a shard does not read its own files twice.
    """
    return tree_digest(data_dir, known).hexdigest()[:16]


Walk = dict[str, list[str]]  # top-level folder of data/ ("" for its own files) → `path\0size\0mtime` of every file, sorted


def walk_data(data_dir: Path) -> Walk:
    """One `stat` of every data file, by organisation folder."""
    found: Walk = {}
    top = os.fspath(data_dir)
    for folder, dirs, names in os.walk(top):
        dirs.sort()
        rel = os.path.relpath(folder, top)
        entries = found.setdefault("" if rel == "." else rel.split(os.sep)[0], [])
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            entries.append(f"{name if rel == '.' else os.path.join(rel, name)}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return {folder: sorted(entries) for folder, entries in found.items()}


def walked_state(walk: Walk) -> str:
    """`data_state` of walked files."""
    digest = hashlib.sha256(b"state\0")
    digest.update("\n".join(sorted(entry for entries in walk.values() for entry in entries)).encode())
    return "s" + digest.hexdigest()[:15]


def data_state(data_dir: Path) -> str:
    """Hash of every data file's path, size and modification time: what a sharded `build` checks the data against at its end.

    One `stat` a file (a second at 100,000 projects, where reading them all again takes ten): it tells whether any file
    changed while the shards were built, which the data fingerprint of each shard would tell only by reading everything.
    """
    return walked_state(walk_data(data_dir))


def stubs(portal: Portal, orgs: list[str]) -> dict[str, str | bytes]:
    """Placeholder pages for what the pages of a shard (or of the assembly, `orgs` empty) need of other organisations (discarded when assembling).

    While the sidebar lists the plans (at most NAV_MAX_ORGS organisations): every other plan's overview and its
    organisation's page, and in a portal split by plan (`splits`) each plan's table page. Beyond that nothing links to
    them through MkDocs but the table pages' pagers (the plans beside the shard's own), and the merged sitemap needs
    each shard to order its organisations' pages before the next organisation (engine/sitemap.page_order): its page.
    At 100,000 projects that is a handful of stubs a shard instead of ~5,000 MkDocs pages each.
    """
    ids = sorted({b.org.id for b in portal.plans})
    parts = plan_parts() if splits(portal.project_count()) else []
    if len(ids) <= NAV_MAX_ORGS:
        return {path: _stub(path) for b in portal.plans if b.org.id not in orgs
                for path in [f"{b.org.id}/index.md", f"{b.key}/index.md", *(split.path(b.key) for split in parts)]}
    wanted = {f"{ids[i + 1]}/index.md" for i, org in enumerate(ids[:-1]) if org in orgs and ids[i + 1] not in orgs}
    outline = [o.key for o in portal.whole()]
    for i in (i for i, key in enumerate(outline) if key.split("/")[0] in orgs):
        beside = [outline[j] for j in (i - 1, i + 1) if 0 <= j < len(outline) and outline[j].split("/")[0] not in orgs]
        wanted |= {split.path(key) for key in beside for split in parts}
    return {path: _stub(path) for path in sorted(wanted)}


def _stub(path: str) -> str:
    """A placeholder page: its path as the heading (an overview's without `/index.md`)."""
    return f"# {path.removesuffix('/index.md')}\n"


# A shard's stand-ins for the portal-wide pages (assemble builds them): the targets of the shard pages' links and nav.
PORTAL_STUBS = stand_ins()


def _shard_problem(paths: pl.Paths, message: str, expected: str, found: str) -> pl.Checked:
    """A shard that cannot be built for the way it was asked for."""
    return pl.Checked(None, [Problem(str(paths.data_dir), 1, 1, "", message, expected, found)])


def _own_orgs(paths: pl.Paths, orgs: list[str], spec: str | None) -> tuple[list[str], pl.Checked | None]:
    """The shard's organisations (`orgs` plus shard `spec`), or why there are none."""
    known = {key.split("/")[0] for key in data_plans(paths.data_dir)} if paths.data_dir.is_dir() else set()
    try:
        chosen = sorted(set(orgs) | set(folder_shard_orgs(paths.data_dir, spec) if spec else []))
    except (ValueError, OSError) as exc:
        return [], _shard_problem(paths, str(exc), "I/N (1 ≤ I ≤ N)", spec or "")
    unknown = sorted(set(chosen) - known)
    if unknown:
        return [], _shard_problem(paths, "없는 기관입니다", "data/ 아래 기관 식별자", ", ".join(unknown))
    return chosen, None


def outside_links(portal: Portal, orgs: list[str]) -> list[list[str]]:
    """[project key, `continues` target] pairs of the shard's projects that lead into another organisation."""
    return sorted([f"{b.key}/{p.id}", other] for b in portal.plans if b.org.id in orgs for p in b.projects
                  for other in p.continues if other.split("/")[0] != b.org.id)


def build_shard(paths: pl.Paths, site_dir: Path, orgs: list[str], strict: bool = False, spec: str | None = None,
                full: bool = False, trusted: str | None = None, preview: bool = False) -> tuple[pl.Checked, str]:
    """Build the site of some organisations (`orgs`, plus shard `spec` `i/n`) with `shard.json`; the old `site_dir` stays unless all succeeds.

    As `build` does: pages whose inputs did not change since this shard's last build are kept (`full`: none), every
    file is written into the docs tree as it is made, and MkDocs renders only the changed files when it can.
    `trusted`: a shard of `build`'s own (shards/runner.py), assembled by the same run under its lock: `shard.json`
    records this state of the data (`data_state`, taken once for all shards) and no SHA-256 of its files.
    `preview`: pages for `serve`'s quick view only (pipeline/quickview.py shows the organisations' folders, nothing
    else): no search index, no data hash or file digests in `shard.json`, so assemble refuses it.
    """
    orgs, refused = _own_orgs(paths, orgs, spec)
    if refused is not None:
        return refused, ""
    reuse = PageReuse(paths.cache_dir, paths.docs_dir, fresh=full)
    with pl.paused_gc():  # as in `build`: one pause over check, history and generation
        checked, history = pl.checked_history(paths, pl.Options(strict, frozenset(orgs), reuse))  # other plans come without projects
        if checked.portal is None or history is None:
            return checked, ""
        portal = reuse.whole = checked.portal
        known = source_digests(portal)  # the loader's digests: the data hash reads no file twice
        pl.shed_sources(portal)
        data = PREVIEW if preview else trusted or data_fingerprint(paths.data_dir, known)
        manifest = {"orgs": orgs, "data": data, "plans": sorted(b.key for b in portal.plans if b.org.id in orgs),
                    "links": outside_links(portal, orgs), "history": recent_json(history)}
        return checked, pl.publish_safely(paths, site_dir, checked, lambda: _publish_shard(paths, site_dir, checked, history, reuse, manifest, trusted is None and not preview))


def _publish_shard(paths: pl.Paths, site_dir: Path, checked: pl.Checked, history: History, reuse: PageReuse, manifest: Mapping[str, Any],
                   digests: bool) -> str:
    """Generate the shard's pages straight into the docs tree, run MkDocs, add `shard.json` and swap the site in (the caller holds the lock)."""
    portal, orgs = checked.portal, manifest["orgs"]
    assert portal is not None
    options = pl.Options(orgs=frozenset(orgs))
    side = (download_files,) if manifest["data"] == PREVIEW else pl.SIDE_JOBS  # a preview's search would never be served
    streamed = pl.generate_into(functools.partial(_write_own, paths.docs_dir, set()), portal.only(orgs), history, reuse, options.keeps, portal, side)
    streamed = {path: written for path, written in streamed.items() if not path.startswith(PORTAL_ROWS)}
    pl.release_memory()
    files = stubs(portal, orgs) | PORTAL_STUBS | {path: "# 계획 목록\n" for path in directory_paths(len(portal.whole()))}  # assemble makes them
    return pl.publish_docs(paths, site_dir, files, checked, portal, reuse, streamed, functools.partial(_seal, manifest, digests))


def _write_own(docs: Path, made: set[str], rel: str, content: str | bytes) -> bool:
    """`update_file`, but not the portal-wide downloads (assemble makes them from every shard's rows)."""
    return False if rel.startswith(PORTAL_ROWS) else update_file(docs, rel, content, made)


def _seal(manifest: Mapping[str, Any], digests: bool, site: Path) -> None:
    """Write `shard.json`, with the SHA-256 of every file of the built site (`digests`): assemble refuses a shard changed since."""
    sealed = {**manifest, "files": file_digests(site)} if digests else dict(manifest)
    path = site / MANIFEST
    path.unlink(missing_ok=True)  # an incremental build hard-linked the last one in: never write through the link
    path.write_text(json.dumps(sealed, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def file_digests(site: Path) -> dict[str, str]:
    """SHA-256 of every file of a shard's site but `shard.json`, by path (`/`-separated), sorted."""
    digests = {}
    top = os.fspath(site)
    for folder, _, names in os.walk(top):  # plain strings: pathlib costs seconds at 10,000 pages
        prefix = "" if folder == top else os.path.relpath(folder, top).replace(os.sep, "/") + "/"
        for name in names:
            digests[prefix + name] = file_digest(os.path.join(folder, name))
    digests.pop(MANIFEST, None)
    return dict(sorted(digests.items()))


def changed_file(site: Path, recorded: dict[str, str]) -> tuple[str, str] | None:
    """The first file (by path) of a shard that differs from `shard.json`: (path, what: 바뀜, 없음, 더해짐); None when all match."""
    found = file_digests(site)
    for rel in sorted(found.keys() | recorded.keys()):
        if rel not in found:
            return rel, "없음"
        if rel not in recorded:
            return rel, "더해짐"
        if found[rel] != recorded[rel]:
            return rel, "바뀜"
    return None
