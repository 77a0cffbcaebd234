"""Open-data downloads: formats, formula neutralisation, text codes in XLSX, totals equal to the pages', progress and KPI results, the versioned plan JSON."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from site_builder.model.columns import HEADINGS, KPI_COLUMNS, KPI_HEADINGS
from site_builder.model.money import UNIT_FACTORS
from site_builder.model.published import FORMAT_VERSION, SCHEMA_FILE, PlanDocument, document_schema_text
from site_builder.outputs.downloads import COLUMNS, _plan_json_python, neutralise, page_address, plan_json, project_rows, to_csv, to_xlsx
from site_builder.pipeline.run import check, generate
from tests.conftest import DEMO_DATA, ROOT

FIXTURE = Path(__file__).parent / "fixtures" / "data"
DATA = Path(__file__).parent.parent / "data"
SOURCES = [FIXTURE, DEMO_DATA] + ([DATA] if (DATA / "site.yaml").exists() else [])


def _row(**values: object) -> dict[str, object]:
    row: dict[str, object] = {c: "" for c, _ in COLUMNS}
    row.update(values)
    return row


@pytest.fixture(scope="module", params=SOURCES, ids=lambda p: p.parent.parent.name + "/" + p.parent.name)
def built(request: pytest.FixtureRequest) -> tuple[object, dict[str, str | bytes]]:
    portal = check(request.param).portal
    assert portal is not None
    return portal, generate(portal)


NAMES = {heading: name for name, heading in HEADINGS.items()}


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a CSV download, keyed by the machine names (the file's first line holds the Korean headings)."""
    return [{NAMES[k]: v for k, v in row.items()} for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))]


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "=HYPERLINK(\"http://x\")"])
def test_formula_like_cells_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text
    got = _csv_rows(to_csv([_row(title=text, budget_won=5)]))[0]
    assert got["title"] == "'" + text
    assert got["budget_won"] == "5"  # numbers are never touched


def test_plain_text_is_left_alone() -> None:
    assert neutralise("2024. 1 ~ 12월") == "2024. 1 ~ 12월"
    assert neutralise(-5) == -5


