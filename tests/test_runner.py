"""`site-builder build` of a large portal: shards in child processes, then assemble (the threshold forced small here)."""

from __future__ import annotations

import filecmp
import functools
import json
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from site_builder.pipeline.run import Checked, Paths, build
from site_builder.shards import runner
from site_builder.shards.runner import Layout, build_site, shard_count
from site_builder.shards.shard import build_shard
from tests.conftest import ROOT, run_cli
from tests.test_shards import make_two_orgs


@pytest.fixture(autouse=True)
def small_shards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Shard every portal, at most 3 projects (plus one a plan) a shard: the fixture's two organisations are two shards."""
    monkeypatch.setenv(runner.ABOVE_ENV, "0")
    monkeypatch.setenv(runner.SIZE_ENV, "3")
    # No start method is forced: alone these tests fork the shards, in the whole suite (a browser test's server thread
    # alive) they spawn them, and the site must be the same (tests at the end run both on purpose).


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_two_orgs(tmp_path / "data")


def _files(site: Path) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), site) for d, _, names in os.walk(site) for f in names}


def _whole(data: Path, work: Path) -> Path:
    """A fresh unsharded build of `data`."""
    site = work / "whole"
    shutil.rmtree(site, ignore_errors=True)
    checked, output = build(Paths(ROOT, data=data, build=work / "bw"), site, full=True)
    assert not checked.problems, (checked.problems, output)
    return site


def _same(whole: Path, sharded: Path) -> None:
    assert _files(whole) == _files(sharded)
    assert [f for f in sorted(_files(whole)) if not filecmp.cmp(whole / f, sharded / f, shallow=False)] == []


def _sharded(data: Path, work: Path) -> Path:
    site = work / "site"
    checked, output = build_site(Paths(ROOT, data=data, build=work / "build"), site)
    assert not checked.problems, (checked.problems, output)
    assert any("조각 2개로 나누어" in note for note in checked.notes)
    return site


def test_shard_count_follows_the_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(runner.ABOVE_ENV)
    monkeypatch.delenv(runner.SIZE_ENV)
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")  # two shards at once, on any machine
    assert shard_count(20_000, 200) == 1  # one whole build
    assert shard_count(20_200, 200) == 4  # ≤ 10,000 a shard, two at a time
    assert shard_count(100_000, 1000) == 10 and shard_count(102_000, 1000) == 12
    assert shard_count(50_000, 1) == 1  # one organisation cannot be split
    monkeypatch.setenv(runner.AT_ONCE_ENV, "1")
    assert shard_count(20_200, 200) == 3
    monkeypatch.setenv(runner.ABOVE_ENV, "10")
    assert shard_count(12, 2) == 2
    assert runner.org_sizes({"a/2023": 3, "a/2024": 4, "b/2024": 0}) == {"a": 9, "b": 1}


def test_a_large_portal_is_built_as_shards_byte_for_byte_as_a_whole_build(data: Path, tmp_path: Path) -> None:
    sharded = _sharded(data, tmp_path)
    assert sorted(p.name for p in (tmp_path / "build" / "shards").iterdir()) == ["1", "2", "state.json"]
    state = json.loads((tmp_path / "build" / "shards" / "state.json").read_text(encoding="utf-8"))
    assert sorted(state["owner"].values()) == [0, 1]
    _same(_whole(data, tmp_path), sharded)
    assert "제목 변경" in (sharded / "demo-org/2024/projects/p1/index.html").read_text(encoding="utf-8")  # history came along


def test_an_edit_rebuilds_its_shard_and_the_site_stays_byte_identical(data: Path, tmp_path: Path) -> None:
    _sharded(data, tmp_path)
    other_docs = tmp_path / "build" / "shards" / str(json.loads((tmp_path / "build" / "shards" / "state.json").read_text(encoding="utf-8"))["owner"]["demo-org"] + 1)
    untouched = other_docs / "build" / "docs" / "demo-org" / "2024" / "projects" / "p1.md"
    stamp = untouched.stat().st_mtime_ns
    p1 = data / "other-org" / "2024" / "projects" / "p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8").replace("title: ", "title: 고친 ", 1), encoding="utf-8")
    site = tmp_path / "site"
    checked, output = build_site(Paths(ROOT, data=data, build=tmp_path / "build"), site)
    assert not checked.problems, (checked.problems, output)
    assert untouched.stat().st_mtime_ns == stamp  # the other shard kept its pages
    assert any("증분 빌드" in note for note in checked.notes), checked.notes
    assert "고친 " in (site / "other-org/2024/projects/p1/index.html").read_text(encoding="utf-8")
    _same(_whole(data, tmp_path), site)


