"""Incremental builds (engine/incremental.py, render/reuse.py): after an edit, the site equals a full build, byte for byte."""

from __future__ import annotations

import json
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.base import digest
from site_builder.check import privacy
from site_builder.engine import incremental
from site_builder.load import source
from site_builder.pipeline.run import Checked, Paths, build
from site_builder.plan import portal_pages
from site_builder.render import markdown
from tests.conftest import DEMO_DATA, FIXTURE_DATA, ROOT, git

LEAVES = ["street-lights", "walkways", "parks", "elder-care", "participation"]  # demo-city 2025's strategy leaves
UNITS = ["safety", "welfare", "admin"]


def _tree(site: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None): a folder a full build would not have is a difference too."""
    return {p.relative_to(site).as_posix(): p.read_bytes() if p.is_file() else None for p in sorted(site.rglob("*"))}


def _build(work: Path, full: bool = False) -> Checked:
    checked, output = build(Paths(ROOT, work / "data", work / "build"), work / "site", full=full)
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    return checked


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two organisations (the fixture's and the demo city's, two years with progress), built once: site and cache."""
    work = tmp_path_factory.mktemp("incremental")
    shutil.copytree(FIXTURE_DATA, work / "data")
    shutil.copytree(DEMO_DATA / "demo-city", work / "data/demo-city")
    site_yaml = work / "data/site.yaml"  # with an address the sitemap lists every page
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "site_url: https://plans.example.go.kr/\n", encoding="utf-8")
    _build(work)
    return work


def _copy(base: Path, into: Path) -> Path:
    """The built portal with its cache, as a CI cache restores it (mtimes kept)."""
    shutil.copytree(base, into, symlinks=True)
    return into


def _projects(work: Path) -> list[Path]:
    return sorted((work / "data/demo-city/2025/projects").glob("*.yaml"))


def _sub(path: Path, pattern: str, replace: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replace, text, count=1, flags=re.M)
    assert changed != text, f"{path.name}: {pattern}"
    path.write_text(changed, encoding="utf-8")


def _retitle(work: Path, rng: random.Random) -> None:
    _sub(rng.choice(_projects(work)), r"^title: (.*)$", lambda m: f"title: {m.group(1)} (고침)")


def _rebudget(work: Path, rng: random.Random) -> None:
    path = rng.choice([p for p in _projects(work) if 'amount: "' in p.read_text(encoding="utf-8")])
    _sub(path, r'amount: "([\d,]+)천원"', lambda m: f'amount: "{int(m.group(1).replace(",", "")) + 1_000:,}천원"')


def _relink(work: Path, rng: random.Random) -> None:
    path = rng.choice(_projects(work))
    _sub(path, r"^strategy: (\S+)$", lambda m: f"strategy: {rng.choice([leaf for leaf in LEAVES if leaf != m.group(1)])}")


def _move(work: Path, rng: random.Random) -> None:
    path = rng.choice(_projects(work))
    _sub(path, r"^unit: (\S+)$", lambda m: f"unit: {rng.choice([u for u in UNITS if u != m.group(1)])}")


def _withhold(work: Path, rng: random.Random) -> None:
    path = rng.choice(_projects(work))
    path.write_text(path.read_text(encoding="utf-8") + "withheld: {ground: 5}\n", encoding="utf-8")


def _delete(work: Path, rng: random.Random) -> None:
    """A project deleted as staff would: its file and its entries in the progress reports (nothing continues from 2025)."""
    path = rng.choice(_projects(work))
    path.unlink()
    for report in (work / "data/demo-city/2025/progress").glob("*.yaml"):
        _sub(report, rf"^  {path.stem}:\n(?:    .*\n)*", lambda m: "")


