"""Incremental docs tree: a data change rewrites only the Markdown files whose content changed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from site_builder.pipeline.run import Paths, check, generate
from site_builder.write.tree import write_tree
from tests.conftest import ROOT

OLD = 1_000_000_000  # an mtime far in the past: any rewrite shows


def _regenerate(data: Path, docs: Path):
    """Validate and update the docs tree like `build` and `serve` do."""
    checked = check(data)
    assert checked.portal is not None, checked.problems
    return write_tree(generate(checked.portal), [Paths(ROOT).content_dir], docs)


def _age(docs: Path) -> None:
    """Set every file's mtime far back."""
    for path in docs.rglob("*"):
        if path.is_file():
            os.utime(path, (OLD, OLD))


def _project_file(data: Path) -> Path:
    """The first project file of the fixture."""
    return sorted(data.glob("*/*/projects/*.yaml"))[0]


def test_unchanged_data_rewrites_nothing(data_copy: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    first = _regenerate(data_copy, docs)
    assert first.changed and not first.removed
    _age(docs)
    again = _regenerate(data_copy, docs)
    assert again.changed == [] and again.removed == []
    assert all(p.stat().st_mtime == OLD for p in docs.rglob("*") if p.is_file())


def test_changed_project_rewrites_its_page_only_among_projects(data_copy: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    _regenerate(data_copy, docs)
    _age(docs)
    source = _project_file(data_copy)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("\ntitle: ", "\ntitle: 바뀐 제목 ", 1), encoding="utf-8")
    done = _regenerate(data_copy, docs)
    page = f"{source.parent.parent.parent.name}/{source.parent.parent.name}/projects/{source.stem}.md"
    assert page in done.changed
    assert "바뀐 제목" in (docs / page).read_text(encoding="utf-8")
    assert (docs / page).stat().st_mtime != OLD
    other_projects = [p for p in docs.glob("*/*/projects/*.md") if p.relative_to(docs).as_posix() != page]
    assert other_projects and all(p.stat().st_mtime == OLD for p in other_projects if p.relative_to(docs).as_posix() not in done.changed)
    assert len(done.changed) < sum(1 for p in docs.rglob("*") if p.is_file()) / 2


def test_removed_project_page_is_deleted(data_copy: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    source = data_copy / "demo-org/2024/projects/p3.yaml"  # nothing else refers to p3 once its progress reports go too
    shutil.rmtree(data_copy / "demo-org/2024/progress")
    page = docs / source.parent.parent.parent.name / source.parent.parent.name / "projects" / f"{source.stem}.md"
    _regenerate(data_copy, docs)
    assert page.exists()
    stray = docs / "old" / "gone.md"
    stray.parent.mkdir()
    stray.write_text("# 예전 파일\n", encoding="utf-8")
    source.unlink()
    done = _regenerate(data_copy, docs)
    assert not page.exists()
    assert page.relative_to(docs).as_posix() in done.removed
    assert not stray.exists() and not stray.parent.exists()


def test_failed_validation_writes_nothing(data_copy: Path, tmp_path: Path) -> None:
    from site_builder.pipeline.run import build

    paths = Paths(ROOT, data=data_copy, build=tmp_path / "build")
    source = _project_file(data_copy)
    source.write_text(source.read_text(encoding="utf-8") + "\nno_such_field: 1\n", encoding="utf-8")
    checked, _ = build(paths, tmp_path / "site")
    assert checked.problems
    assert not paths.docs_dir.exists() and not (tmp_path / "site").exists()


def test_tree_state_is_what_os_walk_finds(tmp_path: Path):
    """Every file under the folder (files linked in count, linked folders are not entered, as os.walk does)."""
    from site_builder.engine.incremental import tree_state

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "top.txt").write_text("1")
    (tmp_path / "a" / "b" / "deep.json").write_text("22")
    (tmp_path / "a" / "linked.txt").symlink_to(tmp_path / "top.txt")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "x").write_text("x")
    (tmp_path / "a" / "folder-link").symlink_to(tmp_path / "outside", target_is_directory=True)
    expected = {}
    for here, _, names in os.walk(tmp_path):
        for name in names:
            found = os.stat(os.path.join(here, name))
            expected[os.path.relpath(os.path.join(here, name), tmp_path).replace(os.sep, "/")] = [found.st_size, found.st_mtime_ns]
    assert tree_state(tmp_path) == expected
    assert "a/linked.txt" in expected and "outside/x" in expected and not any(k.startswith("a/folder-link") for k in expected)
