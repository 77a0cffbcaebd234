"""Last-updated dates from the data's git history: right file, newest commit, no date (and no failure) without git."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from site_builder.git import lastmod
from site_builder.pipeline.run import check
from tests.conftest import git

FIXTURE = Path(__file__).parent / "fixtures" / "data"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _repo(tmp_path: Path) -> Path:
    data = tmp_path / "repo" / "data"
    shutil.copytree(FIXTURE, data)
    git(data.parent, "init", "-q")
    git(data.parent, "add", ".")
    git(data.parent, "commit", "-q", "-m", "first", date="2024-01-02T10:00:00+09:00")
    project = next(data.glob("*/*/projects/p1.yaml"))
    project.write_text(project.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    git(data.parent, "commit", "-q", "-am", "second", date="2024-03-05T10:00:00+09:00")
    return data


def _stamped(data: Path) -> dict[str, str]:
    from site_builder.plan.extrapages import citizen_pages
    from site_builder.plan.pages import portal_pages

    portal = check(data).portal
    assert portal is not None
    pages = portal_pages(portal) + citizen_pages(portal)
    lastmod.stamp(pages, portal)
    return {p.path: p.context.get("updated", "") for p in pages}


def test_pages_take_the_newest_commit_of_their_files(tmp_path: Path) -> None:
    dates = _stamped(_repo(tmp_path))
    assert dates["demo-org/2024/projects/p1.md"] == "2024-03-05"
    assert dates["demo-org/2024/projects/p2.md"] == "2024-01-02"
    assert dates["demo-org/2024/index.md"] == "2024-03-05"  # a plan page lists p1
    assert dates["projects.md"] == "2024-03-05"


def test_uncommitted_edits_do_not_change_the_date(tmp_path: Path) -> None:
    data = _repo(tmp_path)
    before = _stamped(data)
    project = next(data.glob("*/*/projects/p2.yaml"))
    project.write_text(project.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert _stamped(data) == before


def test_no_git_repository_means_no_dates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(FIXTURE, data)
    assert set(_stamped(data).values()) == {""}


def test_shallow_clone_drops_dates_it_cannot_know(tmp_path: Path) -> None:
    source = _repo(tmp_path).parent
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{source}", str(clone)], check=True, capture_output=True)
    dates = _stamped(clone / "data")
    assert dates["demo-org/2024/projects/p2.md"] == ""  # its last change is behind the shallow boundary
