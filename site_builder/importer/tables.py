"""Stage 2: tab-separated rows → tables, and the table shapes this genre uses (grids, budgets, KPIs …)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .lines import Line, source, squeeze

HTML_TAG = re.compile(r"<[^>]*>")
MARK = "■"
MONTH = re.compile(r"^(\d{1,2})\s*월?$")
QUARTER = re.compile(r"^(?:([1-4])\s*/\s*4\s*분기|([1-4])\s*분기|([1-4])\s*/\s*4|([1-4])Q)$")
YEAR = re.compile(r"((?:19|20)\d{2})")


@dataclass
class RawTable:
    """Consecutive table rows with the unit note printed just above them."""

    rows: list[Line]
    unit_note: Line | None = None
    extra: list[Line] = field(default_factory=list)

    def cells(self) -> list[list[str]]:
        """Each row's cells, HTML debris removed."""
        return [clean_cells(r.text) for r in self.rows]

    def lines(self) -> list[Line]:
        """Every source line of the table."""
        return ([self.unit_note] if self.unit_note else []) + self.rows


def clean_cell(text: str) -> str:
    """A cell without HTML tags and surplus spaces."""
    return re.sub(r"\s+", " ", HTML_TAG.sub(" ", text)).strip()


def clean_cells(text: str) -> list[str]:
    """Cells of one row, trailing empty cells kept (they carry grid positions)."""
    return [clean_cell(c) for c in text.split("\t")]


def group_tables(lines: list[Line]) -> tuple[list[Line], list[RawTable]]:
    """Split lines into non-table lines and tables (consecutive rows; a unit note sticks to the next table)."""
    rest: list[Line] = []
    tables: list[RawTable] = []
    note: Line | None = None
    for line in lines:
        if line.kind == "row":
            if tables and tables[-1].rows and tables[-1].rows[-1].no == line.no - 1:
                tables[-1].rows.append(line)
            else:
                tables.append(RawTable([line], note))
                note = None
            continue
        if line.kind == "blank":
            rest.append(line)
            continue
        if note is not None:
            rest.append(note)
        note = line if line.kind == "unit_note" else None
        if note is None:
            rest.append(line)
    if note is not None:
        rest.append(note)
    return rest, tables


def generic_table(table: RawTable, title: str | None = None) -> dict[str, Any]:
    """A Table dict keeping every cell; the first row is the header."""
    cells = table.cells()
    out: dict[str, Any] = {"title": title, "unit_note": table.unit_note.stripped if table.unit_note else None,
                           "header": cells[:1], "rows": cells[1:], "source": source(table.lines())}
    return {k: v for k, v in out.items() if v not in (None, [], "")}


# ---------------------------------------------------------------- schedule grids

def period_columns(row: list[str]) -> tuple[str, list[int]] | None:
    """(unit, column indexes) when a row lists months 1–12 or quarters 1–4."""
    months = [(i, int(m.group(1))) for i, c in enumerate(row) if (m := MONTH.match(c))]
    if [n for _, n in months] == list(range(1, 13)):
        return "month", [i for i, _ in months]
    quarters = [(i, next(g for g in m.groups() if g)) for i, c in enumerate(row) if (m := QUARTER.match(c))]
    if [int(n) for _, n in quarters] == [1, 2, 3, 4]:
        return "quarter", [i for i, _ in quarters]
    return None


def grid_layout(cells: list[list[str]]) -> tuple[int, str, list[int]] | None:
    """(index of the period row, unit, period columns) of a schedule grid."""
    for i, row in enumerate(cells[:3]):
        found = period_columns(row)
        if found:
            return i, found[0], found[1]
    return None


def is_grid(table: RawTable) -> bool:
    """True for a ■ schedule grid."""
    cells = table.cells()
    layout = grid_layout(cells)
    if not layout:
        return False
    body = cells[layout[0] + 1:]
    return all(_grid_row_ok(r, layout[2]) for r in body)


def _grid_row_ok(row: list[str], cols: list[int]) -> bool:
    """A grid row carries only marks (or nothing) in its period cells and beyond."""
    return all(c in ("", MARK) for c in row[cols[0]:])


