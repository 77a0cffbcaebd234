"""Sharded builds: each shard builds the pages of some organisations; `assemble` joins shards into one site.

A shard is an independent build (its own CI job): it validates the whole data set (so every shard sees the
same errors and the same navigation), renders and runs MkDocs only for its organisations' pages, and ships
its site with `shard.json` (which organisations, which data). `assemble` validates the data again, builds
the portal-wide pages (home, all-projects table, search page, downloads page, change list) with MkDocs,
copies each shard's organisation folders and per-plan downloads in, merges the shards' search indexes
into one index (byte-identical to an unsharded build's) and swaps the result into the site folder.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml

from . import mkdocs_seam
from . import pipeline as pl
from .downloads import dictionary_csv, dictionary_json, project_rows, rows_json, to_csv, to_xlsx
from .extrapages import citizen_pages
from .history import atom_feed, load_history
from .pages import portal_pages
from .problem import Problem
from .render import render_all
from .search import INDEX_DIR, decode, layout, shard_postings
from .siteconfig import config_text
from .validation import Portal
from .vendor import vendor_files
from .writer import build_lock, fresh_dir, replace_dir, write_tree

MANIFEST = "shard.json"
_HREF = re.compile(r'(?:href|src)="([^"#?]*)')


def _redact(portal: Portal) -> Portal:
    """The portal as published (withheld fields removed) when the pipeline redacts, else as it is."""
    redact = getattr(pl, "redact_portal", None)
    return redact(portal) if redact else portal


def shard_orgs(portal: Portal, spec: str) -> list[str]:
    """Organisations of shard `i/n` (1-based): largest first onto the least-loaded shard, so shards are even."""
    index, count = (int(x) for x in spec.split("/"))  # ValueError for anything but `i/n`
    if not 1 <= index <= count:
        raise ValueError(f"샤드 번호는 1/{count}부터 {count}/{count}까지입니다: {spec}")
    sizes: dict[str, int] = {}
    for bundle in portal.plans:
        sizes[bundle.org.id] = sizes.get(bundle.org.id, 0) + len(bundle.projects) + 1
    loads, owner = [0] * count, {}
    for org in sorted(sizes, key=lambda o: (-sizes[o], o)):
        least = min(range(count), key=lambda i: (loads[i], i))
        loads[least] += sizes[org]
        owner[org] = least
    return sorted(o for o, s in owner.items() if s == index - 1)


def only_orgs(portal: Portal, orgs: list[str]) -> Portal:
    """The portal with just these organisations' plans."""
    return replace(portal, plans=[b for b in portal.plans if b.org.id in set(orgs)])


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


def _config(portal: Portal, root: Path, relaxed: bool) -> str:
    """The per-build MkDocs config; `relaxed`: links into other shards are checked after assembly instead."""
    config = yaml.safe_load(config_text(_redact(portal), root))
    if relaxed:
        config["validation"] = {"links": {"not_found": "info"}, "nav": {"not_found": "info"}}
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _mkdocs(paths: pl.Paths, config: str, checked: pl.Checked, site_dir: Path) -> tuple[Path | None, str]:
    """Run MkDocs into a fresh folder beside `site_dir` (the swap is a rename); None (and a problem) when it fails."""
    paths.config.write_text(config, encoding="utf-8")
    tmp = fresh_dir(site_dir.resolve().parent, f".{site_dir.name}-tmp-")
    ok, output = mkdocs_seam.build_site(paths.config, tmp)
    if ok:
        return tmp, output
    shutil.rmtree(tmp, ignore_errors=True)
    checked.problems.append(Problem(str(paths.config), 1, 1, "", "사이트 생성(MkDocs)이 실패했습니다", "경고 없는 빌드", output[-2000:]))
    return None, output


def build_shard(paths: pl.Paths, site_dir: Path, orgs: list[str], strict: bool = False, spec: str | None = None) -> tuple[pl.Checked, str]:
    """Build the site of some organisations (`orgs`, plus shard `spec` `i/n`) with `shard.json`; the old `site_dir` stays unless all succeeds."""
    checked = pl.check(paths.data_dir, strict)
    if checked.portal is None:
        return checked, ""
    try:
        orgs = sorted(set(orgs) | set(shard_orgs(checked.portal, spec) if spec else []))
    except ValueError as exc:
        checked.problems.append(Problem(str(paths.data_dir), 1, 1, "", str(exc), "I/N (1 ≤ I ≤ N)", spec or ""))
        return checked, ""
    unknown = sorted(set(orgs) - {b.org.id for b in checked.portal.plans})
    if unknown:
        checked.problems.append(Problem(str(paths.data_dir), 1, 1, "", "없는 기관입니다", "data/ 아래 기관 식별자", ", ".join(unknown)))
        return checked, ""
    history = load_history(paths.data_dir, checked.portal)
    files = pl.generate(only_orgs(checked.portal, orgs), history)
    files.update(_stubs(checked.portal, orgs))
    manifest = {"orgs": orgs, "data": data_fingerprint(paths.data_dir), "plans": sorted(b.key for b in checked.portal.plans if b.org.id in orgs)}
    with build_lock(paths.build_dir, site_dir):  # like `build`: a second build of the same folders waits
        write_tree(files, [paths.content_dir], paths.docs_dir)
        tmp, output = _mkdocs(paths, _config(checked.portal, paths.root, relaxed=False), checked, site_dir)
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


