"""Whole builds: MkDocs strict passes, output is deterministic, failures leave the old site, sizes stay flat."""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import pytest

from site_builder.pipeline.run import Paths, build
from tests.conftest import FIXTURE_DATA, ROOT


def _build(data: Path, tmp: Path, name: str) -> Path:
    site = tmp / name
    checked, output = build(Paths(ROOT, data, tmp / f"{name}-build"), site)
    assert not checked.problems, [p.format() for p in checked.problems] + [output]
    return site


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(FIXTURE_DATA, tmp_path_factory.mktemp("b"), "site")


def test_mkdocs_strict_build_has_every_page(built: Path):
    for page in ["index.html", "demo-org/2024/index.html", "demo-org/2024/projects/p1/index.html", "demo-org/2024/strategy/task1-1/index.html",
                 "demo-org/2024/units/team-a/index.html", "demo-org/2024/budget/index.html", "demo-org/2024/quality/index.html", "reference/data-format/index.html"]:
        assert (built / page).is_file(), page


def test_html_has_korean_language_and_breadcrumbs(built: Path):
    html = (built / "demo-org/2024/projects/p1/index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in html
    assert 'aria-label="현재 위치"' in html
    assert "<script>alert" not in html


def test_two_builds_are_byte_identical(built: Path, tmp_path: Path):
    again = _build(FIXTURE_DATA, tmp_path, "again")
    first, second = _tree(built), _tree(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    site = _build(data, tmp_path, "site")
    before = _tree(site)
    (data / "demo-org/2024/projects/p2.yaml").write_text("id: p2\n", encoding="utf-8")
    checked, _ = build(Paths(ROOT, data, tmp_path / "site-build"), site)
    assert checked.problems
    assert _tree(site) == before
    assert filecmp.dircmp(site, site).left_only == []


def test_page_size_does_not_grow_with_projects(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    small = _build(data, tmp_path, "small")
    projects = data / "demo-org/2024/projects"
    for i in range(40):
        (projects / f"extra{i}.yaml").write_text(f"id: extra{i}\ntitle: 추가 사업 {i}\nunit: team-b\n", encoding="utf-8")
    large = _build(data, tmp_path, "large")
    for page in ["demo-org/2024/projects/p1/index.html", "demo-org/2024/units/team-a/index.html", "reference/data-format/index.html"]:
        assert (large / page).stat().st_size == (small / page).stat().st_size, page


def test_broken_link_fails_the_build(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    site = _build(data, tmp_path, "site")
    before = _tree(site)
    content = tmp_path / "root" / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "about.md").write_text("# 안내\n\n[없는 쪽](nowhere.md)\n", encoding="utf-8")
    for name in ("mkdocs.yml", "theme"):
        (tmp_path / "root" / name).symlink_to(ROOT / name)
    checked, output = build(Paths(tmp_path / "root", data, tmp_path / "b2"), site)
    assert checked.problems and "nowhere.md" in output
    assert _tree(site) == before


def test_site_gets_normal_permissions_for_a_web_server(built: Path):
    # The site is built in a temporary folder (mode 700) and renamed into place: it must end up readable by others.
    import os
    import stat

    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(built.stat().st_mode) == 0o777 & ~mask
