"""Search as people type Korean, in the browser on the real plans: particles, 초성, wrong keyboard mode, typing errors,
numbers as printed, quoted phrases; snippets with marks, the query in the page title, suggestions under the box.

Before this issue: 돌봄을 and 선거를 found nothing, 예산을 6 results (예산 72), ㄷㅂ/ehfqha/1,158,165/돌봉 nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.browser.conftest import Site
from tests.browser.test_search_page import _results, _search

# (query, text expected in the title of one of the first five results; "" = any result)
PARTICLES = [
    ("돌봄을", "돌봄"), ("선거를", "선거"), ("예산을", ""), ("사업에서는", "사업"), ("인권의", "인권"), ("청렴도", "청렴"),
    ("노사관계를", "노사관계"), ("자원봉사센터와", "자원봉사"), ("기록물을", "기록물"), ("대체인력으로", "대체인력"), ("리더십을", "리더십"),
    ("소속시설의", "소속시설"),
]
INITIALS = [("ㄷㅂㅊㄱ", "돌봄체계"), ("ㄴㅅㄱㄱ", "노사관계"), ("ㅈㅇㅂㅅ", "자원봉사"), ("ㄷㅌㄹㅅㄱ", "대통령선거"), ("ㄱㄹㅁ", "기록물"), ("ㅊㄹㅁㅎ", "청렴문화"),
            ("ㅇㄹㄱㅇ", "윤리경영")]
KEYBOARD = [("ehfqha", "돌봄"), ("tjsrj", "선거"), ("dlsrnjs", "인권"), ("cjdfua", "청렴"), ("shtkrhksrP", "노사관계"), ("rlfhranf", "기록물"),
            ("dPtks", ""), ("dPtksdmf", "")]
TYPOS = [("돌봉", "돌봄"), ("선고", "선거"), ("청렵", "청렴"), ("노사관게", "노사관계"), ("인궈", "인권"), ("자원봉사센타", "자원봉사")]
NUMBERS = [("1,158,165", "2024년 전라북도사회서비스원 연간사업계획서"), ("1158165", "2024년 전라북도사회서비스원 연간사업계획서"),
           ("1,158,165 천원", "2024년 전라북도사회서비스원"), ("31,600", "위기가구"), ("19,200", "")]
PHRASES = [('"돌봄 체계"', "돌봄"), ('"대체인력 파견"', "대체인력 파견"), ('"ESG 경영"', "ESG 경영"), ("“노사관계 정립”", "노사관계 정립"),
           ('"대통령선거 추진"', "대통령선거")]
QUERIES = PARTICLES + INITIALS + KEYBOARD + TYPOS + NUMBERS + PHRASES


@pytest.fixture(scope="module")
def search_page(browser: Any, site: Site) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    pg.goto(site.at("search/"))
    pg.wait_for_selector("#search-status:not(:empty)")
    yield pg
    context.close()


def test_at_least_forty_korean_queries() -> None:
    assert len(QUERIES) >= 40


@pytest.mark.parametrize(("query", "expected"), QUERIES, ids=[q for q, _ in QUERIES])
def test_korean_query_finds_expected(search_page: Any, query: str, expected: str) -> None:
    titles = _search(search_page, query)
    assert titles, f"no results for {query}"
    assert any(expected in t for t in titles[:5]), (query, titles[:5])


def test_particle_finds_as_many_as_the_stem_and_says_so(search_page: Any) -> None:
    _search(search_page, "예산")
    stem = search_page.inner_text("#search-status")
    _search(search_page, "예산을")
    assert search_page.inner_text("#search-status").split("검색 결과 ")[1].split("건")[0] == stem.split("검색 결과 ")[1].split("건")[0]


@pytest.mark.parametrize(("query", "said"), [("ehfqha", "한/영"), ("돌봉", "‘돌봄’(으)로 찾았습니다"), ("ㄷㅂㅊㄱ", "초성")])
def test_a_reread_query_says_how_it_was_read(search_page: Any, query: str, said: str) -> None:
    assert _search(search_page, query)
    assert said in search_page.inner_text("#search-status")


def test_typo_offers_other_words(search_page: Any) -> None:
    _search(search_page, "선고")
    links = search_page.locator("#search-status a").all_inner_texts()
    assert links, "did you mean: other near words are offered as links"


def test_two_initials_offer_words_instead_of_searching(search_page: Any) -> None:
    before = search_page.locator("#search-status").inner_text()
    search_page.fill("#search-q", "ㄷㅂ")
    search_page.press("#search-q", "Enter")
    search_page.wait_for_function("(b) => document.querySelector('#search-status a') && document.getElementById('search-status').textContent !== b", arg=before)
    assert "돌봄" in search_page.locator("#search-status a").all_inner_texts()


def test_quoted_phrase_without_neighbours_falls_back_and_says_so(search_page: Any) -> None:
    assert _search(search_page, '"아동 돌봄"')
    assert "붙어 있는 곳이 없어" in search_page.inner_text("#search-status")


def test_matched_words_are_marked_in_titles_and_snippets(search_page: Any) -> None:
    _search(search_page, "돌봄을")
    search_page.wait_for_selector("#search-results .search-hit-snippet mark")
    assert "돌봄" in search_page.locator("#search-results .search-hit-title mark").all_inner_texts()
    assert set(search_page.locator("#search-results .search-hit-snippet mark").all_inner_texts()) >= {"돌봄"}


def test_body_match_gets_a_snippet(search_page: Any) -> None:
    """자원봉사센터 is in no title of its results: the snippet shows where it is."""
    titles = _search(search_page, "자원봉사센터")
    assert not any("자원봉사센터" in t for t in titles)
    search_page.wait_for_selector("#search-results .search-hit-snippet mark")
    assert "자원봉사센터" in search_page.locator("#search-results .search-hit-snippet mark").all_inner_texts()


def test_printed_number_is_marked_as_printed(search_page: Any) -> None:
    _search(search_page, "1158165")
    search_page.wait_for_selector("#search-results .search-hit-snippet mark")
    assert "1,158,165" in search_page.locator("#search-results .search-hit-snippet mark").all_inner_texts()


def test_query_is_in_the_page_title(page: Any, site: Site) -> None:
    page.goto(site.at("search/?q=" + quote("돌봄을")))
    _results(page)
    assert page.title().startswith("‘돌봄을’ 검색 결과 ")
    page.fill("#search-q", "없는낱말쀍쀍")
    page.press("#search-q", "Enter")
    page.wait_for_function("() => document.title.includes('없는낱말쀍쀍')")
    assert "검색 결과 없음" in page.title()


# (typed, a word among the first three suggestions, a word among all eight): words as long as the typed initials come
# first (ㄴㅅ → 노사 before 노사관계), then by score (title words weigh more).
@pytest.mark.parametrize(("typed", "first", "listed"), [("ㄷㅂ", "돌봄", "돌봄체계"), ("ㄴㅅ", "노사", "노사관계"), ("돌보", "돌봄", "돌봄서비스"),
                                                        ("ㅈㅇㅂ", "지역별", "자원봉사")])
def test_suggestions_as_one_types(page: Any, site: Site, typed: str, first: str, listed: str) -> None:
    page.goto(site.at("search/"))
    page.wait_for_selector("#search-status:not(:empty)")
    page.locator("#search-q").press_sequentially(typed, delay=30)
    page.wait_for_selector("#search-suggest:not([hidden]) li")
    terms = page.locator("#search-suggest .search-suggestion-term").all_inner_texts()
    assert first in terms[:3] and listed in terms, terms
    assert page.get_attribute("#search-q", "aria-expanded") == "true"
    assert page.locator("#search-suggest .search-suggestion-title").count() >= 1  # the best word's first pages, to go to


def test_suggestion_chosen_with_the_keyboard_searches_for_it(page: Any, site: Site) -> None:
    page.goto(site.at("search/"))
    page.wait_for_selector("#search-status:not(:empty)")
    page.locator("#search-q").press_sequentially("ㄴㅅ", delay=30)
    page.wait_for_selector("#search-suggest:not([hidden]) li")
    page.keyboard.press("ArrowDown")
    assert page.get_attribute("#search-q", "aria-activedescendant") == "search-suggest-0"
    first = page.locator("#search-suggest li").first.inner_text()
    page.keyboard.press("Enter")
    page.wait_for_function("(q) => document.getElementById('search-q').value === q && document.title.includes(q)", arg=first)
    assert page.locator("#search-suggest").is_hidden()
    assert _results(page)
