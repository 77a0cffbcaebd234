"""Sharded builds: two organisations built as two shards and assembled into one site with one search."""

from __future__ import annotations

import filecmp
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.engine.sitemap import page_order
from site_builder.outputs.search import INDEX_DIR, index_files
from site_builder.outputs.searcher import Searcher
from site_builder.pipeline.run import Paths, build, check
from site_builder.publish.redaction import redact_portal
from site_builder.shards.assembly import assemble, published_portal
from site_builder.shards.shard import MANIFEST, build_shard, folder_shard_orgs
from tests.conftest import FIXTURE_DATA, ROOT, git, run_cli

WITHHELD = "withheld: {ground: 5, reason: 내부 검토 중}\n"
FIELD_WITHHELD = "withheld_fields:\n  - {field: budget, ground: 5}\n"


@pytest.fixture(scope="module")
def two_orgs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture data plus a copy of its organisation under another id and name."""
    return make_two_orgs(tmp_path_factory.mktemp("shards") / "data")


def make_two_orgs(data: Path) -> Path:
    """Write the fixture data plus a copy of its organisation under another id and name (with 비공개 projects, under git) into `data`."""
    shutil.copytree(FIXTURE_DATA, data)
    shutil.copytree(data / "demo-org", data / "other-org")
    org = data / "other-org" / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("id: demo-org", "id: other-org").replace("시험군", "다른군"), encoding="utf-8")
    site = data / "site.yaml"  # with an address, MkDocs writes a sitemap: the parts' sitemaps are merged in page order
    site.write_text(site.read_text(encoding="utf-8") + "site_url: https://plans.example.go.kr/\n", encoding="utf-8")
    projects = data / "other-org" / "2024" / "projects"  # 비공개 content must survive the trip through the shards' plan JSON
    (projects / "p2.yaml").write_text((projects / "p2.yaml").read_text(encoding="utf-8") + WITHHELD, encoding="utf-8")
    (projects / "p3.yaml").write_text((projects / "p3.yaml").read_text(encoding="utf-8") + FIELD_WITHHELD, encoding="utf-8")
    _history(data)
    return data


def _history(data: Path) -> None:
    """Put the data under git with a second commit in each organisation, one in a withheld field: shards show history and dates too."""
    shutil.copytree(data / "demo-org", data / "gone-org")  # deleted below: its history belongs to no shard
    repo, first = data.parent, "2024-01-10T10:00:00+09:00"
    git(repo, "init", "-q")
    git(repo, "add", "data")
    git(repo, "commit", "-q", "-m", "처음 올림", date=first)
    for org, name in (("demo-org", "p1.yaml"), ("other-org", "p3.yaml")):
        path = data / org / "2024" / "projects" / name
        path.write_text(path.read_text(encoding="utf-8").replace("1.5백만원", "2.5백만원").replace("title: ", "title: 새 ", 1), encoding="utf-8")
    git(repo, "rm", "-q", "-r", "data/gone-org")
    git(repo, "commit", "-q", "-a", "-m", "사업 수정, 기관 삭제", date="2024-03-05T10:00:00+09:00")


@pytest.fixture(scope="module")
def shard_sites(two_orgs: Path) -> list[Path]:
    """Shard 1/2 and 2/2, each built in its own folders."""
    sites = []
    for i in (1, 2):
        site = two_orgs.parent / f"shard{i}"
        checked, output = build_shard(Paths(ROOT, data=two_orgs, build=two_orgs.parent / f"build{i}"), site, [], spec=f"{i}/2")
        assert not checked.problems, (checked.problems, output)
        sites.append(site)
    return sites


def _index(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in (site / INDEX_DIR).rglob("*.json")}


def test_shards_split_organisations(two_orgs: Path) -> None:
    portal = check(two_orgs).portal
    assert portal is not None
    assert [folder_shard_orgs(two_orgs, "1/2"), folder_shard_orgs(two_orgs, "2/2")] == [["demo-org"], ["other-org"]]  # before reading
    assert sorted(folder_shard_orgs(two_orgs, "1/2") + folder_shard_orgs(two_orgs, "2/2")) == sorted(b.org.id for b in portal.plans)
    with pytest.raises(ValueError):
        folder_shard_orgs(two_orgs, "3/2")


def test_each_shard_has_only_its_organisation(shard_sites: list[Path]) -> None:
    first, second = shard_sites
    own = [{p.name for p in s.iterdir() if p.name.endswith("-org") and (p / "2024" / "projects").exists()} for s in shard_sites]
    assert len(own[0]) == len(own[1]) == 1 and own[0] != own[1]
    assert (first / "shard.json").is_file() and (second / "shard.json").is_file()


def test_assembled_site_has_both_organisations_and_one_search(two_orgs: Path, shard_sites: list[Path]) -> None:
    site = two_orgs.parent / "site"
    checked, output = assemble(Paths(ROOT, data=two_orgs, build=two_orgs.parent / "build-all"), shard_sites, site)
    assert not checked.problems, (checked.problems, output)
    for org in ("demo-org", "other-org"):
        assert (site / org / "2024" / "index.html").is_file()
        assert sorted(p.name for p in (site / org / "2024" / "projects").iterdir()) == ["p1", "p2", "p3"]
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "시험군" in home and "다른군" in home
    index = _index(site)
    urls = [row[2] for row in Searcher(index).search("행정과", 50)]
    assert any(u.startswith("demo-org/") for u in urls) and any(u.startswith("other-org/") for u in urls)
    portal = check(two_orgs).portal
    assert portal is not None
    assert index == index_files(redact_portal(portal))  # the merged index is the one an unsharded build makes
    assert not (site / "shard.json").exists()


def test_assemble_refuses_a_missing_shard(two_orgs: Path, shard_sites: list[Path]) -> None:
    site = two_orgs.parent / "partial"
    checked, _ = assemble(Paths(ROOT, data=two_orgs, build=two_orgs.parent / "build-part"), shard_sites[:1], site)
    assert checked.problems and "어느 조각에도 없는 기관" in checked.problems[0].found
    assert not site.exists()


@pytest.fixture(scope="module")
def assembled(two_orgs: Path, shard_sites: list[Path]) -> Path:
    """The two shards assembled."""
    site = two_orgs.parent / "assembled"
    checked, output = assemble(Paths(ROOT, data=two_orgs, build=two_orgs.parent / "build-asm"), shard_sites, site)
    assert not checked.problems, (checked.problems, output)
    return site


def _files(site: Path) -> set[str]:
    return {os.path.relpath(os.path.join(d, f), site) for d, _, names in os.walk(site) for f in names}


def test_assembled_site_is_the_whole_site_byte_for_byte(two_orgs: Path, assembled: Path) -> None:
    whole = two_orgs.parent / "whole"
    checked, output = build(Paths(ROOT, data=two_orgs, build=two_orgs.parent / "build-whole"), whole)
    assert not checked.problems, (checked.problems, output)
    assert _files(whole) == _files(assembled)
    assert [f for f in sorted(_files(whole)) if not filecmp.cmp(whole / f, assembled / f, shallow=False)] == []
    assert (whole / "sitemap.xml").read_text(encoding="utf-8").count("<url>") > 20
    assert "제목 변경" in (assembled / "demo-org/2024/projects/p1/index.html").read_text(encoding="utf-8")  # history came along
    changes = (assembled / "changes/index.html").read_text(encoding="utf-8")
    assert "제목 변경" in changes and "사업 삭제" in changes  # a deleted organisation's projects too
    home = (assembled / "index.html").read_text(encoding="utf-8")
    assert "비공개 (제9조제1항제5호)" not in home and "내부 검토 중" not in "".join(
        (assembled / f).read_text(encoding="utf-8", errors="replace") for f in _files(assembled) if f.endswith((".html", ".json", ".csv")))


def test_assembly_portal_is_the_redacted_portal(two_orgs: Path, shard_sites: list[Path]) -> None:
    manifests = [json.loads((s / MANIFEST).read_text(encoding="utf-8")) for s in shard_sites]
    published, problems = published_portal(Paths(ROOT, data=two_orgs), shard_sites, manifests)
    full = check(two_orgs).portal
    assert published is not None and full is not None and not problems
    expected = redact_portal(full)
    assert [b.key for b in published.plans] == [b.key for b in expected.plans]
    for got, want in zip(published.plans, expected.plans, strict=True):
        assert got.org == want.org and got.plan == want.plan
        assert got.projects == [p.model_copy(update={"contacts": []}) for p in want.projects]  # contacts are not in the plan JSON
        assert [s.path for s in got.sources] == [s.path for s in want.sources]  # page dates come from the same files
    assert any(p.withheld for b in published.plans for p in b.projects)


def test_shard_reads_only_its_own_project_files(two_orgs: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(two_orgs, data)
    (data / "other-org" / "2024" / "projects" / "p1.yaml").write_text("id: p1\ntitle: [깨진\n", encoding="utf-8")
    first, _ = build_shard(Paths(ROOT, data=data, build=tmp_path / "b1"), tmp_path / "s1", [], spec="1/2")
    assert not first.problems  # demo-org's shard never opens other-org's projects
    second, _ = build_shard(Paths(ROOT, data=data, build=tmp_path / "b2"), tmp_path / "s2", [], spec="2/2")
    assert second.problems and all("other-org" in p.file for p in second.problems)  # the owner reports it: the sharded build fails
    assert not (tmp_path / "s2").exists()


def test_shard_checks_references_into_other_organisations(two_orgs: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(two_orgs, data)
    p1 = data / "demo-org" / "2024" / "projects" / "p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8") + "continues: [other-org/2024/nope]\n", encoding="utf-8")
    checked, _ = build_shard(Paths(ROOT, data=data, build=tmp_path / "b1"), tmp_path / "s1", [], spec="1/2")
    assert [p.field for p in checked.problems] == ["continues[0]"]


def test_links_between_shards_are_refused_at_assembly(two_orgs: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(two_orgs, data)
    p1 = data / "demo-org" / "2024" / "projects" / "p1.yaml"
    p1.write_text(p1.read_text(encoding="utf-8") + "continues: [other-org/2024/p1]\n", encoding="utf-8")
    shards = []
    for i in (1, 2):
        checked, _ = build_shard(Paths(ROOT, data=data, build=tmp_path / f"b{i}"), tmp_path / f"s{i}", [], spec=f"{i}/2")
        assert not checked.problems
        shards.append(tmp_path / f"s{i}")
    checked, _ = assemble(Paths(ROOT, data=data, build=tmp_path / "ba"), shards, tmp_path / "site")
    assert checked.problems and "demo-org/2024/p1 → other-org/2024/p1" in checked.problems[0].found
    together, _ = build_shard(Paths(ROOT, data=data, build=tmp_path / "bt"), tmp_path / "st", ["demo-org", "other-org"])
    checked, _ = assemble(Paths(ROOT, data=data, build=tmp_path / "ba"), [tmp_path / "st"], tmp_path / "site")
    assert not checked.problems  # both organisations in one shard: the link is on both pages


def test_assemble_refuses_a_changed_plan_json(two_orgs: Path, shard_sites: list[Path], tmp_path: Path) -> None:
    copies = [tmp_path / s.name for s in shard_sites]
    for s, c in zip(shard_sites, copies, strict=True):
        shutil.copytree(s, c)
    (copies[0] / "downloads" / "demo-org-2024.json").write_text("{}", encoding="utf-8")
    checked, _ = assemble(Paths(ROOT, data=two_orgs, build=tmp_path / "b"), copies, tmp_path / "site")
    assert checked.problems and "demo-org-2024.json" in checked.problems[0].file


def test_page_order_keeps_every_part_order() -> None:
    runs = [["", "a/", "b/", "search/"], ["", "a/", "a/x/", "a/y/", "b/", "search/"], ["", "a/", "b/", "b/x/", "search/"]]
    assert page_order(runs) == ["", "a/", "a/x/", "a/y/", "b/", "b/x/", "search/"]


def test_assemble_refuses_a_missing_rows_file(two_orgs: Path, shard_sites: list[Path], tmp_path: Path) -> None:
    copies = [tmp_path / s.name for s in shard_sites]
    for s, c in zip(shard_sites, copies, strict=True):
        shutil.copytree(s, c)
    (copies[1] / "downloads" / "other-org-2024-projects.json").unlink()
    checked, _ = assemble(Paths(ROOT, data=two_orgs, build=tmp_path / "b"), copies, tmp_path / "site")
    assert checked.problems and "other-org-2024-projects.json" in checked.problems[0].found
    assert not (tmp_path / "site").exists()


def test_shard_json_records_every_file_of_the_shard(shard_sites: list[Path]) -> None:
    for site in shard_sites:
        text = (site / MANIFEST).read_text(encoding="utf-8")
        manifest = json.loads(text)
        assert text == json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"  # keys sorted: deterministic
        on_disk = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file() and p.name != MANIFEST)
        assert list(manifest["files"]) == on_disk
        assert all(manifest["files"][rel] == hashlib.sha256((site / rel).read_bytes()).hexdigest() for rel in on_disk)


def _tamper_changed(shard: Path) -> str:
    page = shard / "demo-org" / "2024" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<p>몰래 고침</p></body>"), encoding="utf-8")
    return "조각을 만든 뒤에 내용이 바뀐 파일입니다"


def _tamper_missing(shard: Path) -> str:
    (shard / "demo-org" / "2024" / "projects" / "p2" / "index.html").unlink()
    return "조각을 만든 뒤에 없어진 파일입니다"


def _tamper_added(shard: Path) -> str:
    (shard / "demo-org" / "2024" / "extra.html").write_text("<p>덧붙인 쪽</p>", encoding="utf-8")
    return "조각을 만든 뒤에 더해진 파일입니다"


@pytest.mark.parametrize(("tamper", "rel"), [(_tamper_changed, "demo-org/2024/index.html"),
                                             (_tamper_missing, "demo-org/2024/projects/p2/index.html"),
                                             (_tamper_added, "demo-org/2024/extra.html")], ids=["changed", "missing", "added"])
def test_assemble_refuses_a_shard_changed_after_it_was_built(two_orgs: Path, shard_sites: list[Path], tmp_path: Path,
                                                             tamper: Callable[[Path], str], rel: str) -> None:
    copies = [tmp_path / s.name for s in shard_sites]
    for s, c in zip(shard_sites, copies, strict=True):
        shutil.copytree(s, c)
    message = tamper(copies[0])
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("이전 사이트", encoding="utf-8")
    result = run_cli("assemble", *map(str, copies), "--data", str(two_orgs), "--site-dir", str(site), "--build-dir", str(tmp_path / "b"))
    assert result.code == 1 and "Traceback" not in result.err
    assert f"{copies[0] / rel}:1:1: 오류: {message} (조각: {copies[0]})" in result.err, result.err
    assert result.err.count("오류:") == 1  # the first file only
    assert [p.name for p in site.iterdir()] == ["index.html"] and (site / "index.html").read_text(encoding="utf-8") == "이전 사이트"
    assert not (tmp_path / "b").exists() and sorted(p.name for p in tmp_path.iterdir()) == sorted(["site", *(c.name for c in copies)])


def test_assemble_refuses_a_shard_json_without_files_or_damaged(two_orgs: Path, shard_sites: list[Path], tmp_path: Path) -> None:
    copies = [tmp_path / s.name for s in shard_sites]
    for s, c in zip(shard_sites, copies, strict=True):
        shutil.copytree(s, c)
    manifest = json.loads((copies[0] / MANIFEST).read_text(encoding="utf-8"))
    del manifest["files"]
    (copies[0] / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    (copies[1] / MANIFEST).write_text("{깨진", encoding="utf-8")
    paths = Paths(ROOT, data=two_orgs, build=tmp_path / "b")
    checked, _ = assemble(paths, copies, tmp_path / "site")
    assert any(f"{copies[1]}: {MANIFEST}를 읽을 수 없습니다" in p.found for p in checked.problems)
    (copies[1] / MANIFEST).write_text((shard_sites[1] / MANIFEST).read_text(encoding="utf-8"), encoding="utf-8")
    checked, _ = assemble(paths, copies, tmp_path / "site")
    assert [p.message for p in checked.problems] == [f"조각 {copies[0]}의 {MANIFEST}에 파일 목록(files)이 없습니다"]
    assert not (tmp_path / "site").exists()


def test_assemble_refuses_a_shard_json_of_the_wrong_shape(two_orgs: Path, shard_sites: list[Path], tmp_path: Path) -> None:
    copies = [tmp_path / s.name for s in shard_sites]
    for s, c in zip(shard_sites, copies, strict=True):
        shutil.copytree(s, c)
    manifest = json.loads((copies[0] / MANIFEST).read_text(encoding="utf-8"))
    for broken in ({**manifest, "orgs": 5}, {k: v for k, v in manifest.items() if k != "plans"}):
        (copies[0] / MANIFEST).write_text(json.dumps(broken), encoding="utf-8")
        checked, _ = assemble(Paths(ROOT, data=two_orgs, build=tmp_path / "b"), copies, tmp_path / "site")
        assert any(f"{copies[0]}: {MANIFEST}를 읽을 수 없습니다" in p.found for p in checked.problems)
        assert not (tmp_path / "site").exists()


def test_assemble_names_an_unreadable_data_file(two_orgs: Path, shard_sites: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from site_builder.shards import assembly

    def refuse(data_dir: Path) -> str:
        raise PermissionError(13, "Permission denied", str(data_dir / "demo-org/org.yaml"))

    monkeypatch.setattr(assembly, "data_fingerprint", refuse)
    checked, _ = assemble(Paths(ROOT, data=two_orgs, build=tmp_path / "b"), shard_sites, tmp_path / "site")
    assert any("demo-org/org.yaml: 데이터 파일을 읽을 수 없습니다" in (p.found + p.message) for p in checked.problems)
    assert not (tmp_path / "site").exists()


@pytest.fixture(scope="module")
def split_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three plans of two organisations under git, with a public address (a sitemap), to be built with the split threshold lowered."""
    from tests.test_split import split_portal

    data = split_portal(tmp_path_factory.mktemp("split-shards") / "data")
    site = data / "site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "site_url: https://plans.example.go.kr/\n", encoding="utf-8")
    _history(data)
    return data