def schedule(table: RawTable, heading: str | None) -> dict[str, Any]:
    """A Schedule dict from a ■ grid."""
    cells = table.cells()
    at, unit, cols = grid_layout(cells) or (0, "month", [])
    head = [c for r in cells[:at + 1] for c in r]
    year_cell = next((c for c in head if YEAR.search(c)), None)
    label_cols = cols[0]
    out: dict[str, Any] = {"heading": heading, "unit": unit, "source": source(table.lines())}
    if year_cell:
        out["year"], out["year_label"] = int(YEAR.search(year_cell).group(1)), year_cell  # type: ignore[union-attr]
    label_header = next((c for c in cells[0][:label_cols] if c), None)
    if label_header:
        out["label_header"] = label_header
    out["rows"] = [_schedule_row(r, label_cols, cols) for r in cells[at + 1:]]
    return out


def _schedule_row(row: list[str], label_cols: int, cols: list[int]) -> dict[str, Any]:
    """One activity row: labels, marked periods, a mark beyond the last period column."""
    labels = row[:label_cols]
    out: dict[str, Any] = {}
    if label_cols >= 2 and labels[0]:
        out["group"] = " ".join(c for c in labels[:-1] if c)
    out["label"] = labels[-1] if labels else ""
    out["marks"] = [n + 1 for n, c in enumerate(cols) if c < len(row) and row[c] == MARK]
    if any(c == MARK for c in row[cols[-1] + 1:]):
        out["mark_outside"] = True
    return out


def period_of(cell: str) -> tuple[str, int] | None:
    """(unit, number) of a period header cell: `3월`, `3`, `1/4분기`, `1분기`, `1Q`."""
    m = MONTH.match(cell)
    if m and 1 <= int(m.group(1)) <= 12:
        return "month", int(m.group(1))
    q = QUARTER.match(cell)
    return ("quarter", int(next(g for g in q.groups() if g))) if q else None


def period_header(row: list[str]) -> tuple[str, list[int], list[int]] | None:
    """(unit, first column of each period, period numbers) of a header row naming ≥ 3 months or ≥ 2 quarters in order."""
    found = [(i, p) for i, c in enumerate(row) if (p := period_of(c))]
    units = {p[0] for _, p in found}
    numbers = [p[1] for _, p in found]
    if len(units) != 1 or numbers != sorted(set(numbers)) or len(numbers) < (3 if "month" in units else 2):
        return None
    return units.pop(), [i for i, _ in found], numbers


def period_spans(cols: list[int], width: int) -> list[range]:
    """The columns under each period: a merged header cell (`5월` over three columns) covers up to the next period."""
    ends = [*cols[1:], max(width, cols[-1] + 1)]
    return [range(c, e) for c, e in zip(cols, ends, strict=True)]


def any_schedule(table: RawTable, heading: str | None) -> dict[str, Any] | None:
    """A Schedule from a month or quarter table: ■ (or shaded) marks, or text written in the period cells."""
    cells = table.cells()
    at, found = next(((i, f) for i, r in enumerate(cells[:3]) if (f := period_header(r))), (0, None))
    body = cells[at + 1:]
    if found is None or not body:
        return None
    unit, cols, periods = found
    spans = period_spans(cols, len(cells[at]) if len(periods) > 1 else cols[0] + 1)
    texts = any(c not in ("", MARK) for r in body for c in r[cols[0]:spans[-1].stop])
    out: dict[str, Any] = {"heading": heading, "unit": unit, "source": source(table.lines())}
    if periods != list(range(1, 13 if unit == "month" else 5)):
        out["periods"] = periods
    label_header = next((c for c in cells[0][:cols[0]] if c), None)
    if label_header:
        out["label_header"] = label_header
    out["rows"] = _period_rows(body, cols[0], spans, periods, texts)
    return {k: v for k, v in out.items() if v is not None}


def _period_rows(body: list[list[str]], first: int, spans: list[range], periods: list[int], texts: bool) -> list[dict[str, Any]]:
    """Activity rows; a row without a label continues the labelled row above (a label merged down over sub-rows)."""
    rows: list[dict[str, Any]] = []
    for row in body:
        cell = [" ".join(row[c] for c in span if c < len(row) and row[c]) for span in spans]
        labels = row[:first]
        if not any(labels) and rows:
            _extend_row(rows[-1], cell, periods, texts)
            continue
        out: dict[str, Any] = {"label": labels[-1] if labels else ""}
        if len(labels) >= 2 and any(labels[:-1]):
            out["group"] = " ".join(c for c in labels[:-1] if c)
        out["marks"] = [p for p, c in zip(periods, cell, strict=True) if c]
        if texts:
            out["texts"] = cell
        rows.append(out)
    return rows


