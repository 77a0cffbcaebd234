"""axe-core (from npm, injected from node_modules) on every page type, and the furniture WCAG/KWCAG asks for."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import AXE, Site, data_portal, need, page_types

TYPES = page_types(data_portal())


def _axe(page: Any) -> list[dict[str, Any]]:
    need(AXE.exists(), f"{AXE} is missing (make setup runs npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in result]


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_axe_reports_no_violations(page: Any, site: Site, kind: str) -> None:
    page.goto(site.at(TYPES[kind]))
    page.wait_for_load_state("networkidle")
    assert _axe(page) == []


@pytest.mark.parametrize("kind", ["all-projects", "plan"])
def test_axe_on_phone_width(phone: Any, site: Site, kind: str) -> None:
    phone.goto(site.at(TYPES[kind]))
    assert _axe(phone) == []


# Pages with progress: the real plans have no reports, so these come from the fixture portal (tests/fixtures/data).
PROGRESS = {"plan": "demo-org/2024/", "project": "demo-org/2024/projects/p1/", "project-kpis": "demo-org/2024/projects/p3/",
            "all-projects": "projects/", "unit": "demo-org/2024/units/team-a/"}


@pytest.mark.parametrize("kind", sorted(PROGRESS))
def test_axe_on_pages_with_progress(page: Any, progress_site: Site, kind: str) -> None:
    page.goto(progress_site.at(PROGRESS[kind]))
    page.wait_for_load_state("networkidle")
    assert page.locator(".status").count() > 0  # the page shows progress
    assert _axe(page) == []


@pytest.mark.parametrize("kind", ["plan", "project"])
def test_axe_on_pages_with_progress_at_phone_width(phone: Any, progress_site: Site, kind: str) -> None:
    phone.goto(progress_site.at(PROGRESS[kind]))
    assert phone.locator(".status").count() > 0
    assert _axe(phone) == []


def test_axe_on_the_years_comparison(page: Any, years_site: Site) -> None:
    page.goto(years_site.at("town/2024/"))
    assert page.locator("table.years-budget").count() == 1 and page.locator("table.years-kpis").count() == 1
    assert page.locator(".no-progress").count() == 1
    assert _axe(page) == []


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_page_furniture(page: Any, site: Site, kind: str) -> None:
    page.goto(site.at(TYPES[kind]))
    assert page.get_attribute("html", "lang") == "ko"
    assert page.locator("a.md-skip").count() == 1  # 본문 바로가기 (Material's skip link)
    assert "공공누리" in page.inner_text(".gov-footer")
    for table in page.locator("table.data-table").all():  # generated data tables (the Markdown tables of the reference page have none)
        assert table.locator("caption").count() == 1
        assert table.locator("thead th:not([scope])").count() == 0


def test_charts_have_title_desc_and_text_summary(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["budget"]))
    charts = page.locator("figure.chart svg")
    assert charts.count() >= 2
    for svg in charts.all():
        assert svg.get_attribute("role") == "img"
        assert svg.locator("title").count() == 1 and svg.locator("desc").count() == 1
    for caption in page.locator("figure.chart figcaption").all_inner_texts():
        assert "천원" in caption or "백만원" in caption or "원" in caption


def test_licence_type_follows_site_yaml(page: Any, site: Site) -> None:
    page.goto(site.at(""))
    kind = site.portal.site.license
    assert page.get_attribute(".gov-license", "data-license") == kind
    assert f"제{kind[-1]}유형" in page.inner_text(".gov-license")


def test_print_stylesheet_repeats_table_headers(page: Any, site: Site) -> None:
    page.goto(site.at(TYPES["all-projects"]))
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('table.projects thead')).display") == "table-header-group"
    assert page.locator(".md-header").evaluate("e => getComputedStyle(e).display") == "none"