def test_problems_of_every_shard_are_reported_together(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("이전 사이트", encoding="utf-8")
    (data / "demo-org" / "2024" / "projects" / "p1.yaml").write_text("id: p1\ntitle: [깨진\n", encoding="utf-8")
    p2 = data / "other-org" / "2024" / "projects" / "p2.yaml"
    p2.write_text(p2.read_text(encoding="utf-8") + "budget_total: 많이\n", encoding="utf-8")
    plan = data / "other-org" / "2024" / "plan.yaml"  # every shard reads every plan.yaml: its problem is listed once
    plan.write_text(plan.read_text(encoding="utf-8") + "nonsense: 1\n", encoding="utf-8")
    sharded = run_cli("build", "--data", str(data), "--site-dir", str(site), "--build-dir", str(tmp_path / "build"))
    monkeypatch.setenv(runner.ABOVE_ENV, "1000000")
    whole = run_cli("build", "--data", str(data), "--site-dir", str(tmp_path / "w"), "--build-dir", str(tmp_path / "bw"))
    assert sharded.code == whole.code == 1 and "Traceback" not in sharded.err
    errors = sorted(line for line in sharded.err.splitlines() if ": 오류:" in line)
    assert errors == sorted(line for line in whole.err.splitlines() if ": 오류:" in line)
    assert [e for e in errors if "demo-org/2024/projects/p1.yaml:" in e] and [e for e in errors if "other-org/2024/projects/p2.yaml:" in e]
    assert len([e for e in errors if "plan.yaml:" in e]) == 1
    assert "이전 사이트는 그대로입니다" in sharded.err
    assert [p.name for p in site.iterdir()] == ["index.html"] and (site / "index.html").read_text(encoding="utf-8") == "이전 사이트"


def test_organisations_joined_by_continues_are_put_in_one_shard(data: Path, tmp_path: Path) -> None:
    p1 = data / "demo-org" / "2024" / "projects" / "p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8") + "continues: [other-org/2024/p1]\n", encoding="utf-8")
    site = tmp_path / "site"
    checked, output = build_site(Paths(ROOT, data=data, build=tmp_path / "build"), site)
    assert not checked.problems, (checked.problems, output)
    state = json.loads((tmp_path / "build" / "shards" / "state.json").read_text(encoding="utf-8"))
    assert state["joined"] == [["demo-org", "other-org"]] and len(set(state["owner"].values())) == 1
    assert sorted(p.name for p in (tmp_path / "build" / "shards").iterdir()) == [str(state["owner"]["demo-org"] + 1), "state.json"]
    _same(_whole(data, tmp_path), site)


def _killed(*args: object, **kwargs: object) -> None:
    """A shard's build that ends its process without a word, as the kernel's out-of-memory killer would."""
    os._exit(9)


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_killed_shard_fails_the_build_and_keeps_the_site(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str) -> None:
    monkeypatch.setattr(runner, "can_fork", lambda: start == "fork")
    monkeypatch.setattr(runner, "build_shard", _killed)  # a spawned shard runs it too: the parent hands its build over
    monkeypatch.setenv(runner.AT_ONCE_ENV, "1")  # one after the other: the second is only checked once the first failed
    site = tmp_path / "site"
    result = run_cli("build", "--data", str(data), "--site-dir", str(site), "--build-dir", str(tmp_path / "build"))
    assert result.code == 1 and "Traceback" not in result.err
    assert result.err.count("빌드 프로세스가 중간에 끝났습니다 (종료 코드 9") == 1, result.err  # the other shard was only checked
    assert not site.exists()


def _timed(log: Path, paths: Paths, site: Path, orgs: list[str], *args: Any, **kwargs: Any) -> tuple[Checked, str]:
    """`build_shard`, writing its jobs and when it ran into `log` (a module function: a spawned shard is handed it by name)."""
    start = time.monotonic()
    result = build_shard(paths, site, orgs, *args, **kwargs)
    (log / orgs[0]).write_text(f"{os.environ['SITE_BUILDER_JOBS']} {start} {time.monotonic()}", encoding="utf-8")
    return result


