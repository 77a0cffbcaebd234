"""Sharded builds: two organisations built as two shards and assembled into one site with one search."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.pipeline import Paths, check
from site_builder.search import INDEX_DIR, Searcher, index_files
from site_builder.shards import assemble, build_shard, shard_orgs
from tests.conftest import FIXTURE_DATA, ROOT


@pytest.fixture(scope="module")
def two_orgs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture data plus a copy of its organisation under another id and name."""
    data = tmp_path_factory.mktemp("shards") / "data"
    shutil.copytree(FIXTURE_DATA, data)
    shutil.copytree(data / "demo-org", data / "other-org")
    org = data / "other-org" / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("id: demo-org", "id: other-org").replace("시험군", "다른군"), encoding="utf-8")
    return data


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
    assert [shard_orgs(portal, "1/2"), shard_orgs(portal, "2/2")] == [["demo-org"], ["other-org"]]
    assert sorted(shard_orgs(portal, "1/2") + shard_orgs(portal, "2/2")) == ["demo-org", "other-org"]
    with pytest.raises(ValueError):
        shard_orgs(portal, "3/2")


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
    assert index == index_files(portal)  # the merged index is the one an unsharded build makes
    assert not (site / "shard.json").exists()


def test_assemble_refuses_a_missing_shard(two_orgs: Path, shard_sites: list[Path]) -> None:
    site = two_orgs.parent / "partial"
    checked, _ = assemble(Paths(ROOT, data=two_orgs, build=two_orgs.parent / "build-part"), shard_sites[:1], site)
    assert checked.problems and "어느 조각에도 없는 기관" in checked.problems[0].found
    assert not site.exists()