def test_xlsx_keeps_formula_text_as_text_and_codes_as_text() -> None:
    data = to_xlsx([_row(title="=1+1", project_id="001", number="01", year=2024, budget_won=1500)])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    ws = openpyxl.load_workbook(io.BytesIO(data))["사업"]
    header = [NAMES[c.value] for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["title"].value == "=1+1" and row["title"].data_type == "s"
    assert row["project_id"].value == "001" and row["number"].value == "01"
    assert row["year"].value == 2024 and row["budget_won"].value == 1500


def test_xlsx_is_byte_identical_between_runs() -> None:
    rows = [_row(title="같은 자료", budget_won=1)]
    assert to_xlsx(rows) == to_xlsx(rows)


def test_file_set_and_encodings(built: tuple[object, dict[str, str | bytes]]) -> None:
    _, files = built
    for name in ("all-projects.csv", "all-projects-excel.csv", "all-projects.xlsx", "all-projects.json", "columns.csv", "columns.json"):
        assert f"downloads/{name}" in files, name
    plain, excel = files["downloads/all-projects.csv"], files["downloads/all-projects-excel.csv"]
    assert isinstance(plain, bytes) and isinstance(excel, bytes)
    assert not plain.startswith(b"\xef\xbb\xbf") and excel.startswith(b"\xef\xbb\xbf")
    assert excel[3:] == plain
    dictionary = json.loads(files["downloads/columns.json"])
    assert [d["column"] for d in dictionary] == [c for c, _ in COLUMNS] == list(_csv_rows(plain)[0].keys())
    first = plain.decode().splitlines()[0].split(",")
    assert first == [d["heading"] for d in dictionary] and first[5] == "사업명"  # Korean headings for spreadsheet readers
    assert list(json.loads(files["downloads/all-projects.json"])[0]) == [c for c, _ in COLUMNS]  # machine names in JSON
    assert files["downloads/columns.csv"].decode("utf-8-sig").splitlines()[0] == "column,열 이름,설명"  # type: ignore[union-attr]


def test_xlsx_and_json_hold_the_same_rows_as_csv(built: tuple[object, dict[str, str | bytes]]) -> None:
    _, files = built
    rows = _csv_rows(files["downloads/all-projects.csv"])  # type: ignore[arg-type]
    as_json = json.loads(files["downloads/all-projects.json"])
    ws = openpyxl.load_workbook(io.BytesIO(files["downloads/all-projects.xlsx"]))["사업"]  # type: ignore[arg-type]
    sheet = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(as_json) == len(sheet)
    assert [r["project_id"] for r in rows] == [r["project_id"] for r in as_json] == [r[3] for r in sheet]
    assert sum(int(r["budget_won"]) for r in rows) == sum(r["budget_won"] for r in as_json) == sum(r[10] for r in sheet)


def _won(text: str, unit: str) -> int:
    return int(Decimal(text.replace(",", "")) * UNIT_FACTORS[unit])


def test_totals_from_downloads_equal_the_totals_on_the_pages(built: tuple[object, dict[str, str | bytes]]) -> None:
    portal, files = built
    rows = _csv_rows(files["downloads/all-projects.csv"])  # type: ignore[arg-type]
    by_plan: dict[str, int] = defaultdict(int)
    by_unit: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        by_plan[r["plan"]] += int(r["budget_won"])
        by_unit[(r["plan"], r["unit"])] += int(r["budget_won"])
    for bundle in portal.plans:  # type: ignore[attr-defined]
        unit = bundle.plan.money_unit
        overview = str(files[f"{bundle.key}/index.md"])
        shown = re.search(r'예산 합계\(계산\)</span> <span class="summary-value">(?:[\d,.]+억원 \()?([\d,.]+)' + unit, overview)  # 11.6억원 (exact)
        assert shown, bundle.key
        assert _won(shown.group(1), unit) == by_plan[bundle.key], bundle.key
        budget = str(files[f"{bundle.key}/budget.md"])
        table = budget.split("부서별 예산 (단위")[1].split("</tbody>")[0] if bundle.plan.units else ""
        for name, amount in re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([\d,.]+)</td>', table):
            if name != "부서 미지정":
                assert _won(amount, unit) == by_unit[(bundle.key, name)], (bundle.key, name)
        plan_csv = _csv_rows(files[f"downloads/{bundle.org.id}-{bundle.plan.year}-projects.csv"])  # type: ignore[arg-type]
        assert sum(int(r["budget_won"]) for r in plan_csv) == by_plan[bundle.key]


def _executed(rows: list[dict[str, str]]) -> int:
    """The sum of the executed amounts of some CSV rows (an empty cell adds nothing)."""
    return sum(int(r["executed_won"]) for r in rows if r["executed_won"])


def test_executed_totals_from_downloads_equal_the_reports_and_the_pages(built: tuple[object, dict[str, str | bytes]]) -> None:
    portal, files = built
    rows = _csv_rows(files["downloads/all-projects.csv"])  # type: ignore[arg-type]
    as_json = json.loads(files["downloads/all-projects.json"])
    sheet = openpyxl.load_workbook(io.BytesIO(files["downloads/all-projects.xlsx"]))["사업"]  # type: ignore[arg-type]
    column = [c for c, _ in COLUMNS].index("executed_won")
    assert _executed(rows) == sum(r["executed_won"] or 0 for r in as_json) == sum(r[column] or 0 for r in sheet.iter_rows(min_row=2, values_only=True))
    for bundle in portal.plans:  # type: ignore[attr-defined]
        mine = [r for r in rows if r["plan"] == bundle.key]
        reported = [found[1].executed.won for p in bundle.projects if (found := bundle.latest(p.id)) and found[1].executed]
        assert _executed(mine) == sum(w or 0 for w in reported), bundle.key
        overview = str(files[f"{bundle.key}/index.md"]).partition('class="data-table progress-spending')[2]
        shown = re.search(r'<th scope="row">계획 전체</th><td class="num"[^>]*>[\d,.]+</td><td class="num"[^>]*>([\d,.]+)</td>', overview)
        assert bool(shown) == bool(reported), bundle.key  # the plan page's 예산과 집행액 table, wherever spending was reported
        if shown:
            assert _won(shown.group(1), bundle.plan.money_unit) == _executed(mine), bundle.key


def test_project_rows_carry_how_each_project_stands_in_the_newest_report() -> None:
    portal = check(DEMO_DATA).portal
    assert portal is not None
    rows = {(r["year"], r["project_id"]): r for b in portal.plans for r in project_rows(b)}
    park = rows[(2024, "park")]
    assert (park["status"], park["status_as_of"], park["progress_pct"], park["executed_won"], park["execution_rate_pct"]) == (
        "완료", "2024-12-31", 100, 32_500_000, 108.3)
    assert park["executed_by_source"] == "도비 9,000,000원; 시비 23,500,000원" and "가뭄" in park["over_budget_reason"]
    meal = rows[(2024, "meal")]  # cancelled in the second quarter and named in no later report
    assert (meal["status"], meal["status_as_of"], meal["executed_won"], meal["execution_rate_pct"]) == ("취소", "2024-06-30", 0, 0)
    assert "도 사업" in meal["delay_reason"]
    school = rows[(2024, "budget-school")]  # 비예산: no spending, no rate
    assert (school["status"], school["executed_won"], school["execution_rate_pct"]) == ("완료", "", "")
    assert rows[(2025, "smart-bus")]["status"] == "보류" and rows[(2025, "sidewalk-2")]["status_as_of"] == "2025-06-30"
    fixture = check(FIXTURE).portal
    assert fixture is not None
    for row in project_rows(dataclasses.replace(fixture.plans[0], reports=[])):  # no progress report: every progress cell is empty
        assert [row[c] for c in ("status", "status_as_of", "progress_pct", "executed_won", "execution_rate_pct", "progress_summary")] == [""] * 6


def test_percentages_are_numbers_in_json_and_xlsx(built: tuple[object, dict[str, str | bytes]]) -> None:
    _, files = built
    dictionary = {d["column"]: d["type"] for d in json.loads(files["downloads/columns.json"])}
    assert (dictionary["progress_pct"], dictionary["execution_rate_pct"], dictionary["executed_won"], dictionary["status"]) == ("number", "number", "integer", "string")
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx([_row(execution_rate_pct=108.3, progress_pct=45, executed_won=5, status="완료")])))["사업"]
    cells = {NAMES[h.value]: c for h, c in zip(sheet[1], sheet[2], strict=True)}
    assert (cells["execution_rate_pct"].value, cells["progress_pct"].value, cells["executed_won"].value) == (108.3, 45, 5)
    assert cells["execution_rate_pct"].data_type == "n" and cells["status"].data_type == "s"


