"""Open-data downloads: per plan and portal-wide JSON and CSV of projects with exact totals."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydantic_core
import xlsxwriter
from pydantic_core import PydanticSerializationError

from ..model.columns import COLUMNS, DECIMAL, HEADINGS, KPI_COLUMNS, KPI_HEADINGS, NUMERIC, column_type
from ..model.portal import PlanBundle, Portal, bundle_node, is_non_budget, project_period, project_total, stated_budget
from ..model.published import FORMAT_VERSION, SCHEMA_FILE, document_schema_text
from ..plan.pages import project_url
from ..plan.portal_pages import splits
from .memo import PlanMemo
from .progress_rows import kpi_rows, progress_values

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FIXED_TIME = datetime.datetime(2024, 1, 1)  # workbook properties and zip entries: same data → same bytes


def neutralise(value: Any) -> Any:
    """Prefix text cells that a spreadsheet would run as a formula with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def page_address(site_url: str | None, path: str) -> str:
    """A page's address in the downloads: absolute under the public address when there is one, else relative to the site root."""
    return site_url.rstrip("/") + "/" + path if site_url else path


def project_rows(bundle: PlanBundle, site_url: str | None = None) -> list[dict[str, Any]]:
    """One flat row per project of a plan (`url` absolute when the site's public address is known)."""
    units = {u.id: u.name for u in bundle.plan.units}
    rows = []
    for p in bundle.projects:
        node = bundle_node(bundle, p.strategy)
        rows.append({
            "plan": bundle.key, "organisation": bundle.org.name, "year": bundle.plan.year,
            "project_id": p.id, "number": p.number or "", "title": p.title, "unit": units.get(p.unit or "", ""),
            "strategy_id": p.strategy or "", "strategy": node.title if node else "", "period": project_period(p) or "",
            "budget_won": project_total(p) or 0, "stated_budget_won": stated_budget(p) if stated_budget(p) is not None else "",
            "non_budget": "예" if is_non_budget(p) else "", **progress_values(bundle, p),
            "url": page_address(site_url, project_url(bundle.key, p.id)),
        })
    return rows


def to_csv(rows: list[dict[str, Any]], bom: bool = False, columns: list[tuple[str, str]] = COLUMNS, headings: dict[str, str] = HEADINGS) -> bytes:
    """CSV bytes (UTF-8; with BOM for Excel) under Korean headings, formula-like cells neutralised (project rows unless told)."""
    return (("\ufeff" if bom else "") + csv_text(rows, columns, headings)).encode("utf-8")


def csv_text(rows: list[dict[str, Any]], columns: list[tuple[str, str]] = COLUMNS, headings: dict[str, str] = HEADINGS) -> str:
    """The text of `to_csv`, written from lists: csv.DictWriter's per-row dict work was most of its time."""
    names = [c for c, _ in columns]
    allowed = set(names)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(_cells(headings, names, allowed))
    writer.writerows([[neutralise(v) for v in _cells(row, names, allowed)] for row in rows])
    return buffer.getvalue()


def _cells(row: dict[str, Any], names: list[str], allowed: set[str]) -> list[Any]:
    """A row's values in column order, '' where it has none; a key that is no column fails, as csv.DictWriter does."""
    if not row.keys() <= allowed:
        raise ValueError("dict contains fields not in fieldnames: " + ", ".join(repr(k) for k in row.keys() - allowed))
    return [row.get(name, "") for name in names]


def schema_address(site_url: str | None) -> str:
    """Where the plan document's JSON Schema is published: absolute under the public address, else beside the plan JSON."""
    return page_address(site_url, f"downloads/{SCHEMA_FILE}") if site_url else SCHEMA_FILE


def plan_json(bundle: PlanBundle, site_url: str | None = None) -> bytes:
    """The plan document: its schema and format version, the plan, its organisation, every project and progress report (money kept as original text)."""
    try:  # pydantic writes each model's JSON in Rust: the same text as json.dumps(model_dump(mode="json"), indent=1)
        org = bundle.org.model_dump_json(by_alias=True, exclude={"schema_ref"}, indent=1)
        plan = bundle.plan.model_dump_json(by_alias=True, exclude={"schema_ref"}, indent=1)
        projects = [p.model_dump_json(by_alias=True, exclude={"schema_ref", "contacts"}, indent=1) for p in bundle.projects]
        reports = [r.model_dump_json(by_alias=True, exclude={"schema_ref"}, indent=1) for r in bundle.reports]
    except PydanticSerializationError:  # text json.dumps would still write (and encoding then refuses, as before)
        return _plan_json_python(bundle, site_url)
    head = json.dumps(_head(site_url), ensure_ascii=False, indent=1)[:-2]  # `{` and its keys, without the closing line
    text = (f'{head},\n "organisation": {org.replace(chr(10), chr(10) + " ")},\n "plan": {plan.replace(chr(10), chr(10) + " ")},\n'
            f' "projects": {_nested(projects)},\n "progress": {_nested(reports)}\n}}')
    return (text + "\n").encode("utf-8")


