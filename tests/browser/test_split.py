"""The split all-projects table in a browser: the index, each plan's page, its pager, filters, cards on phones, old addresses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from site_builder.plan import portal_pages
from tests.browser.conftest import Site, _built
from tests.browser.test_accessibility import _axe
from tests.test_split import SMALL, split_portal


@pytest.fixture(scope="module")
def split_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The three-plan portal of tests/test_split.py built with the threshold lowered, so its table is split."""
    data = split_portal(tmp_path_factory.mktemp("split-browser") / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", SMALL)
        served = _built(tmp_path_factory, data)
        site = next(served)
    yield site
    next(served, None)  # stops the server


def _shown(page: Any) -> int:
    return page.locator("table.projects tbody tr:not([hidden])").count()


def test_the_index_and_the_pager_walk_through_every_plan(page: Any, split_site: Site) -> None:
    page.goto(split_site.at("projects/"))
    assert page.locator("table.plan-index tbody tr").count() == 3
    page.locator('table.plan-index tr[data-plan="demo-org/2023"] a').click()
    page.wait_for_url("**/demo-org/2023/all-projects/")
    assert page.locator("nav.plan-pager").first.locator("a[rel=prev]").count() == 0  # the first plan
    page.locator("nav.plan-pager").first.locator("a[rel=next]").click()
    page.wait_for_url("**/demo-org/2024/all-projects/")
    page.locator("nav.plan-pager").last.locator("a[rel=next]").click()  # the pager below the table too
    page.wait_for_url("**/other-org/2024/all-projects/")
    assert page.locator("nav.plan-pager").first.locator("a[rel=next]").count() == 0  # the last plan
    assert _shown(page) == 3
    page.locator("nav.plan-pager").first.locator("a[rel=up]").click()
    page.wait_for_url("**/projects/")


def test_a_plan_page_sorts_and_filters_by_status(page: Any, split_site: Site) -> None:
    page.goto(split_site.at("demo-org/2024/all-projects/"))
    assert _shown(page) == 3 and page.locator("#filter-plan").count() == 0  # one plan: no plan list
    page.select_option("#filter-status", "지연")
    assert _shown(page) == 1 and "status=" in page.url
    page.locator("table.projects thead th", has_text="예산").click()
    assert page.locator("table.projects thead th[aria-sort]").count() == 1


def test_an_address_of_the_whole_table_opens_the_plans_page(page: Any, split_site: Site) -> None:
    page.goto(split_site.at("projects/?plan=demo-org%2F2024&status=%EC%A7%80%EC%97%B0"))  # shared before the portal grew
    page.wait_for_url("**/demo-org/2024/all-projects/?status=*")
    assert _shown(page) == 1


@pytest.mark.parametrize("path", ["projects/", "demo-org/2024/all-projects/"])
def test_split_pages_are_cards_on_a_phone_and_pass_axe(phone: Any, page: Any, split_site: Site, path: str) -> None:
    phone.goto(split_site.at(path))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sideways
    row = phone.locator("table.data-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == ("flex" if path == "projects/" else "grid")  # a card (the index's: short)
    if path == "projects/":
        assert phone.locator("table.plan-index tfoot tr").evaluate("r => getComputedStyle(r).display") == "grid"
    assert _axe(phone) == []
    page.goto(split_site.at(path))
    assert _axe(page) == []


def test_the_index_finds_plans_by_the_words_typed(page: Any, split_site: Site) -> None:
    page.goto(split_site.at("projects/"))
    page.fill("#filter-q", "다른군")
    assert page.locator("table.plan-index tbody tr:not([hidden])").count() == 1 and "q=" in page.url
    assert "3개 계획 가운데 1개" in page.inner_text(".plan-finder .filter-status")
    page.goto(split_site.at("projects/?q=%EC%8B%9C%ED%97%98%EA%B5%B0%202023"))  # 시험군 2023: every word
    assert [r.get_attribute("data-plan") for r in page.locator("table.plan-index tbody tr:not([hidden])").all()] == ["demo-org/2023"]


@pytest.fixture(scope="module")
def directory_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The same portal with the plan directory's thresholds lowered too: two directory pages of two plans and one."""
    from site_builder.plan import directory

    data = split_portal(tmp_path_factory.mktemp("directory-browser") / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", SMALL)
        mp.setattr(directory, "PLAN_LIST_MAX", 1)
        mp.setattr(directory, "PLAN_PAGE_SIZE", 2)
        served = _built(tmp_path_factory, data)
        site = next(served)
    yield site
    next(served, None)


def test_the_plan_directory_walks_from_the_home_page_through_every_plan(page: Any, directory_site: Site) -> None:
    page.goto(directory_site.at(""))
    assert page.locator("table.plans").count() == 0 and page.locator("table.plan-directory tbody tr").count() == 2
    page.locator("table.plan-directory a", has_text="1쪽").click()
    page.wait_for_url("**/plans/1/")
    assert page.locator("table.plan-list tbody tr").count() == 2
    page.locator("nav.plan-pager").first.locator("a[rel=next]").click()
    page.wait_for_url("**/plans/2/")
    page.locator("table.plan-list a", has_text="사업 표").click()
    page.wait_for_url("**/other-org/2024/all-projects/")
    page.go_back()
    page.locator("nav.plan-pager").last.locator("a[rel=up]").click()
    page.wait_for_url(directory_site.at(""))


def test_an_old_table_address_opens_the_plans_page_from_the_directory_index(page: Any, directory_site: Site) -> None:
    page.goto(directory_site.at("projects/?plan=demo-org%2F2024&status=%EC%A7%80%EC%97%B0"))
    page.wait_for_url("**/demo-org/2024/all-projects/?status=*")
    assert _shown(page) == 1
    page.goto(directory_site.at("projects/?plan=..%2F2024"))  # not a plan key: no redirect anywhere
    page.wait_for_timeout(300)
    assert page.url.endswith("projects/?plan=..%2F2024")


@pytest.mark.parametrize("path", ["", "plans/1/", "downloads/"])
def test_directory_pages_are_cards_on_a_phone_and_pass_axe(phone: Any, page: Any, directory_site: Site, path: str) -> None:
    phone.goto(directory_site.at(path))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert _axe(phone) == []
    page.goto(directory_site.at(path))
    assert _axe(page) == []


def _options(page: Any) -> list[list[tuple[str, str]]]:
    return [page.eval_on_selector_all(f"#{name} option", "os => os.map(o => [o.value, o.textContent])") for name in ("search-org", "search-plan")]


def test_the_search_filters_of_very_many_plans_come_with_the_plan_list(page: Any, split_site: Site, directory_site: Site) -> None:
    """Above PLAN_LIST_MAX plans the organisation and plan lists are not in the page: focusing the filters fills them."""
    page.goto(split_site.at("search/"))
    listed = _options(page)  # the same portal below the threshold: the lists as the page carries them
    page.goto(directory_site.at("search/"))
    assert page.locator("#search-org option").count() == 1 and page.locator("#search-plan option").count() == 1
    page.focus("#search-org")
    page.wait_for_function("() => document.querySelectorAll('#search-plan option').length === 4")
    assert _options(page) == listed and len(listed[0]) == 3
    page.goto(directory_site.at("search/?q=%EC%82%AC%EC%97%85&plan=other-org%2F2024"))  # a shared address with a plan
    page.wait_for_function("() => document.getElementById('search-plan').value === 'other-org/2024'")
    page.wait_for_function("() => { const s = document.getElementById('search-status').textContent; return s && s !== '찾는 중…'; }")
    hits = page.locator("#search-results .search-hit-title a").all_inner_texts()
    assert hits and page.locator("#search-org option").count() == 3
