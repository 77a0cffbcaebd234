"""Cascade tables (`3대 경영목표 | 3대 전략방향 | 9대 전략과제`, one column per level, cells merged down) as a strategy tree."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .lines import Line, source, squeeze
from .link import CLOSE
from .tables import RawTable, group_tables

LEVEL_HEAD = re.compile(r"^(?P<n>\d{1,3})\s*대\s*(?P<word>[가-힣]{2,8})$")
ITEM_MARK = re.compile(r"[▪▸•]")  # not `·`: titles use it between words (지역별·대상별)


@dataclass
class Node:
    """One node read from a cascade column."""

    title: str
    line: Line
    children: list[Node] = field(default_factory=list)


def _levels(row: list[str]) -> list[tuple[int, str]] | None:
    """(declared count, level word) per column when every non-empty header cell is `N대 <word>` (≥ 2 columns)."""
    found = [LEVEL_HEAD.match(squeeze(c)) for c in row if c]
    if len(found) < 2 or not all(found):
        return None
    return [(int(m.group("n")), m.group("word")) for m in found if m]


def _items(cell: str) -> list[str]:
    """The titles written in one cell (several when split by ▪)."""
    return [t.strip() for t in ITEM_MARK.split(cell) if t.strip()]


def read_cascade(table: RawTable) -> tuple[list[tuple[int, str]], list[Node]] | None:
    """Levels and the tree of one cascade table, or None when the table is not one."""
    cells = table.cells()
    levels = _levels(cells[0]) if cells else None
    if not levels:
        return None
    roots: list[Node] = []
    current: list[Node | None] = [None] * len(levels)
    for line, row in zip(table.rows[1:], cells[1:], strict=True):
        for k, cell in enumerate(row[:len(levels)]):
            for title in _items(cell):
                node = Node(title, line)
                parent = current[k - 1] if k else None
                (parent.children if parent else roots).append(node)
                current[k] = node
                current[k + 1:] = [None] * (len(levels) - k - 1)
    return (levels, roots) if roots else None


def _same(a: str, b: str) -> bool:
    """Two printings of one title (spacing ignored; a slip such as 촘촘한/촉촉한 allowed)."""
    a, b = squeeze(a), squeeze(b)
    return a == b or SequenceMatcher(None, a, b).ratio() >= CLOSE


def _graft(levels: list[tuple[int, str]], roots: list[Node], more: tuple[list[tuple[int, str]], list[Node]]) -> None:
    """Hang a later table's columns under the same-named level of the tree (`9대 전략과제 | 18대 실행과제`)."""
    words = [w for _, w in levels]
    extra_levels, extra = more
    if extra_levels[0][1] not in words:
        return
    depth = words.index(extra_levels[0][1])
    at_depth = _at_depth(roots, depth)
    for node in extra:
        match = next((n for n in at_depth if _same(n.title, node.title)), None)
        if match is not None and not match.children:
            match.children = node.children
    levels += [lv for lv in extra_levels[1:] if lv[1] not in words]


def _at_depth(roots: list[Node], depth: int) -> list[Node]:
    """The nodes at one depth of the tree."""
    level = roots
    for _ in range(depth):
        level = [c for n in level for c in n.children]
    return level


def find_cascade(lines: list[Line]) -> tuple[list[tuple[int, str]], list[Node]] | None:
    """The document's strategy cascade from its cascade tables (the first one, extended by later ones)."""
    _, tables = group_tables(lines)
    found = [c for t in tables if (c := read_cascade(t))]
    if not found:
        return None
    levels, roots = found[0]
    for more in found[1:]:
        _graft(levels, roots, more)
    return levels, roots


def as_strategy(roots: list[Node], prefix: str = "") -> list[dict[str, Any]]:
    """Strategy node dicts (ids by position: s1, s1-2, s1-2-1 …)."""
    out = []
    for k, node in enumerate(roots, start=1):
        ident = f"{prefix}-{k}" if prefix else f"s{k}"
        out.append({"id": ident, "title": node.title, "source": source([node.line]), **({"children": as_strategy(node.children, ident)} if node.children else {})})
    return out


def use_cascade(plan: dict[str, Any], lines: list[Line]) -> bool:
    """Give a plan without a strategy tree of depth (none, or flat names) the document's cascade; True when done."""
    if any(n.get("children") for n in plan.get("strategy", [])):
        return False
    found = find_cascade(lines)
    if not found or len(found[0]) < 2:
        return False
    levels, roots = found
    plan["strategy"] = as_strategy(roots)
    plan["levels"] = [{"name": word, "declared_count": n} for n, word in levels]
    return True
