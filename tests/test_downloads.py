"""Open-data downloads: formats, formula neutralisation, text codes in XLSX, and totals equal to the pages'."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from site_builder.model.columns import HEADINGS
from site_builder.model.money import UNIT_FACTORS
from site_builder.outputs.downloads import COLUMNS, neutralise, page_address, project_rows, to_csv, to_xlsx
from site_builder.pipeline.run import check, generate

FIXTURE = Path(__file__).parent / "fixtures" / "data"
DATA = Path(__file__).parent.parent / "data"
SOURCES = [FIXTURE] + ([DATA] if (DATA / "site.yaml").exists() else [])


def _row(**values: object) -> dict[str, object]:
    row: dict[str, object] = {c: "" for c, _ in COLUMNS}
    row.update(values)
    return row


@pytest.fixture(scope="module", params=SOURCES, ids=lambda p: p.parent.name)
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
        shown = re.search(r'예산 합계\(계산\)</span> <span class="summary-value">([\d,.]+)' + unit, overview)
        assert shown, bundle.key
        assert _won(shown.group(1), unit) == by_plan[bundle.key], bundle.key
        budget = str(files[f"{bundle.key}/budget.md"])
        table = budget.split("부서별 예산 (단위")[1].split("</tbody>")[0] if bundle.plan.units else ""
        for name, amount in re.findall(r'<tr><th scope="row">([^<]+)</th><td class="num">([\d,.]+)</td>', table):
            if name != "부서 미지정":
                assert _won(amount, unit) == by_unit[(bundle.key, name)], (bundle.key, name)
        plan_csv = _csv_rows(files[f"downloads/{bundle.org.id}-{bundle.plan.year}-projects.csv"])  # type: ignore[arg-type]
        assert sum(int(r["budget_won"]) for r in plan_csv) == by_plan[bundle.key]


def test_urls_are_absolute_when_the_public_address_is_known(built: tuple[object, dict[str, str | bytes]]) -> None:
    portal, _ = built
    bundle = portal.plans[0]  # type: ignore[attr-defined]
    relative = project_rows(bundle)[0]["url"]
    assert not relative.startswith("http")
    assert project_rows(bundle, "https://plans.example.go.kr/")[0]["url"] == "https://plans.example.go.kr/" + relative
    assert page_address("https://plans.example.go.kr", "a/") == "https://plans.example.go.kr/a/"
