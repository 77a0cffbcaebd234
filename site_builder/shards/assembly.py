"""Assemble: join the shards' sites into one site with the portal-wide pages, one search index and one sitemap."""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..base.problem import Problem
from ..base.workers import background
from ..check.privacy import content_problems
from ..check.validation import validate_file
from ..engine import seam
from ..engine.config import config_text
from ..engine.sitemap import merge_sitemaps
from ..git.history import History, joined_history, load_history
from ..load.source import SourceFile, load_file
from ..model import Organisation, Plan, Project, SiteConfig
from ..model.portal import PlanBundle, Portal
from ..model.progress import ProgressReport
from ..outputs.downloads import ROWS_JSON, plan_base, portal_downloads
from ..outputs.search import INDEX_DIR
from ..pipeline import run as pl
from ..plan.portal_pages import splits
from ..write.tree import fresh_dir, link_or_copy, replace_dir, write_tree
from .merge import plan_shards, shard_rows, write_index
from .shard import MANIFEST, changed_file, data_fingerprint, data_plans, data_state, stubs

_HREF = re.compile(r'(?:href|src)="([^"#?]*)')


def _global_files(published: Portal, data_dir: Path, manifests: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """The portal-wide pages and files of the docs tree (nothing under an organisation's folder), from the redacted portal."""
    history = _portal_history(published, data_dir, manifests)
    files = pl.generate_wide(published, history)
    files.update(stubs(published, []))
    return files


def _portal_history(published: Portal, data_dir: Path, manifests: list[dict[str, Any]]) -> History:
    """The shards' newest changes, joined, with the history of organisation folders no shard owns (deleted ones)."""
    owned = {org for m in manifests for org in m["orgs"]}
    # Today's 비공개 marks survive redaction, so this history is redacted alike; every version is parsed (`validated`
    # is False): the published projects are not what the working files hold.
    rest = load_history(data_dir, published, lambda org: org not in owned, validated=False)
    return joined_history([m["history"] for m in manifests], rest)


def _manifests(shards: list[Path], data_dir: Path, trusted: str | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Each shard's manifest, and what is wrong with the set (missing, doubled or stale organisations and plans).

    `trusted` (shards of `build`'s own, some kept from its last run): the `data_state` the run started from, which the data must still have.
    """
    manifests, errors = [], []
    seen: dict[str, str] = {}
    try:
        data = data_state(data_dir) if trusted else data_fingerprint(data_dir)
    except OSError as exc:  # an unreadable data file: named, not a traceback
        return [], [f"{exc.filename}: 데이터 파일을 읽을 수 없습니다 ({exc.strerror})"]
    if trusted and data != trusted:
        errors.append(f"{data_dir}: 빌드하는 동안 데이터가 바뀌었습니다 (다시 실행하세요)")
    for shard in shards:
        path = shard / MANIFEST
        if not path.is_file():
            errors.append(f"{shard}: {MANIFEST}가 없습니다 (build --shard 로 만든 폴더가 아닙니다)")
            continue
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
            stale = not trusted and manifest["data"] != data
            if not all(isinstance(manifest[k], list) and all(isinstance(v, str) for v in manifest[k]) for k in ("orgs", "plans")):
                raise ValueError("orgs·plans는 글의 목록이어야 합니다")
        except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged by hand: named, not a traceback
            errors.append(f"{shard}: {MANIFEST}를 읽을 수 없습니다 ({exc})")
            continue
        if stale:
            errors.append(f"{shard}: 다른 데이터로 만든 조각입니다")
        for org in manifest["orgs"]:
            if org in seen:
                errors.append(f"{shard}: 기관 {org}이(가) {seen[org]}에도 있습니다")
            seen[org] = str(shard)
        manifests.append(manifest)
    plans = set(data_plans(data_dir))
    missing = sorted({key.split("/")[0] for key in plans} - set(seen))
    if missing:
        errors.append("어느 조각에도 없는 기관: " + ", ".join(missing))
    built = {key for m in manifests for key in m["plans"]}
    if not missing and plans - built:
        errors.append("어느 조각에도 없는 계획: " + ", ".join(sorted(plans - built)))
    return manifests, errors + _split_links(manifests, seen)


_CHANGES = {"바뀜": "조각을 만든 뒤에 내용이 바뀐 파일입니다", "없음": "조각을 만든 뒤에 없어진 파일입니다",
            "더해짐": "조각을 만든 뒤에 더해진 파일입니다"}


def _tampered(shard: Path, manifest: dict[str, Any]) -> list[Problem]:
    """The first file of `shard` that is not as it was built (SHA-256 in `shard.json`): such a shard is not published."""
    expected = "build --shard 가 만든 그대로의 조각 (조각을 다시 만드세요)"
    if not isinstance(manifest.get("files"), dict):  # built before files were recorded, or the list was removed
        return [Problem(str(shard / MANIFEST), 1, 1, "", f"조각 {shard}의 {MANIFEST}에 파일 목록(files)이 없습니다", expected, "files 없음")]
    found = changed_file(shard, manifest["files"])
    if found is None:
        return []
    rel, what = found
    return [Problem(str(shard / rel), 1, 1, "", f"{_CHANGES[what]} (조각: {shard})", expected, f"{rel}: {what}")]


def _split_links(manifests: list[dict[str, Any]], owner: dict[str, str]) -> list[str]:
    """`continues` links between organisations of different shards: neither shard could show them on its pages."""
    split = [f"{a} → {b}" for m in manifests for a, b in m.get("links", []) if owner.get(b.split("/")[0], owner.get(a.split("/")[0])) != owner.get(a.split("/")[0])]
    if not split:
        return []
    return ["다른 조각의 기관과 이어진 사업(continues)이 있습니다. 두 기관을 한 조각에 두세요 (build --only-org 를 기관마다 함께 지정): " + "; ".join(split[:10])]


def _source(data_dir: Path, rel: str, kind: str) -> SourceFile:
    """Where a data file is (for page dates and history); its content is not read again."""
    return SourceFile(data_dir / rel, f"{data_dir.name}/{rel}", kind, None)


def published_bundle(doc: dict[str, Any], data_dir: Path, rows: list[dict[str, Any]] | None = None) -> PlanBundle:
    """A redacted plan as published in its plan JSON (`downloads/<org>-<year>.json`) turned back into a bundle.

    With the plan's project rows (`rows`, its `-projects.json`), a light bundle for the portal-wide pages of a portal
    split by plan, which show of a project only that it exists and of a plan its total: each project is its id and
    title (no other field is read), the total is the rows' sum (a row's `budget_won` is its project's total).
    """
    org, plan = Organisation.model_validate(doc["organisation"]), Plan.model_validate(doc["plan"])
    if rows is None:
        projects = [Project.model_validate(p) for p in doc["projects"]]
        reports = [ProgressReport.model_validate(r) for r in doc.get("progress", [])]
    else:
        # validated from two fields (3 µs), not `model_construct`: pydantic inspects every default factory's signature there (~2 ms a project)
        projects, reports = [Project.model_validate({"id": p["id"], "title": p["title"]}) for p in doc["projects"]], []
    base = f"{org.id}/{plan.year}"
    sources = [_source(data_dir, f"{base}/projects/{p.id}.yaml", "project") for p in projects]
    bundle = PlanBundle(org, plan, projects, _source(data_dir, f"{base}/plan.yaml", "plan"), _source(data_dir, f"{org.id}/org.yaml", "organisation"),
                        sources, {p.id for p in projects}, reports)
    if rows is not None:
        bundle.total = sum(row["budget_won"] for row in rows)  # the cached property, set: the projects carry no budgets
    return bundle


def published_portal(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]], light: bool = False) -> tuple[Portal | None, list[Problem]]:
    """The redacted portal from site.yaml and the shards' plan JSON, plans in the order an unsharded build reads them (`light`: `published_bundle`'s)."""
    source, problems = load_file(paths.data_dir / "site.yaml", f"{paths.data_dir.name}/site.yaml", "site")
    site, invalid = validate_file(source, SiteConfig) if source else (None, [])
    problems += invalid
    bundles = []
    for key, shard in plan_shards(shards, manifests):
        path = shard / f"{plan_base(key)}.json"
        try:
            rows = json.loads((shard / f"{plan_base(key)}{ROWS_JSON}").read_bytes()) if light else None
            bundles.append(published_bundle(json.loads(path.read_bytes()), paths.data_dir, rows))
        except (OSError, ValueError, KeyError, ValidationError) as exc:  # a shard folder changed after it was built
            problems.append(Problem(str(path), 1, 1, "", "조각의 계획 JSON을 읽을 수 없습니다", "build --shard 가 쓴 그대로의 파일", str(exc)[:200]))
    if problems or site is None:
        return None, problems
    return Portal(site, bundles), []


def _copy_shard(shard: Path, orgs: list[str], target: Path) -> None:
    """Copy a shard's organisation folders and per-plan downloads over the stubs (hard links where the file system allows)."""
    for org in orgs:
        if (target / org).exists():
            shutil.rmtree(target / org)
        source = str(shard / org)
        for folder, _, names in os.walk(source):  # plain strings: copytree's per-file stat and copystat cost seconds at 10,000 pages
            into = os.path.join(str(target / org), os.path.relpath(folder, source))
            os.makedirs(into, exist_ok=True)
            for name in names:
                link_or_copy(os.path.join(folder, name), os.path.join(into, name))
        for path in sorted((shard / "downloads").glob(f"{org}-*")):
            link_or_copy(str(path), str(target / "downloads" / path.name))


@contextmanager
def _staged(shards: list[Path], manifests: list[dict[str, Any]], staging: Path) -> Iterator[None]:
    """Link every shard's organisation folders and downloads into `staging` in a thread while the body runs."""
    failed: list[BaseException] = []

    def stage() -> None:
        try:
            (staging / "downloads").mkdir(parents=True, exist_ok=True)
            for shard, manifest in zip(shards, manifests, strict=True):
                _copy_shard(shard, manifest["orgs"], staging)
        except BaseException as exc:  # re-raised in the caller's thread
            failed.append(exc)

    worker = threading.Thread(target=stage, name="stage-shards")
    worker.start()
    try:
        yield
    finally:
        worker.join()
    if failed:
        raise failed[0]


def _move_in(staging: Path, site: Path) -> None:
    """Move the staged organisation folders over MkDocs' stubs, the staged downloads beside the portal-wide ones and the index into place (renames)."""
    index = Path(INDEX_DIR)
    if (staging / index).is_dir():
        os.rename(staging / index, site / index)
        os.rmdir(staging / index.parent)
    for entry in sorted(staging.iterdir()):
        if entry.name == "downloads":
            for path in sorted(entry.iterdir()):
                os.replace(path, site / "downloads" / path.name)
            continue
        if (site / entry.name).exists():
            shutil.rmtree(site / entry.name)
        os.rename(entry, site / entry.name)


def broken_links(site: Path, orgs: set[str]) -> list[str]:
    """Relative links of the portal-wide pages that lead nowhere in the assembled site."""
    broken = []
    for top in sorted(p for p in site.iterdir() if p.name not in orgs and p.name != "assets"):  # shards' own folders were checked there
        for page in sorted(top.rglob("*.html")) if top.is_dir() else [top] if top.suffix == ".html" else []:
            rel = page.relative_to(site)
            for href in set(_HREF.findall(page.read_text(encoding="utf-8"))):
                if not href or re.match(r"^[a-z]+:|^/", href):
                    continue
                target = (page.parent / href).resolve()
                if not (target / "index.html" if href.endswith("/") else target).exists():
                    broken.append(f"{rel.as_posix()} → {href}")
    return sorted(broken)


def assemble(paths: pl.Paths, shards: list[Path], site_dir: Path, trusted: str | None = None) -> tuple[pl.Checked, str]:
    """Join shard sites into one site with the portal-wide pages and one search index; `site_dir` changes only on success.

    The data are not validated again: every file was validated by the shard that owns it, and what the shards
    published (plan JSON, search index, pages) is joined only when all shards come from this very data (hash).
    `trusted`: shards `build` made itself under its lock (shards/runner.py), in this run or, unchanged, in the last:
    their files are not hashed again, and the data must still be in this state (`data_state`) the run started from.
    """
    if not paths.data_dir.is_dir():
        return pl.check(paths.data_dir), ""
    manifests, errors = _manifests(shards, paths.data_dir, trusted)
    if errors:
        expected = "같은 데이터로 만든, 기관이 겹치지 않는 조각들"
        return pl.Checked(None, [Problem(str(paths.data_dir), 1, 1, "", "조각(샤드)을 합칠 수 없습니다", expected, e) for e in errors]), ""
    changed = [] if trusted else [p for shard, manifest in zip(shards, manifests, strict=True) for p in _tampered(shard, manifest)]
    if changed:
        return pl.Checked(None, changed), ""
    checked = pl.Checked(None)
    return checked, pl.publish_safely(paths, site_dir, checked, lambda: _assemble_locked(paths, shards, manifests, site_dir, checked))


def _assemble_locked(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]], site_dir: Path, checked: pl.Checked) -> str:
    """The portal-wide files, then MkDocs and the swap (the lock held).

    The search index is merged meanwhile in another process, straight into the staging folder beside the site (not
    through MkDocs, which would copy its ~250,000 files at 100,000 projects): MkDocs runs while it is made.
    """
    staging = fresh_dir(site_dir.resolve().parent, f".{site_dir.name}-shards-")
    try:
        with background(write_index, shards, staging) as merged:  # in another process on Linux
            found, files = _portal_files(paths, shards, manifests)
            checked.portal, checked.problems = found.portal, checked.problems + found.problems
            if found.portal is None or found.problems:
                return ""
            return _publish_assembled(paths, shards, manifests, files, site_dir, checked, staging, merged)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _index_made(paths: pl.Paths, merged: Callable[[], None], checked: pl.Checked) -> bool:
    """Wait for the merged index; False (and a problem) when a shard's index could not be read."""
    try:
        merged()
    except (OSError, ValueError, KeyError) as exc:  # a shard folder changed after it was built
        problem = Problem(str(paths.data_dir), 1, 1, "", "조각의 검색 색인이나 사업 목록 JSON을 읽을 수 없습니다", "build --shard 가 쓴 그대로의 파일", str(exc)[:200])
        checked.portal = None
        checked.problems.append(problem)
        return False
    return True