def test_two_shards_at_once_share_the_jobs_and_give_the_same_site(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(runner.AT_ONCE_ENV, "2")
    monkeypatch.setenv("SITE_BUILDER_JOBS", "2")
    log = tmp_path / "log"
    log.mkdir()
    monkeypatch.setattr(runner, "build_shard", functools.partial(_timed, log))  # forked or spawned, the shards run it
    _same(_whole(data, tmp_path), _sharded(data, tmp_path))
    (jobs_a, *a), (jobs_b, *b) = ([float(x) for x in (log / org).read_text(encoding="utf-8").split()] for org in ("demo-org", "other-org"))
    assert jobs_a == jobs_b == 1  # two jobs shared by two shards
    assert a[0] < b[1] and b[0] < a[1]  # side by side


def test_organisations_keep_their_shard_while_it_is_not_overfull() -> None:
    layout = Layout({"a": 50, "b": 40, "c": 30, "d": 20}, 2)
    layout.place({})
    assert layout.owner == {"a": 0, "b": 1, "c": 1, "d": 0}  # largest first onto the least loaded
    grown = Layout({"a": 55, "b": 40, "c": 30, "d": 20, "e": 10}, 2)
    grown.place(layout.owner)
    assert {org: grown.owner[org] for org in "abcd"} == layout.owner and grown.owner["e"] == 1  # a new one onto the lighter
    uneven = Layout({"a": 50, "b": 40, "c": 30, "d": 20}, 2)
    uneven.place({"a": 0, "b": 0, "c": 0, "d": 1})  # shard 0 would hold 120 of 140: over 1.2 × 70
    assert uneven.owner["a"] == 0 and uneven.owner["d"] == 1 and sorted(uneven.owner.values()).count(0) < 3
    joined = Layout({"a": 50, "b": 40, "c": 30, "d": 20}, 2, joined=[["d", "b"]])
    joined.place(layout.owner)
    assert joined.owner["b"] == joined.owner["d"]


def test_a_split_portal_built_as_shards_is_the_whole_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above PORTAL_TABLE_MAX_ROWS the assembly reads the plans light (ids, titles, totals from the rows): the same bytes."""
    from site_builder.plan import portal_pages
    from tests.test_shards import _history
    from tests.test_split import split_portal

    monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)  # the shards see it too: a spawned one is handed it
    data = split_portal(tmp_path / "data")
    _history(data)
    sharded = _sharded(data, tmp_path)
    assert "계획별 사업 표" in (sharded / "projects" / "index.html").read_text(encoding="utf-8")
    _same(_whole(data, tmp_path), sharded)


def _editing(data: Path, paths: Paths, site: Path, orgs: list[str], *args: Any, **kwargs: Any) -> tuple[Checked, str]:
    """`build_shard`, after which someone saves a project file of `data`."""
    result = build_shard(paths, site, orgs, *args, **kwargs)
    p3 = data / "demo-org" / "2024" / "projects" / "p3.yaml"
    p3.write_text(p3.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    return result


def test_data_changed_while_the_shards_were_built_is_not_published(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "build_shard", functools.partial(_editing, data))
    site = tmp_path / "site"
    checked, _ = build_site(Paths(ROOT, data=data, build=tmp_path / "build"), site)
    assert checked.problems and "빌드하는 동안 데이터가 바뀌었습니다" in checked.problems[0].found
    assert not site.exists()


def test_shared_files_are_read_once_and_again_when_changed(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.load import source

    plan = data / "demo-org" / "2024" / "plan.yaml"
    shown = f"{data.name}/demo-org/2024/plan.yaml"
    assert source.keep_shared(data) == 5  # site.yaml, two org.yaml, two plan.yaml (the deleted organisation is gone)
    try:
        reads: list[Path] = []
        read_bytes = source._read_bytes
        monkeypatch.setattr(source, "_read_bytes", lambda path, display: reads.append(path) or read_bytes(path, display))
        kept, _ = source.load_file(plan, shown, "plan")
        assert reads == [] and kept is not None and kept.path == plan  # a forked shard finds it without reading
        plan.write_text(plan.read_text(encoding="utf-8").replace("title: ", "title: 새 ", 1), encoding="utf-8")
        again, _ = source.load_file(plan, shown, "plan")
        assert reads == [plan] and again is not None and again.data["title"].startswith("새 ")  # saved since: read again
    finally:
        source.forget_shared()


def _many_orgs(data: Path, count: int) -> Path:
    """`count` copies of the fixture organisation (more than the sidebar lists), with a public address (a sitemap), under git."""
    from tests.conftest import FIXTURE_DATA, git

    shutil.copytree(FIXTURE_DATA, data, ignore=shutil.ignore_patterns("demo-org"))
    for i in range(count):
        shutil.copytree(FIXTURE_DATA / "demo-org", data / f"org{i:02d}")
        org = data / f"org{i:02d}" / "org.yaml"
        org.write_text(org.read_text(encoding="utf-8").replace("id: demo-org", f"id: org{i:02d}").replace("시험군", f"시험군{i:02d}"), encoding="utf-8")
    site = data / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "site_url: https://plans.example.go.kr/\n", encoding="utf-8")
    git(data.parent, "init", "-q")
    git(data.parent, "add", "data")
    git(data.parent, "commit", "-q", "-m", "처음 올림", date="2024-01-10T10:00:00+09:00")
    return data


@pytest.mark.parametrize("split", [False, True], ids=["one-table", "split-by-plan"])
def test_more_organisations_than_the_sidebar_lists_need_few_stubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: bool) -> None:
    """Beyond NAV_MAX_ORGS a shard stubs only the next organisation's page and its plans' neighbours: still the same site, sitemap too."""
    from site_builder.plan import portal_pages

    if split:
        monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)
    monkeypatch.setenv(runner.SIZE_ENV, "12")  # 10 organisations of 3 projects and a plan: 4 shards, organisations dealt in turn
    data = _many_orgs(tmp_path / "data", 10)
    site = tmp_path / "site"
    checked, output = build_site(Paths(ROOT, data=data, build=tmp_path / "build"), site)
    assert not checked.problems, (checked.problems, output)
    first = tmp_path / "build" / "shards" / "1" / "build" / "docs"
    stubbed = sorted(p.relative_to(first).as_posix() for p in first.glob("org*/**/*.md") if p.read_text(encoding="utf-8").count("\n") == 1)
    assert 0 < len(stubbed) <= 3 * (3 if split else 1), stubbed  # the next organisation's page (and neighbours' tables) of each own one
    _same(_whole(data, tmp_path), site)
    assert (site / "sitemap.xml").read_text(encoding="utf-8").count("<url>") > 100


def test_an_organisations_overview_shows_the_portals_newest_date(data: Path, tmp_path: Path) -> None:
    """Its date is the newest of every plan's files: a shard knows the other organisations' files by name (git/lastmod.stamp)."""
    from tests.conftest import git

    p1 = data / "other-org" / "2024" / "projects" / "p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8").replace("title: ", "title: 늦게 고친 ", 1), encoding="utf-8")
    git(data.parent, "commit", "-q", "-a", "-m", "한 기관만 나중에", date="2024-06-20T10:00:00+09:00")
    sharded = _sharded(data, tmp_path)
    assert "2024-06-20" in (tmp_path / "build" / "shards" / "1" / "build" / "docs" / "demo-org" / "index.md").read_text(encoding="utf-8") \
        or "2024-06-20" in (tmp_path / "build" / "shards" / "2" / "build" / "docs" / "demo-org" / "index.md").read_text(encoding="utf-8")
    _same(_whole(data, tmp_path), sharded)


def _shard_notes(notes: list[str]) -> dict[str, str]:
    """Shard number → its note (`조각 1: …`)."""
    return {note.split(":", 1)[0]: note.split(":", 1)[1].strip() for note in notes if note.startswith("조각 ")}


def _owner(tmp_path: Path, org: str) -> str:
    state = json.loads((tmp_path / "build" / "shards" / "state.json").read_text(encoding="utf-8"))
    return f"조각 {state['owner'][org] + 1}"


def test_a_shard_whose_inputs_did_not_change_is_not_built_again(data: Path, tmp_path: Path) -> None:
    from tests.conftest import git

    paths, site = Paths(ROOT, data=data, build=tmp_path / "build"), tmp_path / "site"
    _sharded(data, tmp_path)
    again, _ = build_site(paths, site)
    assert set(_shard_notes(again.notes).values()) == {"바뀐 입력이 없어 지난 빌드를 그대로 씁니다"}
    assert len(again.findings) == len(build_site(paths, site)[0].findings) > 0  # the kept shards' findings are counted
    p1 = data / "other-org" / "2024" / "projects" / "p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8").replace("title: ", "title: 고친 ", 1), encoding="utf-8")
    edited, _ = build_site(paths, site)
    notes = _shard_notes(edited.notes)
    assert notes[_owner(tmp_path, "demo-org")] == "바뀐 입력이 없어 지난 빌드를 그대로 씁니다" and "증분 빌드" in notes[_owner(tmp_path, "other-org")]
    _same(_whole(data, tmp_path), site)
    git(data.parent, "commit", "-q", "-a", "-m", "같은 날 고침", date="2024-03-05T18:00:00+09:00")  # the newest day stays the same
    notes = _shard_notes(build_site(paths, site)[0].notes)
    assert notes[_owner(tmp_path, "demo-org")] == "바뀐 입력이 없어 지난 빌드를 그대로 씁니다" and "증분" in notes[_owner(tmp_path, "other-org")]
    _same(_whole(data, tmp_path), site)
    p1.write_text(p1.read_text(encoding="utf-8").replace("title: 고친 ", "title: 다시 고친 ", 1), encoding="utf-8")
    git(data.parent, "commit", "-q", "-a", "-m", "다음 날 고침", date="2024-03-06T10:00:00+09:00")  # every overview shows the new day
    notes = _shard_notes(build_site(paths, site)[0].notes)
    assert "바뀐 입력이 없어 지난 빌드를 그대로 씁니다" not in notes.values()
    _same(_whole(data, tmp_path), site)


def test_a_kept_shard_changed_by_hand_is_built_again(data: Path, tmp_path: Path) -> None:
    paths, site = Paths(ROOT, data=data, build=tmp_path / "build"), tmp_path / "site"
    _sharded(data, tmp_path)
    shard = tmp_path / "build" / "shards" / _owner(tmp_path, "demo-org").split()[1] / "site"
    page = shard / "demo-org" / "2024" / "index.html"
    page.unlink()
    page.write_text("손으로 고침", encoding="utf-8")  # not through the hard link: the published site keeps its page
    checked, _ = build_site(paths, site)
    assert _shard_notes(checked.notes)[_owner(tmp_path, "demo-org")] != "바뀐 입력이 없어 지난 빌드를 그대로 씁니다"
    _same(_whole(data, tmp_path), site)


def test_another_number_of_shards_deals_the_organisations_afresh(tmp_path: Path) -> None:
    paths = Paths(ROOT, data=tmp_path / "data", build=tmp_path / "build")
    (tmp_path / "build" / "shards").mkdir(parents=True)
    state = {"version": runner.STATE_VERSION, "count": 4, "owner": {"a": 0, "b": 3}, "joined": [["a", "c"]]}
    (tmp_path / "build" / "shards" / "state.json").write_text(json.dumps(state), encoding="utf-8")
    assert runner._previous(paths, 4) == ({"a": 0, "b": 3}, [["a", "c"]])
    assert runner._previous(paths, 6) == ({}, [["a", "c"]])  # kept where they were, the new shards would stay empty


@pytest.mark.parametrize("split", [False, True], ids=["one-table", "split-by-plan"])
def test_spawned_shards_build_the_forked_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split: bool) -> None:
    """Where fork cannot be used (macOS, Windows, a thread alive) the shards are spawned: the same site, byte for byte.

    A spawned child imports everything afresh: it must be handed the parent's settings (here the split threshold,
    which the assembly in the parent uses too), or its pages link to table pages the assembly never makes.
    """
    from site_builder.plan import portal_pages
    from tests.test_shards import _history
    from tests.test_split import split_portal

    if split:
        monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)
        _history(data := split_portal(tmp_path / "data"))
    else:
        data = make_two_orgs(tmp_path / "data")
    monkeypatch.setattr(runner, "can_fork", lambda: False)
    _same(_whole(data, tmp_path), _sharded(data, tmp_path))


def test_a_thread_alive_in_the_parent_does_not_change_the_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As in the whole suite, where a browser test's server thread lives: the shards are spawned, and the site is the same."""
    from site_builder.plan import portal_pages
    from tests.test_shards import _history
    from tests.test_split import split_portal

    monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)
    _history(data := split_portal(tmp_path / "data"))
    whole, stop = _whole(data, tmp_path), threading.Event()
    thread = threading.Thread(target=stop.wait, daemon=True)
    thread.start()
    try:
        assert runner.start_method() == "spawn"  # fork is not safe beside another thread
        sharded = _sharded(data, tmp_path)
    finally:
        stop.set()
        thread.join()
    _same(whole, sharded)
