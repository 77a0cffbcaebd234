"""Open-data downloads: per plan and portal-wide JSON and CSV of projects with exact totals."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from typing import Any

import pydantic_core
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.writer.excel import ExcelWriter
from pydantic_core import PydanticSerializationError

from .findings import is_non_budget, project_total, stated_budget
from .helpers import bundle_node, project_period
from .validation import PlanBundle, Portal

COLUMNS: list[tuple[str, str]] = [
    ("plan", "계획 식별자 (`<기관>/<연도>`)"),
    ("organisation", "기관 이름"),
    ("year", "계획 연도"),
    ("project_id", "사업 식별자 (주소에 쓰임)"),
    ("number", "원문의 사업 번호"),
    ("title", "사업명 (원문 그대로)"),
    ("unit", "담당 부서"),
    ("strategy_id", "연결된 전략 노드 식별자"),
    ("strategy", "연결된 전략 노드 이름"),
    ("period", "사업기간 (원문 그대로)"),
    ("budget_won", "예산(원, 정수). 예산 내역이 있으면 그 합계, 없으면 원문 소요예산. 비예산은 0"),
    ("stated_budget_won", "원문 소요예산(원, 정수). 밝히지 않았으면 빈 칸"),
    ("non_budget", "비예산 사업이면 `예`"),
    ("url", "사업 쪽 주소 (사이트 기준 상대 경로)"),
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = {"year", "budget_won", "stated_budget_won"}  # every other column is text, codes included (`001` stays `001`)
FIXED_TIME = datetime.datetime(2024, 1, 1)  # workbook properties and zip entries: same data → same bytes


def neutralise(value: Any) -> Any:
    """Prefix text cells that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def project_rows(bundle: PlanBundle) -> list[dict[str, Any]]:
    """One flat row per project of a plan."""
    units = {u.id: u.name for u in bundle.plan.units}
    rows = []
    for p in bundle.projects:
        node = bundle_node(bundle, p.strategy)
        rows.append({
            "plan": bundle.key, "organisation": bundle.org.name, "year": bundle.plan.year,
            "project_id": p.id, "number": p.number or "", "title": p.title, "unit": units.get(p.unit or "", ""),
            "strategy_id": p.strategy or "", "strategy": node.title if node else "", "period": project_period(p) or "",
            "budget_won": project_total(p) or 0, "stated_budget_won": stated_budget(p) if stated_budget(p) is not None else "",
            "non_budget": "예" if is_non_budget(p) else "", "url": f"{bundle.key}/projects/{p.id}/",
        })
    return rows


def to_csv(rows: list[dict[str, Any]], bom: bool = False) -> bytes:
    """CSV bytes (UTF-8; with BOM for Excel), formula-like cells neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[c for c, _ in COLUMNS], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: neutralise(v) for k, v in row.items()})
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def plan_json(bundle: PlanBundle) -> bytes:
    """The plan, its organisation and every project as JSON (money kept as original text)."""
    try:  # pydantic writes each model's JSON in Rust: the same text as json.dumps(model_dump(mode="json"), indent=1)
        org = bundle.org.model_dump_json(by_alias=True, exclude={"schema_ref"}, indent=1)
        plan = bundle.plan.model_dump_json(by_alias=True, exclude={"schema_ref"}, indent=1)
        projects = [p.model_dump_json(by_alias=True, exclude={"schema_ref", "contacts"}, indent=1) for p in bundle.projects]
    except PydanticSerializationError:  # text json.dumps would still write (and encoding then refuses, as before)
        return _plan_json_python(bundle)
    # Nesting a JSON text one level deeper only indents its lines: a JSON string never holds a raw line break.
    listed = "[\n  " + ",\n  ".join(p.replace("\n", "\n  ") for p in projects) + "\n ]" if projects else "[]"
    text = f'{{\n "organisation": {org.replace(chr(10), chr(10) + " ")},\n "plan": {plan.replace(chr(10), chr(10) + " ")},\n "projects": {listed}\n}}'
    return (text + "\n").encode("utf-8")


def _plan_json_python(bundle: PlanBundle) -> bytes:
    """`plan_json` through the standard library (the reference the fast path matches)."""
    doc = {
        "organisation": bundle.org.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}),
        "plan": bundle.plan.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}),
        "projects": [p.model_dump(mode="json", by_alias=True, exclude={"schema_ref", "contacts"}) for p in bundle.projects],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _sheet_value(column: str, value: Any) -> Any:
    """A cell value: numbers only in numeric columns, everything else text."""
    if column in NUMERIC and isinstance(value, int):
        return value
    return "" if value is None else str(value)


def _fill(wb: Any, title: str, header: list[str], rows: list[list[Any]], numeric: set[int]) -> None:
    """Add a sheet with a header and rows; text cells are typed as strings (never formulas) with the text format `@`."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    ws.append(header)
    for row in rows:
        ws.append([value if c in numeric else _text_cell(ws, value) for c, value in enumerate(row)])


def _text_cell(ws: Any, value: Any) -> WriteOnlyCell:
    """A text cell: a value starting with `=` stays text (no formula injection), codes like `001` keep their zeros."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.number_format = "@"
    return cell


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times, so the XLSX is byte-identical between builds."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook written by openpyxl (write-only mode: rows are streamed): the projects sheet and the data dictionary sheet."""
    wb = Workbook(write_only=True)
    names = [c for c, _ in COLUMNS]
    _fill(wb, "사업", names, [[_sheet_value(c, row.get(c)) for c in names] for row in rows], {i for i, c in enumerate(names) if c in NUMERIC})
    _fill(wb, "열 설명", ["column", "설명"], [list(c) for c in COLUMNS], set())
    wb.properties.creator = "site-builder"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _stable_zip(buffer.getvalue())


def dictionary_json() -> bytes:
    """The data dictionary as JSON: column name, meaning and type."""
    doc = [{"column": c, "description": d, "type": "integer" if c in NUMERIC else "string"} for c, d in COLUMNS]
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def rows_json(rows: list[dict[str, Any]]) -> bytes:
    """The flat project rows as JSON (the same columns as the CSV, money in 원)."""
    return pydantic_core.to_json(rows, indent=1) + b"\n"  # the text of json.dumps(ensure_ascii=False, indent=1), written in Rust


def dictionary_csv() -> bytes:
    """The data dictionary: every column of the project tables with its meaning."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["column", "설명"])
    writer.writerows(COLUMNS)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def download_files(portal: Portal) -> dict[str, str | bytes]:
    """Every download file, keyed by its path in the docs tree."""
    files: dict[str, str | bytes] = {"downloads/columns.csv": dictionary_csv(), "downloads/columns.json": dictionary_json()}
    all_rows: list[dict[str, Any]] = []
    for bundle in portal.plans:
        rows = project_rows(bundle)
        all_rows += rows
        base = f"downloads/{bundle.org.id}-{bundle.plan.year}"
        files[f"{base}-projects.csv"] = to_csv(rows)
        files[f"{base}-projects-excel.csv"] = to_csv(rows, bom=True)
        files[f"{base}-projects.xlsx"] = to_xlsx(rows)
        files[f"{base}-projects.json"] = rows_json(rows)
        files[f"{base}.json"] = plan_json(bundle)
    files["downloads/all-projects.csv"] = to_csv(all_rows)
    files["downloads/all-projects-excel.csv"] = to_csv(all_rows, bom=True)
    files["downloads/all-projects.xlsx"] = to_xlsx(all_rows)
    files["downloads/all-projects.json"] = rows_json(all_rows)
    return files
