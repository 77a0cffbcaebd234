"""Sharded builds: each shard builds the pages of some organisations; `assemble` joins shards into one site.

A shard is an independent build (its own CI job): it reads site.yaml, every org.yaml and plan.yaml (navigation,
cross-plan references) and the project files of *its* organisations only (projects are nearly all the bytes);
every other plan is known by its project file names, which is all the cross-file checks need. It renders and runs
MkDocs for its organisations' pages and ships its site with `shard.json` (organisations, plans, data hash, links
into other organisations, the newest changes of its organisations' git history). Every data file is validated by exactly one shard (the owner of its folder; site.yaml,
org.yaml and plan.yaml by all), so a sharded build reports every error an unsharded build reports.

`assemble` reads neither the project files nor their history again (only that of organisation folders no shard
owns, i.e. deleted ones): it builds the portal from the plan JSON the shards published
(`downloads/<org>-<year>.json`: the redacted plan with every project, as validated), then the portal-wide pages
(home, all-projects table, search page, downloads page, change list), the portal-wide downloads and feed with
MkDocs, copies each shard's organisation folders and per-plan downloads in, merges the shards' search indexes into
one index (byte-identical to an unsharded build's) and swaps the result into the site folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
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
from ..git.history import History, joined_history, load_history, recent_json
from ..load.source import SourceFile, load_file
from ..model import Organisation, Plan, Project, SiteConfig
from ..model.portal import PlanBundle, Portal
from ..outputs.downloads import dictionary_csv, dictionary_json, rows_json, to_csv, to_xlsx
from ..outputs.search import INDEX_DIR, decode, layout, shard_postings
from ..pipeline import run as pl
from ..publish.redaction import redact_portal
from ..write.tree import build_lock, fresh_dir, replace_dir, write_tree

MANIFEST = "shard.json"
_HREF = re.compile(r'(?:href|src)="([^"#?]*)')


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


def data_fingerprint(data_dir: Path) -> str:
    """Hash of every data file's path and bytes: shards built from different data must not be joined."""
    digest = hashlib.sha256()
    files = []
    for folder, dirs, names in os.walk(data_dir):  # plain strings: pathlib's sorting and hashing cost seconds at 10,000 files
        dirs.sort()
        rel = os.path.relpath(folder, data_dir)
        files += [(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"), os.path.join(folder, name)) for name in names]
    for rel, path in sorted(files):
        if os.path.isfile(path):
            with open(path, "rb") as handle:
                digest.update(rel.encode() + b"\0" + handle.read() + b"\0")
    return digest.hexdigest()[:16]


def _stubs(portal: Portal, orgs: list[str]) -> dict[str, str | bytes]:
    """Placeholder pages for the navigation targets of other shards' organisations (discarded when assembling)."""
    stubs: dict[str, str | bytes] = {}
    for bundle in portal.plans:
        if bundle.org.id not in orgs:
            stubs[f"{bundle.org.id}/index.md"] = f"# {bundle.org.id}\n"
            stubs[f"{bundle.key}/index.md"] = f"# {bundle.key}\n"
    return stubs


# A shard's stand-ins for the portal-wide pages (assemble builds them): the targets of the shard pages' links and nav.
PORTAL_STUBS: dict[str, str | bytes] = {
    "index.md": "# 홈\n", "projects.md": "# 전체 사업 표\n", "search.md": "# 검색\n", "changes.md": "# 최근 변경\n",
    "downloads.md": "# 데이터 내려받기\n\n## 열 설명 { #columns }\n", "reference/data-format.md": "# 데이터 형식 안내\n",
}
PORTAL_DOWNLOADS = "downloads/all-projects"


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


def build_shard(paths: pl.Paths, site_dir: Path, orgs: list[str], strict: bool = False, spec: str | None = None) -> tuple[pl.Checked, str]:
    """Build the site of some organisations (`orgs`, plus shard `spec` `i/n`) with `shard.json`; the old `site_dir` stays unless all succeeds."""
    orgs, refused = _own_orgs(paths, orgs, spec)
    if refused is not None:
        return refused, ""
    prepared = pl.prepare(paths, pl.Options(strict, frozenset(orgs)))  # other organisations' plans come without their projects
    checked, files, history = prepared.checked, prepared.files, prepared.history
    if checked.portal is None or files is None:
        return checked, ""
    files = {path: text for path, text in files.items() if not path.startswith(PORTAL_DOWNLOADS)}  # assemble makes these
    files.update(_stubs(checked.portal, orgs) | PORTAL_STUBS)
    manifest = {"orgs": orgs, "data": data_fingerprint(paths.data_dir), "plans": sorted(b.key for b in checked.portal.plans if b.org.id in orgs),
                "links": outside_links(checked.portal, orgs), "history": recent_json(history)}
    with build_lock(paths.build_dir, site_dir):  # like `build`: a second build of the same folders waits
        write_tree(files, [paths.content_dir], paths.docs_dir)
        tmp, output = pl.run_mkdocs(paths, config_text(redact_portal(checked.portal), paths.root), checked, site_dir)
        if tmp is None:
            return checked, output
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        replace_dir(tmp, site_dir)
    return checked, output


def merge_indexes(indexes: list[dict[str, bytes]], base: str = INDEX_DIR) -> dict[str, bytes]:
    """One search index from the shards' indexes: documents renumbered in plan order, postings re-sharded."""
    metas = [json.loads(files[f"{base}/meta.json"]) for files in indexes]
    plans = sorted((plan["key"], s, p) for s, meta in enumerate(metas) for p, plan in enumerate(meta["plans"]))
    new_number: list[dict[int, int]] = [{} for _ in indexes]
    rows: list[Any] = []
    out_plans, facets = [], []
    for _, s, p_old in plans:
        plan, chunk = dict(metas[s]["plans"][p_old]), metas[s]["chunk"]
        start = len(rows)
        for n in range(plan["start"], plan["end"]):
            new_number[s][n] = len(rows)
            rows.append(json.loads(indexes[s][f"{base}/d/{n // chunk}.json"])[n % chunk])
        out_plans.append(plan | {"start": start, "end": len(rows)})
        facets.append(indexes[s][f"{base}/p/{p_old}.json"])
    postings: dict[str, dict[int, int]] = {}
    for s, files in enumerate(indexes):
        for i in range(metas[s]["shards"]):
            for key, value in shard_postings(files[f"{base}/s/{i}.json"]).items():
                row = postings.setdefault(key, {})
                for v in decode(value):
                    row[new_number[s][v >> 3]] = v & 7
    return _index_files(postings, rows, out_plans, facets, metas[0]["chunk"] if metas else 8, base)


def _index_files(postings: dict[str, dict[int, int]], rows: list[Any], plans: list[Any], facets: list[bytes], chunk: int, base: str) -> dict[str, bytes]:
    """The files of an index, laid out exactly as `search.index_files` lays them out."""
    return layout(postings, rows, plans, facets, chunk, base)


def merged_files(shards: list[Path], manifests: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """What assemble makes from the shards' files alone: the one search index and the portal-wide downloads."""
    files: dict[str, str | bytes] = dict(merge_indexes([_read_index(s) for s in shards]))
    files.update(_global_downloads(_shard_rows(shards, manifests)))
    return files


def plan_shards(shards: list[Path], manifests: list[dict[str, Any]]) -> list[tuple[str, Path]]:
    """(`<org>/<year>`, the shard that built it), plans in the order an unsharded build reads them."""
    where = {key: shard for shard, m in zip(shards, manifests, strict=True) for key in m["plans"]}
    return [(key, where[key]) for key in sorted(where, key=lambda k: tuple(k.split("/")))]


def _shard_rows(shards: list[Path], manifests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every project row, plans in the order an unsharded build reads them, from the shards' per-plan row JSON."""
    rows: list[dict[str, Any]] = []
    for key, shard in plan_shards(shards, manifests):
        rows += json.loads((shard / "downloads" / f"{key.replace('/', '-')}-projects.json").read_bytes())
    return rows


def _read_index(site: Path, base: str = INDEX_DIR) -> dict[str, bytes]:
    """A built site's search index files, keyed like the docs tree."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / base).rglob("*.json")}


def _global_downloads(rows: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """The portal-wide downloads (data dictionary, all projects) of these rows; per-plan files come from the shards."""
    return {"downloads/columns.csv": dictionary_csv(), "downloads/columns.json": dictionary_json(),
            "downloads/all-projects.csv": to_csv(rows), "downloads/all-projects-excel.csv": to_csv(rows, bom=True),
            "downloads/all-projects.xlsx": to_xlsx(rows), "downloads/all-projects.json": rows_json(rows)}


def _global_files(published: Portal, data_dir: Path, manifests: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """The portal-wide pages and files of the docs tree (nothing under an organisation's folder), from the redacted portal."""
    orgs = {b.org.id for b in published.plans}
    history = _portal_history(published, data_dir, manifests)
    files = pl.generate(published, history, keep=lambda page: page.path.split("/")[0] not in orgs, published=True, side=())
    files.update(_stubs(published, []))
    return files


def _portal_history(published: Portal, data_dir: Path, manifests: list[dict[str, Any]]) -> History:
    """The shards' newest changes, joined, with the history of organisation folders no shard owns (deleted ones)."""
    owned = {org for m in manifests for org in m["orgs"]}
    # Today's 비공개 marks survive redaction, so this history is redacted alike; every version is parsed (`validated`
    # is False): the published projects are not what the working files hold.
    rest = load_history(data_dir, published, lambda org: org not in owned, validated=False)
    return joined_history([m["history"] for m in manifests], rest)


def _manifests(shards: list[Path], data_dir: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Each shard's manifest, and what is wrong with the set (missing, doubled or stale organisations and plans)."""
    manifests, errors = [], []
    seen: dict[str, str] = {}
    data = data_fingerprint(data_dir)
    for shard in shards:
        path = shard / MANIFEST
        if not path.is_file():
            errors.append(f"{shard}: {MANIFEST}가 없습니다 (build --shard 로 만든 폴더가 아닙니다)")
            continue
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest["data"] != data:
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


def _split_links(manifests: list[dict[str, Any]], owner: dict[str, str]) -> list[str]:
    """`continues` links between organisations of different shards: neither shard could show them on its pages."""
    split = [f"{a} → {b}" for m in manifests for a, b in m.get("links", []) if owner.get(b.split("/")[0], owner.get(a.split("/")[0])) != owner.get(a.split("/")[0])]
    if not split:
        return []
    return ["다른 조각의 기관과 이어진 사업(continues)이 있습니다. 두 기관을 한 조각에 두세요 (build --only-org 를 기관마다 함께 지정): " + "; ".join(split[:10])]


def _source(data_dir: Path, rel: str, kind: str) -> SourceFile:
    """Where a data file is (for page dates and history); its content is not read again."""
    return SourceFile(data_dir / rel, f"{data_dir.name}/{rel}", kind, None)


def published_bundle(doc: dict[str, Any], data_dir: Path) -> PlanBundle:
    """A redacted plan as published in its plan JSON (`downloads/<org>-<year>.json`) turned back into a bundle."""
    org, plan = Organisation.model_validate(doc["organisation"]), Plan.model_validate(doc["plan"])
    projects = [Project.model_validate(p) for p in doc["projects"]]
    base = f"{org.id}/{plan.year}"
    sources = [_source(data_dir, f"{base}/projects/{p.id}.yaml", "project") for p in projects]
    return PlanBundle(org, plan, projects, _source(data_dir, f"{base}/plan.yaml", "plan"), _source(data_dir, f"{org.id}/org.yaml", "organisation"),
                      sources, {p.id for p in projects})


def published_portal(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]]) -> tuple[Portal | None, list[Problem]]:
    """The redacted portal from site.yaml and the shards' plan JSON, plans in the order an unsharded build reads them."""
    source, problems = load_file(paths.data_dir / "site.yaml", f"{paths.data_dir.name}/site.yaml", "site")
    site, invalid = validate_file(source, SiteConfig) if source else (None, [])
    problems += invalid
    bundles = []
    for key, shard in plan_shards(shards, manifests):
        path = shard / "downloads" / f"{key.replace('/', '-')}.json"
        try:
            bundles.append(published_bundle(json.loads(path.read_bytes()), paths.data_dir))
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
                _link_or_copy(os.path.join(folder, name), os.path.join(into, name))
        for path in sorted((shard / "downloads").glob(f"{org}-*")):
            _link_or_copy(str(path), str(target / "downloads" / path.name))


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
    """Move the staged organisation folders over MkDocs' stubs and the staged downloads beside the portal-wide ones (renames)."""
    for entry in sorted(staging.iterdir()):
        if entry.name == "downloads":
            for path in sorted(entry.iterdir()):
                os.replace(path, site / "downloads" / path.name)
            continue
        if (site / entry.name).exists():
            shutil.rmtree(site / entry.name)
        os.rename(entry, site / entry.name)


def _link_or_copy(source: str, target: str) -> None:
    """A hard link (the assembled site is swapped in whole and never edited in place), or a copy across file systems."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        _link_or_copy(source, target)
    except OSError:
        shutil.copy2(source, target)


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


def assemble(paths: pl.Paths, shards: list[Path], site_dir: Path) -> tuple[pl.Checked, str]:
    """Join shard sites into one site with the portal-wide pages and one search index; `site_dir` changes only on success.

    The data are not validated again: every file was validated by the shard that owns it, and what the shards
    published (plan JSON, search index, pages) is joined only when all shards come from this very data (hash).
    """
    if not paths.data_dir.is_dir():
        return pl.check(paths.data_dir), ""
    manifests, errors = _manifests(shards, paths.data_dir)
    if errors:
        expected = "같은 데이터로 만든, 기관이 겹치지 않는 조각들"
        return pl.Checked(None, [Problem(str(paths.data_dir), 1, 1, "", "조각(샤드)을 합칠 수 없습니다", expected, e) for e in errors]), ""
    with background(merged_files, shards, manifests) as merged:  # index and downloads are made in another process meanwhile (on Linux)
        checked, files = _portal_files(paths, shards, manifests)
        if checked.portal is None or checked.problems:
            return checked, ""
        try:
            files.update(merged())
        except (OSError, ValueError, KeyError) as exc:  # a shard folder changed after it was built
            problem = Problem(str(paths.data_dir), 1, 1, "", "조각의 검색 색인이나 사업 목록 JSON을 읽을 수 없습니다", "build --shard 가 쓴 그대로의 파일", str(exc)[:200])
            return pl.Checked(None, [problem]), ""
    with build_lock(paths.build_dir, site_dir):
        return checked, _publish_assembled(paths, shards, manifests, files, site_dir, checked)


def _portal_files(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]]) -> tuple[pl.Checked, dict[str, str | bytes]]:
    """The redacted portal from the shards' plan JSON (with what is wrong with it) and its portal-wide pages."""
    published, problems = published_portal(paths, shards, manifests)
    if published is None:
        return pl.Checked(None, problems), {}
    site = published.site
    checked = pl.Checked(published, content_problems(paths.content_dir, set(site.acknowledged_personal_data), {d.lower() for d in site.email_domains}))
    if checked.problems:  # hand-written pages are published by the assembly
        return checked, {}
    return checked, _global_files(published, paths.data_dir, manifests)


def _publish_assembled(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]], files: dict[str, str | bytes],
                       site_dir: Path, checked: pl.Checked) -> str:
    """MkDocs for the portal pages, the shards copied in, links checked, then the swap (the caller holds the lock)."""
    assert checked.portal is not None
    write_tree(files, [paths.content_dir], paths.docs_dir)
    staging = fresh_dir(site_dir.resolve().parent, f".{site_dir.name}-shards-")
    try:
        with _staged(shards, manifests, staging):  # the shards' folders are linked in beside MkDocs' run (it waits on a process)
            tmp, output = pl.run_mkdocs(paths, config_text(checked.portal, paths.root, relaxed=True), checked, site_dir)  # already redacted
        if tmp is None:
            return output
        _move_in(staging, tmp)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    merge_sitemaps(shards, tmp, seam.build_epoch())
    broken = broken_links(tmp, {b.org.id for b in checked.portal.plans})
    if broken:
        shutil.rmtree(tmp, ignore_errors=True)
        checked.problems.append(Problem(str(paths.docs_dir), 1, 1, "", "합친 누리집에 끊긴 링크가 있습니다", "모든 링크가 있는 쪽", "; ".join(broken[:10])))
        return output
    replace_dir(tmp, site_dir)
    return output
