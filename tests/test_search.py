"""The build-time search index: tokens, keys, codes, shards, and what queries find (Python twin of search.js)."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path
from typing import Any

import pytest

from site_builder.outputs import search
from site_builder.outputs.search import (
    INDEX_DIR,
    PLAN_GROUP,
    Doc,
    best_docs,
    decode,
    encode,
    index_files,
    index_plans,
    is_plan_file,
    normalise,
    phrase_best,
    phrases,
    plan_docs,
    plan_files,
    plan_room,
    postings,
    shard_of,
    shard_postings,
    tokens,
    word_keys,
)
from site_builder.outputs.searcher import Searcher
from site_builder.pipeline.run import check

FIXTURE = Path(__file__).parent / "fixtures" / "data"
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def fixture_index() -> dict[str, bytes]:
    portal = check(FIXTURE).portal
    assert portal is not None
    return index_files(portal)


def test_tokens_split_scripts_and_join_digit_groups() -> None:
    assert tokens("31,600천원") == ["31600", "천원"]
    assert tokens("ESG활동 AI·돌봄") == ["esg", "활동", "ai", "돌봄"]
    assert tokens("1,611.2백만원") == ["1611.2", "백만원"]
    assert normalise("ＥＳＧ") == "esg"  # full-width letters (NFKC)


def test_hangul_words_become_bigrams_and_latin_words_stay_whole() -> None:
    assert list(word_keys("자원봉사센터")) == [("자원", True), ("원봉", False), ("봉사", False), ("사센", False), ("센터", False)]
    assert list(word_keys("등")) == [("등", True)]
    assert list(word_keys("esg")) == [("esg", True)]


def test_postings_code_round_trips() -> None:
    rng = random.Random(4)
    values = sorted(rng.sample(range(1, 10**7), 500)) + [10**7 + 1]
    assert decode(encode(values)) == values
    assert decode(encode([0, 1, 31, 32, 33])) == [0, 1, 31, 32, 33]


def test_postings_code_of_large_gaps() -> None:
    values = [0, 31, 32, 32767, 32768 + 31, 10**9]
    assert decode(encode(values)) == values


def test_best_docs_rank_like_a_one_key_query() -> None:
    row = {7: 4, 3: 5, 9: 5, 1: 0, 2: 4}
    assert best_docs(row, 3) == [3, 9, 2]
    assert best_docs(row, 10) == [3, 9, 2, 7, 1]


def test_shard_hash_matches_the_javascript_constants() -> None:
    # FNV-1a of "봉사" (U+BD09 U+C0AC), as search.js computes it with Math.imul.
    h = 0x811C9DC5
    for ch in "봉사":
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    assert shard_of("봉사센터", 1 << 20) == h % (1 << 20)
    assert shard_of("봉사", 7) == shard_of("봉사자", 7)


def test_index_is_deterministic(fixture_index: dict[str, bytes]) -> None:
    portal = check(FIXTURE).portal
    assert portal is not None
    assert index_files(portal) == fixture_index
    meta = json.loads(fixture_index[f"{INDEX_DIR}/meta.json"])
    plans = index_plans(fixture_index)
    assert [p["start"] for p in plans] == [0, *(p["start"] + plan_room(p["end"] - p["start"]) for p in plans[:-1])]
    assert meta["docs"] == plans[-1]["end"]  # numbers between a plan's end and the next one's start: no document
    assert {int(path.split("/")[-1][:-5]) for path in fixture_index if path.startswith(f"{INDEX_DIR}/t/")} == {
        d for p in plans for d in range(p["start"], p["end"])}


def test_fixture_queries(fixture_index: dict[str, bytes]) -> None:
    s = Searcher(fixture_index)
    assert any("첫 사업" in r[1] for r in s.search("사업"))
    assert [r[0] for r in s.search("소통하는 행정")][0] == "node"
    assert s.search("2,500") and s.search("2500") == s.search("2,500")
    assert s.search("없는낱말입니다") == []


def test_rows_in_shards_are_the_detail_rows(fixture_index: dict[str, bytes]) -> None:
    meta = json.loads(fixture_index[f"{INDEX_DIR}/meta.json"])
    carried = 0
    for i in range(meta["shards"]):
        shard = json.loads(fixture_index[f"{INDEX_DIR}/s/{i}.json"])
        assert shard_postings(fixture_index[f"{INDEX_DIR}/s/{i}.json"]) == shard["k"]
        for d, row in shard["r"].items():
            chunk = json.loads(fixture_index[f"{INDEX_DIR}/d/{int(d) // meta['chunk']}.json"])
            assert chunk[int(d) % meta["chunk"]] == row
            carried += 1
    assert carried >= sum(p["end"] - p["start"] for p in index_plans(fixture_index))  # a small portal: every document's row rides with some shard


def test_personal_names_are_not_indexed(fixture_index: dict[str, bytes]) -> None:
    assert Searcher(fixture_index).search("김철수") == []
    assert Searcher(fixture_index).search("홍길동") == []


def test_ranking_puts_title_hits_first(fixture_index: dict[str, bytes]) -> None:
    hits = Searcher(fixture_index).search("사업")
    assert hits, "사업 appears in titles"
    assert "사업" in hits[0][1]


@pytest.fixture(scope="module")
def real_index() -> dict[str, bytes]:
    portal = check(DATA).portal
    assert portal is not None
    return index_files(portal)


@pytest.mark.skipif(not (DATA / "jb-sswa" / "2024" / "projects" / "t06-05.yaml").exists(), reason="JB data not complete yet")
@pytest.mark.parametrize(("query", "expected"), [
    ("봉사", "자원봉사"), ("틈새돌봄", "틈새돌봄"), ("돌봄", "돌봄"), ("ESG", "ESG"), ("esg 경영", "ESG 경영"),
    ("31,600", "위기가구"), ("노사관계", "노사관계"), ("주소갖기", "주소갖기"), ("대통령선거", "대통령선거"),
])
def test_real_data_queries(real_index: dict[str, bytes], query: str, expected: str) -> None:
    s = Searcher(real_index)
    assert any(expected in r[1] for r in s.search(query, 5)), query
    assert s.transferred() < 300_000


@pytest.mark.parametrize("query", ["봉사", "돌봄", "ESG", "청렴", "인권", "교육", "사업", "31,600", "틈새돌봄", "자원봉사센터"])
def test_first_page_comes_with_the_shards(real_index: dict[str, bytes], query: str) -> None:
    """One round of parallel fetches: the first 10 results' rows ride in the query's shards, no detail chunk."""
    s = Searcher(real_index)
    assert s.search(query, 10)
    assert not [f for f in s.fetched if f.startswith("d/")], query


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, dict[int, int]], dict[str, bytes]]:
    """Postings and index of a 600-project synthetic portal (benchmarks/portal.py): most keys too common to carry all their rows."""
    from benchmarks.portal import generate

    data = tmp_path_factory.mktemp("synthetic") / "data"
    generate(data, 600, 50)
    portal = check(data).portal
    assert portal is not None
    docs, numbers, start = [], [], 0  # each document and its number: a plan's documents are numbered from the end of the previous plan's room
    for p, b in enumerate(sorted(portal.plans, key=lambda b: b.key)):
        plan = plan_docs(b, p)
        docs += plan
        numbers += range(start, start + len(plan))
        start += plan_room(len(plan))
    index = {key: {numbers[n]: c for n, c in row.items()} for key, row in postings(docs).items()}
    return index, index_files(portal)


def _carried_rows(files: dict[str, bytes], keys: list[str]) -> set[int]:
    """Documents whose rows ride in the shards of these keys."""
    meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
    shards = {shard_of(key, meta["shards"]) for key in keys}
    return {int(d) for s in shards for d in json.loads(files[f"{INDEX_DIR}/s/{s}.json"])["r"]}


def test_postings_list_long_hangul_words_as_phrases() -> None:
    doc = Doc("project", "예산을 집행", "x/", 0, text={2: ["예산을 집행"], 0: ["ESG 자원봉사센터"]})
    index = postings([doc])
    assert index["예산을"] == {} and index["자원봉사센터"] == {} and index["예산"] == {0: 5}
    assert "집행" in index and index["집행"] and "esg" in index


def test_phrase_best_ranks_like_the_searcher(synthetic: tuple[dict[str, dict[int, int]], dict[str, bytes]]) -> None:
    index, files = synthetic
    for phrase in random.Random(2).sample(phrases(index), 60):
        s = Searcher(files)
        _, typed = s.word_scores(phrase)  # a particle or ending may come off: phrase_best is the word as written
        assert phrase_best(index, phrase) == [d for d in s.ranked(phrase) if typed is None or d in typed][:10], phrase


def test_phrase_first_pages_come_with_the_shards(synthetic: tuple[dict[str, dict[int, int]], dict[str, bytes]]) -> None:
    """A word of 3+ syllables (`예산을`) or 3 syllables inside one (`추진비`): its first page rides in its keys' shards."""
    index, files = synthetic
    missing = [p for p in phrases(index) if not set(phrase_best(index, p)) <= _carried_rows(files, [k for k, _ in word_keys(p)])]
    assert not missing, missing[:10]


