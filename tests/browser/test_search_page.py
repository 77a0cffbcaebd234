"""Korean search in the browser: the queries of issue 4, filters, URL state, and parity with the Python twin."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import pytest

from site_builder.outputs import search
from site_builder.outputs.search import INDEX_DIR, decode, index_files, shard_of
from site_builder.outputs.searcher import Searcher
from tests.browser.conftest import Site, serve_folder

# (query, text expected in the title of one of the first five results): particles, parts of compounds,
# numbers with units, two-syllable nouns, English inside Korean, several words.
QUERIES = [
    ("봉사", "자원봉사"),                 # part of a compound noun (자원봉사센터, 자원봉사 생태계)
    ("자원봉사센터", "자원봉사"),
    ("돌봄", "돌봄"),                     # 2-syllable noun
    ("틈새돌봄", "틈새돌봄"),
    ("틈새 돌봄", "틈새돌봄"),            # two words, both required
    ("예산을", ""),                       # word with a particle (any hit)
    ("31,600", "위기가구"),               # number as printed
    ("31600", "위기가구"),                # same number without grouping
    ("천원", ""),                         # money unit
    ("백만원", ""),
    ("ESG", "ESG"),                       # English inside Korean text
    ("esg", "ESG"),                       # case-insensitive
    ("ESG 경영", "ESG 경영"),
    ("AI", ""),
    ("노사관계", "노사관계"),
    ("청렴", "청렴"),
    ("인권", "인권"),
    ("대체인력", "대체인력"),
    ("주소갖기", "주소갖기"),
    ("대통령선거", "대통령선거"),
    ("기록물", "기록물"),
    ("리더십", "리더십"),
    ("소속시설", "소속시설"),
    ("DB구축", "DB구축"),
    ("만족도 조사", "만족도"),
]


def _results(page: Any) -> list[str]:
    page.wait_for_function("() => { const s = document.getElementById('search-status').textContent; return s && s !== '찾는 중…'; }")
    page.wait_for_function("() => !document.querySelector('#search-results [data-plan-pending]')")  # each result's plan filled in
    return page.locator("#search-results .search-hit-title a").all_inner_texts()


def _search(page: Any, query: str) -> list[str]:
    before = page.get_attribute("#search-app", "data-ready")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function("(b) => document.getElementById('search-app').getAttribute('data-ready') !== b", arg=before)
    return _results(page)


@pytest.fixture(scope="module")
def search_page(browser: Any, site: Site) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.goto(site.at("search/"))
    pg.wait_for_selector("#search-status:not(:empty)")
    yield pg
    context.close()


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_korean_query_finds_expected(search_page: Any, query: str, expected: str) -> None:
    titles = _search(search_page, query)
    assert titles, f"no results for {query}"
    assert any(expected in t for t in titles[:5]), (query, titles[:5])


def test_at_least_twenty_queries() -> None:
    assert len(QUERIES) >= 20


@pytest.mark.parametrize("query", ["돌봄", "ESG 경영", "31,600", "소속시설 운영", "인권", "예산을", "3", "2024 사업"])
def test_browser_ranking_equals_python_twin(search_page: Any, site: Site, query: str) -> None:
    expected = [r[1] for r in Searcher(index_files(site.portal)).search(query, 10)]
    assert _search(search_page, query) == expected


@pytest.mark.parametrize("query", ["돌봄", "틈새돌봄", "사업"])
def test_the_status_counts_the_results_and_those_shown(search_page: Any, site: Site, query: str) -> None:
    shown = _search(search_page, query)
    total = len(Searcher(index_files(site.portal)).search(query, 100_000))
    status = search_page.inner_text("#search-status")
    assert f"검색 결과 {total}건" in status, status
    assert (f"(처음 {len(shown)}건 표시)" in status) == (total > len(shown)) and "처음 0건" not in status, status


def test_result_shows_kind_unit_budget_and_plan(search_page: Any) -> None:
    _search(search_page, "틈새돌봄")
    first = search_page.locator("#search-results li").first
    text = first.inner_text()
    assert "사업" in text and "부서:" in text and "예산:" in text and "계획:" in text


def test_no_result_message(search_page: Any) -> None:
    assert _search(search_page, "없는낱말쀍쀍") == []
    assert "없습니다" in search_page.inner_text("#search-status")


def test_filters_narrow_and_live_in_the_url(page: Any, site: Site) -> None:
    plans = sorted(site.portal.plans, key=lambda b: b.key)
    jb = next(b for b in plans if b.plan.units)
    page.goto(site.at("search/?q=" + quote("운영")))
    everything = _results(page)
    page.select_option("#search-plan", jb.key)
    page.wait_for_function("() => !document.getElementById('search-unit').disabled")
    narrowed = _results(page)
    assert 0 < len(narrowed) <= len(everything)
    assert all("계획: " + jb.org.name in t for t in page.locator("#search-results .search-hit-meta").all_inner_texts())
    unit = jb.plan.units[0]
    page.select_option("#search-unit", label=unit.name)
    page.wait_for_function("() => location.search.includes('unit=')")
    by_unit = _results(page)
    assert len(by_unit) <= len(narrowed)
    query = parse_qs(urlparse(page.url).query)
    assert query["plan"] == [jb.key] and query["q"] == ["운영"] and query["unit"] == ["0"]
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)  # the shared address restores the same view
    page.wait_for_function("() => document.getElementById('search-unit').value === '0'")
    assert _results(page) == by_unit


def test_node_filter_includes_descendants(page: Any, site: Site) -> None:
    jb = next(b for b in sorted(site.portal.plans, key=lambda b: b.key) if b.plan.units)
    top = next(n for n, d, _ in jb.nodes() if d == 0)
    page.goto(site.at(f"search/?q={quote('사업')}&plan={quote(jb.key)}&node=0"))
    page.wait_for_function("() => document.getElementById('search-node').value === '0'")
    titles = _results(page)
    assert titles, top.title


def test_header_search_box_goes_to_search_page(page: Any, site: Site) -> None:
    page.goto(site.at(""))
    page.fill("#site-search-q", "돌봄")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    assert any("돌봄" in t for t in _results(page))


def test_first_query_transfers_little(page: Any, site: Site) -> None:
    page.goto(site.at("search/?q=" + quote("자원봉사센터")))
    _results(page)
    assert page.evaluate("window.siteSearch.bytes") < 300_000


def test_first_page_needs_no_detail_chunk(page: Any, site: Site) -> None:
    """The rows of a one-word query's first page come with its shard: one round of fetches after Enter."""
    page.goto(site.at("search/?q=" + quote("돌봄")))
    assert _results(page)
    fetched = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert any("/data/s/" in u for u in fetched) and not any("/data/d/" in u for u in fetched), fetched


