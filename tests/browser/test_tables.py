"""Project tables: sorting by tablesort (numbers as numbers), filters with URL state, no-JS completeness, phone layout."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import Site, data_portal, page_types

TYPES = page_types(data_portal())
ROWS = "table.projects tbody tr"


def _visible(page: Any, attr: str) -> list[str]:
    return page.eval_on_selector_all(ROWS, f"rs => rs.filter(r => !r.hidden).map(r => r.getAttribute('{attr}'))")


def _budgets(page: Any) -> list[int]:
    return [int(v) for v in page.eval_on_selector_all(ROWS, "rs => rs.filter(r => !r.hidden).map(r => r.cells[r.cells.length - 2].getAttribute('data-sort'))")]


def _header(page: Any, text: str) -> Any:
    return page.locator("table.projects thead th", has_text=text).first


def test_all_projects_table_lists_every_project(page: Any, site: Site) -> None:
    page.goto(site.at("projects/"))
    assert page.locator(ROWS).count() == sum(len(b.projects) for b in site.portal.plans)
    assert "모든 사업" in page.inner_text(".filter-status")


def test_budget_column_sorts_as_numbers_both_ways(page: Any, site: Site) -> None:
    page.goto(site.at("projects/"))
    _header(page, "예산").click()
    up = _budgets(page)
    assert up == sorted(up) and len(set(up)) > 2
    assert _header(page, "예산").get_attribute("aria-sort") == "ascending"
    _header(page, "예산").click()
    assert _budgets(page) == sorted(up, reverse=True)
    assert parse_qs(urlparse(page.url).query)["sort"][0].endswith(".d")


def test_number_column_sorts_naturally(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["plan"]))
    _header(page, "번호").first.click()
    keys = page.eval_on_selector_all("table.projects >> nth=0", "ts => [...ts[0].tBodies[0].rows].map(r => r.cells[1].getAttribute('data-sort'))")
    assert keys == sorted(keys)


def test_sort_state_in_url_is_restored(page: Any, site: Site) -> None:
    page.goto(site.at("projects/"))
    _header(page, "예산").click()
    _header(page, "예산").click()
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    assert _header(page, "예산").get_attribute("aria-sort") == "descending"
    got = _budgets(page)
    assert got == sorted(got, reverse=True)


def test_filters_by_plan_unit_node_and_share_the_url(page: Any, site: Site) -> None:
    bundle = next(b for b in sorted(site.portal.plans, key=lambda b: b.key) if b.plan.units)
    page.goto(site.at("projects/"))
    page.select_option("#filter-plan", bundle.key)
    assert set(_visible(page, "data-plan")) == {bundle.key}
    assert len(_visible(page, "data-plan")) == len(bundle.projects)
    unit = next(u for u in bundle.plan.units if any(p.unit == u.id for p in bundle.projects))
    page.select_option("#filter-unit", f"{bundle.key}:{unit.id}")
    assert len(_visible(page, "data-unit")) == sum(p.unit == unit.id for p in bundle.projects)
    query = parse_qs(urlparse(page.url).query)
    assert query["plan"] == [bundle.key] and query["unit"] == [f"{bundle.key}:{unit.id}"]
    shared = page.url
    page.goto("about:blank")
    page.goto(shared)
    assert page.input_value("#filter-unit") == f"{bundle.key}:{unit.id}"
    assert len(_visible(page, "data-unit")) == sum(p.unit == unit.id for p in bundle.projects)
    assert "가운데" in page.inner_text(".filter-status")


def test_node_filter_keeps_projects_under_the_node(page: Any, site: Site) -> None:
    bundle = next(b for b in sorted(site.portal.plans, key=lambda b: b.key) if b.plan.units)
    top = next(n for n, d, _ in bundle.nodes() if d == 0)
    page.goto(site.at(f"projects/?node={bundle.key}:{top.id}"))
    chains = _visible(page, "data-node")
    assert chains and all(f"{bundle.key}:{top.id}" in c.split() for c in chains)


def test_budget_range_filter(page: Any, site: Site) -> None:
    page.goto(site.at("projects/"))
    known = sorted(b for b in _budgets(page) if b > 0)
    low, high = known[len(known) // 4] // 1000, known[3 * len(known) // 4] // 1000 + 1  # 천원
    page.fill("#filter-min", str(low))
    assert _budgets(page) and all(b >= low * 1000 for b in _budgets(page))
    page.fill("#filter-max", str(high))
    got = _budgets(page)
    assert got and all(low * 1000 <= b <= high * 1000 for b in got) and len(got) < len(known)
    assert parse_qs(urlparse(page.url).query)["min"] == [str(low)]
    page.click(".filter-reset")
    assert len(_budgets(page)) == page.locator(ROWS).count()
    assert "min=" not in page.url


def test_period_filter(page: Any, site: Site) -> None:
    page.goto(site.at("projects/?month=2024-03"))
    starts = page.eval_on_selector_all(ROWS, "rs => rs.filter(r => !r.hidden).map(r => [r.dataset.start, r.dataset.end])")
    assert starts and all(s <= "2024-03" <= e for s, e in starts)


def test_without_javascript_tables_are_complete(browser: Any, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.at("projects/"))
    assert page.locator(ROWS).count() == sum(len(b.projects) for b in site.portal.plans)
    assert page.locator(".table-filters").count() == 0
    assert page.locator("table.projects caption").inner_text().startswith("전체 사업")
    context.close()


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_phone_layout_has_no_page_level_sideways_scroll(phone: Any, site: Site, kind: str) -> None:
    phone.goto(site.at(TYPES[kind]))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_tablet_table_scrolls_in_its_box_with_first_column_visible(browser: Any, site: Site) -> None:
    context = browser.new_context(viewport={"width": 760, "height": 900}, locale="ko-KR")  # phones get cards instead
    tablet = context.new_page()
    tablet.goto(site.at("projects/"))
    wrap = tablet.locator(".table-wrap").first
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    tablet.wait_for_timeout(50)
    left = wrap.evaluate("w => w.getBoundingClientRect().left")
    first = tablet.locator("table.projects tbody tr th").first.evaluate("c => c.getBoundingClientRect().left")
    context.close()
    assert abs(first - left) < 2  # sticky first column


def test_phone_table_rows_are_cards_with_money_and_period(phone: Any, site: Site) -> None:
    phone.goto(site.at("projects/"))
    row = phone.locator(ROWS).first
    for label in ("예산", "사업기간"):
        cell = row.locator(f"td[data-label^='{label}']")
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert label in cell.evaluate("c => getComputedStyle(c, '::before').content")


def _caption(page: Any) -> str:
    return page.locator("table.projects caption").first.inner_text()


def test_caption_follows_the_filter(page: Any, site: Site) -> None:
    total = sum(len(b.projects) for b in site.portal.plans)
    page.goto(site.at("projects/"))
    assert _caption(page) == f"전체 사업 ({total}건, 금액 단위: 천원)"
    bundle = sorted(site.portal.plans, key=lambda b: b.key)[0]
    page.select_option("#filter-plan", bundle.key)
    assert f"검색 조건에 맞는 사업 {len(bundle.projects)}건 / 전체 {total}건" in _caption(page)
    page.fill("#filter-min", "999999999")
    assert f"검색 조건에 맞는 사업 0건 / 전체 {total}건" in _caption(page)
    assert "조건에 맞는 사업이 없습니다" in page.inner_text(".filter-status")
    page.click(".filter-reset")
    assert _caption(page) == f"전체 사업 ({total}건, 금액 단위: 천원)"


def test_unknown_filter_in_the_address_is_named(page: Any, site: Site) -> None:
    page.goto(site.at("projects/?unit=t99&month=2024-13"))
    problem = page.locator(".filter-problem")
    assert problem.is_visible()
    assert "부서 ‘t99’" in problem.inner_text() and "진행 중인 달 ‘2024-13’" in problem.inner_text()
    assert "못했습니다" in problem.inner_text()
    assert len(_visible(page, "data-plan")) == page.locator(ROWS).count()


def test_hand_typed_unit_id_applies(page: Any, site: Site) -> None:
    bundle = next(b for b in sorted(site.portal.plans, key=lambda b: b.key) if b.plan.units)
    unit = next(u for u in bundle.plan.units if any(p.unit == u.id for p in bundle.projects))
    if sum(unit.id in [u.id for u in b.plan.units] for b in site.portal.plans) > 1:
        pytest.skip("the unit id is used by two plans")
    page.goto(site.at(f"projects/?unit={unit.id}"))
    assert page.locator(".filter-problem").is_hidden()
    assert set(_visible(page, "data-unit")) == {f"{bundle.key}:{unit.id}"}
    assert page.input_value("#filter-unit") == f"{bundle.key}:{unit.id}"


def test_url_filter_applies_on_a_page_without_that_list(page: Any, site: Site) -> None:
    bundle = next(b for b in sorted(site.portal.plans, key=lambda b: b.key) if b.plan.units)
    unit = next(u for u in bundle.plan.units if any(p.unit == u.id for p in bundle.projects))
    page.goto(site.at(f"{bundle.key}/units/{unit.id}/?unit=nobody"))
    assert "부서 ‘nobody’" in page.inner_text(".filter-problem")


def test_choosing_a_plan_limits_the_unit_and_strategy_lists(page: Any, site: Site) -> None:
    plans = sorted(site.portal.plans, key=lambda b: b.key)
    bundle = next(b for b in plans if b.plan.units)
    page.goto(site.at("projects/"))
    page.select_option("#filter-plan", bundle.key)
    offered = page.eval_on_selector_all("#filter-node option:not([disabled])", "os => os.map(o => o.value).filter(Boolean)")
    assert offered and all(v.startswith(bundle.key + ":") for v in offered)
    if page.locator("#filter-unit").count():
        units = page.eval_on_selector_all("#filter-unit option:not([disabled])", "os => os.map(o => o.value).filter(Boolean)")
        assert units and all(v.startswith(bundle.key + ":") for v in units)


def test_catalogue_names_link_to_the_project_pages(page: Any, site: Site) -> None:
    bundle = next((b for b in sorted(site.portal.plans, key=lambda b: b.key) if any(e.project for c in b.plan.catalogues for e in c.entries)), None)
    if bundle is None:
        pytest.skip("no catalogue of projects in the data")
    page.goto(site.at(f"{bundle.key}/"))
    links = page.locator("table.catalogue tbody th a")
    assert links.count() == sum(1 for c in bundle.plan.catalogues for e in c.entries if e.project)
    assert all("/projects/" in h for h in links.evaluate_all("ls => ls.map(l => l.href)"))