def _extend_row(row: dict[str, Any], cell: list[str], periods: list[int], texts: bool) -> None:
    """Add a sub-row's marks (and texts) to the activity row above."""
    row["marks"] = sorted(set(row["marks"]) | {p for p, c in zip(periods, cell, strict=True) if c})
    if texts:
        row["texts"] = [" ".join(t for t in (a, b) if t) for a, b in zip(row["texts"], cell, strict=True)]


# ---------------------------------------------------------------- budget tables

BUDGET_FIELDS = {"세목": "category", "예산항목": "category", "항목": "item", "산출내역": "basis", "산출근거": "basis",
                 "금액": "amount", "예산액": "amount", "소요예산": "amount", "예산": "amount"}


def budget_columns(header: list[str]) -> list[str | None] | None:
    """Field name for each column of a budget table header (None when not a budget table)."""
    names = [BUDGET_FIELDS.get(squeeze(c)) if c else None for c in header]
    if "amount" not in names or not ({"basis", "category"} & set(names)):
        return None
    last_named = max(i for i, n in enumerate(names) if n)
    filled: list[str | None] = []
    for i, name in enumerate(names):  # an empty header cell inside the header belongs to the named cell before it (merged)
        filled.append(name if name else (filled[-1] if filled and i < last_named else None))
    if "item" not in filled and filled.count("category") == 2:
        filled[filled.index("category") + 1] = "item"  # `예산항목` spanning two columns: 세목 and 항목
    return filled


def budget(table: RawTable) -> dict[str, Any] | None:
    """A Budget dict from a 세목/항목/산출내역/금액 table (None when the header is not a budget header)."""
    cells = table.cells()
    cols = budget_columns(cells[0])
    if not cols:
        return None
    cols = _amount_column(cells[1:], cols)
    lines: list[dict[str, Any]] = []
    for row in cells[1:]:
        lines.append(_budget_line(row, cols, bool(lines)))
    out: dict[str, Any] = {"unit_note": table.unit_note.stripped if table.unit_note else None,
                           "columns": [c for c in cells[0] if c], "lines": lines, "source": source(table.lines())}
    return {k: v for k, v in out.items() if v is not None}


def _budget_line(row: list[str], cols: list[str | None], has_previous: bool) -> dict[str, Any]:
    """One budget row; a blank amount under an earlier row means a merged amount cell."""
    values: dict[str, str] = {}
    for cell, name in zip(row, cols, strict=False):
        if name and cell:
            values[name] = f"{values[name]} {cell}" if name in values else cell
    line: dict[str, Any] = {k: values[k] for k in ("category", "item", "basis") if k in values}
    labels = {squeeze(values.get(k, "")) for k in ("category", "item", "basis")}
    if labels & {"총계", "합계", "계"}:
        line["kind"] = "total"
    elif "소계" in labels:
        line["kind"] = "subtotal"
    notes = [c for c in row[len(cols):] if c]
    _put_amount(line, values.get("amount", ""), notes, has_previous)
    if notes:
        line["note"] = " ".join(notes)
    return line


def is_amount(text: str) -> bool:
    """True when a cell is an amount and nothing else (`4,000천 원`, `비예산`)."""
    from ..model.money import MoneyError, parse_money

    try:
        money = parse_money(text)
    except MoneyError:
        return False
    return not money.note.strip("() ")


def _amount_column(rows: list[list[str]], cols: list[str | None]) -> list[str | None]:
    """When the cells under `금액` are formulas and an unnamed column to the right holds the amounts, shift the names."""
    named = cols.index("amount")
    for i in range(len(cols) - 1, named, -1):
        filled = [r[i] for r in rows if i < len(r) and r[i]]
        if cols[i] is None and filled and all(is_amount(c) for c in filled):
            return [*cols[:named], "basis", *cols[named + 1:i], "amount", *cols[i + 1:]]
    return cols


def _put_amount(line: dict[str, Any], text: str, notes: list[str], has_previous: bool) -> None:
    """Amount cell → amount, or merged flag when blank, or a note when it is not an amount."""
    if not text:
        if has_previous:
            line["merged_with_previous"] = True
        return
    if is_amount(text):
        line["amount"] = text
    else:
        notes.insert(0, text)


FUNDING = re.compile(r"(?P<source>[가-힣A-Za-z]+)\s*(?P<pct>\d+(?:\.\d+)?)\s*%")


