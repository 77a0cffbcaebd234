"""`serve` (pipeline/preview.py): the preview of some organisations alone, and how MkDocs is started for it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.engine import seam
from site_builder.pipeline.preview import regenerate, watched
from site_builder.pipeline.run import Paths
from tests.conftest import DEMO_DATA, FIXTURE_DATA, ROOT, run_cli


@pytest.fixture
def two_orgs(tmp_path: Path) -> Path:
    """The fixture's organisation and the demo city (two years, progress reports) in one data folder."""
    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    shutil.copytree(DEMO_DATA / "demo-city", data / "demo-city")
    return data


def _files(docs: Path, under: str = "") -> dict[str, bytes]:
    return {p.relative_to(docs).as_posix(): p.read_bytes() for p in sorted((docs / under).rglob("*")) if p.is_file()}


def test_a_preview_of_one_organisation_has_its_pages_as_the_whole_site_has_them(two_orgs: Path, tmp_path: Path) -> None:
    whole, alone = Paths(ROOT, two_orgs, tmp_path / "whole"), Paths(ROOT, two_orgs, tmp_path / "alone")
    assert regenerate(whole) and regenerate(alone, ["demo-city"])
    assert _files(alone.docs_dir, "demo-city") == _files(whole.docs_dir, "demo-city")
    assert not (alone.docs_dir / "demo-org").exists()
    home = (alone.docs_dir / "index.md").read_text(encoding="utf-8")
    assert "demo-city" in home and "demo-org/" not in home  # the portal-wide pages hold the organisation alone


def test_a_preview_of_one_organisation_reads_no_other_project_file(two_orgs: Path, tmp_path: Path) -> None:
    broken = two_orgs / "demo-org" / "2024" / "projects" / "p2.yaml"
    broken.write_text("title: [닫히지 않음\n", encoding="utf-8")
    assert not regenerate(Paths(ROOT, two_orgs, tmp_path / "whole"))
    assert regenerate(Paths(ROOT, two_orgs, tmp_path / "alone"), ["demo-city"])


def test_a_preview_of_one_organisation_watches_its_folder(two_orgs: Path) -> None:
    paths = Paths(ROOT, two_orgs)
    assert watched(paths, []) == [two_orgs, paths.content_dir]
    assert watched(paths, ["demo-city"]) == [two_orgs / "demo-city", two_orgs / "site.yaml", paths.content_dir]


def test_serve_refuses_an_unknown_organisation(two_orgs: Path, tmp_path: Path) -> None:
    result = run_cli("serve", "--data", str(two_orgs), "--build-dir", str(tmp_path / "build"), "--only-org", "없는-기관")
    assert result.code == 1 and "Traceback" not in result.err
    assert "오류: 없는 기관입니다" in result.err and "없는-기관" in result.err


def test_mkdocs_polls_a_small_docs_tree_often_and_a_big_one_less() -> None:
    config = Path("build/mkdocs.yml")
    assert seam._serve_command(config, "127.0.0.1:8000", 0.1)[2:4] == ["site_builder.engine.live", "0.1"]
    assert seam.poll_seconds(300) == 0.1  # one organisation's preview
    assert seam.poll_seconds(57_000) == 0.5  # a whole portal of 10,000 projects: MkDocs' own poll


def test_the_live_wrapper_runs_mkdocs_serve() -> None:
    result = subprocess.run([sys.executable, "-m", "site_builder.engine.live", "0.1", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "--dirty" in result.stdout and "--dev-addr" in result.stdout


def test_a_big_portal_is_previewed_through_incremental_builds(two_orgs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit shows at once from a build of its organisation alone, then from the whole incremental build: the same page, byte for byte."""
    from site_builder.pipeline import preview

    monkeypatch.setattr(preview, "BIG_PORTAL", 1)
    page, work = Path("demo-org/2024/projects/p3/index.html"), tmp_path / "build/serve"
    seen: list[str] = []

    def served(view: Path, address: str, watched: list[Path], rebuild: Callable[[], None]) -> None:
        assert watched == [two_orgs, ROOT / "content", work / "done"] and view == work / "view"
        seen.append((view / page).read_text(encoding="utf-8"))
        source = two_orgs / "demo-org/2024/projects/p3.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("title: 셋째 사업", "title: 셋째 사업 고쳐 봄"), encoding="utf-8")
        rebuild()  # as the server does when a watched file changes: the organisation's quick build is linked in at once
        seen.append((view / page).read_text(encoding="utf-8"))
        assert (view / "demo-org").resolve() == (work / "quick/demo-org/site/demo-org").resolve()
        assert (view / "index.html").resolve() == (work / "site/index.html").resolve()  # portal-wide pages: the whole site's
        for _ in range(600):  # the whole build runs in the background; when done it writes the stamp the server watches
            if (work / "done/stamp").is_file():
                break
            time.sleep(0.2)
        rebuild()  # the server again, for the stamp: nothing changed in the data, nothing to build
        seen.append((view / page).read_text(encoding="utf-8"))
        assert (view / "demo-org").resolve() == (work / "site/demo-org").resolve()

    monkeypatch.setattr(seam, "serve_site", served)
    assert preview.serve(Paths(ROOT, two_orgs, tmp_path / "build"), "127.0.0.1:8000") == 0
    assert "셋째 사업 고쳐 봄" not in seen[0] and "셋째 사업 고쳐 봄" in seen[1]
    assert seen[1] == seen[2]  # the quick page is the whole build's page
    assert (work / "build/cache/engine.json").is_file()  # the next edit is an incremental build


def test_an_edit_is_shown_quickly_only_when_it_stays_inside_organisations(tmp_path: Path) -> None:
    from site_builder.pipeline.quickview import changed_orgs

    data = tmp_path / "data"
    assert changed_orgs([str(data / "a/2024/projects/p1.yaml"), str(data / "b/org.yaml")], data) == {"a", "b"}
    assert changed_orgs([str(data / "a/2024/projects/p1.yaml"), str(data / "site.yaml")], data) is None
    assert changed_orgs([str(tmp_path / "content/guide/index.md")], data) is None
