"""Incremental MkDocs (part of the seam): after an edit, only the docs files that changed are rendered again.

A full build records in `build/cache/engine.json` what it was made from and what it made: a key of the engine
(MkDocs and theme versions, our hooks, mkdocs.yml, theme/, the per-build config, the build date), the docs tree
(size and mtime of every file: `write.tree` rewrites only files whose bytes changed, so an unchanged mtime means
unchanged bytes) and the published site (size and mtime of every file). The next build reuses the previous site
only when all of that still holds and no docs file was added or removed; it then has MkDocs render and copy the
changed files alone (engine/hooks.py marks the others excluded) into a fresh folder and hard-links every other
file of the previous site into it. A page's HTML depends only on its own Markdown, the navigation and the config
(all in the key), so the result is byte-identical to a full build (tests/test_incremental_build.py). Anything
else (no cache, a damaged one, another engine, a site changed by hand, added or removed files, most pages changed)
is a full build, and the note says why.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..write.tree import link_or_copy

CACHE_VERSION = 1  # raise when the manifest's meaning changes: older caches are then ignored
MANIFEST = "engine.json"
ENGINE_PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2")
SITEMAPS = ("sitemap.xml", "sitemap.xml.gz")  # MkDocs lists only the pages it rendered: the previous ones are whole
MAX_SHARE = 0.5  # more changed files than this share: a full build (one MkDocs process per core) is as quick

State = dict[str, list[int]]  # path → [size, mtime in ns]


@dataclass(frozen=True)
class Update:
    """What the MkDocs stage will do: render only `changed` (None: everything), and why, for the build's note."""

    changed: list[str] | None
    note: str


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
    """Size and mtime of every file under `folder`, by `/`-separated path."""
    state: State = {}
    top = os.fspath(folder)
    for here, _, names in os.walk(top):  # plain strings: pathlib costs seconds at 10,000 pages
        prefix = "" if here == top else os.path.relpath(here, top).replace(os.sep, "/") + "/"
        for name in names:
            found = os.stat(os.path.join(here, name))
            state[prefix + name] = [found.st_size, found.st_mtime_ns]
    return state


def plan_update(cache: Path, key: str, docs: State, site_dir: Path) -> Update:
    """Which docs files MkDocs must render, judged against the manifest of the last build; None means all."""
    manifest, why = _read(cache / MANIFEST)
    if manifest is None:
        return Update(None, why)
    if manifest["key"] != key or manifest.get("site_dir") != _where(site_dir, cache):
        return Update(None, "엔진·설정·테마 또는 누리집 폴더가 바뀌어 전체를 다시 만듭니다")
    if docs.keys() != manifest["docs"].keys():
        return Update(None, "파일이 더해지거나 지워져 전체를 다시 만듭니다")
    if not site_dir.is_dir() or tree_state(site_dir) != manifest["site"]:
        return Update(None, "이전 누리집이 지난 빌드 기록과 달라 전체를 다시 만듭니다")
    changed = sorted(rel for rel, stamp in docs.items() if manifest["docs"][rel] != stamp)
    if len(changed) > MAX_SHARE * len(docs):
        return Update(None, f"파일 {len(changed):,}개가 바뀌어 전체를 다시 만듭니다")
    if not changed:
        return Update(changed, "증분 빌드: 바뀐 파일이 없어 이전 누리집을 그대로 씁니다")
    return Update(changed, f"증분 빌드: 바뀐 파일 {len(changed):,}개만 다시 만들고 나머지 {len(docs) - len(changed):,}개는 이전 누리집에서 가져왔습니다")


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


def remember(cache: Path, key: str, docs: State, site_dir: Path) -> None:
    """Record what the site now in `site_dir` was built from (written beside, then renamed: never half a manifest)."""
    cache.mkdir(parents=True, exist_ok=True)
    manifest = {"version": CACHE_VERSION, "key": key, "site_dir": _where(site_dir, cache), "docs": docs, "site": tree_state(site_dir)}
    tmp = cache / f".{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, cache / MANIFEST)


def link_previous(previous: Path, fresh: Path) -> int:
    """Hard-link into `fresh` every file of the previous site it lacks, and the previous sitemaps; the number linked."""
    linked = 0
    top = os.fspath(previous)
    for here, _, names in os.walk(top):
        into = os.path.join(fresh, os.path.relpath(here, top))
        os.makedirs(into, exist_ok=True)
        for name in names:
            target = os.path.join(into, name)
            if here == top and name in SITEMAPS and os.path.exists(target):
                os.unlink(target)
            if not os.path.exists(target):
                link_or_copy(os.path.join(here, name), target)
                linked += 1
    return linked