def funding(text: str) -> list[dict[str, Any]]:
    """Funding shares written as `(도비50%, 국비 50%)` after a budget amount."""
    shares = []
    for group in re.findall(r"\(([^()]*%[^()]*)\)", text):
        for m in FUNDING.finditer(group):
            pct = m.group("pct")
            shares.append({"source": m.group("source"), "share_pct": int(pct) if pct.isdigit() else float(pct)})
    return shares


# ---------------------------------------------------------------- evaluation, KPI, contacts

def evaluation(table: RawTable) -> tuple[list[dict[str, Any]], list[int]]:
    """EvaluationRow dicts of a 구분/항목/성과기준 table, and the numbers of rows shifted left."""
    rows: list[dict[str, Any]] = []
    shifted: list[int] = []
    kind = ""
    for line, row in zip(table.rows[1:], table.cells()[1:], strict=True):
        cells = _trim(row)
        if len(cells) in (1, 2) and cells[0] and not cells[0].endswith("평가"):
            cells = ["", *cells] if len(cells) == 2 else ["", "", cells[0]]
            shifted.append(line.no)
        cells += [""] * (3 - len(cells))
        kind = cells[0] or kind
        row_out: dict[str, Any] = {"kind": kind, "item": cells[1] or None, "criterion": " ".join(c for c in cells[2:] if c)}
        rows.append({k: v for k, v in row_out.items() if v is not None})
    return rows, shifted


def _trim(row: list[str]) -> list[str]:
    """A row without its trailing empty cells."""
    out = list(row)
    while out and not out[-1]:
        out.pop()
    return out


def year_of(label: str) -> int | None:
    """The year a KPI column label means (`'20년` → 2020, `2022년` → 2022)."""
    m = re.match(r"^[’‘'`]?(\d{2}|\d{4})\s*년?", label.strip())
    if not m:
        return None
    n = int(m.group(1))
    return n if n > 1900 else 2000 + n


def kpis(table: RawTable) -> tuple[list[str], list[dict[str, Any]]] | None:
    """(header words, Kpi dicts) of a 성과지표 table with yearly columns, or None."""
    cells = table.cells()
    if len(cells) < 2 or squeeze(cells[0][0]) not in ("성과지표", "지표"):
        return None
    # The year labels sit in the header row itself or in a second header row (`목표값` above `'20년 … '24년`).
    at = next((h for h in (0, 1) if h < len(cells) and any(year_of(c) for c in cells[h][1:] if c)), None)
    if at is None or len(cells) < at + 2:
        return None
    years = [(i, y) for i, c in enumerate(cells[at]) if i and c and (y := year_of(c))]
    out = []
    for row in cells[at + 1:]:
        marker, text = _split_marker(row[0])
        targets = [{"year": y, "label": cells[at][i], "value": row[i]} for i, y in years if i < len(row) and row[i]]
        kpi: dict[str, Any] = {"indicator": text, "marker": marker, "targets": targets}
        out.append({k: v for k, v in kpi.items() if v})
    return [c for c in cells[0] if c], out


def _split_marker(text: str) -> tuple[str | None, str]:
    """A leading bullet marker such as ▶ and the rest."""
    m = re.match(r"^([▶▷►○◦ㅇ·\-])\s*(.*)$", text)
    return (m.group(1), m.group(2)) if m else (None, text)


PERSON = re.compile(r"^(?P<name>.*?)\s*(?P<phone>\d{3,4}(?:-\d{3,4}){0,2})$")


def contacts(rows: list[list[str]]) -> list[dict[str, Any]]:
    """Contact dicts from `담당자→팀 장` + `이름 내선→…` rows (names and numbers may be on two rows)."""
    header, values = rows[0], rows[1] if len(rows) > 1 else []
    phones = rows[2] if len(rows) > 2 and all(re.fullmatch(r"[\d-]*", c) for c in rows[2]) else []
    out = []
    for i, role in enumerate(header):
        if not role:
            continue
        cell = values[i] if i < len(values) else ""
        m = PERSON.match(cell)
        name, phone = (m.group("name"), m.group("phone")) if m else (cell, None)
        phone = phones[i] if i < len(phones) and phones[i] else phone
        person: dict[str, Any] = {"role": role, "position": squeeze(role) if squeeze(role) != "담당자" else None,
                                  "phone": phone, "name": name or None}
        out.append({k: v for k, v in person.items() if v})
    return out
