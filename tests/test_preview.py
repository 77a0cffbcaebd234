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

    def served(view: Path, address: str, watched: list[Path], rebuild: Callable[[set[str]], None]) -> None:
        assert watched == [two_orgs, ROOT / "content", work / "done"] and view == work / "view"
        seen.append((view / page).read_text(encoding="utf-8"))
        source = two_orgs / "demo-org/2024/projects/p3.yaml"
        source.write_text(source.read_text(encoding="utf-8").replace("title: 셋째 사업", "title: 셋째 사업 고쳐 봄"), encoding="utf-8")
        rebuild({str(source)})  # as the server does when a watched file changes: the organisation's quick build is linked in at once
        seen.append((view / page).read_text(encoding="utf-8"))
        assert (view / "demo-org").resolve() == (work / "quick/demo-org/site/demo-org").resolve()
        assert (view / "index.html").resolve() == (work / "site/index.html").resolve()  # portal-wide pages: the whole site's
        for _ in range(600):  # the whole build runs in the background; when done it writes the stamp the server watches
            if (work / "done/stamp").is_file():
                break
            time.sleep(0.2)
        rebuild({str(work / "done/stamp")})  # the server again, for the stamp: nothing changed in the data, nothing to build
        seen.append((view / page).read_text(encoding="utf-8"))
        assert (view / "demo-org").resolve() == (work / "site/demo-org").resolve()

    monkeypatch.setattr(seam, "serve_site", served)
    assert preview.serve(Paths(ROOT, two_orgs, tmp_path / "build"), "127.0.0.1:8000") == 0
    assert "셋째 사업 고쳐 봄" not in seen[0] and "셋째 사업 고쳐 봄" in seen[1]
    assert seen[1] == seen[2]  # the quick page is the whole build's page
    assert (work / "build/cache/engine.json").is_file()  # the next edit is an incremental build
    whole, quick = work / "build/cache/templates", work / "quick/demo-org/build/cache/templates"
    assert {p.name: p.stat().st_ino for p in whole.iterdir()} == {p.name: p.stat().st_ino for p in quick.iterdir()}  # seeded, recalled


def test_a_quick_build_starts_from_links_to_the_whole_builds_content_keyed_caches(tmp_path: Path) -> None:
    from site_builder.base.store import write_store
    from site_builder.pipeline.quickview import seed_cache

    whole, target = tmp_path / "whole", tmp_path / "quick/build/cache"
    for name in ("parsed/0.bin", "plans/search-1.bin", "plans/search-base.bin", "plans/search-index.bin", "scanned.bin",
                 "templates/t.cache", "engine.json", "pages.json", "parsed/.1.bin.99.tmp"):
        write_store(whole / name, "k", name)
    seed_cache(whole, target)
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "parsed/0.bin", "plans/search-1.bin", "scanned.bin", "templates/t.cache"]  # not the whole site's record, index layout or files being written
    assert (target / "parsed/0.bin").stat().st_ino == (whole / "parsed/0.bin").stat().st_ino
    write_store(target / "parsed/0.bin", "k", "the shard's")  # a cache file is renamed in: the link parts, the whole's stays
    assert (whole / "parsed/0.bin").read_bytes() != (target / "parsed/0.bin").read_bytes()
    write_store(whole / "scanned.bin", "k", "newer")
    seed_cache(whole, target)  # a quick build's own cache is never seeded again
    assert (target / "scanned.bin").stat().st_ino != (whole / "scanned.bin").stat().st_ino


def test_an_edit_is_shown_quickly_only_when_it_stays_inside_organisations(tmp_path: Path) -> None:
    from site_builder.pipeline.quickview import changed_orgs

    data = tmp_path / "data"
    assert changed_orgs([str(data / "a/2024/projects/p1.yaml"), str(data / "b/org.yaml")], data) == {"a", "b"}
    assert changed_orgs([str(data / "a/2024/projects/p1.yaml"), str(data / "site.yaml")], data) is None
    assert changed_orgs([str(tmp_path / "content/guide/index.md")], data) is None


def test_the_big_portal_server_sees_a_saved_file_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kernel file events, not MkDocs' polling: with a poll of 5 s, a saved file still starts the rebuild within a second or two."""
    import socket
    import threading

    from mkdocs.livereload import LiveReloadServer

    from site_builder.engine import live

    site, data = tmp_path / "site", tmp_path / "data"
    site.mkdir()
    data.mkdir()
    (site / "index.html").write_text("<html><body>미리 보기</body></html>", encoding="utf-8")
    servers: list[LiveReloadServer] = []
    serve = LiveReloadServer.serve
    monkeypatch.setattr(LiveReloadServer, "serve", lambda self, **kw: servers.append(self) or serve(self, **kw))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    (data / "p0.yaml").write_text("title: 그대로\n", encoding="utf-8")
    rebuilt, changed = threading.Event(), []
    thread = threading.Thread(target=live.serve_site, args=(site, f"127.0.0.1:{port}", [data], lambda paths: changed.append(paths) or rebuilt.set(), 5.0), daemon=True)
    thread.start()
    for _ in range(100):
        if servers and servers[0].observer.is_alive():
            break
        time.sleep(0.05)
    (data / "p0.yaml").read_text(encoding="utf-8")  # a build reads every data file: that is no change
    assert not rebuilt.wait(0.5)
    (data / "p1.yaml").write_text("title: 고침\n", encoding="utf-8")
    try:
        assert rebuilt.wait(2.0)
        assert changed == [{str(data / "p1.yaml")}]  # the paths, from the events (no walk over the data)
    finally:
        servers[0].shutdown()
        thread.join(10)