def _read_index(site: Path, base: str = INDEX_DIR) -> dict[str, bytes]:
    """A built site's search index files, keyed like the docs tree."""
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / base).rglob("*.json")}


def _global_downloads(portal: Portal) -> dict[str, str | bytes]:
    """The portal-wide downloads (data dictionary, all projects); per-plan files come from the shards."""
    rows = [row for bundle in portal.plans for row in project_rows(bundle)]
    return {"downloads/columns.csv": dictionary_csv(), "downloads/columns.json": dictionary_json(),
            "downloads/all-projects.csv": to_csv(rows), "downloads/all-projects-excel.csv": to_csv(rows, bom=True),
            "downloads/all-projects.xlsx": to_xlsx(rows), "downloads/all-projects.json": rows_json(rows)}


def _global_files(portal: Portal, data_dir: Path, index: dict[str, bytes]) -> dict[str, str | bytes]:
    """The portal-wide pages and files of the docs tree (nothing under an organisation's folder)."""
    orgs = {b.org.id for b in portal.plans}
    history = load_history(data_dir, portal)
    published = _redact(portal)
    pages = [p for p in portal_pages(published, history) + citizen_pages(published) if p.path.split("/")[0] not in orgs]
    files: dict[str, str | bytes] = dict(render_all(published, pages))
    files.update(_global_downloads(published))
    files.update(index)
    files.update(vendor_files())
    live = {f"{b.key}/{p.id}" for b in published.plans for p in b.projects}
    files["feed.xml"] = atom_feed(history, published.site.title, published.site.site_url, live)
    files.update(_stubs(portal, []))
    return files


def _manifests(shards: list[Path], portal: Portal, data: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Each shard's manifest, and what is wrong with the set (missing, doubled or stale organisations)."""
    manifests, errors = [], []
    seen: dict[str, str] = {}
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
    missing = sorted({b.org.id for b in portal.plans} - set(seen))
    if missing:
        errors.append("어느 조각에도 없는 기관: " + ", ".join(missing))
    return manifests, errors


def _copy_shard(shard: Path, orgs: list[str], target: Path) -> None:
    """Copy a shard's organisation folders and per-plan downloads over the stubs (hard links where the file system allows)."""
    for org in orgs:
        if (target / org).exists():
            shutil.rmtree(target / org)
        shutil.copytree(shard / org, target / org, copy_function=_link_or_copy)
        for path in sorted((shard / "downloads").glob(f"{org}-*")):
            _link_or_copy(str(path), str(target / "downloads" / path.name))


def _link_or_copy(source: str, target: str) -> None:
    """A hard link (the assembled site is swapped in whole and never edited in place), or a copy across file systems."""
    try:
        if os.path.lexists(target):
            os.unlink(target)
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _merge_sitemaps(shards: list[Path], target: Path) -> None:
    """One sitemap with every page of every part (MkDocs wrote one per build)."""
    urls: dict[str, str] = {}
    for part in [target, *shards]:
        text = (part / "sitemap.xml").read_text(encoding="utf-8") if (part / "sitemap.xml").is_file() else ""
        for entry in re.findall(r"<url>.*?</url>", text, re.S):
            urls.setdefault(re.search(r"<loc>(.*?)</loc>", entry, re.S).group(1), entry)  # type: ignore[union-attr]
    body = "".join(f"\n    {urls[k].strip()}" for k in sorted(urls))
    xml = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}\n</urlset>'
    (target / "sitemap.xml").write_text(xml, encoding="utf-8")
    (target / "sitemap.xml.gz").write_bytes(gzip.compress(xml.encode("utf-8"), mtime=0))


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
    """Join shard sites into one site with the portal-wide pages and one search index; `site_dir` changes only on success."""
    checked = pl.check(paths.data_dir)
    if checked.portal is None:
        return checked, ""
    manifests, errors = _manifests(shards, checked.portal, data_fingerprint(paths.data_dir))
    if errors:
        checked.problems += [Problem(str(paths.data_dir), 1, 1, "", "조각(샤드)을 합칠 수 없습니다", "같은 데이터로 만든, 기관이 겹치지 않는 조각들", e) for e in errors]
        return checked, ""
    files = _global_files(checked.portal, paths.data_dir, merge_indexes([_read_index(s) for s in shards]))
    with build_lock(paths.build_dir, site_dir):
        return checked, _publish_assembled(paths, shards, manifests, files, site_dir, checked)


def _publish_assembled(paths: pl.Paths, shards: list[Path], manifests: list[dict[str, Any]], files: dict[str, str | bytes],
                       site_dir: Path, checked: pl.Checked) -> str:
    """MkDocs for the portal pages, the shards copied in, links checked, then the swap (the caller holds the lock)."""
    assert checked.portal is not None
    write_tree(files, [paths.content_dir], paths.docs_dir)
    tmp, output = _mkdocs(paths, _config(checked.portal, paths.root, relaxed=True), checked, site_dir)
    if tmp is None:
        return output
    for shard, manifest in zip(shards, manifests, strict=True):
        _copy_shard(shard, manifest["orgs"], tmp)
    _merge_sitemaps(shards, tmp)
    broken = broken_links(tmp, {b.org.id for b in checked.portal.plans})
    if broken:
        shutil.rmtree(tmp, ignore_errors=True)
        checked.problems.append(Problem(str(paths.docs_dir), 1, 1, "", "합친 누리집에 끊긴 링크가 있습니다", "모든 링크가 있는 쪽", "; ".join(broken[:10])))
        return output
    replace_dir(tmp, site_dir)
    return output