def _portal_files(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]]) -> tuple[pl.Checked, dict[str, str | bytes]]:
    """The redacted portal from the shards' plan JSON (with what is wrong with it) and its portal-wide pages.

    A portal split by plan (`plan.portal_pages.splits`) is read light (`published_bundle`): its portal-wide pages show no project's details.
    """
    light = splits(sum(data_plans(paths.data_dir).values()))
    published, problems = published_portal(paths, shards, manifests, light)
    if published is None:
        return pl.Checked(None, problems), {}
    site = published.site
    checked = pl.Checked(published, content_problems(paths.content_dir, set(site.acknowledged_personal_data), {d.lower() for d in site.email_domains}))
    if checked.problems:  # hand-written pages are published by the assembly
        return checked, {}
    try:
        downloads = portal_downloads(shard_rows(shards, manifests))
    except (OSError, ValueError, KeyError) as exc:  # a shard folder changed after it was built
        problem = Problem(str(paths.data_dir), 1, 1, "", "조각의 검색 색인이나 사업 목록 JSON을 읽을 수 없습니다", "build --shard 가 쓴 그대로의 파일", str(exc)[:200])
        return pl.Checked(None, [problem]), {}
    return checked, _global_files(published, paths.data_dir, manifests) | downloads


def _publish_assembled(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]], files: dict[str, str | bytes],
                       site_dir: Path, checked: pl.Checked, staging: Path, merged: Callable[[], None]) -> str:
    """MkDocs for the portal pages, the shards and the index moved in, links checked, then the swap (the caller holds the lock).

    `staging`: where the shards' folders are linked in (a thread, beside MkDocs' run) and the index is written (`merged` waits for it).
    """
    assert checked.portal is not None
    write_tree(files, [paths.content_dir], paths.docs_dir)
    with _staged(shards, manifests, staging):  # the shards' folders are linked in beside MkDocs' run (it waits on a process)
        tmp, output = pl.run_mkdocs(paths, config_text(checked.portal, paths.root, relaxed=True), checked, site_dir)  # already redacted
    if tmp is None:
        return output
    if not _index_made(paths, merged, checked):
        shutil.rmtree(tmp, ignore_errors=True)
        return output
    _move_in(staging, tmp)
    merge_sitemaps(shards, tmp, seam.build_epoch())
    broken = broken_links(tmp, {b.org.id for b in checked.portal.plans})
    if broken:
        shutil.rmtree(tmp, ignore_errors=True)
        checked.problems.append(Problem(str(paths.docs_dir), 1, 1, "", "합친 누리집에 끊긴 링크가 있습니다", "모든 링크가 있는 쪽", "; ".join(broken[:10])))
        return output
    replace_dir(tmp, site_dir)
    return output
