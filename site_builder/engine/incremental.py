"""Incremental MkDocs (part of the seam): after an edit, only the docs files that changed are rendered again.

A full build records in `build/cache/engine.json` what it was made from and what it made: a key of the engine
(MkDocs and theme versions, our hooks, mkdocs.yml, theme/, the per-build config, the build date), the docs tree
(size and mtime of every file: `write.tree` rewrites only files whose bytes changed, so an unchanged mtime means
unchanged bytes) and the published site (size and mtime of every file). The next build, when the key is the same,
has MkDocs render and copy only the docs files it wrote, new ones included (engine/hooks.py marks the others
excluded) into a fresh folder, while a thread checks that both trees are otherwise as recorded (`check_trees`); the
rendered files are then renamed into the site in place and the outputs of removed docs files deleted (`apply`:
journaled, rolled back on failure). A page's HTML depends only on its own Markdown, the navigation and the config
(all in the key; project pages are never in the navigation, so adding or removing one leaves it as it was), so the
result is byte-identical to a full build (tests/test_incremental_build.py). Only the sitemap lists every page: when
pages come or go it is patched (`patch_sitemap`). Anything else (no cache, a damaged one, another engine, a site or
docs tree changed since the record, most files changed) is a full build, and the note says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from contextlib import suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from .sitemap import entries_of, with_entries, write_sitemap

CACHE_VERSION = 1  # raise when the manifest's meaning changes: older caches are then ignored
MANIFEST = "engine.json"
JOURNAL = "applying.json"  # an `apply` under way: what to roll back if the build is killed
ENGINE_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")  # MkDocs lists only the pages it rendered: the previous ones are whole
MAX_SHARE = 0.5  # more changed files than this share: a full build (one MkDocs process per core) is as quick
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")  # what MkDocs reads as pages (mkdocs.utils.markdown_extensions)
INDEX_STEMS = ("index", "README")  # MkDocs sorts these first in their folder and makes them the folder's page

State = dict[str, list[int]]  # path → [size, mtime in ns]


@dataclass(frozen=True)
class Update:
    """What the MkDocs stage will do: render only `changed` (None: everything), and why, for the build's note.

    `manifest`: the last build's record, which an incremental update checks the trees against while MkDocs runs;
    `added` (also in `changed`) and `removed`: docs files the record does not have, and recorded ones now gone.
    """

    changed: list[str] | None
    note: str
    manifest: dict[str, Any] | None = None
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def pages_differ(self) -> bool:
        """Whether pages come or go (then the sitemap, which lists every page, is patched)."""
        return any(is_page(rel) for rel in self.added + self.removed)


def engine_key(config_text: str, root: Path, epoch: str) -> str:
    """Hash of everything besides the docs tree that a page's HTML depends on."""
    digest = hashlib.sha256(f"{CACHE_VERSION}\0{sys.version}\0{epoch}\0{config_text}\0".encode())
    for name in ENGINE_PACKAGES:
        digest.update(f"{name}={_version(name)}\0".encode())
    sources = [root / "mkdocs.yml", Path(__file__).with_name("hooks.py"), *sorted(p for p in (root / "theme").rglob("*") if p.is_file())]
    for path in sources:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _version(name: str) -> str:
    """An installed package's version, or `-` when it is absent."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def tree_state(folder: Path) -> State:
    """Size and mtime of every file under `folder`, by `/`-separated path (as os.walk finds them: linked folders are not entered)."""
    state: State = {}
    _scan(os.fspath(folder), "", state)
    return state


def _scan(path: str, prefix: str, state: State) -> None:
    """Add the files under `path` to `state` (`prefix`: its path from the top, ending in `/`).

    os.scandir gives each entry's type with the listing: os.walk with a relative path per folder took twice as
    long (0.46 s for the 57,600 files of a 10k site).
    """
    try:
        entries = list(os.scandir(path))
    except OSError:  # as os.walk: a folder that cannot be listed is left out
        return
    for entry in entries:
        if entry.is_dir():
            if not entry.is_symlink():
                _scan(entry.path, prefix + entry.name + "/", state)
        else:
            found = entry.stat()
            state[prefix + entry.name] = [found.st_size, found.st_mtime_ns]


def plan_update(cache: Path, key: str, written: list[str], removed: list[str], site_dir: Path) -> Update:
    """Which docs files MkDocs must render, from what this build wrote into the docs tree and the last build's record; None means all.

    The walk that proves nothing else changed (`check_trees`) runs while MkDocs does.
    """
    manifest, why = _read(cache / MANIFEST)
    if manifest is None:
        return Update(None, why)
    if manifest["key"] != key or manifest.get("site_dir") != _where(site_dir, cache):
        return Update(None, "엔진·설정·테마 또는 누리집 폴더가 바뀌어 전체를 다시 만듭니다")
    if not site_dir.is_dir():
        return Update(None, "이전 누리집이 없어 전체를 다시 만듭니다")
    changed, recorded = sorted(written), manifest["docs"]
    added, gone = tuple(rel for rel in changed if rel not in recorded), tuple(sorted(rel for rel in removed if rel in recorded))
    if len(changed) + len(gone) > MAX_SHARE * len(recorded):
        return Update(None, f"파일 {len(changed) + len(gone):,}개가 바뀌어 전체를 다시 만듭니다")
    if not changed and not gone:
        return Update(changed, "증분 빌드: 바뀐 파일이 없어 이전 누리집을 그대로 씁니다", manifest)
    rest = len(recorded) - len(changed) + len(added) - len(gone)
    more = f" (새 파일 {len(added):,}개, 지운 파일 {len(gone):,}개)" if added or gone else ""
    note = f"증분 빌드: 바뀐 파일 {len(changed):,}개만 다시 만들고 나머지 {rest:,}개는 이전 누리집 그대로 둡니다{more}"
    return Update(changed, note, manifest, added, gone)


def check_trees(update: Update, docs_dir: Path, site_dir: Path) -> tuple[State | None, str]:
    """The docs tree's state if both trees are as `update` assumes (the site as last recorded, the docs changed only where listed); else None and why.

    A docs file can differ from the record without this build writing it: a build whose MkDocs failed, or `serve`,
    wrote it after the record was made. A site file can have been edited by hand. Either means a full build.
    """
    assert update.manifest is not None and update.changed is not None
    docs, listed, recorded = tree_state(docs_dir), set(update.changed), update.manifest["docs"]
    if docs.keys() != (recorded.keys() - set(update.removed)) | set(update.added) or any(
            stamp != recorded[rel] for rel, stamp in docs.items() if rel not in listed):
        return None, "문서 폴더가 지난 빌드 기록과 달라 전체를 다시 만듭니다"
    if tree_state(site_dir) != update.manifest["site"]:
        return None, "이전 누리집이 지난 빌드 기록과 달라 전체를 다시 만듭니다"
    return docs, ""


def _read(path: Path) -> tuple[dict[str, Any] | None, str]:
    """The manifest, or None and why not (missing, damaged, another version): then the build is full."""
    if not path.is_file():
        return None, "빌드 캐시가 없어 전체를 만듭니다"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        valid = isinstance(manifest, dict) and manifest.get("version") == CACHE_VERSION and isinstance(manifest.get("key"), str)
        valid = valid and isinstance(manifest.get("docs"), dict) and isinstance(manifest.get("site"), dict)
    except (OSError, ValueError):
        valid = False
    if not valid:
        return None, f"빌드 캐시({path})를 읽을 수 없어 전체를 다시 만듭니다"
    return manifest, ""


def _where(site_dir: Path, cache: Path) -> str:
    """The site folder relative to the cache: a build and its site restored together (a CI cache) still match."""
    return os.path.relpath(site_dir.resolve(), cache.resolve())


def forget(cache: Path) -> None:
    """Drop the manifest (before the site changes: a build cut short must not trust it)."""
    (cache / MANIFEST).unlink(missing_ok=True)


def remember(cache: Path, key: str, docs: State, site_dir: Path, site: State | None = None) -> None:
    """Record what the site now in `site_dir` was built from (written beside, then renamed: never half a manifest); `site`: its state, if known."""
    cache.mkdir(parents=True, exist_ok=True)
    site = tree_state(site_dir) if site is None else site
    manifest = {"version": CACHE_VERSION, "key": key, "site_dir": _where(site_dir, cache), "docs": docs, "site": site}
    tmp = cache / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, cache / MANIFEST)


def _outputs(fresh: Path, sitemaps: bool) -> list[str]:
    """What MkDocs wrote into `fresh`; the sitemaps only when patched (MkDocs lists only the pages it rendered)."""
    found = []
    top = os.fspath(fresh)
    for here, _, names in os.walk(top):
        prefix = "" if here == top else os.path.relpath(here, top).replace(os.sep, "/") + "/"
        found += [prefix + name for name in names if prefix or sitemaps or name not in SITEMAPS]
    return sorted(found)


def is_page(rel: str) -> bool:
    """Whether MkDocs reads this docs file as a page."""
    return rel.endswith(PAGE_SUFFIXES)


def site_file(rel: str) -> str:
    """The site file MkDocs makes of a docs file (with `use_directory_urls`, as mkdocs.yml sets it): `a/b.md` → `a/b/index.html`."""
    if not is_page(rel):
        return rel
    folder, _, name = rel.rpartition("/")
    stem, prefix = name.rsplit(".", 1)[0], folder + "/" if folder else ""
    return prefix + ("index.html" if stem in INDEX_STEMS else f"{stem}/index.html")


def mkdocs_order(pages: list[str]) -> list[str]:
    """Docs pages in MkDocs' order (its walk of the docs tree: a folder's files before its subfolders, its index first)."""
    def key(rel: str) -> tuple[tuple[str, ...], bool, str]:
        *folders, name = rel.split("/")
        return tuple(folders), name.rsplit(".", 1)[0] not in INDEX_STEMS, name
    return sorted(pages, key=key)


def patch_sitemap(fresh: Path, site_dir: Path, update: Update, docs: State, epoch: int) -> bool:
    """Write into `fresh` the sitemap of every page: the previous one's entries, the rendered pages' new ones; False if they do not line up.

    MkDocs lists each page once, in its order, when the site has an address (`site_url`), and none without one.
    """
    assert update.manifest is not None and update.changed is not None
    old_pages = mkdocs_order([rel for rel in update.manifest["docs"] if is_page(rel)])
    new_pages = mkdocs_order([rel for rel in update.changed if is_page(rel)])
    try:  # no page rendered (only removals): MkDocs did not run
        before = (site_dir / SITEMAPS[0]).read_text(encoding="utf-8")
        rendered = (fresh / SITEMAPS[0]).read_text(encoding="utf-8") if new_pages else ""
    except OSError:
        return False
    old, new = entries_of(before), entries_of(rendered)
    if not old and not new:
        return True  # no address: MkDocs lists no page (the previous sitemap stays)
    if len(old) != len(old_pages) or len(new) != len(new_pages):
        return False
    entry = dict(zip(old_pages, old, strict=True)) | dict(zip(new_pages, new, strict=True))
    write_sitemap(fresh / SITEMAPS[0], with_entries(before, [entry[rel] for rel in mkdocs_order([r for r in docs if is_page(r)])]), epoch)
    return True


def apply(fresh: Path, site_dir: Path, cache: Path, site: State, gone: tuple[str, ...] = (), sitemaps: bool = False) -> State:
    """Move the files MkDocs rendered into the site in place, each by a rename, and delete the site files in `gone`; the site's new state.

    `site`: its state before; `sitemaps`: the sitemaps in `fresh` were patched (`patch_sitemap`) and replace the site's.
    Whole or not at all: each replaced or deleted file is first hard-linked into a backup folder, and a journal in the
    cache names both folders, so a failure puts the previous files back, and a build killed halfway is rolled back by
    the next one (`recover`). Renaming a few hundred files replaces linking every file of a copy and removing the old
    one (seconds at 10,000 projects).
    """
    moves, backup = _outputs(fresh, sitemaps), fresh.with_name(fresh.name + "-old")
    drop = [rel for rel in gone if rel in site and rel not in set(moves)]
    new = [rel for rel in moves if not os.path.lexists(site_dir / rel)]
    journal, files = cache / JOURNAL, drop + moves
    entry = {"site": os.fspath(site_dir.resolve()), "fresh": os.fspath(fresh), "backup": os.fspath(backup), "files": files, "new": new}
    journal.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    try:
        for rel in drop:
            _take_out(backup, site_dir, rel)
        for rel in moves:
            _move_in(fresh, backup, site_dir, rel)
    except OSError:
        _roll_back(site_dir, fresh, backup, files, set(new))
        journal.unlink(missing_ok=True)
        raise
    journal.unlink()
    shutil.rmtree(backup, ignore_errors=True)
    return {rel: stamp for rel, stamp in site.items() if rel not in set(drop)} | {rel: _stamp(site_dir / rel) for rel in moves}


def _take_out(backup: Path, site_dir: Path, rel: str) -> None:
    """Keep the file of `rel` (a hard link in `backup`), then delete it and the folders it leaves empty (a full build has none)."""
    target = site_dir / rel
    (backup / rel).parent.mkdir(parents=True, exist_ok=True)
    os.link(target, backup / rel)
    target.unlink()
    folder = target.parent
    while folder != site_dir and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _move_in(fresh: Path, backup: Path, site_dir: Path, rel: str) -> None:
    """Keep the previous file of `rel` (a hard link in `backup`), then rename the new one over it."""
    target = site_dir / rel
    if os.path.lexists(target):
        (backup / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(target, backup / rel)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(fresh / rel, target)


def _roll_back(site_dir: Path, fresh: Path, backup: Path, files: list[str], new: set[str]) -> None:
    """Put back the previous files from `backup`; a file the site did not have is removed once it was moved in (gone from `fresh`)."""
    for rel in reversed(files):
        with suppress(OSError):
            if os.path.lexists(backup / rel):
                (site_dir / rel).parent.mkdir(parents=True, exist_ok=True)  # a deleted file's folder may be gone with it
                os.replace(backup / rel, site_dir / rel)
            elif rel in new and not os.path.lexists(fresh / rel):
                os.unlink(site_dir / rel)
    shutil.rmtree(backup, ignore_errors=True)


def recover(cache: Path) -> None:
    """Roll back an `apply` that a killed build left halfway (before anything else touches the site; the caller holds the lock)."""
    journal = cache / JOURNAL
    try:
        entry = json.loads(journal.read_text(encoding="utf-8"))
        files, new = [str(f) for f in entry["files"]], {str(f) for f in entry["new"]}
        _roll_back(Path(entry["site"]), Path(entry["fresh"]), Path(entry["backup"]), files, new)
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no journal (the common case), or one that cannot be read: nothing to roll back
    journal.unlink(missing_ok=True)


def _stamp(path: Path) -> list[int]:
    """Size and mtime in ns of one file."""
    found = os.stat(path)
    return [found.st_size, found.st_mtime_ns]