def test_prefix_first_pages_come_with_the_shards(synthetic: tuple[dict[str, dict[int, int]], dict[str, bytes]]) -> None:
    """A Latin word or number matches every key it begins (`31` → 31600): the first page of that query rides along too."""
    index, files = synthetic
    latin = sorted(k for k, row in index.items() if row and not "가" <= k[0] <= "힣")
    missing = [k for k in latin if not set(Searcher(files).ranked(k)[:10]) <= _carried_rows(files, [k])]
    assert not [k for k in missing if len(k) <= 3], missing  # short prefixes (`esg`, `131`) match the most keys
    assert len(missing) <= len(latin) // 20, missing[:10]  # long numbers crowd a few shards past ROWS_MAX


def _fake_plans(count: int) -> list[dict[str, Any]]:
    """Plans as `plan_entry` makes them, each in a room of 64 numbers with 3 to 52 documents."""
    return [{"key": f"o{p}/{2020 + p % 5}", "org": f"o{p}", "orgName": f"기관 {p}", "year": 2020 + p % 5, "title": f"계획 {p}",
             "start": 64 * p, "end": 64 * p + 3 + p % 50, "url": f"o{p}/{2020 + p % 5}/"} for p in range(count)]


def test_meta_json_lists_no_plans_the_plan_files_do() -> None:
    """meta.json, fetched before any query, holds each plan's first document only; the rest is in `plans/`, a group a file."""
    plans = _fake_plans(2000)
    files = plan_files({f"{INDEX_DIR}/s/0.json": b"{}"}, 1, 8, plans[-1]["end"], plans)
    meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
    assert set(meta) == {"version", "shards", "chunk", "docs", "group", "starts", "zipped"} and decode(meta["starts"]) == [p["start"] for p in plans]
    assert len(files[f"{INDEX_DIR}/meta.json"]) < 3 * len(plans)  # ~4 KB at 2,000 plans: the list was ~330 KB
    groups = [json.loads(files[f"{INDEX_DIR}/plans/{k}.json"]) for k in range(-(-len(plans) // PLAN_GROUP))]
    assert [len(g) for g in groups] == [PLAN_GROUP] * (len(plans) // PLAN_GROUP) + ([len(plans) % PLAN_GROUP] if len(plans) % PLAN_GROUP else [])
    assert index_plans(files) == plans
    assert json.loads(files[f"{INDEX_DIR}/plans/all.json"]) == [[p["key"], p["org"], p["year"], p["orgName"]] for p in plans]
    assert set(files) == {f"{INDEX_DIR}/meta.json", f"{INDEX_DIR}/plans/all.json", *(f"{INDEX_DIR}/plans/{k}.json" for k in range(len(groups)))}
    assert all(is_plan_file(path) for path in files) and not is_plan_file(f"{INDEX_DIR}/p/0.json")


def test_meta_version_hashes_every_index_file_and_every_plan_file(fixture_index: dict[str, bytes]) -> None:
    meta, plans = json.loads(fixture_index[f"{INDEX_DIR}/meta.json"]), index_plans(fixture_index)
    others = {path: content for path, content in fixture_index.items() if not is_plan_file(path)}

    def version(files: dict[str, bytes], listed: list[dict[str, Any]]) -> str:
        return str(json.loads(plan_files(files, meta["shards"], meta["chunk"], meta["docs"], listed)[f"{INDEX_DIR}/meta.json"])["version"])

    assert plan_files(others, meta["shards"], meta["chunk"], meta["docs"], plans) == {p: c for p, c in fixture_index.items() if is_plan_file(p)}
    assert all(version(others | {path: content + b" "}, plans) != meta["version"] for path, content in others.items())
    for field in ("title", "orgName", "url", "year"):  # in a `plans/` file only (the year in plans/all.json too)
        assert version(others, [plans[0] | {field: "x"}, *plans[1:]]) != meta["version"], field


def test_each_document_shows_its_plan_across_plan_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "PLAN_GROUP", 3)
    plans = _fake_plans(10)
    s = Searcher(plan_files({}, 1, 8, plans[-1]["end"], plans))
    for plan in plans:
        for d in (plan["start"], plan["end"] - 1):
            assert s.plan(d) == plan, d
    assert s.fetched == {"plans/0.json", "plans/1.json", "plans/2.json", "plans/3.json"}


def test_a_query_fetches_the_plans_of_its_results_not_the_plan_list(fixture_index: dict[str, bytes]) -> None:
    s = Searcher(fixture_index)
    docs = s.ranked("사업")[:10]
    s.search("사업", 10)
    group = json.loads(fixture_index[f"{INDEX_DIR}/meta.json"])["group"]
    assert {f for f in s.fetched if f.startswith("plans/")} == {f"plans/{s.plan_of(d) // group}.json" for d in docs}
    plans = index_plans(fixture_index)
    assert {s.plan(d)["key"] for d in docs} == {p["key"] for p in plans if any(p["start"] <= d < p["end"] for d in docs)}


def test_big_shards_have_a_gzip_file_meta_json_lists_and_a_search_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "ZIPPED", 4096)  # the seed plans' shards are all below the real threshold
    portal = check(DATA).portal
    assert portal is not None
    files = index_files(portal)
    meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
    shards = [files[f"{INDEX_DIR}/s/{s}.json"] for s in range(meta["shards"])]
    big = [s for s, shard in enumerate(shards) if len(shard) > search.ZIPPED]
    assert big and decode(meta["zipped"]) == big
    assert all(gzip.decompress(files[f"{INDEX_DIR}/s/{s}.gz"]) == shards[s] for s in big)
    assert sum(path.endswith(".gz") for path in files) == len(big)
    query = next(q for q in ("사업", "지원", "추진", "센터") if search.shard_of(q, meta["shards"]) in big)
    packed, plain = Searcher(files), Searcher(files)
    plain.zipped = set()
    assert packed.search(query) == plain.search(query) and packed.ranked(query) == plain.ranked(query)
    assert f"s/{search.shard_of(query, meta['shards'])}.gz" in packed.fetched
    assert packed.transferred() < plain.transferred()