def _head(site_url: str | None) -> dict[str, str]:
    """The first keys of the plan document: where its schema is and which version of the format it follows."""
    return {"$schema": schema_address(site_url), "format_version": FORMAT_VERSION}


def _nested(items: list[str]) -> str:
    """A JSON list of JSON texts one level deeper: only their lines are indented (a JSON string never holds a raw line break)."""
    return "[\n  " + ",\n  ".join(p.replace("\n", "\n  ") for p in items) + "\n ]" if items else "[]"


def _plan_json_python(bundle: PlanBundle, site_url: str | None = None) -> bytes:
    """`plan_json` through the standard library (the reference the fast path matches)."""
    doc = {
        **_head(site_url),
        "organisation": bundle.org.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}),
        "plan": bundle.plan.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}),
        "projects": [p.model_dump(mode="json", by_alias=True, exclude={"schema_ref", "contacts"}) for p in bundle.projects],
        "progress": [r.model_dump(mode="json", by_alias=True, exclude={"schema_ref"}) for r in bundle.reports],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n").encode("utf-8")


def _sheet_value(column: str, value: Any) -> Any:
    """A cell value: numbers only in numeric columns, everything else text."""
    if column in NUMERIC | DECIMAL and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return "" if value is None else str(value)


def _fill(wb: xlsxwriter.Workbook, title: str, header: list[str], rows: list[list[Any]], numeric: set[int]) -> None:
    """Add a sheet with a header and rows: text cells are strings in the text format `@`, numbers stay numbers."""
    ws = wb.add_worksheet(title)
    ws.freeze_panes(1, 0)
    text = wb.add_format({"num_format": "@"})
    ws.write_row(0, 0, header, text)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row):  # each cell by its own writer: write_row's type dispatch was most of the time
            if c in numeric and isinstance(value, int | float):
                ws.write_number(r, c, value)  # a number cell without the text format
            elif value == "":
                ws.write_blank(r, c, value, text)
            else:
                ws.write_string(r, c, value, text)  # strings stay strings (every string conversion is off anyway)


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook written by XlsxWriter (constant memory: rows are streamed): the projects sheet and the data dictionary sheet."""
    buffer = io.BytesIO()
    # No string is ever turned into a formula, a link or a number: `=1+1` stays text (no formula injection), `001` keeps its zeros.
    options = {"constant_memory": True, "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(buffer, options)
    wb.set_properties({"author": "site-builder", "created": FIXED_TIME})  # fixed time: same data → same bytes
    names = [c for c, _ in COLUMNS]
    _fill(wb, "사업", [HEADINGS[c] for c in names], [[_sheet_value(c, row.get(c)) for c in names] for row in rows],
          {i for i, c in enumerate(names) if c in NUMERIC | DECIMAL})
    _fill(wb, "열 설명", ["열 이름", "column", "설명"], [[HEADINGS[c], c, d] for c, d in COLUMNS], set())
    wb.close()
    return buffer.getvalue()


def dictionary_json(columns: list[tuple[str, str]] = COLUMNS, headings: dict[str, str] = HEADINGS) -> bytes:
    """The data dictionary as JSON: column name, Korean heading, meaning and type (of the project rows unless told)."""
    doc = [{"column": c, "heading": headings[c], "description": d, "type": column_type(c)} for c, d in columns]
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def rows_json(rows: list[dict[str, Any]]) -> bytes:
    """The flat project rows as JSON (the same columns as the CSV, money in 원)."""
    return pydantic_core.to_json(rows, indent=1) + b"\n"  # the text of json.dumps(ensure_ascii=False, indent=1), written in Rust


def dictionary_csv(columns: list[tuple[str, str]] = COLUMNS, headings: dict[str, str] = HEADINGS) -> bytes:
    """The data dictionary: every column of the project tables (or of `columns`) with its meaning."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["column", "열 이름", "설명"])
    writer.writerows([c, headings[c], d] for c, d in columns)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_excel_csv(rows: list[dict[str, Any]]) -> bytes:
    """CSV bytes with a BOM, so Excel reads the Korean text as UTF-8."""
    return to_csv(rows, bom=True)


@dataclass(frozen=True)
class RowFormat:
    """One download format of the project rows: the one place its file names, link texts and writer are declared."""

    ending: str  # after `downloads/<org>-<year>-projects` (a plan's rows) or `downloads/all-projects` (every plan's)
    label: str  # link text in lists and tables
    plan_label: str  # link text on a plan's page
    heading: str  # column heading of the per-plan table on the downloads page
    about: str  # what the downloads page says about the format
    download: bool  # the link downloads the file (a JSON file opens in the browser)
    write: Callable[[list[dict[str, Any]]], bytes]
    streamed: bool = True  # written row after row: kept for every plan at once at any size (XLSX: per plan only from PORTAL_TABLE_MAX_ROWS on)