KPI_NAMES = {heading: name for name, heading in KPI_HEADINGS.items()}


def test_each_plan_publishes_its_kpi_targets_and_results(built: tuple[object, dict[str, str | bytes]]) -> None:
    portal, files = built
    for bundle in portal.plans:  # type: ignore[attr-defined]
        base = f"downloads/{bundle.org.id}-{bundle.plan.year}-kpis"
        plain, excel, as_json = files[f"{base}.csv"], files[f"{base}-excel.csv"], json.loads(files[f"{base}.json"])
        assert isinstance(plain, bytes) and isinstance(excel, bytes) and excel == b"\xef\xbb\xbf" + plain
        rows = [{KPI_NAMES[k]: v for k, v in r.items()} for r in csv.DictReader(io.StringIO(plain.decode("utf-8")))]
        assert [list(r) for r in as_json[:1]] in ([], [[c for c, _ in KPI_COLUMNS]])
        assert len(rows) == len(as_json) == sum(len({t.year for t in k.targets} | ({bundle.plan.year} if any(
            r.indicator == k.indicator for _, e in bundle.progress.get(p.id, []) for r in e.kpi_results) else set())) for p in bundle.projects for k in p.kpis)
    assert json.loads(files["downloads/kpi-columns.json"])[0] == {"column": "plan", "heading": "계획 식별자", "description": KPI_COLUMNS[0][1], "type": "string"}
    assert files["downloads/kpi-columns.csv"].decode("utf-8-sig").splitlines()[0] == "column,열 이름,설명"  # type: ignore[union-attr]


def test_kpi_rows_give_the_target_and_the_newest_result_of_the_plan_year() -> None:
    portal = check(DEMO_DATA).portal
    assert portal is not None
    files = generate(portal)
    rows = json.loads(files["downloads/demo-city-2024-kpis.json"])
    satisfaction = [r for r in rows if r["project_id"] == "elder-care" and r["indicator"] == "이용자 만족도"]
    assert [(r["year"], r["target"], r["result"], r["as_of"]) for r in satisfaction] == [(2024, "85점", "87점", "2024-12-31"), (2025, "88점", "", "")]
    assert satisfaction[0]["result_note"] == "12월 설문 (응답 240명)" and satisfaction[0]["unit"] == "점"
    later = json.loads(files["downloads/demo-city-2025-kpis.json"])
    lights = next(r for r in later if r["project_id"] == "lights" and r["year"] == 2025)
    assert (lights["result"], lights["as_of"]) == ("300개(누계)", "2025-06-30")  # the newest report that gives the indicator


def test_the_plan_json_is_versioned_and_valid_against_its_published_schema(built: tuple[object, dict[str, str | bytes]]) -> None:
    portal, files = built
    schema_text = files[f"downloads/{SCHEMA_FILE}"]
    assert schema_text == document_schema_text() == (ROOT / "schema" / SCHEMA_FILE).read_text(encoding="utf-8")  # published = committed = current
    schema = json.loads(schema_text)
    site_url = portal.site.site_url  # type: ignore[attr-defined]
    for bundle in portal.plans:  # type: ignore[attr-defined]
        doc = json.loads(files[f"downloads/{bundle.org.id}-{bundle.plan.year}.json"])
        assert list(doc)[:2] == ["$schema", "format_version"] and doc["format_version"] == FORMAT_VERSION
        assert doc["$schema"] == (page_address(site_url, f"downloads/{SCHEMA_FILE}") if site_url else SCHEMA_FILE)
        assert set(schema["required"]) <= set(doc) <= set(schema["properties"])
        published = PlanDocument.model_validate(doc)  # the models the schema is generated from take the document whole
        assert [p.id for p in published.projects] == [p.id for p in bundle.projects] and len(published.progress) == len(bundle.reports)
        assert plan_json(bundle, site_url) == _plan_json_python(bundle, site_url)  # the fast path writes what json.dumps writes


def test_urls_are_absolute_when_the_public_address_is_known(built: tuple[object, dict[str, str | bytes]]) -> None:
    portal, _ = built
    bundle = portal.plans[0]  # type: ignore[attr-defined]
    relative = project_rows(bundle)[0]["url"]
    assert not relative.startswith("http")
    assert project_rows(bundle, "https://plans.example.go.kr/")[0]["url"] == "https://plans.example.go.kr/" + relative
    assert page_address("https://plans.example.go.kr", "a/") == "https://plans.example.go.kr/a/"
