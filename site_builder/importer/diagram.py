"""The vision/strategy diagram table many plans print (비전 → 4대 추진전략 → 12대 추진과제), read as a strategy tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lines import Line
from .markers import Marker, marker_of
from .tables import RawTable, group_tables

CELL_BREAK = re.compile(r"<br\s*/?>")


@dataclass
class Group:
    """One strategy of the diagram: its number, short name, title, row and numbered tasks."""

    code: str
    title: str
    short: str | None
    line: Line
    tasks: list[tuple[Marker, Line]] = field(default_factory=list)


def _pieces(cell: str) -> list[str]:
    """The paragraphs of one cell."""
    return [p.strip() for p in CELL_BREAK.split(cell) if p.strip()]


def _tasks(row: list[str]) -> list[Marker]:
    """Numbered (not bulleted) items written inside the cells of a row."""
    found = [marker_of(p) for cell in row for p in _pieces(cell)]
    return [m for m in found if m and not m.is_bullet and m.kind != "chapter" and m.title]


def _group(row: list[str], line: Line, count: int) -> Group | None:
    """A strategy row: a number cell (`1<br>참여소통`) and a title cell, without numbered tasks."""
    texts = [p for cell in row for p in _pieces(cell)]
    if not texts or len(texts) > 4:
        return None
    number = next((t for t in texts if t.isdigit()), None)
    words = [t for t in texts if not t.isdigit()]
    if not words:
        return None
    title = max(words, key=len)
    short = next((w for w in words if w != title and len(w) <= 10), None)
    return Group(number or str(count + 1), title, short, line)


def read_table(table: RawTable) -> list[Group]:
    """Strategies with their tasks, when the table is such a diagram (≥ 2 strategies, ≥ 4 tasks); else []."""
    groups: list[Group] = []
    for line in table.rows:
        row = line.text.split("\t")  # raw cells: the `<br>` between a cell's paragraphs separates its tasks
        tasks = _tasks(row)
        if tasks and groups:
            groups[-1].tasks += [(t, line) for t in tasks]
        elif not tasks and (g := _group(row, line, len(groups))):
            groups.append(g)
    groups = [g for g in groups if g.tasks]
    return groups if len(groups) >= 2 and sum(len(g.tasks) for g in groups) >= 4 else []


def find(lines: list[Line]) -> list[Group]:
    """The first diagram table of a document ([] when it prints none)."""
    _, tables = group_tables(lines)
    return next((groups for t in tables if (groups := read_table(t))), [])