# Templates (downloads page, all-projects page, each plan page) list their links from this registry; a new format is one entry.
ROW_FORMATS: tuple[RowFormat, ...] = (
    RowFormat(".csv", "CSV", "사업 목록 CSV (UTF-8)", "CSV", "**CSV (UTF-8)**: 프로그램에서 읽기 좋은 기본 형식입니다.", True, to_csv),
    RowFormat("-excel.csv", "엑셀용 CSV", "엑셀용 CSV (BOM)", "엑셀용 CSV", "**엑셀용 CSV**: 앞에 BOM을 붙여 엑셀에서 한글이 깨지지 않습니다.", True, to_excel_csv),
    RowFormat(".xlsx", "XLSX", "XLSX", "XLSX", "**XLSX**: 엑셀 통합문서입니다. 번호·식별자는 글자 칸이라 `001`이 `1`로 바뀌지 않습니다. 두 번째 시트에 열 설명이 있습니다.",
              True, to_xlsx, streamed=False),
    RowFormat(".json", "JSON", "JSON", "사업 목록 JSON", "**JSON**: 사업 목록(열은 CSV와 같음). 계획 전체 JSON은 원문 구조(전략 체계, 예산 내역 등)를 모두 담습니다.",
              False, rows_json),
)
PORTAL_ROWS = "downloads/all-projects"  # + a format's ending: every plan's rows
ROWS_JSON = "-projects.json"  # a plan's rows as JSON (assemble reads them from the shards)
KPIS = "-kpis"  # after `downloads/<org>-<year>`: a plan's KPI rows (.csv, -excel.csv, .json)
KPI_DICTIONARY = "downloads/kpi-columns"  # + .csv / .json: the KPI rows' data dictionary


def plan_base(key: str) -> str:
    """`downloads/<org>-<year>`: where a plan's downloads start (`<org>/<year>` is the plan's key)."""
    return "downloads/" + key.replace("/", "-")


def portal_formats(rows: int) -> tuple[RowFormat, ...]:
    """The formats of the portal-wide rows (`all-projects.*`) of a portal of this many projects: from PORTAL_TABLE_MAX_ROWS on, no XLSX."""
    return ROW_FORMATS if not splits(rows) else tuple(f for f in ROW_FORMATS if f.streamed)


def portal_downloads(rows: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """The portal-wide downloads of these rows (every plan's): the data dictionary and every row format."""
    return _dictionary() | _portal_rows(rows)


def _dictionary() -> dict[str, str | bytes]:
    """The data dictionary files (project rows and KPI rows) and the JSON Schema of the plan document."""
    return {"downloads/columns.csv": dictionary_csv(), "downloads/columns.json": dictionary_json(),
            KPI_DICTIONARY + ".csv": dictionary_csv(KPI_COLUMNS, KPI_HEADINGS), KPI_DICTIONARY + ".json": dictionary_json(KPI_COLUMNS, KPI_HEADINGS),
            f"downloads/{SCHEMA_FILE}": document_schema_text()}


def kpi_files(bundle: PlanBundle) -> dict[str, str | bytes]:
    """A plan's KPI rows (`downloads/<org>-<year>-kpis`): CSV, Excel CSV and JSON."""
    rows, base = kpi_rows(bundle), plan_base(bundle.key) + KPIS
    text = csv_text(rows, KPI_COLUMNS, KPI_HEADINGS)  # once: the Excel file is the same text after a BOM
    return {f"{base}.csv": text.encode("utf-8"), f"{base}-excel.csv": ("\ufeff" + text).encode("utf-8"), f"{base}.json": rows_json(rows)}


def _portal_rows(rows: list[dict[str, Any]]) -> dict[str, str | bytes]:
    """Every plan's rows in each portal-wide format (a big portal's XLSX is per plan only)."""
    return {f"{PORTAL_ROWS}{f.ending}": f.write(rows) for f in portal_formats(len(rows))}


def download_files(portal: Portal, memo: PlanMemo | None = None) -> dict[str, str | bytes]:
    """Every download file, keyed by its path in the docs tree (`memo`: unchanged plans' files from the last build)."""
    files = _dictionary()
    all_rows: list[dict[str, Any]] = []
    for bundle in portal.plans:
        made = memo.recall("downloads", bundle.key) if memo else None
        if made is None:
            made = _plan_downloads(bundle, portal.site.site_url)
            if memo:
                memo.store("downloads", bundle.key, made)
        rows, plan_files = made
        all_rows += rows
        files.update(plan_files)
    return files | (_portal_rows(all_rows) if portal.outline is None else {})  # a shard's part: assemble writes every plan's


def _plan_downloads(bundle: PlanBundle, site_url: str | None) -> tuple[list[dict[str, Any]], dict[str, str | bytes]]:
    """A plan's project rows and its own download files (rows in every format, plan JSON, KPI files)."""
    rows = project_rows(bundle, site_url)
    base = plan_base(bundle.key)
    files: dict[str, str | bytes] = {f"{base}-projects{f.ending}": f.write(rows) for f in ROW_FORMATS}
    files[f"{base}.json"] = plan_json(bundle, site_url)
    return rows, files | kpi_files(bundle)