def _add(work: Path, rng: random.Random) -> None:
    """A new project: a copy of one with a new id and number (its pages, rows and index documents are new)."""
    path = rng.choice(_projects(work))
    text = re.sub(r"^id: .*$", "id: added-project", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    text = re.sub(r"^number: .*$", 'number: "99"', text, count=1, flags=re.M)
    (path.parent / "added-project.yaml").write_text(text, encoding="utf-8")


EDITS = {"title": _retitle, "budget": _rebudget, "strategy": _relink, "unit": _move, "withheld": _withhold, "deletion": _delete,
         "addition": _add}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_an_edit_builds_the_same_site_as_a_full_build(base: Path, tmp_path: Path, kind: str):
    work = _copy(base, tmp_path / "work")
    EDITS[kind](work, random.Random(f"{kind}-2026"))
    notes = _build(work).notes
    fresh = tmp_path / "fresh"
    shutil.copytree(work / "data", fresh / "data")
    _build(fresh)
    assert _tree(work / "site") == _tree(fresh / "site"), notes
    assert notes and notes[0].startswith("증분 빌드: 바뀐 파일"), notes  # MkDocs rendered only the changed files
    if kind in ("deletion", "addition"):  # pages came or went: the sitemap was patched (a withheld project keeps a page)
        assert re.search(r"새 파일 \d+개, 지운 파일 \d+개", notes[0]), notes


def test_an_edit_renders_only_the_pages_of_its_organisation(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    work = _copy(base, tmp_path / "work")
    _sub(work / "data/demo-org/2024/projects/p2.yaml", r"^title: (.*)$", lambda m: f"title: {m.group(1)} 바뀜")
    rendered: list[str] = []
    render_page = markdown.render_page
    monkeypatch.setattr(markdown, "render_page", lambda env, page, portal: rendered.append(page.path) or render_page(env, page, portal))
    _build(work)
    assert rendered and not [p for p in rendered if p.startswith("demo-city/")]
    assert any(p.startswith("demo-org/") for p in rendered) and "index.md" in rendered  # the edited organisation, portal-wide pages


def test_a_commit_builds_the_same_site_as_a_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """History (change lists, feeds, page dates) comes from git: a new commit changes only its organisation's pages.

    The builds after the first read the files, the scan's hits and the history from the build cache (only the new
    commit is read from git): problems, findings and site are those of a build without a cache.
    """
    work = tmp_path / "work"
    shutil.copytree(FIXTURE_DATA, work / "data")
    shutil.copytree(DEMO_DATA / "demo-city", work / "data/demo-city")
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "처음", date="2024-03-05T09:00:00+09:00")  # the same day as the edit: page dates stay
    _build(work)
    _sub(work / "data/demo-city/2025/projects/park.yaml", r"^title: (.*)$", lambda m: f"title: {m.group(1)} 새 이름")
    _build(work)  # previewed before the commit: the files are then as committed, only the history is new
    git(work, "commit", "-qam", "공원 이름", date="2024-03-05T10:00:00+09:00")
    parsed, scanned = [], []
    monkeypatch.setattr(source, "_parsed", lambda *args, real=source._parsed: parsed.append(args[1]) or real(*args))
    monkeypatch.setattr(privacy, "file_hits", lambda *args, real=privacy.file_hits: scanned.append(args) or real(*args))
    cached = _build(work)
    assert parsed == scanned == []  # every file as the last build read and scanned it
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    shutil.copytree(work, fresh, ignore=shutil.ignore_patterns("build", "site"))
    plain = _build(fresh)
    assert _tree(work / "site") == _tree(fresh / "site")
    assert (cached.problems, cached.findings) == (plain.problems, plain.findings)


def test_no_change_reuses_the_whole_site(base: Path, tmp_path: Path):
    work = _copy(base, tmp_path / "work")
    before = _tree(work / "site")
    assert _build(work).notes == ["증분 빌드: 바뀐 파일이 없어 이전 누리집을 그대로 씁니다"]
    assert _tree(work / "site") == before


@pytest.mark.parametrize(("damage", "note"), [
    (lambda w: (w / "build/cache/engine.json").write_text("{망가짐", encoding="utf-8"), "빌드 캐시(" ),
    (lambda w: (w / "build/cache/engine.json").unlink(), "빌드 캐시가 없어"),
    (lambda w: next((w / "site").rglob("*.html")).unlink(), "이전 누리집이 지난 빌드 기록과 달라"),
    (lambda w: (w / "build/cache/pages.json").write_text("[]", encoding="utf-8"), "증분 빌드"),  # pages rendered again, same bytes
])
def test_a_damaged_cache_or_site_falls_back_to_a_full_build(base: Path, tmp_path: Path, damage: Callable[[Path], object], note: str):
    work = _copy(base, tmp_path / "work")
    expected = _tree(work / "site")
    damage(work)
    notes = _build(work).notes
    assert notes and notes[0].startswith(note), notes
    assert _tree(work / "site") == expected


def test_docs_written_by_a_build_that_failed_are_rendered_by_the_next(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The second build writes nothing new into the docs tree, yet its site must hold the first build's edit."""
    from site_builder.engine import seam

    work = _copy(base, tmp_path / "work")
    _retitle(work, random.Random(7))
    with monkeypatch.context() as patched:
        patched.setattr(seam, "_build_only", lambda *args: (False, "MkDocs 실패"))
        checked, _ = build(Paths(ROOT, work / "data", work / "build"), work / "site")
        assert checked.problems
    notes = _build(work).notes
    assert notes[0].startswith("문서 폴더가 지난 빌드 기록과 달라"), notes
    fresh = tmp_path / "fresh"
    shutil.copytree(work, fresh, ignore=shutil.ignore_patterns("build", "site"))
    _build(fresh)
    assert _tree(work / "site") == _tree(fresh / "site")


def test_another_engine_or_cache_version_is_a_full_build(base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    work = _copy(base, tmp_path / "work")
    monkeypatch.setattr(incremental, "CACHE_VERSION", incremental.CACHE_VERSION + 1)
    assert _build(work).notes[0].startswith("빌드 캐시(")
    manifest = json.loads((work / "build/cache/engine.json").read_text(encoding="utf-8"))
    manifest["key"] = "다른 엔진"
    (work / "build/cache/engine.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert _build(work).notes[0].startswith("엔진·설정·테마")


def test_a_hand_edited_docs_page_is_rendered_again(base: Path, tmp_path: Path):
    work = _copy(base, tmp_path / "work")
    page = work / "build/docs/demo-city/2025/index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n손으로 고침\n", encoding="utf-8")
    _build(work)
    assert "손으로 고침" not in page.read_text(encoding="utf-8")
    assert _tree(work / "site") == _tree(base / "site")


def test_full_renders_everything(base: Path, tmp_path: Path):
    work = _copy(base, tmp_path / "work")
    assert _build(work, full=True).notes == ["모든 페이지를 다시 만들었습니다 (--full)"]
    assert _tree(work / "site") == _tree(base / "site")


def test_code_changes_key_every_page_anew(monkeypatch: pytest.MonkeyPatch):
    before = digest.code_digest()
    monkeypatch.setattr(digest, "_CODE", [])
    monkeypatch.setattr(digest, "CODE_VERSION", digest.CODE_VERSION + 1)
    assert digest.code_digest() != before


def test_a_new_project_updates_every_plan_of_a_split_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Split big portals (plan/portal_pages.py): each plan's table page names the portal's project count, so adding one
    project anywhere changes every organisation's table page, and reuse must see it."""
    monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)
    work = tmp_path / "work"
    shutil.copytree(FIXTURE_DATA, work / "data")
    shutil.copytree(DEMO_DATA / "demo-city", work / "data/demo-city")
    _build(work)
    added = work / "data/demo-org/2024/projects/p4.yaml"
    added.write_text("id: p4\ntitle: 넷째 사업\nunit: team-b\nstrategy: task1-2\n", encoding="utf-8")
    _build(work)
    fresh = tmp_path / "fresh"
    shutil.copytree(work / "data", fresh / "data")
    _build(fresh)
    assert _tree(work / "site") == _tree(fresh / "site")
    assert (work / "site/demo-city/2025/all-projects/index.html").is_file()


def test_page_order_and_site_files_are_mkdocs_own(tmp_path: Path):
    """The sitemap patch lists pages in MkDocs' order and deletes the files MkDocs makes of them: checked against MkDocs itself."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    docs = tmp_path / "docs"
    names = ["index.md", "z.md", "a.md", "a/index.md", "a/b.md", "a/b/index.md", "a/b/c.md", "a-b/x.md", "B/README.md",
             "가/나.md", "가.md", "data/rows.csv", "_x/y.md", "a/b/c/d.md"]
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("# x\n", encoding="utf-8")
    config = load_config(config_file=None, docs_dir=str(docs), site_dir=str(tmp_path / "site"), site_name="t")
    files = get_files(config)
    pages = [f.src_uri for f in files.documentation_pages()]
    assert incremental.mkdocs_order([n for n in names if incremental.is_page(n)]) == pages
    assert {n: incremental.site_file(n) for n in names} == {f.src_uri: f.dest_uri for f in files}
