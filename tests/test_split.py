"""A portal of PORTAL_TABLE_MAX_ROWS projects or more: the all-projects table splits into an index and one page per plan, the XLSX per plan.

The threshold is lowered to a few rows (the fixture's three plans of three projects each) instead of generating thousands of files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from site_builder.model.columns import HEADINGS
from site_builder.model.portal import Portal
from site_builder.outputs.search import index_files
from site_builder.outputs.searcher import Searcher
from site_builder.pipeline.run import Paths, build, check, generate
from site_builder.plan import portal_pages
from site_builder.plan.pages import project_url
from site_builder.publish.redaction import redact_portal
from tests.conftest import FIXTURE_DATA, ROOT
from tests.test_links import broken_links

SMALL = 5  # the threshold in these tests: the portal below has 9 projects
THRESHOLD = portal_pages.PORTAL_TABLE_MAX_ROWS  # the real one, read before any test lowers it
PLANS = ["demo-org/2023", "demo-org/2024", "other-org/2024"]  # key order: the index's, the pager's
NAMES = {heading: name for name, heading in HEADINGS.items()}


def split_portal(data: Path) -> Path:
    """The fixture data with the plan copied to 2023 and the organisation copied as `other-org` (one project withheld): 3 plans, 9 projects."""
    shutil.copytree(FIXTURE_DATA, data)
    shutil.copytree(data / "demo-org" / "2024", data / "demo-org" / "2023")
    plan = data / "demo-org" / "2023" / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("year: 2024", "year: 2023", 1), encoding="utf-8")
    shutil.copytree(data / "demo-org", data / "other-org", ignore=shutil.ignore_patterns("2023"))
    org = data / "other-org" / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace("id: demo-org", "id: other-org").replace("시험군", "다른군"), encoding="utf-8")
    p2 = data / "other-org" / "2024" / "projects" / "p2.yaml"
    p2.write_text(p2.read_text(encoding="utf-8") + "withheld: {ground: 5, reason: 내부 검토 중}\n", encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def lowered() -> Iterator[None]:
    """The split threshold lowered to `SMALL` rows for the module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", SMALL)
        yield


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return split_portal(tmp_path_factory.mktemp("split") / "data")


@pytest.fixture(scope="module")
def portal(data: Path) -> Portal:
    found = check(data).portal
    assert found is not None
    return found


@pytest.fixture(scope="module")
def files(portal: Portal, lowered: None) -> dict[str, str | bytes]:
    return generate(portal)


@pytest.fixture(scope="module")
def site(data: Path, lowered: None) -> Path:
    """The whole site built (MkDocs strict: a broken Markdown link fails the build)."""
    checked, output = build(Paths(ROOT, data=data, build=data.parent / "build"), data.parent / "site")
    assert not checked.problems, ([p.format() for p in checked.problems], output)
    return data.parent / "site"


def _csv(data: str | bytes) -> list[dict[str, str]]:
    assert isinstance(data, bytes)
    return [{NAMES[k]: v for k, v in row.items()} for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]


def _won(text: str) -> int:
    """An amount shown in 천원 (`3,800`, `1,234.5`) in 원."""
    return int(Decimal(text.replace(",", "")) * 1000)


def _index_rows(page: str) -> dict[str, tuple[str, int, int]]:
    """Plan key → (link, projects, budget in 원) of the index page's rows."""
    row = r'<tr data-plan="([^"]+)">.*?<a href="([^"]+)">.*?data-label="사업 수" data-sort="(\d+)">'
    found = re.findall(row + r'.*?data-label="예산 합계\(천원\)" data-sort="(-?\d+)">([\d,.]+)</td>', page)
    assert all(int(won) == _won(shown) for *_, won, shown in found)
    return {key: (href, int(count), int(won)) for key, href, count, won, _ in found}


def test_the_portal_is_just_over_the_threshold(portal: Portal, lowered: None) -> None:
    assert portal.project_count() == 9 >= portal_pages.PORTAL_TABLE_MAX_ROWS
    assert [o.key for o in portal.whole()] == PLANS


def test_index_lists_every_plan_with_its_count_and_total(files: dict[str, str | bytes]) -> None:
    page = str(files["projects.md"])
    rows = _index_rows(page)
    assert list(rows) == PLANS
    for key, (href, count, won) in rows.items():
        assert href == f"../{key}/all-projects/"
        plan = _csv(files[f"downloads/{key.replace('/', '-')}-projects.csv"])  # the plan's own download
        assert count == len(plan) == 3 and won == sum(int(r["budget_won"]) for r in plan), key
    everything = _csv(files["downloads/all-projects.csv"])
    total = re.search(r'<tfoot><tr><th scope="row" colspan="3">모든 계획</th><td class="num" data-label="사업 수">(\d+)</td><td[^>]*>([\d,.]+)</td>', page)
    assert total and int(total.group(1)) == len(everything) == 9
    assert _won(total.group(2)) == sum(int(r["budget_won"]) for r in everything) == sum(won for _, _, won in rows.values())
    assert '<table class="data-table projects' not in page  # no project rows on the index


