"""Stage 4: the document's outline — cover, contents, chapters, units with project blocks, goals with tasks, numbered items."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .lines import CHAPTER, GOAL, ITEM, TASK, UNIT, Line, squeeze

# Chapter title words that mark a list of projects, with the group id they get (ids never come from free titles).
GROUP_WORDS: tuple[tuple[str, str], ...] = (
    ("현안", "current"), ("신규", "new"), ("역점", "focus"), ("중점", "focus"), ("특수시책", "special"),
    ("주요사업", "main"), ("추진과제", "tasks"), ("실천사업", "actions"), ("세부사업", "actions"),
)


@dataclass
class Part:
    """A stretch of the document: its heading line, own lines and sub-parts."""

    kind: str
    head: Line | None
    lines: list[Line] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)

    def all_lines(self) -> list[Line]:
        """Heading, own lines and every sub-part's lines, in document order."""
        out = ([self.head] if self.head else []) + self.lines + [ln for p in self.parts for ln in p.all_lines()]
        return sorted(out, key=lambda ln: ln.no)


def split_at(lines: list[Line], is_head: Callable[[int], bool], kind: str) -> tuple[list[Line], list[Part]]:
    """Lines before the first heading, and one Part per heading (by index predicate)."""
    prefix: list[Line] = []
    parts: list[Part] = []
    for i, line in enumerate(lines):
        if is_head(i):
            parts.append(Part(kind, line))
        elif parts:
            parts[-1].lines.append(line)
        else:
            prefix.append(line)
    return prefix, parts


def front_matter(lines: list[Line]) -> tuple[list[Line], list[Line], list[Line]]:
    """(cover, table of contents, body): the contents run from `목 차` to the first double blank line."""
    at = next((i for i, ln in enumerate(lines) if ln.kind == "toc"), None)
    if at is None:
        return [], [], lines
    end = at + 1
    while end < len(lines) and not (lines[end].kind == "blank" and end + 1 < len(lines) and lines[end + 1].kind == "blank"):
        end += 1
    return lines[:at], lines[at:end], lines[end:]


def chapters(body: list[Line]) -> tuple[list[Line], list[Part]]:
    """Roman-numeral chapters (I. Ⅱ. …)."""
    return split_at(body, lambda i: body[i].kind == "chapter", "chapter")


def group_id(title: str) -> str | None:
    """The project-group id of a chapter title, or None for an ordinary chapter."""
    word = squeeze(title)
    return next((gid for key, gid in GROUP_WORDS if key in word), None)


def chapter_title(line: Line) -> tuple[str, str]:
    """(numeral, title) of a chapter heading."""
    m = CHAPTER.match(line.stripped)
    return (m.group("num"), m.group("title").strip()) if m else ("", line.stripped)


def units(lines: list[Line]) -> tuple[list[Line], list[Part]]:
    """Organisational-unit chapters such as `1 경영기획팀`."""
    return split_at(lines, lambda i: lines[i].kind == "unit", "unit")


def goals(lines: list[Line]) -> tuple[list[Line], list[Part]]:
    """`전략 목표 n` parts, each split into `이행과제 n-m` parts."""
    prefix, found = split_at(lines, lambda i: lines[i].kind == "goal", "goal")
    for part in found:
        own, tasks = split_at(part.lines, lambda i, p=part: p.lines[i].kind == "task", "task")  # type: ignore[misc]
        part.lines, part.parts = own, tasks
    if not found:
        prefix, found = split_at(lines, lambda i: lines[i].kind == "task", "task")
    return prefix, found


def items(lines: list[Line]) -> tuple[list[Line], list[Part]]:
    """Numbered items `1. 제목` (projects in a project chapter, sub-blocks elsewhere)."""
    return split_at(lines, lambda i: lines[i].kind == "item", "item")


def block_starts(lines: list[Line]) -> list[int]:
    """Where each project block of a unit starts: its `담당자` row, or the number and title lines above it."""
    starts = []
    for i, line in enumerate(lines):
        if line.kind == "row" and squeeze(line.cells[0]) == "담당자":
            starts.append(_heading_above(lines, i))
    return starts


def _heading_above(lines: list[Line], i: int) -> int:
    """Index of the `n` + title lines just above a contact row, if present (else the row itself)."""
    above = [j for j in range(i - 1, max(i - 6, -1), -1) if lines[j].kind != "blank"][:2]
    if len(above) == 2 and lines[above[1]].kind == "number" and lines[above[0]].kind in ("text", "item"):
        return above[1]
    return i


def blocks(unit_lines: list[Line]) -> tuple[list[Line], list[Part]]:
    """A unit's intro lines and its project blocks."""
    starts = set(block_starts(unit_lines))
    return split_at(unit_lines, lambda i: i in starts, "block")


def block_heading(part: Part) -> tuple[str | None, str | None, Line | None]:
    """(number, title, title line) printed above a project block's contact row."""
    if part.head is None or part.head.kind != "number":
        return None, None, None
    title = next((ln for ln in part.lines if ln.kind != "blank"), None)
    return part.head.stripped, title.stripped if title else None, title


def numbered(text: str) -> tuple[str, str]:
    """(number, title) of `1. 제목` / `이행과제 1-2 제목` / `전략 목표 3 제목`."""
    for pattern in (TASK, GOAL, ITEM, UNIT):
        m = pattern.match(text.strip())
        if m:
            return m.group("num"), re.sub(r"\*\*", "", m.group("title")).strip()
    return "", text.strip()
