"""Progress in the browser (the fixture portal's reports): the 상태 column sorts and filters with the state in the
address, and the plan summary's chart has a text alternative and a table beside it."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.browser.conftest import Site

PLAN = "demo-org/2024/"
ALL_TABLE = "table.projects >> nth=1"  # 전체 사업 (the 신규사업 table comes first)


def _titles(page: Any, table: str = ALL_TABLE) -> list[str]:
    """The first word of each visible row's project (`첫`, `둘째`, `셋째`)."""
    return [t.split()[0] for t in page.locator(f"{table} >> tbody tr:not([hidden]) th a").all_inner_texts()]


def _query(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def _status_head(page: Any) -> Any:
    return page.locator(ALL_TABLE).locator("thead th", has_text="상태")


def test_status_column_sorts_in_status_order_and_the_address_keeps_it(page: Any, progress_site: Site) -> None:
    page.goto(progress_site.at(PLAN))
    assert _titles(page) == ["첫", "셋째"]  # plan order: 지연, 완료
    _status_head(page).locator("button").click()
    assert _titles(page) == ["셋째", "첫"]  # 완료 before 지연 (the data format's order)
    column = page.locator(ALL_TABLE).locator("thead th").all_inner_texts().index("상태")
    assert _query(page)["sort"] == [f"1.{column}.a"]
    page.goto(progress_site.at(PLAN + f"?sort=1.{column}.d"))
    assert _titles(page) == ["첫", "셋째"]
    assert _status_head(page).get_attribute("aria-sort") == "descending"


def test_status_filter_shows_one_status_and_shares_the_address(page: Any, progress_site: Site) -> None:
    page.goto(progress_site.at(PLAN))
    options = page.locator("#filter-status option").all_inner_texts()
    assert options == ["전체", "예정", "완료", "지연"]
    page.select_option("#filter-status", "지연")
    assert _titles(page) == ["첫"] and _titles(page, "table.projects >> nth=0") == []
    assert _query(page)["status"] == ["지연"]
    assert "2건 가운데 1건" in page.inner_text(".filter-status") or "3건 가운데 1건" in page.inner_text(".filter-status")
    page.goto(progress_site.at(PLAN + "?status=%EC%99%84%EB%A3%8C"))  # 완료, as a shared link carries it
    assert page.input_value("#filter-status") == "완료"
    assert _titles(page) == ["셋째"]
    page.goto(progress_site.at(PLAN + "?status=%EC%97%86%EC%9D%8C"))  # 없음: no such status
    assert "상태 ‘없음’" in page.inner_text(".filter-problem")


def test_status_filter_on_the_all_projects_page(page: Any, progress_site: Site) -> None:
    page.goto(progress_site.at("projects/?status=%EC%98%88%EC%A0%95"))  # 예정
    assert _titles(page, "table.projects") == ["둘째"]


def test_status_is_written_not_only_coloured(page: Any, progress_site: Site) -> None:
    page.goto(progress_site.at(PLAN))
    cells = page.locator(f"{ALL_TABLE} >> tbody td[data-label='상태']").all_inner_texts()
    assert cells == ["지연", "완료"]
    colour = page.locator(".status-delayed").first.evaluate("e => getComputedStyle(e).color")
    assert colour == "rgb(161, 29, 29)"


def test_plan_summary_chart_has_a_text_alternative_and_a_table(page: Any, progress_site: Site) -> None:
    page.goto(progress_site.at(PLAN))
    svg = page.locator("figure.progress-chart svg")
    assert svg.get_attribute("role") == "img"
    name = page.get_by_role("img", name="예산과 집행액")
    assert name.count() == 1
    sentence = "2024-06-30 기준으로 예산 3,800천원 가운데 2,300천원(60.5%)을 집행했습니다"
    assert sentence in svg.locator("desc").text_content()
    assert sentence in page.inner_text("figure.progress-chart figcaption")
    table = page.locator("table.progress-spending")
    assert table.locator("caption").count() == 1
    rows = table.locator("tbody tr").all_inner_texts()
    assert rows[0].split("\t") == ["계획 전체", "3,800", "2,300", "60.5%", "2건"]
    # The summary comes before the long text of the plan.
    assert page.locator("h2#progress").count() == 1
    assert page.evaluate("document.getElementById('progress').compareDocumentPosition(document.getElementById('미션')) & Node.DOCUMENT_POSITION_FOLLOWING")


def test_a_plan_without_reports_says_so(page: Any, site: Site) -> None:
    bundle = site.portal.plans[0]
    page.goto(site.at(f"{bundle.key}/"))
    assert "이 계획에는 아직 진행 상황 보고가 없습니다." in page.inner_text(".no-progress")
    assert page.locator("#filter-status").count() == 0