def test_each_plan_has_its_own_table_page_with_every_project(portal: Portal, files: dict[str, str | bytes]) -> None:
    for bundle in portal.plans:
        page = str(files[f"{bundle.key}/all-projects.md"])
        links = re.findall(r'<th scope="row"><a href="([^"]+)">', page)
        assert sorted(links) == sorted(f"../projects/{p.id}/" for p in bundle.projects), bundle.key
        assert 'data-filterable' in page and "sortable cards" in page and "data-status=" in page  # filters, sorting, cards, status
        assert f"({len(bundle.projects)}건, 금액 단위: 천원)" in page
        assert "<th scope=\"col\">계획</th>" not in page  # one plan: no plan column


def _pager(page: str) -> list[tuple[str, str]]:
    """(link, rel) of the page's first pager."""
    block = page.split('<nav class="plan-pager"', 1)[1].split("</nav>", 1)[0]
    return [(href, rel) for href, rel in re.findall(r"\]\(([^)]+)\)\{ rel=(\w+) \}", block)]


def test_each_plan_page_leads_back_to_the_index_and_to_the_plans_beside_it(files: dict[str, str | bytes]) -> None:
    pagers = {key: _pager(str(files[f"{key}/all-projects.md"])) for key in PLANS}
    assert pagers == {
        "demo-org/2023": [("../../projects.md", "up"), ("../2024/all-projects.md", "next")],
        "demo-org/2024": [("../../projects.md", "up"), ("../2023/all-projects.md", "prev"), ("../../other-org/2024/all-projects.md", "next")],
        "other-org/2024": [("../../projects.md", "up"), ("../../demo-org/2024/all-projects.md", "prev")],
    }
    assert str(files["demo-org/2024/all-projects.md"]).count('<nav class="plan-pager"') == 2  # above and below the table


def test_every_link_of_the_built_site_resolves(site: Path) -> None:
    broken, checked = broken_links(site)
    assert broken == [] and checked > 500
    index = (site / "projects" / "index.html").read_text(encoding="utf-8")
    for key in PLANS:
        assert f'href="../{key}/all-projects/"' in index
        page = (site / key / "all-projects" / "index.html").read_text(encoding="utf-8")
        assert 'href="../../../projects/" rel="up"' in page


def test_the_xlsx_is_per_plan_and_the_downloads_page_says_so(files: dict[str, str | bytes]) -> None:
    assert "downloads/all-projects.xlsx" not in files
    assert {"downloads/all-projects.csv", "downloads/all-projects-excel.csv", "downloads/all-projects.json"} <= set(files)
    everything = _csv(files["downloads/all-projects.csv"])
    sheets = [openpyxl.load_workbook(io.BytesIO(files[f"downloads/{k.replace('/', '-')}-projects.xlsx"]))["사업"] for k in PLANS]  # type: ignore[arg-type]
    rows = [r for ws in sheets for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [r[3] for r in rows] == [r["project_id"] for r in everything]  # the plans' workbooks together are every row, in order
    assert sum(r[10] for r in rows) == sum(int(r["budget_won"]) for r in everything) == sum(r["budget_won"] for r in json.loads(files["downloads/all-projects.json"]))
    page = str(files["downloads.md"])
    stated = re.search(r"전체 사업이 (\d+)건\(예산 합계 ([\d,]+)원\)이라 엑셀 통합문서\(XLSX\)는 한 파일로 만들지 않고 아래 \[계획별\]\(#plans\) 표에서 기관·연도별로 나눠", page)
    assert stated and int(stated.group(1)) == len(rows) and int(stated.group(2).replace(",", "")) == sum(r[10] for r in rows)
    assert 'href="all-projects.xlsx"' not in page and '<td><a href="#plans">계획별로 제공</a></td>' in page
    assert all(f'href="{k.replace("/", "-")}-projects.xlsx"' in page for k in PLANS)
    assert "[XLSX]" not in str(files["projects.md"]) and "[CSV](downloads/all-projects.csv)" in str(files["projects.md"])


def test_search_still_finds_every_project(portal: Portal, files: dict[str, str | bytes]) -> None:
    published = redact_portal(portal)
    searcher = Searcher({k: v for k, v in files.items() if k.startswith("search/data/") and isinstance(v, bytes)})
    for bundle in published.plans:
        for p in bundle.projects:
            if p.withheld is None:
                assert project_url(bundle.key, p.id) in [row[2] for row in searcher.search(p.title, 50)], (bundle.key, p.id)
    assert {k: v for k, v in files.items() if k.startswith("search/data/")} == index_files(published)  # as without the split


def test_at_one_row_fewer_nothing_is_split(portal: Portal, files: dict[str, str | bytes]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", portal.project_count() + 1)
        below = generate(portal)
        mp.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", THRESHOLD)
        assert generate(portal) == below  # the real threshold: the same files
        mp.setattr(portal_pages, "PORTAL_TABLE_MAX_ROWS", portal.project_count())
        assert generate(portal) == files  # at the threshold itself: split
    assert not any(path.endswith("/all-projects.md") for path in below) and "downloads/all-projects.xlsx" in below
    assert '<table class="data-table projects' in str(below["projects.md"]) and "계획별로 제공" not in str(below["downloads.md"])
    changed = {p for p in below.keys() | files.keys() if below.get(p) != files.get(p)}
    split_only = {f"{k}/all-projects.md" for k in PLANS} | {"downloads/all-projects.xlsx"}
    assert changed == split_only | {"projects.md", "downloads.md"}  # the split touches nothing else
