"""Open-data downloads: per plan and portal-wide JSON and CSV of projects with exact totals."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pydantic_core
import xlsxwriter
from pydantic_core import PydanticSerializationError

from ..model.columns import COLUMNS, NUMERIC
from ..model.portal import PlanBundle, Portal, bundle_node, is_non_budget, project_period, project_total, stated_budget

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
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


def _fill(wb: xlsxwriter.Workbook, title: str, header: list[str], rows: list[list[Any]], numeric: set[int]) -> None:
    """Add a sheet with a header and rows: text cells are strings in the text format `@`, numbers stay numbers."""
    ws = wb.add_worksheet(title)
    ws.freeze_panes(1, 0)
    text = wb.add_format({"num_format": "@"})
    ws.write_row(0, 0, header, text)
    for r, row in enumerate(rows, 1):
        ws.write_row(r, 0, row, text)  # strings stay strings: the workbook is opened with every string conversion off
        for c in numeric:
            if isinstance(row[c], int):
                ws.write_number(r, c, row[c])  # a number cell without the text format (same row: allowed in constant memory)


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook written by XlsxWriter (constant memory: rows are streamed): the projects sheet and the data dictionary sheet."""
    buffer = io.BytesIO()
    # No string is ever turned into a formula, a link or a number: `=1+1` stays text (no formula injection), `001` keeps its zeros.
    options = {"constant_memory": True, "in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    wb = xlsxwriter.Workbook(buffer, options)
    wb.set_properties({"author": "site-builder", "created": FIXED_TIME})  # fixed time: same data → same bytes
    names = [c for c, _ in COLUMNS]
    _fill(wb, "사업", names, [[_sheet_value(c, row.get(c)) for c in names] for row in rows], {i for i, c in enumerate(names) if c in NUMERIC})
    _fill(wb, "열 설명", ["column", "설명"], [list(c) for c in COLUMNS], set())
    wb.close()
    return buffer.getvalue()


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