def _fetched(page: Any) -> list[str]:
    return list(page.evaluate("performance.getEntriesByType('resource').map(e => e.name)"))


def test_results_show_their_plans_without_fetching_the_plan_list(page: Any, site: Site) -> None:
    """meta.json lists no plans: a result's plan (organisation, year) comes from its plans/<k>.json; plans/all.json only with the filters."""
    s = Searcher(index_files(site.portal))
    plans = [s.plan(d) for d in s.ranked("사업")[:10]]
    page.goto(site.at("search/?q=" + quote("사업")))
    _results(page)
    shown = [t.split(" · ")[-1] for t in page.locator("#search-results .search-hit-meta").all_inner_texts()]
    assert shown == [f"계획: {p['orgName']} {p['year']}년" for p in plans]
    assert any("/data/plans/0.json" in u for u in _fetched(page)) and not any("/data/plans/all.json" in u for u in _fetched(page))
    page.focus("#search-plan")  # opening the filters fetches the plan list they need
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/data/plans/all.json'))")


def test_results_are_painted_before_their_plans_arrive(page: Any, site: Site) -> None:
    """A result's plan is filled in when its plans/<k>.json comes: the results do not wait for that round of fetches."""
    held: list[Any] = []
    page.route(re.compile(r".*/data/plans/\d+\.json.*"), lambda route: held.append(route))
    page.goto(site.at("search/?q=" + quote("사업")))
    page.wait_for_function("() => window.siteSearch.timings.length > 0")
    pending = page.locator("#search-results [data-plan-pending]")
    assert pending.count() == page.locator("#search-results li").count() > 0 and held
    assert "계획:" not in page.inner_text("#search-results") and "검색 결과" in page.inner_text("#search-status")
    for route in held:
        route.continue_()
    page.wait_for_function("() => !document.querySelector('#search-results [data-plan-pending]')")
    assert all("계획: " in t for t in page.locator("#search-results .search-hit-meta").all_inner_texts())


@pytest.fixture(scope="module")
def zipped_site(site: Site, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, bytes]]]:
    """The site with its search index laid out again with a low `ZIPPED`, so that the seed plans' shards have gzip files too."""
    root = tmp_path_factory.mktemp("zipped-site")
    for entry in site.root.iterdir():
        if entry.name != "search":
            (root / entry.name).symlink_to(entry)
    (root / "search").mkdir()
    for entry in (site.root / "search").iterdir():
        if entry.name != "data":
            (root / "search" / entry.name).symlink_to(entry)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "ZIPPED", 4096)
        files = index_files(site.portal)
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    server, url = serve_folder(root)
    yield url, files
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("inflates", [True, False], ids=["DecompressionStream", "without it"])
def test_a_big_shard_comes_compressed_when_the_browser_can_inflate_it(browser: Any, zipped_site: tuple[str, dict[str, bytes]], inflates: bool) -> None:
    """search.py `shard_files`: the same results either way; the gzip file when the browser has DecompressionStream, else the JSON."""
    url, files = zipped_site
    meta = json.loads(files[f"{INDEX_DIR}/meta.json"])
    zipped = set(decode(meta["zipped"]))
    query, shard = next((q, s) for q in ("사업", "지원", "추진", "센터", "운영") if (s := shard_of(q, meta["shards"])) in zipped)
    context = browser.new_context()
    if not inflates:
        context.add_init_script("delete window.DecompressionStream;")
    page = context.new_page()
    page.goto(url + "search/?q=" + quote(query))
    assert _results(page) == [r[1] for r in Searcher(files).search(query, 10)]
    fetched = [u.split("?")[0] for u in _fetched(page)]
    assert any(u.endswith(f"/data/s/{shard}.gz") for u in fetched) == inflates
    assert any(u.endswith(f"/data/s/{shard}.json") for u in fetched) != inflates
    context.close()
