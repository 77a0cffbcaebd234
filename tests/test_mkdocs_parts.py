"""MkDocs in several processes (engine/seam.build_site with parts): the joined site equals a one-process build."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from site_builder.engine import seam as mkdocs_seam
from site_builder.engine.hooks import part_bounds
from site_builder.pipeline.run import Paths, build
from tests.conftest import FIXTURE_DATA, ROOT


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A one-process build of the fixture portal with a site address (so the sitemap lists every page)."""
    tmp = tmp_path_factory.mktemp("parts")
    data = shutil.copytree(FIXTURE_DATA, tmp / "data")
    site_yaml = data / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "site_url: https://plans.example.go.kr/\n", encoding="utf-8")
    paths = Paths(ROOT, data, tmp / "build")
    checked, output = build(paths, tmp / "site")
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    return paths.config, tmp / "site"


@pytest.mark.parametrize(("parts", "jobs"), [(2, None), (3, None), (5, 2)])  # 5 parts, 2 at a time: more parts than cores
def test_parts_join_into_the_same_site(built: tuple[Path, Path], parts: int, jobs: int | None, tmp_path: Path):
    config, whole = built
    ok, output = mkdocs_seam.build_site(config, tmp_path / "site", parts, jobs)
    assert ok, output
    assert _tree(tmp_path / "site") == _tree(whole)
    assert (whole / "sitemap.xml").read_text(encoding="utf-8").count("<url>") > 20
    assert not list(tmp_path.glob("site.part*")), "part folders are removed"


def test_a_broken_link_still_fails_a_part_build(built: tuple[Path, Path], tmp_path: Path):
    config, _ = built
    docs = shutil.copytree(config.parent / "docs", tmp_path / "build/docs")
    shutil.copy(config, tmp_path / "build/mkdocs.yml")
    page = docs / "demo-org/2024/projects/p1.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[끊긴 링크](no-such-page.md)\n", encoding="utf-8")
    ok, output = mkdocs_seam.build_site(tmp_path / "build/mkdocs.yml", tmp_path / "site", 2)
    assert not ok and "no-such-page.md" in output
    assert not list(tmp_path.glob("site.part*"))


@pytest.mark.parametrize(("weights", "parts", "expected"), [
    ([1] * 10, 2, [(0, 5), (5, 10)]),
    ([1] * 10, 3, [(0, 4), (4, 7), (7, 10)]),
    ([100, 1, 1, 1], 2, [(0, 1), (1, 4)]),  # one heavy page makes a part of its own
    ([1], 3, [(0, 1), (1, 1), (1, 1)]),  # more parts than pages: the rest are empty
])
def test_parts_are_consecutive_runs_of_about_equal_weight(weights: list[int], parts: int, expected: list[tuple[int, int]]):
    assert [part_bounds(weights, i, parts) for i in range(parts)] == expected


def test_small_sites_build_in_one_process(built: tuple[Path, Path]):
    config, _ = built
    assert mkdocs_seam.default_parts(config.parent / "docs") == 1


def test_jobs_setting_chooses_the_parts(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):
    config, _ = built
    monkeypatch.setattr(mkdocs_seam, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    assert mkdocs_seam.default_parts(config.parent / "docs") == 1
    monkeypatch.setenv("SITE_BUILDER_JOBS", "3")
    assert mkdocs_seam.default_parts(config.parent / "docs") == 3


def test_big_sites_get_a_part_per_part_max_pages(built: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch):
    config, _ = built
    docs = config.parent / "docs"
    pages = sum(1 for _ in docs.rglob("*.md"))
    monkeypatch.setattr(mkdocs_seam, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(mkdocs_seam, "PART_MAX_PAGES", 10)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")  # one process at a time, but still no part above PART_MAX_PAGES
    assert mkdocs_seam.default_parts(docs) == -(-pages // 10) > 2
    monkeypatch.setenv("SITE_BUILDER_JOBS", "4")  # whole rounds of 4 parts at once
    assert mkdocs_seam.default_parts(docs) == -(-pages // 40) * 4 >= -(-pages // 10)
    monkeypatch.setattr(mkdocs_seam, "PART_MAX_PAGES", 10_000)
    assert mkdocs_seam.default_parts(docs) == 4
    monkeypatch.setenv("SITE_BUILDER_JOBS", "1")
    assert mkdocs_seam.default_parts(docs) == 1


def test_parts_run_at_most_jobs_at_once(built: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    config, whole = built
    running, most, lock = [0], [0], threading.Lock()
    real = mkdocs_seam._run

    def counted(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(mkdocs_seam, "_run", counted)
    ok, output = mkdocs_seam.build_site(config, tmp_path / "site", 4, 2)
    assert ok, output
    assert most[0] == 2 and _tree(tmp_path / "site") == _tree(whole)


def test_a_pages_feed_goes_to_the_part_that_renders_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Files in a page's output folder are copied by that page's part (the join then moves whole folders)."""
    from mkdocs.structure.files import File, Files

    from site_builder.engine import hooks

    docs = tmp_path / "docs"
    names = [f"p{i}.md" for i in range(6)] + [f"p{i}/feed.xml" for i in range(6)] + [f"search/{i}.json" for i in range(4)]
    for name in names:
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("# 제목\n" if name.endswith(".md") else "{}", encoding="utf-8")
    for part in (1, 2):
        files = Files([File(name, str(docs), str(tmp_path / "site"), use_directory_urls=True) for name in names])
        monkeypatch.setenv(hooks.PART_ENV, f"{part}/2")
        hooks.on_files(files, {"docs_dir": str(docs)})
        included = {f.src_uri for f in files if not f.inclusion.is_excluded()}
        pages = {n[:-3] for n in names if n.endswith(".md") and n in included}
        assert len(pages) == 3 and {n.split("/")[0] for n in included if n.endswith("feed.xml")} == pages
        assert len([n for n in included if n.startswith("search/")]) == 2
