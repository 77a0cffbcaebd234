"""Open-data downloads: per plan and portal-wide JSON and CSV of projects with exact totals."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import re
import zipfile
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
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


def indented_json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1)`, several times faster (the standard one is pure Python with indent)."""
    out: list[str] = []
    _emit(value, "\n", out)
    return "".join(out)


_ENCODE = json.JSONEncoder(ensure_ascii=False).encode  # numbers: the same text as json.dumps
_STRING: Any = json.encoder.encode_basestring  # type: ignore[attr-defined]  # C code when available
_CONSTANTS = {True: "true", False: "false", None: "null"}


def _emit(value: Any, newline: str, out: list[str]) -> None:
    """Append one value; `newline` is the line break plus this level's indent."""
    if isinstance(value, str):
        out.append(_STRING(value))
    elif value is None or isinstance(value, bool):
        out.append(_CONSTANTS[value])
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, dict):
        _emit_dict(value, newline, out)
    elif isinstance(value, list | tuple):
        _emit_list(value, newline, out)
    else:
        out.append(_ENCODE(value))  # numbers (and the encoder's own error for anything else)


def _emit_dict(value: dict[Any, Any], newline: str, out: list[str]) -> None:
    """Append a mapping, one key per line."""
    if not value:
        out.append("{}")
        return
    inner = newline + " "
    out.append("{")
    for i, (key, item) in enumerate(value.items()):
        out.append(("," if i else "") + inner + _STRING(_json_key(key)) + ": ")
        _emit(item, inner, out)
    out.append(newline + "}")


def _emit_list(value: list[Any] | tuple[Any, ...], newline: str, out: list[str]) -> None:
    """Append an array, one item per line."""
    if not value:
        out.append("[]")
        return
    inner = newline + " "
    out.append("[")
    for i, item in enumerate(value):
        out.append(("," if i else "") + inner)
        _emit(item, inner, out)
    out.append(newline + "]")


def _json_key(key: Any) -> str:
    """A mapping key as JSON writes it (numbers, booleans and null become text)."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return _CONSTANTS[key]
    if isinstance(key, int | float):
        return _ENCODE(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


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


def _fill(ws: Any, header: list[str], rows: list[list[Any]], numeric: set[int]) -> None:
    """Write a header and rows; text cells are typed as strings (never formulas) with the text format `@`."""
    ws.append(header)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if c - 1 not in numeric:
                cell.data_type = "s"  # a text starting with `=` stays text: no formula injection
                cell.number_format = "@"
    ws.freeze_panes = "A2"


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed entry times, so the XLSX is byte-identical between builds."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def _openpyxl_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook written by openpyxl: the projects sheet and the data dictionary sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "사업"
    names = [c for c, _ in COLUMNS]
    _fill(ws, names, [[_sheet_value(c, row.get(c)) for c in names] for row in rows], {i for i, c in enumerate(names) if c in NUMERIC})
    _fill(wb.create_sheet("열 설명"), ["column", "설명"], [list(c) for c in COLUMNS], set())
    wb.properties.creator = "site-builder"
    wb.properties.created = wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _stable_zip(buffer.getvalue())


def to_xlsx(rows: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook: the projects sheet and the data dictionary sheet (openpyxl's bytes, made faster)."""
    names = [c for c, _ in COLUMNS]
    table = [[_sheet_value(c, row.get(c)) for c in names] for row in rows]
    sheet = _sheet_xml(names, table) if table else None
    if sheet is None:  # nothing to list, or a value openpyxl treats specially (it words the error, too)
        return _openpyxl_xlsx(rows)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in _xlsx_frame():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, sheet if name == _SHEET else data)
    return out.getvalue()


_SHEET = "xl/worksheets/sheet1.xml"
_FRAME: list[tuple[str, bytes]] = []
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # openpyxl refuses these in cells


@functools.cache
def _column_letter(index: int) -> str:
    """`A`…`Z`, `AA`… for a 0-based column."""
    return get_column_letter(index + 1)


def _xlsx_frame() -> list[tuple[str, bytes]]:
    """Every part of a workbook openpyxl writes (styles, theme, dictionary sheet…), which never change with the rows."""
    if not _FRAME:
        sample = [{c: (1 if c in NUMERIC else "x") for c, _ in COLUMNS}]
        with zipfile.ZipFile(io.BytesIO(_openpyxl_xlsx(sample))) as archive:
            _FRAME.extend((info.filename, archive.read(info.filename)) for info in archive.infolist())
    return _FRAME


def _sheet_xml(names: list[str], table: list[list[Any]]) -> bytes | None:
    """The projects sheet as openpyxl writes it (inline strings, text cells in the text format); None if unusual."""
    last = _column_letter(len(names) - 1)
    out = ['<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetPr><outlinePr summaryBelow="1" summaryRight="1" />'
           f'<pageSetUpPr /></sheetPr><dimension ref="A1:{last}{len(table) + 1}" /><sheetViews><sheetView workbookViewId="0">'
           '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen" /><selection pane="bottomLeft" activeCell="A1" sqref="A1" />'
           '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15" /><sheetData>']
    numeric = [c in NUMERIC for c in names]
    for r, row in enumerate([names, *table], start=1):
        out.append(f'<row r="{r}">')
        for c, value in enumerate(row):
            cell = _cell_xml(f"{_column_letter(c)}{r}", value, r > 1 and not numeric[c])
            if cell is None:
                return None
            out.append(cell)
        out.append("</row>")
    out.append('</sheetData><pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" /></worksheet>')
    return "".join(out).encode("utf-8")


def _cell_xml(ref: str, value: Any, text: bool) -> str | None:
    """One `<c>` element: a number, or an inline string (styled `@` in text columns); None for anything else."""
    style = ' s="1"' if text else ""
    if isinstance(value, int) and not isinstance(value, bool) and not text:
        return f'<c r="{ref}" t="n"><v>{value}</v></c>'
    if not isinstance(value, str) or len(value) > 32767 or _ILLEGAL.search(value) or (value.startswith("=") and not text):
        return None
    if not value:
        return f'<c r="{ref}"{style} t="inlineStr" />'
    stripped = value.strip()
    space = ' xml:space="preserve"' if stripped and stripped != value else ""
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def dictionary_json() -> bytes:
    """The data dictionary as JSON: column name, meaning and type."""
    doc = [{"column": c, "description": d, "type": "integer" if c in NUMERIC else "string"} for c, d in COLUMNS]
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def rows_json(rows: list[dict[str, Any]]) -> bytes:
    """The flat project rows as JSON (the same columns as the CSV, money in 원)."""
    return (indented_json(rows) + "\n").encode("utf-8")


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
