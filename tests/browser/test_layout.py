"""Layout of the table pages at 1280, 760 (tablet) and 390 px: columns in view, row lines, cards, keyboard, phone furniture."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import Site, data_portal, page_types

TYPES = page_types(data_portal())
TABLE_PAGES = ["all-projects", "plan", "node", "unit"]
CARD_PAGES = ["all-projects", "plan", "node", "unit", "home", "changes", "quality", "downloads"]


@pytest.fixture
def tablet(browser: Any) -> Iterator[Any]:
    """A 760 px window: wider than the phone cards, narrower than the all-projects table."""
    context = browser.new_context(viewport={"width": 760, "height": 900}, locale="ko-KR")
    pg = context.new_page()
    yield pg
    context.close()


def _header_box(page: Any, text: str) -> dict[str, float]:
    return page.locator("table.projects thead th", has_text=text).first.bounding_box()


@pytest.mark.parametrize("kind", TABLE_PAGES)
def test_money_and_period_columns_are_in_view_at_1280(page: Any, site: Site, kind: str) -> None:
    page.goto(site.at(TYPES[kind]))
    wrap = page.locator(".table-wrap:has(table.projects)").first.bounding_box()
    for text in ("예산", "사업기간"):
        box = _header_box(page, text)
        assert box["x"] >= 0 and box["x"] + box["width"] <= min(1280, wrap["x"] + wrap["width"]) + 1, (kind, text, box, wrap)


def test_columns_saying_what_the_page_says_are_left_out(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["unit"]))
    heads = page.locator("table.projects thead th").all_inner_texts()
    assert not any("부서" in h for h in heads) and any("예산" in h for h in heads)
    bundle = next(b for b in site.portal.plans if not b.plan.units)
    page.goto(site.at(f"{bundle.key}/"))  # a plan without units: no empty 부서 column
    assert not any("부서" in h for h in page.locator("table.projects thead th").all_inner_texts())


def test_unit_page_states_its_budget_total(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["unit"]))
    text = page.inner_text("dl.facts")
    assert "예산 합계" in text and "천원" in text and " 천원" not in text


@pytest.mark.parametrize("kind", CARD_PAGES)
def test_phone_shows_every_cell_without_sideways_scrolling(phone: Any, site: Site, kind: str) -> None:
    phone.goto(site.at(TYPES[kind]))
    outside = phone.eval_on_selector_all(
        "table.cards tbody tr:first-child > *",
        "cs => cs.filter(c => c.offsetParent && c.textContent.trim())"
        ".map(c => [c.textContent.trim().slice(0, 20), c.getBoundingClientRect().left, c.getBoundingClientRect().right]).filter(x => x[1] < 0 || x[2] > 390)")
    assert phone.locator("table.cards").count() and outside == []


@pytest.mark.parametrize("kind", ["plan", "budget", "unit", "project", "quality", "changes", "downloads", "home"])
def test_phone_cells_keep_their_text_inside(phone: Any, site: Site, kind: str) -> None:
    phone.goto(site.at(TYPES[kind]))
    spilled = phone.eval_on_selector_all(
        ".md-content th, .md-content td",
        "cs => cs.filter(c => c.offsetParent && c.parentNode.parentNode.getBoundingClientRect().width > 2 && c.scrollWidth > c.clientWidth + 1)"
        ".map(c => c.textContent.trim().slice(0, 30))")  # not the screen-reader-only header rows of cards
    assert spilled == []


def _pixels(page: Any, clip: dict[str, float]) -> list[tuple[int, int, int]]:
    """RGB of every pixel of a screenshot clip (decoded by the browser itself)."""
    data = base64.b64encode(page.screenshot(clip=clip)).decode()
    return [tuple(p) for p in page.evaluate("""async src => {
        const img = new Image(); img.src = src; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, img.width, img.height).data, out = [];
        for (let i = 0; i < d.length; i += 4) out.push([d[i], d[i + 1], d[i + 2]]);
        return out; }""", "data:image/png;base64," + data)]


def test_sticky_first_column_keeps_its_row_lines(tablet: Any, site: Site) -> None:
    # Separate borders: each cell draws its own lines, so they move with the sticky cell in every browser (collapsed
    # borders belong to the table; Firefox and Safari leave them behind). Then the pixels: a grey line under each name.
    tablet.goto(site.at("projects/"))
    assert tablet.locator("table.projects").evaluate("t => getComputedStyle(t).borderCollapse") == "separate"
    wrap = tablet.locator(".table-wrap:has(table.projects)")
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    wrap.evaluate("w => { w.scrollIntoView(); w.scrollLeft = 200; }")
    tablet.wait_for_timeout(100)
    for row in range(1, 7):
        cell = tablet.locator(f"table.projects tbody tr:nth-child({row}) th").bounding_box()
        line = {"x": cell["x"] + 8, "y": cell["y"] + cell["height"] - 1, "width": cell["width"] - 16, "height": 1}
        grey = [p for p in _pixels(tablet, line) if 150 < p[0] < 235 and abs(p[0] - p[2]) < 30]
        assert len(grey) > 0.9 * int(line["width"]), f"the sticky name cell of row {row} has no line under it"


def test_wide_table_says_it_scrolls(tablet: Any, page: Any, site: Site) -> None:
    tablet.goto(site.at("projects/"))
    hint = tablet.locator(".table-wrap:has(table.projects)").locator("xpath=preceding-sibling::p[1]")
    assert hint.is_visible() and "옆으로" in hint.inner_text()
    page.goto(site.at("projects/"))
    assert page.locator(".scroll-hint:visible").count() == 0  # it fits at 1280


def test_tab_at_phone_width_reaches_only_visible_things(phone: Any, site: Site) -> None:
    phone.goto(site.at(TYPES["plan"]))
    hidden = []
    for _ in range(40):
        phone.keyboard.press("Tab")
        where = phone.evaluate("""() => { const e = document.activeElement, r = e.getBoundingClientRect(), s = getComputedStyle(e);
            return [e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 15),
                    r.right > 0 && r.left < innerWidth && r.width > 0 && s.visibility === 'visible'] }""")
        if not where[1]:
            hidden.append(where[0])
    assert hidden == []


def test_heading_permalinks_are_not_tab_stops(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["plan"]))
    links = page.locator("a.headerlink")
    assert links.count() > 0
    assert set(links.evaluate_all("ls => ls.map(l => l.tabIndex)")) == {-1}


def test_sort_header_is_a_button_that_sorts_with_space(page: Any, site: Site) -> None:
    page.goto(site.at("projects/"))
    head = page.locator("table.projects thead th", has_text="예산").first
    button = head.locator("button")
    assert button.count() == 1 and head.get_attribute("tabindex") is None
    button.focus()
    page.keyboard.press("Space")
    assert head.get_attribute("aria-sort") == "ascending"
    page.keyboard.press("Enter")
    assert head.get_attribute("aria-sort") == "descending"


@pytest.mark.parametrize("selector", ["#site-search-q", "#filter-min", "#filter-plan"])
def test_text_boxes_show_a_focus_ring(page: Any, site: Site, selector: str) -> None:
    page.goto(site.at("projects/"))
    page.locator(selector).focus()
    style = page.locator(selector).evaluate("e => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle, parseFloat(getComputedStyle(e).outlineWidth)]")
    assert style[0] and style[1] != "none" and style[2] >= 2


def test_phone_breadcrumb_is_one_line(phone: Any, site: Site) -> None:
    phone.goto(site.at(TYPES["project"]))
    crumbs = phone.locator("nav.breadcrumbs")
    assert crumbs.bounding_box()["height"] < 30
    assert crumbs.locator("li:visible").count() == 1


def test_numbers_do_not_break_inside(phone: Any, site: Site) -> None:
    phone.goto(site.at(TYPES["unit"]))
    assert phone.locator("table.contacts td[data-label='전화']").first.evaluate("c => getComputedStyle(c).whiteSpace") == "nowrap"
    phone.goto(site.at("changes/"))
    times = phone.locator("table.changes time")
    if times.count():
        assert times.first.evaluate("t => t.getBoundingClientRect().height < 1.6 * parseFloat(getComputedStyle(t).lineHeight || 20)")


def test_quality_page_is_a_summary_with_folded_lists_on_a_phone(phone: Any, site: Site) -> None:
    phone.goto(site.at(TYPES["quality"]))
    assert phone.evaluate("document.documentElement.scrollHeight") < 8000
    counts = phone.locator("table.kinds td[data-label='자동 점검']").all_inner_texts()
    assert sum(int(c.rstrip("건")) for c in counts) == phone.locator("table.findings tbody tr").count()
    assert "확인함" in phone.inner_text(".quality-terms") and "오류·불일치" in phone.inner_text(".quality-terms")


def test_quality_kind_link_opens_and_filters_the_list(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["quality"]))
    link = page.locator("table.kinds td[data-label='자동 점검'] a").first
    kind = link.get_attribute("href").split("kind=")[1].split("#")[0]
    link.click()
    page.wait_for_load_state()
    shown = page.locator("table.findings tbody tr:not([hidden])")
    assert page.locator("table.findings").is_visible() and shown.count() > 0
    assert set(shown.evaluate_all("rs => rs.map(r => r.dataset.kind)")) == {kind}
    assert f"/ 전체 {page.locator('table.findings tbody tr').count()}건" in page.inner_text("table.findings caption")


def test_quality_findings_link_to_their_project(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["quality"]))
    rows = page.locator("table.findings tbody tr").evaluate_all(
        "rs => rs.map(r => [r.dataset.kind, r.querySelector('td[data-label=\"관련 페이지\"] a')?.getAttribute('href') || ''])")
    about_project = [(kind, href) for kind, href in rows if kind in ("formula", "sum")]
    assert page.locator("table.findings code").count() == 0  # internal ids (`formula:t04-04:1`) are for staff (validate), not shown
    assert about_project and all("/projects/" in href for _, href in about_project)


def test_a_units_document_lines_are_framed_as_quoted_source(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["unit"]))
    framed = page.locator(".unit-source")
    assert framed.count() == 1 and "원문의 이 부서 장 머리에 실린 글" in framed.inner_text()
    assert page.locator("article > .doc-list, .md-content__inner > .doc-list").count() == 0  # no loose lines between the tables
    assert "원문 파일에서 보기" in page.inner_text(".source-ref")


def test_finding_messages_are_not_a_bold_column(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["quality"]))
    weights = page.locator("table.findings tbody th").evaluate_all("hs => hs.map(h => getComputedStyle(h).fontWeight)")
    assert weights and set(weights) == {"400"}