def test_a_split_portal_assembles_byte_for_byte_as_the_whole_build(split_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each plan's table page is built by its organisation's shard, linking to plans of the other shard; the index by assemble."""
    from site_builder.plan import portal_pages

    monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)  # 9 projects (the deleted organisation's are gone)
    root = split_data.parent
    shards = []
    for i in (1, 2):
        checked, output = build_shard(Paths(ROOT, data=split_data, build=root / f"b{i}"), root / f"s{i}", [], spec=f"{i}/2")
        assert not checked.problems, (checked.problems, output)
        shards.append(root / f"s{i}")
    assert (root / "s1" / "demo-org" / "2024" / "all-projects" / "index.html").is_file()  # the organisation's shard renders it
    assert not (root / "s1" / "projects").is_dir() or "계획별 사업 표" not in (root / "s1" / "projects" / "index.html").read_text(encoding="utf-8")
    checked, output = assemble(Paths(ROOT, data=split_data, build=root / "ba"), shards, root / "assembled")
    assert not checked.problems, (checked.problems, output)
    checked, output = build(Paths(ROOT, data=split_data, build=root / "bw"), root / "whole")
    assert not checked.problems, (checked.problems, output)
    whole, assembled = root / "whole", root / "assembled"
    assert _files(whole) == _files(assembled)
    assert [f for f in sorted(_files(whole)) if not filecmp.cmp(whole / f, assembled / f, shallow=False)] == []
    assert "계획별 사업 표" in (assembled / "projects" / "index.html").read_text(encoding="utf-8")
    assert not (assembled / "downloads" / "all-projects.xlsx").exists() and (assembled / "downloads" / "all-projects.csv").is_file()
    assert "other-org/2024/all-projects/" in (assembled / "sitemap.xml").read_text(encoding="utf-8")


def test_renumbered_postings_are_the_decoded_ones_renumbered() -> None:
    """The merge's one-pass decoding (shards/merge.renumbered) against search.decode, deltas of one to four characters."""
    import random
    from array import array

    from site_builder.outputs.search import decode, encode
    from site_builder.shards.merge import renumbered

    rng = random.Random(5)
    numbers = array("i", sorted(rng.sample(range(1 << 22), 40_000)))
    for _ in range(200):
        values = sorted({rng.randrange(40_000) << 3 | rng.randrange(8) for _ in range(rng.randrange(1, 400))})
        text = encode(values)
        assert renumbered(text, numbers).tolist() == [numbers[v >> 3] << 3 | v & 7 for v in decode(text)]


def test_a_preview_shard_has_the_pages_but_no_index_and_cannot_be_assembled(two_orgs: Path, shard_sites: list[Path], tmp_path: Path) -> None:
    """`build --only-org ORG --preview` (serve's quick view): the organisation's pages as a shard has them, no search index, refused by assemble."""
    site = tmp_path / "preview"
    result = run_cli("build", "--data", str(two_orgs), "--site-dir", str(site), "--build-dir", str(tmp_path / "b"), "--only-org", "demo-org", "--preview")
    assert result.code == 0, result.err
    shard = next(s for s in shard_sites if (s / "demo-org").is_dir())
    assert _tree(site / "demo-org") == _tree(shard / "demo-org")
    assert not (site / INDEX_DIR).exists() and (shard / INDEX_DIR).is_dir()
    assert "files" not in json.loads((site / MANIFEST).read_text(encoding="utf-8"))
    other = next(s for s in shard_sites if (s / "other-org").is_dir())
    checked, _ = assemble(Paths(ROOT, data=two_orgs, build=tmp_path / "build-asm"), [site, other], tmp_path / "assembled")
    assert checked.problems and not (tmp_path / "assembled").exists()


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_portal_with_a_plan_directory_assembles_byte_for_byte_as_the_whole_build(split_data: Path, tmp_path: Path,
                                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan directory's pages are portal-wide: assemble renders them from the shards' light plans, as a whole build does from the data."""
    from site_builder.plan import directory, portal_pages

    monkeypatch.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", 5)
    monkeypatch.setattr(directory, "PLAN_LIST_MAX", 1)
    monkeypatch.setattr(directory, "PLAN_PAGE_SIZE", 2)
    data = tmp_path / "data"
    shutil.copytree(split_data, data)
    shards = []
    for i in (1, 2):
        checked, output = build_shard(Paths(ROOT, data=data, build=tmp_path / f"b{i}"), tmp_path / f"s{i}", [], spec=f"{i}/2")
        assert not checked.problems, (checked.problems, output)
        shards.append(tmp_path / f"s{i}")
    checked, output = assemble(Paths(ROOT, data=data, build=tmp_path / "ba"), shards, tmp_path / "assembled")
    assert not checked.problems, (checked.problems, output)
    checked, output = build(Paths(ROOT, data=data, build=tmp_path / "bw"), tmp_path / "whole")
    assert not checked.problems, (checked.problems, output)
    whole, assembled = tmp_path / "whole", tmp_path / "assembled"
    assert [f for f in sorted(_files(whole)) if not filecmp.cmp(whole / f, assembled / f, shallow=False)] == [] and _files(whole) == _files(assembled)
    first = (assembled / "plans" / "1" / "index.html").read_text(encoding="utf-8")
    assert "../../demo-org/2024/all-projects/" in first and "../../downloads/demo-org-2024-projects.xlsx" in first
    assert "plans/2/" in (assembled / "index.html").read_text(encoding="utf-8")
    downloads = (assembled / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "../plans/1/" in downloads and "plan-downloads" not in downloads  # the directory, not a row per plan
    assert "../plans/1/" in (assembled / "projects" / "index.html").read_text(encoding="utf-8")
